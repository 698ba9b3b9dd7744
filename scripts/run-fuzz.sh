#!/usr/bin/env bash
# Runs every built fuzz target for N seconds with its corpus dir (tests/fuzz/corpus/<name>, seeds
# committed there when present). Fails if any target finds a crash.
set -euo pipefail
build="${1:-build-fuzz}"
seconds="${2:-20}"
root="$(cd "$(dirname "$0")/.." && pwd)"
status=0
for bin in "$build"/tests/fuzz/*_fuzz; do
  [[ -x "$bin" ]] || continue
  name=$(basename "$bin")
  work=$(mktemp -d)
  seeds="$root/tests/fuzz/corpus/$name"
  [[ -d "$seeds" ]] && cp -r "$seeds"/. "$work"/ 2>/dev/null || true
  echo "fuzzing $name for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$work/" "$work" >"$work/log" 2>&1; then
    echo "FUZZ FAILURE in $name:"; tail -40 "$work/log"; status=1
  else
    grep -E "^Done|stat::number_of_executed_units" "$work/log" | tail -1 || true
  fi
done
exit $status
