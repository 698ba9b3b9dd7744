#!/usr/bin/env bash
# Installs the Debian packages Headroom needs to build and test, only those missing, without
# prompting; then the end-to-end tests' npm packages from their lockfile. Safe to run repeatedly.
# Usage: scripts/install-deps.sh [build|test|bench]   (each level includes the previous)
set -euo pipefail
level="${1:-test}"

build_pkgs=(cmake ninja-build ccache g++ clang pkg-config
  libboost1.81-dev libboost-json1.81-dev libssl-dev libspdlog-dev libfmt-dev libcli11-dev
  libtomlplusplus-dev libsqlite3-dev libgtest-dev libgmock-dev libbenchmark-dev)
test_pkgs=(nodejs curl libclang-rt-14-dev chromium prometheus sqlite3 openssl ca-certificates)
bench_pkgs=(nginx-light wrk)

want=("${build_pkgs[@]}")
[[ "$level" == test || "$level" == bench ]] && want+=("${test_pkgs[@]}")
[[ "$level" == bench ]] && want+=("${bench_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # nodejs may come from another repository under the same name; any working node will do.
    if [[ "$p" == nodejs ]] && command -v node >/dev/null; then continue; fi
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's node lacks npm in the nodejs package.
fi
if [[ "$level" != build ]]; then
  # The end-to-end tests use node:test's reporters, fetch and the packages' engines: Node.js 20+.
  # Debian 12's own nodejs is 18, so an old node is a stop, not a warning.
  need_node=20
  how="get it from NodeSource: curl -fsSL https://deb.nodesource.com/setup_${need_node}.x | sudo bash - &&"
  how+=" sudo apt-get install -y nodejs (https://github.com/nodesource/distributions), or with nvm: nvm install ${need_node};"
  how+=" then make sure that node comes first on PATH"
  if ! command -v node >/dev/null; then
    echo "install-deps: node not found on PATH; the end-to-end tests need Node.js ${need_node} or newer." >&2
    echo "install-deps: $how" >&2
    exit 1
  fi
  node_version=$(node --version 2>/dev/null || true)  # "v20.11.1"
  node_major=${node_version#v}
  node_major=${node_major%%.*}
  if ! [[ "$node_major" =~ ^[0-9]+$ ]] || ((node_major < need_node)); then
    echo "install-deps: found node ${node_version:-(no version)} at $(command -v node); the end-to-end tests need Node.js ${need_node} or newer." >&2
    echo "install-deps: $how" >&2
    exit 1
  fi
  echo "node $node_version at $(command -v node) (need ${need_node}+): ok"
  if ! command -v npm >/dev/null; then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
  fi
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/e2e"
  if [[ ! -d "$dir/node_modules" || "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
    echo "installing end-to-end test packages (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
