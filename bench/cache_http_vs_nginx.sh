#!/usr/bin/env bash
# A cached document GET over HTTP vs nginx `return 200`, in one run, each server pinned to CPU 1
# with one worker thread, wrk pinned to CPU 0 (as bench/http_vs_nginx.sh). Three rates:
#   nginx return 200 | headroom cached GET, rate limits off | the same GET, rate limits on
# The last two give the overhead of limiting on a request. Each also reports the server's CPU time
# per request (perf stat task-clock), whose ratios hold up on a shared machine where req/s does not.
# Not a test: numbers depend on the machine.
# Usage: bench/cache_http_vs_nginx.sh [headroom-binary]
set -euo pipefail
bin="${1:-build/src/app/headroom}"
duration="${DURATION:-10s}"
conns="${CONNS:-64}"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

nginx_port=$(free_port)
start_nginx "$nginx_port" '{"_id":"d1","text":"hello from the cache","n":42}'

# headroom_run NAME LIMITS_ENABLED → sets RPS and CPU_US of the cached GET
headroom_run() {
  local name=$1 limits=$2 port cfg
  port=$(free_port)
  cfg="$work/$name.toml"
  cat > "$cfg" <<TOML
[server]
threads = 1
[log]
access_log = false
level = "warn"
[rate_limits]
enabled = $limits
anonymous_per_minute = 100000000
anonymous_burst = 100000000
[[apps]]
id = "bench"
key = "bench-key"
secret = "bench-secret-0123456789"
[apps.collections.pub]
read = "public"
write = "server"
TOML
  taskset -c 1 "$bin" --config "$cfg" serve --host 127.0.0.1 --port "$port" --data-dir "$work/data-$name" \
    > "$work/$name.log" 2>&1 &
  local pid=$!
  wait_up "http://127.0.0.1:$port/healthz"
  local token
  token=$("$bin" --config "$cfg" token --app bench --sub loader --server)
  curl -sf -X PUT -H "Authorization: Bearer $token" -H 'content-type: application/json' \
    -d '{"text":"hello from the cache","n":42}' "http://127.0.0.1:$port/v1/apps/bench/collections/pub/docs/d1" >/dev/null
  local url="http://127.0.0.1:$port/v1/apps/bench/collections/pub/docs/d1"
  taskset -c 0 wrk -t1 -c"$conns" -d2s "$url" >/dev/null  # warm-up (fills the cache)
  rate_cpu "$url" "$pid"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

rate_cpu "http://127.0.0.1:$nginx_port/" "$(nginx_worker)"; nginx_rps=$RPS; nginx_cpu=$CPU_US; nginx_p99=$(p99)
headroom_run off false; off_rps=$RPS; off_cpu=$CPU_US; off_p99=$(p99)
headroom_run on true; on_rps=$RPS; on_cpu=$CPU_US; on_p99=$(p99)
echo "nginx return 200             ${nginx_rps} req/s  p99 ${nginx_p99}  CPU ${nginx_cpu} µs/req"
echo "headroom cached GET, no limit ${off_rps} req/s  p99 ${off_p99}  CPU ${off_cpu} µs/req"
echo "headroom cached GET, limited  ${on_rps} req/s  p99 ${on_p99}  CPU ${on_cpu} µs/req"
python3 -c "print(f'ratio cached GET / nginx: {$off_rps/$nginx_rps:.2f}; limiting costs {100*(1-$on_rps/$off_rps):.1f} % of throughput')"
echo "by CPU per request (nginx/headroom): limits off $(cpu_ratio "$nginx_cpu" "$off_cpu"), limits on $(cpu_ratio "$nginx_cpu" "$on_cpu")"
echo "(${conns} connections, ${duration} each, one core per server)"
