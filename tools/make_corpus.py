#!/usr/bin/env python3
"""Build corpora/austen/*.txt from the Debian package r-cran-janeaustenr.

The package (an R data package, CRAN janeaustenr by Julia Silge) stores the six
novels as character vectors (one element per line of the Project Gutenberg
text) in an R lazy-load database: data/Rdata.rdx (gzip-compressed serialized
index: name -> [offset, length]) and data/Rdata.rdb (records of a 4-byte
big-endian uncompressed length followed by a zlib stream of an R serialized
object). We read both with the PyPI package `rdata` (no R needed).

Output: one UTF-8 file per novel, paragraphs separated by one blank line, the
hard-wrapped lines of each paragraph joined with single spaces, one final
newline, runs of spaces collapsed to one. Text is otherwise unchanged (Gutenberg `_italics_` and `--` kept).

Usage:
    pip install rdata numpy
    python3 tools/make_corpus.py            # downloads the .deb with apt-get
    python3 tools/make_corpus.py --deb PATH # use a .deb you already have
Writes corpora/austen/<novel>.txt and prints sizes + sha256 (for corpora/README.md).
"""
import argparse
import glob
import gzip
import hashlib
import os
import re
import subprocess
import sys
import warnings
import zlib

import rdata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, "tools", ".cache", "deb")
PACKAGE = "r-cran-janeaustenr"

# R object name -> output file name
NOVELS = {
    "emma": "emma.txt",
    "mansfieldpark": "mansfield_park.txt",
    "northangerabbey": "northanger_abbey.txt",
    "persuasion": "persuasion.txt",
    "prideprejudice": "pride_and_prejudice.txt",
    "sensesensibility": "sense_and_sensibility.txt",
}


def get_deb(path):
    if path:
        return path
    os.makedirs(CACHE, exist_ok=True)
    debs = glob.glob(os.path.join(CACHE, PACKAGE + "_*.deb"))
    if not debs:
        subprocess.run(["apt-get", "download", PACKAGE], cwd=CACHE, check=True)
        debs = glob.glob(os.path.join(CACHE, PACKAGE + "_*.deb"))
    return sorted(debs)[-1]


def read_lazyload(data_dir):
    """Return {name: list of str} from an R lazy-load database (Rdata.rdx/.rdb)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        index = rdata.conversion.convert(
            rdata.parser.parse_data(gzip.decompress(open(os.path.join(data_dir, "Rdata.rdx"), "rb").read())))
        blob = open(os.path.join(data_dir, "Rdata.rdb"), "rb").read()
        out = {}
        for name, (off, n) in index["variables"].items():
            rec = blob[int(off):int(off) + int(n)]
            expected = int.from_bytes(rec[:4], "big")
            raw = zlib.decompress(rec[4:])
            assert len(raw) == expected, (name, len(raw), expected)
            obj = rdata.conversion.convert(rdata.parser.parse_data(raw))
            out[str(name)] = [str(s) for s in obj]
    return out


def to_paragraphs(lines):
    paras, cur = [], []
    for line in lines:
        s = line.strip()
        if s:
            cur.append(s)
        elif cur:
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    # Gutenberg puts two spaces after some sentences; collapse runs of spaces.
    return [re.sub(r" {2,}", " ", p) for p in paras]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--deb", help="path to r-cran-janeaustenr_*.deb (default: apt-get download into tools/.cache/deb)")
    ap.add_argument("--out", default=os.path.join(ROOT, "corpora", "austen"))
    args = ap.parse_args()

    deb = get_deb(args.deb)
    xdir = os.path.join(CACHE, "extract")
    subprocess.run(["dpkg-deb", "-x", deb, xdir], check=True)
    data_dir = os.path.join(xdir, "usr", "lib", "R", "site-library", "janeaustenr", "data")
    books = read_lazyload(data_dir)
    missing = set(NOVELS) - set(books)
    if missing:
        sys.exit(f"error: {deb}: R objects missing: {sorted(missing)}")

    os.makedirs(args.out, exist_ok=True)
    total = 0
    print(f"source: {os.path.basename(deb)}")
    for key, fname in NOVELS.items():
        text = "\n\n".join(to_paragraphs(books[key])) + "\n"
        data = text.encode("utf-8")
        path = os.path.join(args.out, fname)
        with open(path, "wb") as f:
            f.write(data)
        total += len(data)
        print(f"{fname:28s} {len(data):9d} bytes  sha256 {hashlib.sha256(data).hexdigest()}")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
