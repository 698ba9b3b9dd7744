#!/usr/bin/env bash
# Runs every fuzz target for N seconds, each with a copy of its seed corpus
# (tests/fuzz/corpus/<name>/). Prints one line per target with its executions, and fails when
# a target finds a crash, when a target did not run (no executions reported), or when fewer
# targets were built than there are tests/fuzz/*_fuzz.cpp sources (a missing one would
# otherwise pass silently).
#   scripts/run-fuzz.sh [BUILD_DIR=build-fuzz] [SECONDS=20] [TARGET...]
set -euo pipefail
build="${1:-build-fuzz}"
seconds="${2:-20}"
shift $(( $# > 2 ? 2 : $# ))
root="$(cd "$(dirname "$0")/.." && pwd)"

if (( $# > 0 )); then
  names=("$@")
else
  names=()
  for src in "$root"/tests/fuzz/*_fuzz.cpp; do names+=("$(basename "$src" .cpp)"); done
fi
if (( ${#names[@]} == 0 )); then
  echo "run-fuzz: no fuzz targets found in $root/tests/fuzz" >&2
  exit 1
fi

status=0
ran=0
for name in "${names[@]}"; do
  bin="$build/tests/fuzz/$name"
  if [[ ! -x "$bin" ]]; then
    printf '%-28s NOT BUILT (%s missing)\n' "$name" "$bin"
    status=1
    continue
  fi
  work=$(mktemp -d)
  seeds="$root/tests/fuzz/corpus/$name"
  if [[ -d "$seeds" ]]; then cp -r "$seeds"/. "$work"/; fi
  mkdir -p "$work/artifacts"
  set +e
  "$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work" >"$work/log" 2>&1
  rc=$?
  set -e
  execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$work/log" | grep -Eo '[0-9]+$' | tail -1 || true)
  execs=${execs:-0}
  if (( rc != 0 )); then
    printf '%-28s FAILED (exit %d) after %s executions; log and inputs in %s\n' "$name" "$rc" "$execs" "$work"
    tail -40 "$work/log"
    status=1
  elif (( execs == 0 )); then
    printf '%-28s DID NOT RUN (no executions); log in %s\n' "$name" "$work"
    tail -20 "$work/log"
    status=1
  else
    printf '%-28s ok  %10s executions in %ss\n' "$name" "$execs" "$seconds"
    ran=$((ran + 1))
    rm -rf "$work"
  fi
done
echo "run-fuzz: $ran of ${#names[@]} targets ran clean"
exit $status
