#!/usr/bin/env bash
# Backup time and write stall for a large database (issue 9, docs/operations.md).
#   bench/backup_bench.sh [SIZE_MB]      (default 1024; HEADROOM_BIN or build/src/app/headroom)
# Builds a database of ~SIZE_MB with `headroom import` (1 KiB documents), starts the server on
# it, runs 4 writers doing sequential durable PUTs, and while they run takes an online backup
# through POST /v1/admin/backups. Prints the database size, startup time (includes the
# quick_check), backup time and throughput, and the writers' max/p99 latency before and during.
set -euo pipefail
SIZE_MB=${1:-1024}
BIN=${HEADROOM_BIN:-$(dirname "$0")/../build/src/app/headroom}
WORK=$(mktemp -d /tmp/headroom-backup-bench-XXXX)
trap 'kill $SERVER_PID 2>/dev/null || true; wait $SERVER_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
SERVER_PID=
TOKEN=bench-admin-token-0123456789
cat > "$WORK/h.toml" <<TOML
[server]
host = "127.0.0.1"
port = 0
[data]
dir = "$WORK/data"
[admin]
token = "$TOKEN"
[rate_limits]
enabled = false
[backup]
schedule = "off"
[[apps]]
id = "app1"
key = "key1"
secret = "secret1-very-secret"
TOML

DOCS=$((SIZE_MB * 1024 * 1024 / 14000))  # measured ~14 KB on disk per 1 KiB document (row, index entries, change log)
echo "generating $DOCS documents..."
node -e '
const n = Number(process.argv[1]); const pad = "x".repeat(1000);
const out = require("fs").createWriteStream(process.argv[2]);
let i = 0;
function more() {
  while (i < n) {
    const line = JSON.stringify({app: "app1", collection: "bulk", doc: {_id: "d" + i, n: i, g: i % 100, pad}}) + "\n";
    i++;
    if (!out.write(line)) return out.once("drain", more);
  }
  out.end();
}
more();' "$DOCS" "$WORK/docs.ndjson"
t0=$(date +%s.%N)
"$BIN" import --config "$WORK/h.toml" "$WORK/docs.ndjson" >/dev/null
t1=$(date +%s.%N)
rm -f "$WORK/docs.ndjson"
DB_BYTES=$(stat -c %s "$WORK/data/headroom.db")
echo "import: $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s; database $((DB_BYTES / 1048576)) MiB"

t0=$(date +%s.%N)
: > "$WORK/server.log"
"$BIN" serve --config "$WORK/h.toml" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
until grep -q "listening on" "$WORK/server.log"; do sleep 0.05; kill -0 $SERVER_PID; done
t1=$(date +%s.%N)
PORT=$(grep -o 'listening on http://[^ ]*' "$WORK/server.log" | sed 's/.*://')
echo "startup (with quick_check): $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s"
JWT=$("$BIN" token --config "$WORK/h.toml" --app app1 --sub bench --server)

node - "$PORT" "$JWT" "$TOKEN" <<'JS'
const [port, jwt, admin] = process.argv.slice(2);
const base = `http://127.0.0.1:${port}`;
const lat = { before: [], during: [] };
let phase = 'before', stop = false;
async function writer(w) {
  for (let i = 0; !stop; i++) {
    const t0 = performance.now();
    const r = await fetch(`${base}/v1/apps/app1/collections/live/docs/w${w}-${i}`, {
      method: 'PUT', headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ i, pad: 'y'.repeat(500) }) });
    await r.arrayBuffer();
    if (r.status !== 200 && r.status !== 201) throw new Error(`write failed: ${r.status}`);
    lat[phase].push(performance.now() - t0);
  }
}
const stats = (a) => { const s = [...a].sort((x, y) => x - y);
  return `n=${s.length} p50=${s[Math.floor(s.length * 0.5)]?.toFixed(1)} p99=${s[Math.floor(s.length * 0.99)]?.toFixed(1)} max=${s[s.length - 1]?.toFixed(1)} ms`; };
(async () => {
  const writers = [0, 1, 2, 3].map(writer);
  await new Promise((r) => setTimeout(r, 3000));
  phase = 'during';
  const t0 = performance.now();
  const res = await fetch(`${base}/v1/admin/backups`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
  const body = await res.json();
  const ms = performance.now() - t0;
  stop = true;
  await Promise.all(writers);
  if (res.status !== 201) throw new Error(JSON.stringify(body));
  const b = body.backup;
  console.log(`backup: ${(b.db_bytes / 1048576).toFixed(0)} MiB in ${b.duration_ms} ms incl. fsync and sha256 (${(b.db_bytes / 1048576 / (b.duration_ms / 1000)).toFixed(0)} MiB/s; HTTP request ${ms.toFixed(0)} ms)`);
  console.log(`writes before the backup: ${stats(lat.before)}`);
  console.log(`writes during the backup: ${stats(lat.during)}`);
})().catch((e) => { console.error(e); process.exit(1); });
JS
