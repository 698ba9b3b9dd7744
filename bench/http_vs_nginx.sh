#!/usr/bin/env bash
# Headroom vs nginx on a static route, in one run: each server pinned to CPU 1 with one worker
# thread, wrk pinned to CPU 0, same connections and duration. Prints both rates and the ratio.
# Also the CPU time per request of each server (perf stat task-clock, user + kernel): their ratio
# holds up on a shared machine, where req/s does not.
# Not a test: numbers depend on the machine. Usage: bench/http_vs_nginx.sh [headroom-binary]
set -euo pipefail
bin="${1:-build/src/app/headroom}"
duration="${DURATION:-10s}"
conns="${CONNS:-64}"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

nginx_port=$(free_port)
start_nginx "$nginx_port" '{"status":"ok"}'
hr_port=$(free_port)
taskset -c 1 "$bin" serve --host 127.0.0.1 --port "$hr_port" --data-dir "$work/data" \
  --set server.threads=1 --set log.access_log=false --set log.level=warn > "$work/headroom.log" 2>&1 &
hr_pid=$!
wait_up "http://127.0.0.1:$hr_port/healthz"

taskset -c 0 wrk -t1 -c"$conns" -d2s "http://127.0.0.1:$hr_port/healthz" >/dev/null  # warm-up
rate_cpu "http://127.0.0.1:$nginx_port/" "$(nginx_worker)"; nginx_rps=$RPS; nginx_cpu=$CPU_US; nginx_p99=$(p99)
rate_cpu "http://127.0.0.1:$hr_port/healthz" "$hr_pid"; hr_rps=$RPS; hr_cpu=$CPU_US; hr_p99=$(p99)
ratio=$(python3 -c "print(f'{$hr_rps/$nginx_rps:.2f}')")
echo "nginx    ${nginx_rps} req/s  p99 ${nginx_p99}  CPU ${nginx_cpu} µs/req"
echo "headroom ${hr_rps} req/s  p99 ${hr_p99}  CPU ${hr_cpu} µs/req"
echo "ratio headroom/nginx: ${ratio} req/s, $(cpu_ratio "$nginx_cpu" "$hr_cpu") by CPU per request (nginx/headroom)"
echo "(${conns} connections, ${duration}, one core each)"
