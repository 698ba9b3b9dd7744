#!/usr/bin/env bash
# Runs every test against one build directory: unit tests (CTest), then end-to-end tests with
# real clients against that build's binary. Prints a final "N passed, N failed" line.
set -uo pipefail
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

echo "== unit tests ($build)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" -L unit
unit_rc=$?

echo "== end-to-end tests ($build)"
HEADROOM_BIN="$root/$build/src/app/headroom" scripts/run-e2e.sh
e2e_rc=$?

if [[ $unit_rc -ne 0 || $e2e_rc -ne 0 ]]; then
  echo "FAILED: unit=$unit_rc e2e=$e2e_rc"
  exit 1
fi
echo "all tests passed ($build)"
