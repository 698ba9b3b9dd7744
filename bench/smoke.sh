#!/usr/bin/env bash
# Runs every headroom-bench scenario once against Headroom alone, with tiny counts (seconds in
# all), on a free loopback port with a temporary data directory and app config. Prints one JSON
# object on stdout: {"headroom_bin", "bench_bin", "scenarios": {name: <bench output> | {"skipped": why}}}.
# Exits non-zero only if the tool fails (a scenario exits non-zero or prints no JSON), never on
# timing. Scenarios whose server module is not built in (probed first) are skipped, with a reason.
# Usage: bench/smoke.sh [headroom-binary] [headroom-bench-binary]   (env HEADROOM_BENCH also works)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(realpath "${1:-$root/build/src/app/headroom}")"
bench="${2:-${HEADROOM_BENCH:-$(dirname "$bin")/../../tools/bench/headroom-bench}}"
bench="$(realpath "$bench")"
for b in "$bin" "$bench"; do
  [[ -x "$b" ]] || { echo "smoke: $b is not an executable (build it first)" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/headroom-bench-smoke-XXXXXX")
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

app_id=app1 app_key=key1 app_secret=smoke-secret-0123456789
cat > "$work/headroom.toml" <<TOML
[server]
host = "127.0.0.1"
port = 0
max_concurrent_requests = 1000
admission_queue = 1000

[log]
level = "info"  # the "listening on" line tells the port
access_log = false

[data]
dir = "$work/data"

[admin]
token = "smoke-admin-token-0123456789abcdef"

[websocket]
max_connections = 5000
max_messages_per_second = 1000

[rate_limits]
enabled = false

[[apps]]
id = "$app_id"
key = "$app_key"
secret = "$app_secret"
max_presence_members = 100
max_client_events_per_sec = 1000

[apps.collections."bench"]
read = "authenticated"
write = "authenticated"
TOML

: > "$work/server.log"
"$bin" serve --config "$work/headroom.toml" > "$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 200); do
  port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$work/server.log" | head -1)
  [[ -n "$port" ]] && curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "smoke: server exited:" >&2; cat "$work/server.log" >&2; exit 1; }
  sleep 0.05
done
[[ -n "$port" ]] || { echo "smoke: server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
base="http://127.0.0.1:$port"

# Which modules answer? Channels: the WebSocket endpoint upgrades. Documents: an unauthenticated
# create is refused as such (401/403), not by a missing route.
ws_status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
  -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
  "$base/app/$app_key?protocol=7" || true)
docs_status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X POST -H 'Content-Type: application/json' \
  -d '{}' "$base/v1/apps/$app_id/collections/bench/docs" || true)
channels=no; [[ "$ws_status" == 101 ]] && channels=yes
docs=no; [[ "$docs_status" == 401 || "$docs_status" == 403 ]] && docs=yes
echo "smoke: server on port $port (pid $server_pid); channels=$channels (upgrade $ws_status), documents=$docs (create $docs_status)" >&2

common=(--host 127.0.0.1 --port "$port" --app-id "$app_id" --app-key "$app_key" --app-secret "$app_secret"
        --threads 2 --sources 4 --server-pid "$server_pid")
declare -A skipped=()
failed=0
run() { # name args...
  local name=$1; shift
  echo "smoke: $name" >&2
  local rc=0
  "$bench" "$@" > "$work/$name.json" 2> "$work/$name.err" || rc=$?
  if [[ $rc -ne 0 || ! -s "$work/$name.json" ]]; then
    echo "smoke: $name failed (exit $rc):" >&2
    cat "$work/$name.err" "$work/$name.json" >&2
    failed=1
  fi
}

if [[ $channels == yes ]]; then
  run fanout fanout "${common[@]}" --subscribers 50 --rate 20 --duration 1 --drain 2
  run idle idle "${common[@]}" --connections 200 --hold 0.5
else
  skipped[fanout]="channels module not built in (WebSocket /app/{key} answered $ws_status, not 101)"
  skipped[idle]="${skipped[fanout]}"
fi
if [[ $docs == yes ]]; then http_mode=both; else http_mode=trigger; fi
if [[ $channels == yes ]]; then
  run http http "${common[@]}" --mode "$http_mode" --duration 0.5 --connections 4
else
  skipped[http]="${skipped[fanout]}"
fi
run coldstart coldstart --server-bin "$bin" --runs 2
if [[ $channels == yes ]]; then
  run users users "${common[@]}" --start-users 50 --step-users 50 --max-users 100 --step-seconds 1 \
    --event-interval 0.5 --read-interval 0.5 --write-interval 1 --docs "$([[ $docs == yes ]] && echo true || echo false)"
else
  skipped[users]="${skipped[fanout]}"
fi

# One JSON object out, built without any tool beyond the shell.
{
  printf '{"headroom_bin":"%s","bench_bin":"%s","channels":%s,"documents":%s,"scenarios":{' \
    "$bin" "$bench" "$([[ $channels == yes ]] && echo true || echo false)" "$([[ $docs == yes ]] && echo true || echo false)"
  sep=""
  for name in fanout idle http coldstart users; do
    if [[ -n "${skipped[$name]:-}" ]]; then
      printf '%s"%s":{"skipped":"%s"}' "$sep" "$name" "${skipped[$name]}"
    elif [[ -s "$work/$name.json" ]]; then
      printf '%s"%s":' "$sep" "$name"
      tr -d '\n' < "$work/$name.json"
    else
      continue
    fi
    sep=","
  done
  printf '}}\n'
}
exit $failed
