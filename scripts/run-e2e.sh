#!/usr/bin/env bash
# End-to-end tests: node's test runner over tests/e2e/tests/*.test.js, one file at a time (each
# starts its own servers on free loopback ports). HEADROOM_BIN selects the binary.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/tests/e2e"
mkdir -p artifacts
files=$(ls tests/*.test.js 2>/dev/null | sort)
if [[ -z "$files" ]]; then echo "no end-to-end tests found"; exit 1; fi
# shellcheck disable=SC2086
node --test --test-concurrency=1 --test-timeout=180000 --test-reporter=spec $files
