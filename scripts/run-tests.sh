#!/usr/bin/env bash
# Runs every test against one build directory: unit tests (CTest), then end-to-end tests with
# real clients against that build's binary. A skipped or not-run test counts as failed (in CI it
# hides a missing dependency). Prints a final "N passed, N failed" line.
set -uo pipefail
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

echo "== unit tests ($build)"
junit="$root/$build/unit-results.xml"
rm -f "$junit"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" -L unit --output-junit "$junit"
unit_rc=$?
# <testsuite ... tests="N" failures="F" disabled="D" skipped="S" ...>
attr() { tr '\n\t' '  ' < "$junit" 2>/dev/null | grep -o "<testsuite [^>]*" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]\+' | head -1 || true; }
unit_total=$(attr tests) unit_failed=$(attr failures) unit_skipped=$(attr skipped) unit_disabled=$(attr disabled)
unit_total=${unit_total:-0} unit_failed=${unit_failed:-0} unit_skipped=${unit_skipped:-0} unit_disabled=${unit_disabled:-0}
unit_bad=$((unit_failed + unit_skipped + unit_disabled))
unit_passed=$((unit_total - unit_bad))
if ((unit_total == 0)); then echo "no unit test ran"; unit_rc=1; fi
if ((unit_skipped + unit_disabled > 0)); then
  echo "unit tests skipped or disabled: $((unit_skipped + unit_disabled)) (a skipped test fails in CI)"
  unit_rc=1
fi
echo "unit: $unit_passed passed, $unit_bad failed"

echo "== end-to-end tests ($build)"
e2e_log=$(mktemp)
HEADROOM_BIN="$root/$build/src/app/headroom" scripts/run-e2e.sh | tee "$e2e_log"
e2e_rc=${PIPESTATUS[0]}
e2e_line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$e2e_log" | tail -1)
rm -f "$e2e_log"
e2e_passed=$(echo "$e2e_line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
e2e_failed=$(echo "$e2e_line" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
e2e_passed=${e2e_passed:-0} e2e_failed=${e2e_failed:-0}
# The runner died before it could count: one failure at least.
if ((e2e_rc != 0 && e2e_failed == 0)); then e2e_failed=1; fi

if [[ $unit_rc -ne 0 || $e2e_rc -ne 0 ]]; then
  echo "FAILED ($build): unit exit $unit_rc, end-to-end exit $e2e_rc"
fi
echo "$((unit_passed + e2e_passed)) passed, $((unit_bad + e2e_failed)) failed ($build: unit $unit_passed/$unit_total, end-to-end $e2e_passed passed)"
[[ $unit_rc -eq 0 && $e2e_rc -eq 0 ]]
