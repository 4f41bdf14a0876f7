#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ (every module of the project instrumented with
# -sanitize=fuzzer) and runs each for SECONDS seconds (default 60), one after another.
#
#   scripts/fuzz.sh [SECONDS] [TARGET ...]     # TARGET: model safetensors tokenizers codes corpus gguf (default all)
#   FUZZ_SANITIZE=address scripts/fuzz.sh 600  # also AddressSanitizer (slower, finds C memory errors)
#
# Seeds: fuzz/corpus/<target>/ (read only; remade by tools/make_fuzz_seeds.py). New inputs
# the fuzzer finds go to .build-fuzz/corpus/<target>/ and are reused by the next run; a
# crash, timeout (> 10 s for one input) or out-of-memory (> 2 GB) input is written to
# .build-fuzz/artifacts/<target>-* and the script exits 1. Keep such an input under
# fuzz/regressions/<target>/ once fixed: Tests/PolytopeRobustnessTests/FuzzRegressionTests
# feeds it through the same entry point.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(model safetensors tokenizers codes corpus gguf)
scratch=.build-fuzz
flags=(-Xswiftc -sanitize=fuzzer -Xswiftc -use-ld=lld)
[[ -n "${FUZZ_SANITIZE:-}" ]] && flags+=(-Xswiftc "-sanitize=${FUZZ_SANITIZE}")
start=$(date +%s)
if ! swift build --package-path fuzz --scratch-path "$scratch" "${flags[@]}" >"$scratch.log" 2>&1; then
  cat "$scratch.log" >&2
  echo "fuzz: build failed" >&2
  exit 2
fi
bin=$(swift build --package-path fuzz --scratch-path "$scratch" "${flags[@]}" --show-bin-path)
echo "fuzz: built in $(( $(date +%s) - start )) s" >&2
# libFuzzer reports crashes itself; Swift's backtracer would take the signal first.
export SWIFT_BACKTRACE=enable=no
mkdir -p "$scratch/artifacts"
status=0
for t in "${targets[@]}"; do
  case $t in
    model) exe=FuzzModel ;; safetensors) exe=FuzzSafetensors ;; tokenizers) exe=FuzzTokenizers ;; codes) exe=FuzzCodes ;; corpus) exe=FuzzCorpus ;; gguf) exe=FuzzGGUF ;;
    *) echo "fuzz: unknown target $t (model, safetensors, tokenizers, codes, corpus, gguf)" >&2; exit 2 ;;
  esac
  mkdir -p "$scratch/corpus/$t"
  log="$scratch/fuzz-$t.log"
  "$bin/$exe" "$scratch/corpus/$t" "fuzz/corpus/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$scratch/artifacts/$t-" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  runs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$log" | grep -oE "[0-9]+$" || echo "?")
  if [[ $rc -ne 0 ]]; then
    status=1
    echo "fuzz: $t FAILED after $runs runs (see $log):" >&2
    grep -E "ERROR|Fatal error|SUMMARY|Test unit written" "$log" | head -5 >&2
  else
    echo "fuzz: $t ran ${seconds} s, $runs inputs, no crash" >&2
  fi
done
exit $status
