#!/usr/bin/env python3
"""Reference HDBSCAN results (scikit-learn) for the PolytopeClustering HDBSCAN tests.

Inputs (packed uint8 codes, np.packbits order):
  * real MiniLM layer-3 codes: Tests/PolytopeCodesTests/Fixtures/kmedoids/minilm_l3_codes.npy
    (2,000 x 1,536 bits, made by tools/make_kmedoids_fixtures.py; reused, not copied);
  * synthetic clustered codes (written here): 12 centres of 256 bits, each code a centre with
    each bit flipped with a per-cluster probability 0.04-0.20, cluster sizes 10-80, plus 40
    uniformly random codes (noise), NumPy seed 7;
  * a tie case built to tie (written here): 5 groups of 64-bit codes whose centres differ on
    disjoint 8-bit blocks (every centre-to-centre distance is 16) and whose members differ from
    their centre by one bit each (distances 1 and 2 inside a group): mutual-reachability
    distances tie everywhere.

Reference: sklearn.cluster.HDBSCAN(metric="precomputed") on the float64 Hamming matrix (computed
here by NumPy from the unpacked bits, independent of our kernels), for several parameter sets.
Also recorded per case, computed independently of our code:
  * mst_weight: scipy.sparse.csgraph.minimum_spanning_tree of the mutual-reachability graph
    (core distance: min_samples-th smallest of a row, the point itself included);
  * stable_labels: the same scikit-learn pipeline (its own mst_from_mutual_reachability,
    make_single_linkage, tree_to_labels) with the MST edges sorted by a *stable* sort, the tie
    rule PolytopeLens documents; argsort_is_stable says whether scikit-learn's np.argsort gave the
    same order;
  * probabilities / outlier_scores / stabilities: from scikit-learn's condensed tree (its
    _condense_tree on the stable single linkage), by the definitions in docs/clustering.md
    (membership lambda_p / max lambda of the cluster's rows; GLOSH (lmax - lambda_p) / lmax with
    lmax the largest point lambda in the subtree; stability sum (lambda - lambda_birth) * size).

Writes Tests/PolytopeCodesTests/Fixtures/hdbscan/{synthetic_codes.npy, tie_codes.npy, reference.json}.
Usage: python3 tools/make_hdbscan_fixtures.py      (needs numpy, scipy, scikit-learn)
"""
import json
import os

import numpy as np
import sklearn
from scipy.sparse.csgraph import minimum_spanning_tree
from sklearn.cluster import HDBSCAN
from sklearn.cluster._hdbscan._linkage import make_single_linkage, mst_from_mutual_reachability
from sklearn.cluster._hdbscan._tree import _condense_tree, tree_to_labels

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Tests", "PolytopeCodesTests", "Fixtures")
OUT = os.path.join(FIX, "hdbscan")


def hamming(packed):
    b = np.unpackbits(packed, axis=1).astype(np.int64)
    ones = b.sum(axis=1)
    return (ones[:, None] + ones[None, :] - 2 * (b @ b.T)).astype(np.float64)


def synthetic():
    rng = np.random.default_rng(7)
    bits = 256
    rows = []
    for c in range(12):
        centre = rng.integers(0, 2, bits).astype(bool)
        size = int(rng.integers(10, 81))
        flip = rng.uniform(0.04, 0.20)
        rows.append(centre[None, :] ^ (rng.random((size, bits)) < flip))
    rows.append(rng.integers(0, 2, (40, bits)).astype(bool))
    x = np.concatenate(rows)
    x = x[rng.permutation(len(x))]
    return np.packbits(x, axis=1)


def tie_case():
    bits = 64
    rows = []
    for g in range(5):
        centre = np.zeros(bits, dtype=bool)
        centre[8 * g:8 * g + 8] = True
        members = [centre.copy()]
        for j in range(6 + g):  # groups of 7..11 codes
            m = centre.copy()
            m[40 + (j % 24)] ^= True
            members.append(m)
        rows.extend(members)
    return np.packbits(np.array(rows), axis=1)


def mutual_reachability(d, ms):
    core = np.partition(d, ms - 1, axis=1)[:, ms - 1]
    return np.maximum(np.maximum(core[:, None], core[None, :]), d), core


def definitions(ct, labels, selected_sorted):
    """Probabilities, GLOSH scores and stabilities from a condensed tree, by definition."""
    parent, child, lam, size = ct["parent"], ct["child"], ct["value"], ct["cluster_size"]
    root = parent.min()
    n = root
    birth = {root: 0.0}
    for p, c, l, s in zip(parent, child, lam, size):
        if s > 1:
            birth[c] = l
    stab = {}
    for p, c, l, s in zip(parent, child, lam, size):
        stab[p] = stab.get(p, 0.0) + (l - birth[p]) * s
    own = {}
    for p, l in zip(parent, lam):
        own[p] = max(own.get(p, 0.0), l)
    par = {c: p for p, c, s in zip(parent, child, size) if s > 1}
    sub = {}
    for p, l, s in zip(parent, lam, size):
        if s == 1:
            sub[p] = max(sub.get(p, 0.0), l)
    for c in sorted(par, reverse=True):
        sub[par[c]] = max(sub.get(par[c], 0.0), sub.get(c, 0.0))
    prob = np.zeros(n)
    glosh = np.zeros(n)
    for p, c, l, s in zip(parent, child, lam, size):
        if s != 1:
            continue
        top = sub.get(p, 0.0)
        glosh[c] = 0.0 if (np.isinf(l) or top == 0) else (1.0 if np.isinf(top) else (top - l) / top)
        if labels[c] >= 0:
            death = own[selected_sorted[labels[c]]]
            prob[c] = 1.0 if (death == 0 or np.isinf(l)) else min(l, death) / death
    stabilities = [stab.get(root + i, 0.0) for i in range(int(max(child.max(), parent.max()) - root + 1))]
    return prob, glosh, stabilities


def run(name, d, mcs, ms=None, selection="eom", eps=0.0):
    _subtree_cache.clear()  # keyed by the condensed tree's id(), which Python reuses
    try:
        ref = HDBSCAN(min_cluster_size=mcs, min_samples=ms, metric="precomputed", cluster_selection_method=selection,
                      cluster_selection_epsilon=eps, copy=True).fit(d)
        public = ref.labels_.tolist()
    except TypeError:
        # scikit-learn 1.9.1 + NumPy 2.4: its traverse_upwards passes a 1-element array where a
        # scalar is needed whenever epsilon lifts a cluster more than one level; then the
        # reference is the transcription below of its _get_clusters epsilon rules.
        ref, public = None, None
    m = mcs if ms is None else ms
    mr, core = mutual_reachability(d, m)
    mst_w = float(minimum_spanning_tree(np.where(mr == 0, 1e-9, mr)).sum())  # zeros would drop edges
    mst = mst_from_mutual_reachability(mr.copy())
    stable = mst[np.argsort(mst["distance"], kind="stable")]
    quick = mst[np.argsort(mst["distance"])]
    slt = make_single_linkage(stable)
    ct = _condense_tree(slt, mcs)
    try:
        labels, _ = tree_to_labels(slt, mcs, selection, False, eps, None)
    except TypeError:
        labels = transcribed_labels(ct, selection, eps)
    if public is None:
        public = labels.tolist()
    clusters = sorted({int(ct["parent"][i]) for i in range(len(ct))} | {int(c) for c, s in zip(ct["child"], ct["cluster_size"]) if s > 1})
    # selected cluster ids, in label order: the parent-most cluster of each label's points
    selected = []
    for lab in range(labels.max() + 1):
        pts = set(np.nonzero(labels == lab)[0])
        cand = [c for c in clusters if c != ct["parent"].min()]
        # the selected cluster is the smallest-id cluster all of whose points ... : find via rows
        best = None
        for c in cand:
            members = subtree_points(ct, c)
            if pts <= members and (best is None or len(members) < len(subtree_points(ct, best))):
                best = c
        selected.append(best)
    prob, glosh, stabilities = definitions(ct, labels, selected)
    return {
        "name": name, "min_cluster_size": mcs, "min_samples": ms, "selection": selection, "epsilon": eps,
        "labels": public, "sklearn_fit_ran": ref is not None,
        "sklearn_probabilities": ref.probabilities_.tolist() if ref is not None else None,
        "stable_labels": labels.tolist(), "argsort_is_stable": bool(np.array_equal(stable, quick)),
        "mst_weight": round(mst_w), "core_distances": core.astype(int).tolist(),
        "probabilities": prob.tolist(), "outlier_scores": glosh.tolist(), "stabilities": stabilities,
        "clusters": int(labels.max() + 1), "noise": int((labels < 0).sum()),
    }


def transcribed_labels(ct, selection, eps):
    """scikit-learn's _get_clusters (allow_single_cluster=False), epsilon branch included, in Python."""
    parent, child, lam, size = ct["parent"], ct["child"], ct["value"], ct["cluster_size"]
    root = parent.min()
    birth = {root: 0.0}
    for c, l, s in zip(child, lam, size):
        birth[c] = l
    stability = {}
    for p, l, s in zip(parent, lam, size):
        stability[p] = stability.get(p, 0.0) + (l - birth[p]) * s
    ctree = ct[size > 1]
    kids = {}
    for p, c in zip(ctree["parent"], ctree["child"]):
        kids.setdefault(int(p), []).append(int(c))
    par = {int(c): int(p) for p, c in zip(ctree["parent"], ctree["child"])}
    bl = {int(c): l for c, l in zip(ctree["child"], ctree["value"])}
    def below(x):
        out, st = [], list(kids.get(x, []))
        while st:
            y = st.pop(); out.append(y); st.extend(kids.get(y, []))
        return out
    nodes = sorted(stability, reverse=True)[:-1]
    is_cluster = {c: True for c in nodes}
    if selection == "eom":
        for node in nodes:
            sub = sum(stability[c] for c in kids.get(node, []))
            if sub > stability[node]:
                is_cluster[node] = False
                stability[node] = sub
            else:
                for x in below(node):
                    is_cluster[x] = False
        leaves = {c for c in is_cluster if is_cluster[c]}
    else:
        leaves = {c for c in is_cluster if not kids.get(c)}
    selected, processed = [], []
    for leaf in leaves:
        e = 1 / bl[leaf]
        if e < eps:
            if leaf not in processed:
                node = leaf
                while True:
                    p = par[node]
                    if p == root:
                        break
                    if 1 / bl[p] > eps:
                        node = p
                        break
                    node = p
                selected.append(node)
                processed.extend(below(node))
        else:
            selected.append(leaf)
    clusters = sorted(set(selected))
    labels = np.full(root, -1)
    for x in range(root):
        node = int(parent[child == x][0])
        while node != root and node not in clusters:
            node = par[node]
        if node != root:
            labels[x] = clusters.index(node)
    return labels


_subtree_cache = {}


def subtree_points(ct, c):
    key = (id(ct), c)
    if key not in _subtree_cache:
        pts, stack = set(), [c]
        while stack:
            x = stack.pop()
            for ch, s in zip(ct["child"][ct["parent"] == x], ct["cluster_size"][ct["parent"] == x]):
                if s == 1:
                    pts.add(int(ch))
                else:
                    stack.append(int(ch))
        _subtree_cache[key] = pts
    return _subtree_cache[key]


def same_up_to_relabelling(a, b):
    ab, ba = {}, {}
    for x, y in zip(a, b):
        if (x < 0) != (y < 0) or ab.setdefault(x, y) != y or ba.setdefault(y, x) != x:
            return False
    return True


def main():
    os.makedirs(OUT, exist_ok=True)
    syn = synthetic()
    tie = tie_case()
    np.save(os.path.join(OUT, "synthetic_codes.npy"), syn)
    np.save(os.path.join(OUT, "tie_codes.npy"), tie)
    minilm = np.load(os.path.join(FIX, "kmedoids", "minilm_l3_codes.npy"))
    cases = []
    d = hamming(minilm)
    for args in [(5,), (10, 5), (15, None, "leaf"), (5, None, "eom", 300.0), (20, 3), (10, 1)]:
        cases.append(dict(input="kmedoids/minilm_l3_codes.npy", bits=1536, **run("minilm", d, *args)))
    d = hamming(syn)
    for args in [(8,), (5, 3), (8, None, "leaf"), (8, None, "eom", 40.0), (30, 10)]:
        cases.append(dict(input="hdbscan/synthetic_codes.npy", bits=256, **run("synthetic", d, *args)))
    d = hamming(tie)
    for args in [(3,), (5,), (7, 2), (3, None, "leaf"), (5, 2, "eom", 16.0)]:
        cases.append(dict(input="hdbscan/tie_codes.npy", bits=64, **run("tie", d, *args)))
    from sklearn.metrics import adjusted_rand_score
    for c in cases:
        c["ari_public_vs_stable"] = adjusted_rand_score(c["labels"], c["stable_labels"])
        c["public_equals_stable"] = same_up_to_relabelling(c["labels"], c["stable_labels"])
        print(c["name"], c["min_cluster_size"], c["min_samples"], c["selection"], c["epsilon"], "clusters", c["clusters"],
              "noise", c["noise"], "argsort stable", c["argsort_is_stable"],
              "public == stable (relabelled)", c["public_equals_stable"], "ARI %.4f" % c["ari_public_vs_stable"])
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump({"sklearn_version": sklearn.__version__, "numpy_version": np.__version__, "cases": cases}, f)


if __name__ == "__main__":
    main()
