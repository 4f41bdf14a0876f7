#!/usr/bin/env bash
# Regenerates the committed protobuf-c code from proto/polytope.proto.
# Usage: scripts/gen-proto.sh [OUTDIR]   (default: Sources/PolytopeSchema)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/Sources/PolytopeSchema}
command -v protoc-c >/dev/null || { echo "gen-proto: protoc-c not found (apt-get install protobuf-c-compiler)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$root/proto" && protoc-c --c_out="$tmp" polytope.proto)
mkdir -p "$out/include"
mv "$tmp/polytope.pb-c.c" "$out/polytope.pb-c.c"
# SwiftPM wants public headers under include/; the .c includes "polytope.pb-c.h".
mv "$tmp/polytope.pb-c.h" "$out/include/polytope.pb-c.h"
