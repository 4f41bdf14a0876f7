#!/usr/bin/env bash
# Renders an HTML report to a PNG with headless Chromium, to look at a report's design
# without a desktop.
#
#   scripts/screenshot-report.sh REPORT.html OUT.png [WIDTH] [HEIGHT]
#   scripts/screenshot-report.sh --sample OUT.png [WIDTH] [HEIGHT]   # synthetic test report
#
# --sample renders the report tests' synthetic data (two layers, hostile strings) by running
# the test that writes it when POLYTOPE_REPORT_SAMPLE_OUT is set (POLYTOPE_REPORT_SAMPLE_SIZE=large
# gives 2 layers x 100 clusters x 20 members). Set SCRATCH to pick the build folder
# (default .build). Chromium comes from Debian: apt-get install -y chromium (done here when
# missing and running as root). Defaults: 1280 x 2000 pixels.
set -euo pipefail
usage() { echo "usage: $0 REPORT.html|--sample OUT.png [WIDTH] [HEIGHT]" >&2; exit 2; }
[ $# -ge 2 ] || usage
cd "$(dirname "$0")/.."
input=$1
out=$2
width=${3:-1280}
height=${4:-2000}

if [ "$input" = "--sample" ]; then
  input=$(mktemp --suffix=.html /tmp/polytope-report-sample-XXXXXX)
  log=$(mktemp /tmp/polytope-report-sample-XXXXXX.log)
  if ! POLYTOPE_REPORT_SAMPLE_OUT="$input" swift test --scratch-path "${SCRATCH:-.build}" \
      --filter 'ReportTests.testWritesSampleWhenAsked' >"$log" 2>&1; then
    cat "$log" >&2; exit 1
  fi
  rm -f "$log"
  echo "sample report: $input" >&2
fi
[ -f "$input" ] || { echo "screenshot-report: no such file: $input" >&2; exit 1; }

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y chromium >/dev/null
    browser=$(command -v chromium)
  else
    echo "screenshot-report: chromium not found (Debian: sudo apt-get install -y chromium)" >&2
    exit 1
  fi
fi

abs_in=$(realpath "$input")
abs_out=$(realpath -m "$out")
mkdir -p "$(dirname "$abs_out")"
# A throwaway profile keeps runs independent; --hide-scrollbars keeps the width exact.
profile=$(mktemp -d /tmp/polytope-chromium-XXXXXX)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --screenshot="$abs_out" --window-size="$width,$height" "file://$abs_in" 2>/dev/null
[ -s "$abs_out" ] || { echo "screenshot-report: chromium wrote no image" >&2; exit 1; }
echo "$abs_out"
