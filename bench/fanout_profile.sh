#!/usr/bin/env bash
# Fan-out cost per delivery, robust to a loaded machine: runs `headroom-bench fanout` against one
# server (Headroom, nats-server or Soketi, pinned as bench/run-all pins them: server on CPU 1, bench on
# CPU 0) and counts, with `perf stat -p`, the server's write syscalls and CPU time from the first
# publish to the end of the run. Prints the bench's JSON figures and the per-delivery ratios.
# Usage: bench/fanout_profile.sh headroom|nats|soketi [subscribers] [rate] [duration]
#        HEADROOM_BIN / HEADROOM_BENCH override the binaries (default: build/); RECORD=file.data
#        also runs `perf record -g` over the same window.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
server=${1:?headroom, nats or soketi}
subs=${2:-10000}
rate=${3:-30}
duration=${4:-5}
bin="${HEADROOM_BIN:-$root/build/src/app/headroom}"
bench="${HEADROOM_BENCH:-$(dirname "$bin")/../../tools/bench/headroom-bench}"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
work=$(mktemp -d "${TMPDIR:-/tmp}/fanout-profile-XXXXXX")
pid=""
stop_server() { # prints how the server stopped on SIGTERM
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    local rc=0
    wait "$pid" 2>/dev/null || rc=$?
    echo "server exit status after SIGTERM: $rc" >&2
  fi
  pid=""
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_tcp() { for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; exit 1; }

port=$(free_port)
if [[ $server == headroom ]]; then
  cat > "$work/headroom.toml" <<TOML
[server]
host = "127.0.0.1"
port = $port
threads = 1
max_connections = 19500
max_concurrent_requests = 10000
admission_queue = 10000
[log]
level = "warn"
access_log = false
[data]
dir = "$work/data"
[admin]
token = "fanout-profile-admin-token-0123456789ab"
[websocket]
max_connections = 19500
max_messages_per_second = 1000
[rate_limits]
enabled = false
[[apps]]
id = "app1"
key = "key1"
secret = "fanout-profile-secret-0123456789"
TOML
  taskset -c 1 "$bin" serve --config "$work/headroom.toml" > "$work/server.log" 2>&1 &
  protocol=pusher
elif [[ $server == soketi ]]; then
  cat > "$work/soketi.json" <<JSON
{
  "host": "127.0.0.1", "port": $port,
  "cluster.hostname": "127.0.0.1", "cluster.address": "127.0.0.1", "cluster.unicast": "127.0.0.1",
  "cluster.broadcast": "127.0.0.1", "cluster.port": $(free_port),
  "metrics.enabled": false, "metrics.host": "127.0.0.1", "metrics.port": $(free_port),
  "appManager.array.apps": [{"id": "app1", "key": "key1", "secret": "fanout-profile-secret-0123456789",
    "maxConnections": -1, "maxBackendEventsPerSecond": -1, "maxClientEventsPerSecond": -1,
    "maxReadRequestsPerSecond": -1}]
}
JSON
  taskset -c 1 node "$root/bench/peers/node_modules/@soketi/soketi/bin/server.js" start --config="$work/soketi.json" \
    > "$work/server.log" 2>&1 &
  protocol=pusher
else
  printf 'listen: "127.0.0.1:%s"\nwebsocket {\n  listen: "127.0.0.1:%s"\n  no_tls: true\n}\n' "$(free_port)" "$port" \
    > "$work/nats.conf"
  taskset -c 1 nats-server -c "$work/nats.conf" > "$work/server.log" 2>&1 &
  protocol=nats
fi
pid=$!
wait_tcp "$port"
sleep 0.3

events='task-clock,context-switches,syscalls:sys_enter_sendmsg,syscalls:sys_enter_writev,syscalls:sys_enter_write,syscalls:sys_enter_sendto,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_read,syscalls:sys_enter_recvmsg,syscalls:sys_enter_recvfrom'
# perf starts when the bench announces the first publish and stops when the bench exits (after
# every delivery arrived or the drain time ran out).
taskset -c 0 "$bench" fanout --threads 1 --sources 8 --host 127.0.0.1 --port "$port" --app-id app1 --app-key key1 \
  --app-secret fanout-profile-secret-0123456789 --server-pid "$pid" --protocol "$protocol" --subscribers "$subs" \
  --rate "$rate" --duration "$duration" --connect-concurrency 500 --announce > "$work/one.json" \
  2> >(while IFS= read -r line; do
    echo "$line" >&2
    if [[ $line == *"fanout: publishing"* ]]; then
      cut -d' ' -f14,15 "/proc/$pid/stat" > "$work/cpu0"
      perf stat -x, -e "$events" -p "$pid" -o "$work/perf.csv" &
      echo $! > "$work/perf.pid"
      if [[ -n ${RECORD:-} ]]; then perf record -q -g -p "$pid" -o "$RECORD" 2>/dev/null & echo $! > "$work/record.pid"; fi
    fi
  done)
for _ in $(seq 50); do [[ -s "$work/perf.pid" ]] && break; sleep 0.1; done
kill -INT "$(cat "$work/perf.pid")"
if [[ -s "$work/record.pid" ]]; then kill -INT "$(cat "$work/record.pid")"; sleep 1; fi
for _ in $(seq 50); do grep -q task-clock "$work/perf.csv" 2>/dev/null && break; sleep 0.1; done
cut -d' ' -f14,15 "/proc/$pid/stat" > "$work/cpu1"
stop_server
node -e '
const fs = require("fs");
const r = JSON.parse(fs.readFileSync(process.argv[1])).results;
const perf = {};
for (const line of fs.readFileSync(process.argv[2], "utf8").split("\n")) {
  const f = line.split(",");
  if (f.length > 3 && f[0] !== "" && !f[0].startsWith("<")) perf[f[2].replace("syscalls:sys_enter_", "")] = Number(f[0]);
}
const d = r.deliveries, out = {server: process.argv[3], subscribers: r.subscribers_ready,
  publishes_ok: r.publishes_ok, deliveries: d, deliveries_expected: r.deliveries_expected,
  deliveries_per_s: Math.round(r.deliveries_per_s), delivery_p99_ms: r.delivery_latency.p99_ms,
  delivery_p50_ms: r.delivery_latency.p50_ms, publish_p99_ms: r.publish_latency.p99_ms,
  publishes_sent: r.publishes_sent, perf,
  per_delivery: {cpu_us: perf["task-clock"] * 1000 / d,
    write_syscalls: ["sendmsg", "writev", "write", "sendto"].reduce((a, k) => a + (perf[k] || 0), 0) / d}};
out.per_delivery.deliveries_per_write = 1 / out.per_delivery.write_syscalls;
// User and kernel CPU from /proc/PID/stat (clock ticks): user space is what Headroom code controls.
const [u0, s0] = process.argv[4].split(" ").map(Number), [u1, s1] = process.argv[5].split(" ").map(Number);
const tick_us = 1e6 / Number(process.argv[6]);
out.per_delivery.user_cpu_us = (u1 - u0) * tick_us / d;
out.per_delivery.kernel_cpu_us = (s1 - s0) * tick_us / d;
console.log(JSON.stringify(out, null, 1));
' "$work/one.json" "$work/perf.csv" "$server" "$(cat "$work/cpu0")" "$(cat "$work/cpu1")" "$(getconf CLK_TCK)"
