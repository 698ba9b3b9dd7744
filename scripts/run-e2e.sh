#!/usr/bin/env bash
# End-to-end tests: node's test runner over tests/e2e/tests/*.test.js (or the files given as
# arguments), one file at a time (each starts its own servers on free loopback ports).
# HEADROOM_BIN selects the binary.
#
# Fails when a test failed, when any test was skipped, cancelled or marked todo (in CI a skipped
# test is a failure: it hides a missing dependency or the regression it should catch), or when no
# test ran at all. The verdict comes from a TAP copy of the results written to a file beside the
# human-readable spec output, not from scraping the spec text. Ends with one "N passed, N failed"
# line.
# Usage: scripts/run-e2e.sh [tests/foo.test.js ...]   (paths relative to tests/e2e)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/tests/e2e"
mkdir -p artifacts
if (($#)); then
  files=("$@")
else
  mapfile -t files < <(ls tests/*.test.js 2>/dev/null | sort)
fi
if ((${#files[@]} == 0)); then echo "no end-to-end tests found"; echo "0 passed, 0 failed"; exit 1; fi

tap="artifacts/e2e-results.tap"
rm -f "$tap"
node --test --test-concurrency=1 --test-timeout=180000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" "${files[@]}"
node_rc=$?

# The runner's closing summary ("# pass 12" ...); a count that is absent reads as 0.
count() { sed -n "s/^# $1 \([0-9][0-9]*\)\$/\1/p" "$tap" 2>/dev/null | tail -1 | grep . || echo 0; }
tests=$(count tests) pass=$(count pass) fail=$(count fail)
skipped=$(count skipped) todo=$(count todo) cancelled=$(count cancelled)
# A file that defines no test at all shows up as one passing test named after the file.
mapfile -t empty_files < <(sed -n 's/^ok [0-9][0-9]* - \(.*\.test\.js\)$/\1/p' "$tap" 2>/dev/null)
pass=$((pass - ${#empty_files[@]}))
tests=$((tests - ${#empty_files[@]}))

problems=()
[[ -s "$tap" ]] || problems+=("the runner wrote no results to $tap")
((node_rc != 0)) && problems+=("node --test exited $node_rc")
((fail > 0)) && problems+=("$fail failed")
((cancelled > 0)) && problems+=("$cancelled cancelled")
((skipped > 0)) && problems+=("$skipped skipped (a skipped test fails in CI)")
((todo > 0)) && problems+=("$todo todo")
((${#empty_files[@]} > 0)) && problems+=("no test ran in ${empty_files[*]}")
((tests <= 0)) && problems+=("no test ran")
if ((skipped + todo > 0)); then
  echo "skipped or todo tests:"
  grep -E '^ *(not )?ok .* # (SKIP|TODO)' "$tap" | sed 's/^ */  /' || true
fi

if ((${#problems[@]})); then
  echo "end-to-end tests FAILED: $(IFS=';'; echo "${problems[*]}" | sed 's/;/; /g')"
fi
echo "$pass passed, $((fail + cancelled + skipped + todo + ${#empty_files[@]})) failed (of $tests: $fail failed, $skipped skipped, $todo todo, $cancelled cancelled)"
((${#problems[@]} == 0))
