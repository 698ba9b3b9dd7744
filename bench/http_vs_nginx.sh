#!/usr/bin/env bash
# Headroom vs nginx on a static route, in one run: each server pinned to CPU 1 with one worker
# thread, wrk pinned to CPU 0, same connections and duration. Prints both rates and the ratio.
# Not a test: numbers depend on the machine. Usage: bench/http_vs_nginx.sh [headroom-binary]
set -euo pipefail
bin="${1:-build/src/app/headroom}"
duration="${DURATION:-10s}"
conns="${CONNS:-64}"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

rate() { # url → requests/s
  taskset -c 0 wrk -t1 -c"$conns" -d"$duration" --latency "$1" > "$work/wrk.txt"
  awk '/Requests\/sec/ {print $2}' "$work/wrk.txt"
}
p99() { awk '$1=="99%" {print $2}' "$work/wrk.txt"; }

nginx_port=$(free_port)
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type application/json; return 200 '{"status":"ok"}'; }
  }
}
NGINX
taskset -c 1 nginx -c "$work/nginx.conf" -p "$work" &
hr_port=$(free_port)
taskset -c 1 "$bin" serve --host 127.0.0.1 --port "$hr_port" --data-dir "$work/data" \
  --set server.threads=1 --set log.access_log=false --set log.level=warn > "$work/headroom.log" 2>&1 &
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$hr_port/healthz" >/dev/null && curl -sf "http://127.0.0.1:$nginx_port/" >/dev/null && break
  sleep 0.05
done

taskset -c 0 wrk -t1 -c"$conns" -d2s "http://127.0.0.1:$hr_port/healthz" >/dev/null  # warm-up
nginx_rps=$(rate "http://127.0.0.1:$nginx_port/"); nginx_p99=$(p99)
hr_rps=$(rate "http://127.0.0.1:$hr_port/healthz"); hr_p99=$(p99)
ratio=$(python3 -c "print(f'{$hr_rps/$nginx_rps:.2f}')")
echo "nginx    ${nginx_rps} req/s  p99 ${nginx_p99}"
echo "headroom ${hr_rps} req/s  p99 ${hr_p99}"
echo "ratio headroom/nginx: ${ratio}  (${conns} connections, ${duration}, one core each)"
