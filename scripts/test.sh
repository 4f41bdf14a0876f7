#!/usr/bin/env bash
# Runs every test: builds (warnings are errors for our own code) and runs swift test.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build 2>&1 | tee /tmp/polytope-build.log
if grep -E "^/.*(Sources|Plugins|Tests)/.*warning:" /tmp/polytope-build.log; then
  echo "test: the build has warnings (listed above)" >&2; exit 1
fi
swift test 2>&1
