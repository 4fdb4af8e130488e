"""Coreference (entity-link) scores: MUC, B³, CEAF-e and their mean F1, the CoNLL score.

A clustering is either a mapping mention -> cluster id or an iterable of clusters (sets of
mentions); `key` is the reference, `response` is scored against it. Every function returns
(precision, recall, F1). The formulas are those of the CoNLL-2012 reference scorer (Pradhan
et al. 2014) with CEAF-e as in Luo (2005): phi4(k, r) = 2|k & r| / (|k| + |r|), singletons
count. Mentions present on one side only are "twinless" and cost recall or precision.

Degenerate cases never raise: a ratio whose denominator is 0 is 1.0 when the other side's
denominator is 0 too (both empty, or for MUC both without any link: perfect agreement),
else 0.0; F1 is 0.0 when P + R = 0. (The reference scorer gives MUC 0 when both sides have
only singletons; everything else agrees with it.)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping

import numpy as np

Clustering = Mapping[Hashable, Hashable] | Iterable[Collection[Hashable]]
PRF = tuple[float, float, float]


def clusters_of(clustering: Clustering) -> list[frozenset[Hashable]]:
    """The clusters of `clustering` as frozensets; empty clusters are dropped."""
    if isinstance(clustering, Mapping):
        groups: dict[Hashable, set[Hashable]] = defaultdict(set)
        for mention, cluster in clustering.items():
            groups[cluster].add(mention)
        return [frozenset(g) for g in groups.values()]
    out = [frozenset(c) for c in clustering if c]
    seen: set[Hashable] = set()
    for cluster in out:
        if seen & cluster:
            raise ValueError("a mention is in two clusters of one clustering")
        seen |= cluster
    return out


def _ratio(num: float, den: float, other: float) -> float:
    if den:
        return num / den
    return 1.0 if not other else 0.0


def _prf(p: float, r: float) -> PRF:
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


class _Overlap:
    """Both sides' clusters and the sizes of their non-empty intersections."""

    def __init__(self, key: Clustering, response: Clustering) -> None:
        self.key, self.response = clusters_of(key), clusters_of(response)
        where = {m: j for j, cluster in enumerate(self.response) for m in cluster}
        self.pairs: Counter[tuple[int, int]] = Counter()
        for i, cluster in enumerate(self.key):
            for mention in cluster:
                j = where.get(mention)
                if j is not None:
                    self.pairs[(i, j)] += 1


def muc(key: Clustering, response: Clustering) -> PRF:
    """MUC (Vilain et al. 1995): links kept, counted over each side's minimal spanning trees."""
    ov = _Overlap(key, response)
    return _prf(*_muc_pr(ov))


def _muc_pr(ov: _Overlap) -> tuple[float, float]:
    parts_k, cover_k = Counter[int](), Counter[int]()
    parts_r, cover_r = Counter[int](), Counter[int]()
    for (i, j), n in ov.pairs.items():
        parts_k[i] += 1
        cover_k[i] += n
        parts_r[j] += 1
        cover_r[j] += n
    den_r = sum(len(k) - 1 for k in ov.key)
    den_p = sum(len(r) - 1 for r in ov.response)
    # a mention missing on the other side is a partition of its own
    num_r = sum(len(k) - parts_k[i] - (len(k) - cover_k[i]) for i, k in enumerate(ov.key))
    num_p = sum(len(r) - parts_r[j] - (len(r) - cover_r[j]) for j, r in enumerate(ov.response))
    return _ratio(num_p, den_p, den_r), _ratio(num_r, den_r, den_p)


def b_cubed(key: Clustering, response: Clustering) -> PRF:
    """B³ (Bagga and Baldwin 1998): per-mention precision and recall, averaged over mentions."""
    ov = _Overlap(key, response)
    return _prf(*_b_cubed_pr(ov))


def _b_cubed_pr(ov: _Overlap) -> tuple[float, float]:
    n_k = sum(len(k) for k in ov.key)
    n_r = sum(len(r) for r in ov.response)
    num_r = sum(n * n / len(ov.key[i]) for (i, _), n in ov.pairs.items())
    num_p = sum(n * n / len(ov.response[j]) for (_, j), n in ov.pairs.items())
    return _ratio(num_p, n_r, n_k), _ratio(num_r, n_k, n_r)


def ceaf_e(key: Clustering, response: Clustering) -> PRF:
    """Entity CEAF (Luo 2005): the best one-to-one alignment of clusters under phi4."""
    ov = _Overlap(key, response)
    return _prf(*_ceaf_e_pr(ov))


def _ceaf_e_pr(ov: _Overlap) -> tuple[float, float]:
    total = sum(_best_alignment(ov, rows, cols) for rows, cols in _components(ov))
    return _ratio(total, len(ov.response), len(ov.key)), _ratio(total, len(ov.key),
                                                                len(ov.response))


def _components(ov: _Overlap) -> list[tuple[list[int], list[int]]]:
    """Connected groups of key and response clusters that share mentions (aligned apart)."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in ov.pairs:
        a, b = find(("k", i)), find(("r", j))
        if a != b:
            parent[a] = b
    groups: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    for node in list(parent):
        rows, cols = groups.setdefault(find(node), ([], []))
        (rows if node[0] == "k" else cols).append(node[1])
    return list(groups.values())


def _best_alignment(ov: _Overlap, rows: list[int], cols: list[int]) -> float:
    """Maximum total phi4 of a one-to-one alignment between these key and response clusters."""
    weights = np.zeros((len(rows), len(cols)))
    at_row = {i: n for n, i in enumerate(rows)}
    at_col = {j: n for n, j in enumerate(cols)}
    for (i, j), n in ov.pairs.items():
        if i in at_row and j in at_col:
            weights[at_row[i], at_col[j]] = 2 * n / (len(ov.key[i]) + len(ov.response[j]))
    if weights.shape[0] == 1 or weights.shape[1] == 1:
        return float(weights.max())
    return max_assignment(weights if weights.shape[0] <= weights.shape[1] else weights.T)


def max_assignment(weights: np.ndarray) -> float:
    """Largest sum of weights[i, p(i)] over injective p (Hungarian method, rows <= columns)."""
    n, m = weights.shape
    cost = -np.asarray(weights, dtype=float)
    u, v = np.zeros(n + 1), np.zeros(m + 1)
    owner = np.zeros(m + 1, dtype=np.int64)  # owner[j]: row (1-based) assigned to column j
    way = np.zeros(m + 1, dtype=np.int64)
    for i in range(1, n + 1):
        owner[0], j0 = i, 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = owner[j0]
            free = ~used[1:]
            reduced = cost[i0 - 1] - u[i0] - v[1:]
            better = free & (reduced < minv[1:])
            minv[1:][better] = reduced[better]
            way[1:][better] = j0
            masked = np.where(free, minv[1:], np.inf)
            j1 = int(np.argmin(masked)) + 1
            delta = masked[j1 - 1]
            u[owner[used]] += delta
            v[used] -= delta
            minv[~used] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    return float(sum(weights[owner[j] - 1, j - 1] for j in range(1, m + 1) if owner[j]))


def conll(key: Clustering, response: Clustering) -> float:
    """The CoNLL-2012 score: the mean of the MUC, B³ and CEAF-e F1."""
    return scores(key, response)["conll"]


def scores(key: Clustering, response: Clustering) -> dict[str, dict[str, float] | float]:
    """All three metrics as {"muc": {"p", "r", "f"}, "b_cubed": ..., "ceaf_e": ..., "conll"}."""
    ov = _Overlap(key, response)
    out: dict[str, dict[str, float] | float] = {}
    f1 = []
    for name, pr in (("muc", _muc_pr), ("b_cubed", _b_cubed_pr), ("ceaf_e", _ceaf_e_pr)):
        p, r, f = _prf(*pr(ov))
        out[name] = {"p": p, "r": r, "f": f}
        f1.append(f)
    out["conll"] = sum(f1) / 3
    return out
