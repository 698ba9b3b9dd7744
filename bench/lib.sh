# Shared by the wrk-based scripts: free ports, wrk runs pinned to CPU 0, readiness waits, and an
# nginx `return 200` peer pinned to CPU 1. Source it after setting duration, conns and work.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

rate() { # url → requests/s (full wrk output kept in $work/wrk.txt)
  taskset -c 0 wrk -t1 -c"$conns" -d"$duration" --latency "$1" > "$work/wrk.txt"
  awk '/Requests\/sec/ {print $2}' "$work/wrk.txt"
}

# rate_cpu URL PID → sets RPS and CPU_US (CPU µs per request of PID: perf stat task-clock over the
# run, user + kernel). A ratio of CPU per request holds up when other work shares the cores, unlike
# req/s. CPU_US is "-" when perf is missing or not permitted.
rate_cpu() {
  local pp="" ms reqs
  if command -v perf >/dev/null; then
    perf stat -e task-clock -p "$2" -o "$work/perf.txt" -- sleep "$(( ${duration%s} + 1 ))" 2>/dev/null &
    pp=$!
    sleep 0.2
  fi
  RPS=$(rate "$1")
  CPU_US="-"
  if [ -n "$pp" ] && wait "$pp"; then
    ms=$(awk '/task-clock/ {gsub(",", "", $1); print $1}' "$work/perf.txt")
    reqs=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
    [ -n "$ms" ] && [ -n "$reqs" ] && CPU_US=$(python3 -c "print(f'{$ms * 1000 / $reqs:.2f}')")
  fi
}

# nginx_worker → pid of the worker started by start_nginx
nginx_worker() { pgrep -P "$(cat "$work/nginx.pid")" | head -1; }

cpu_ratio() { # A B → A/B, or "-"
  if [ "$1" = "-" ] || [ "$2" = "-" ]; then echo "-"; else python3 -c "print(f'{$1 / $2:.2f}')"; fi
}

p99() { awk '$1=="99%" {print $2}' "$work/wrk.txt"; }

wait_up() { for _ in $(seq 200); do curl -sf "$1" >/dev/null && return 0; sleep 0.05; done; echo "not up: $1" >&2; exit 1; }

# start_nginx PORT BODY: one worker, no access log, `return 200 BODY` for every path.
start_nginx() {
  cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$1;
    location / { default_type application/json; return 200 '$2'; }
  }
}
NGINX
  taskset -c 1 nginx -c "$work/nginx.conf" -p "$work" &
  wait_up "http://127.0.0.1:$1/"
  for _ in $(seq 50); do [ -s "$work/nginx.pid" ] && break; sleep 0.05; done
}
