#!/usr/bin/env bash
# Builds libpolytopelens.so (the C API, Sources/CPolytopeLens/include/polytopelens.h) in release
# mode for the Python package and copies it into python/polytopelens/_lib/:
#   - the Swift runtime and Foundation linked statically (--static-swift-stdlib),
#   - OpenBLAS linked statically (Debian's libopenblas-dev ships a PIC libopenblas.a),
#   - libprotobuf-c vendored: Debian's libprotobuf-c.a is not PIC, so libprotobuf-c.so.1 is
#     copied next to the library, which finds it through RUNPATH $ORIGIN.
# The result needs only libc, libm, libstdc++, libgcc_s (and the vendored libprotobuf-c).
# Usage: scripts/build-pylib.sh [DEST_DIR]   (default python/polytopelens/_lib)
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-python/polytopelens/_lib}
multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
libdir=/usr/lib/$multiarch
# A directory holding only the static archive, searched before the system's, so that
# `-lopenblas` (from the COpenBLAS module map) resolves to libopenblas.a.
static=.build/pylib-static
mkdir -p "$static"
ln -sf "$(readlink -f "$libdir/libopenblas.a")" "$static/libopenblas.a"
swift build -c release --product polytopelens --static-swift-stdlib -Xswiftc -static-stdlib \
  -Xlinker -L"$PWD/$static" -Xlinker -rpath -Xlinker '$ORIGIN' -Xlinker --as-needed >&2
bin=$(swift build -c release --show-bin-path)
mkdir -p "$dest"
cp "$bin/libpolytopelens.so" "$dest/libpolytopelens.so.tmp" && mv "$dest/libpolytopelens.so.tmp" "$dest/libpolytopelens.so"
strip --strip-unneeded "$dest/libpolytopelens.so"
cp -L "$libdir/libprotobuf-c.so.1" "$dest/libprotobuf-c.so.1"
# Refuse a library that still needs the Swift runtime or OpenBLAS as shared objects.
if readelf -d "$dest/libpolytopelens.so" | grep NEEDED | grep -vE '\[(libc|libm|libstdc\+\+|libgcc_s|libpthread|libdl|librt|ld-linux-x86-64|libprotobuf-c)\.so' >&2; then
  echo "build-pylib: libpolytopelens.so needs the shared libraries above; expected only libc, libm, libstdc++, libgcc_s, libprotobuf-c" >&2
  exit 1
fi
echo "$dest/libpolytopelens.so"
