#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer, each in its own build folder
# (.build-asan, .build-tsan), and writes each log to .build-<san>/sanitize.log.
#
#   scripts/sanitize.sh                 # both, every test
#   scripts/sanitize.sh address         # one sanitizer
#   scripts/sanitize.sh thread --filter PolytopeCodesTests   # extra arguments go to swift test
#
# Exit status: non-zero when a build fails, a test fails or a sanitizer reports (the runtime
# makes the test process fail). The all-MiniLM-L6-v2 test is skipped unless
# POLYTOPE_MINILM_DIR is set (see scripts/test.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
sanitizers=(address thread)
if [[ $# -gt 0 && ( "$1" == address || "$1" == thread ) ]]; then sanitizers=("$1"); shift; fi
# Swift's backtracer and the sanitizers both want the fatal signals: let the sanitizer report.
export SWIFT_BACKTRACE=enable=no
# Leaks at exit are not failures here (the Foundation runtime keeps caches alive); real leaks
# are for a separate run with detect_leaks=1. halt_on_error stops at the first report.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:abort_on_error=0}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"
status=0
for san in "${sanitizers[@]}"; do
  scratch=".build-${san:0:1}san"
  [[ $san == address ]] && scratch=.build-asan
  [[ $san == thread ]] && scratch=.build-tsan
  mkdir -p "$scratch"
  log="$scratch/sanitize.log"
  echo "sanitize: $san -> $log" >&2
  start=$(date +%s)
  # The binary the CLI tests run must be built with the same sanitizer (it is in the same folder).
  if swift build --scratch-path "$scratch" --sanitize="$san" >"$log" 2>&1 \
     && swift test --scratch-path "$scratch" --sanitize="$san" "$@" >>"$log" 2>&1; then
    result=passed
  else
    result=FAILED; status=1
  fi
  reports=$(grep -cE "^(==[0-9]+==ERROR: AddressSanitizer|WARNING: ThreadSanitizer)" "$log" || true)
  summary=$(grep -E "Executed [0-9]+ tests" "$log" | tail -1 | sed 's/^[[:space:]]*//')
  echo "sanitize: $san $result in $(( $(date +%s) - start )) s; $reports sanitizer reports; $summary" >&2
done
exit $status
