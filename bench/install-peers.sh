#!/usr/bin/env bash
# Installs the servers that bench/run-all puts beside Headroom, only those missing:
#   nats-server, redis-server, nginx-light, wrk (Debian), and Soketi 1.6.1 (npm, into bench/peers/,
#   which is gitignored). Soketi's uWebSockets.js dependency is a git URL that cannot be fetched
#   here; an npm `overrides` entry maps it to a published build for Node 20.
# Never run by `make test`. Usage: bench/install-peers.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo

missing=()
for p in nats-server redis-server nginx-light wrk; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian packages start system services; the bench runs its own instances on free ports.
  for svc in redis-server nats-server nginx; do
    $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || $SUDO service "$svc" stop >/dev/null 2>&1 || true
  done
fi

peers="$root/bench/peers"
mkdir -p "$peers"
if [[ ! -x "$peers/node_modules/.bin/soketi" ]]; then
  cat > "$peers/package.json" <<'JSON'
{
  "name": "headroom-bench-peers",
  "private": true,
  "dependencies": { "@soketi/soketi": "1.6.1" },
  "overrides": { "uWebSockets.js": "npm:@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0" }
}
JSON
  echo "installing Soketi 1.6.1 into bench/peers (npm)" >&2
  (cd "$peers" && npm install --no-audit --no-fund --loglevel=error --omit=optional >&2)
fi
echo "peers ready: $(nats-server --version 2>&1 | head -1); $(redis-server --version | cut -d' ' -f1-3); soketi $(node -e 'console.log(require(process.argv[1]).version)' "$peers/node_modules/@soketi/soketi/package.json")" >&2
