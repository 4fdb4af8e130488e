"""Choosing among candidate entities for a short name by the words and names around it.

A group's context is the words within `WINDOW` characters of its mentions and the other names
of its article, weighted by TF-IDF; each candidate entity's profile pools the contexts of up
to `PROFILE_SAMPLE` of its groups. The most similar candidate wins when it is clearly ahead.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

import numpy as np

from annotator.core.autolink.state import PlanState
from annotator.core.linking import fold

WINDOW = 150  # characters of context on each side of a mention
MIN_SIMILARITY, MARGIN = 0.05, 0.01  # the best candidate must reach this and lead by that
PROFILE_SAMPLE = 40  # groups per candidate entity whose context is read
PROFILE_FEATURES = 300  # strongest features kept per candidate
DOC_SAMPLE = 400  # about this many articles give the words' document frequencies
CONTEXT_WORD = re.compile(r"[^\W\d_]{3,}")
_STOPWORDS = (
    """yang dan dari untuk dengan pada itu ini akan juga telah dalam kata bahwa para oleh sebagai
    tersebut adalah atau tidak karena setelah saat mereka dia kami kita tetapi namun bagi hari
    lebih sudah masih antara secara seperti menurut mengatakan melalui terhadap sejak hingga ada
    the and for with that this from said"""
)
STOPWORDS = frozenset(_STOPWORDS.split())


def context_words(text: str) -> list[str]:
    """The words of `text` that may tell entities apart: 3+ letters, folded, no stopwords."""
    return [w for w in CONTEXT_WORD.findall(fold(text).casefold()) if w not in STOPWORDS]


class Context:
    """Chooses among candidate entities for a short name by the words and names around it."""

    def __init__(self, state: PlanState) -> None:
        self.state = state
        groups = state.groups
        self.doc_keys = [{groups[g].rep for g in ids} for ids in state.by_article]
        self.key_df = Counter(k for keys in self.doc_keys for k in keys)
        texts = state.texts
        sample = texts[:: max(1, len(texts) // DOC_SAMPLE)]
        self.word_df = Counter(w for text in sample for w in set(context_words(text)))
        self.n_docs, self.n_sample = len(texts), len(sample)
        self._tables: dict[tuple[int, ...], tuple[dict[Any, int], np.ndarray]] = {}
        self.last = 0.0  # how far the last choice was ahead of the next candidate

    def choose(self, g: int, roots: tuple[int, ...]) -> int:
        """The candidate whose context is most like group g's; the largest when unclear."""
        columns, matrix = self._table(roots)
        query = self._vector(self._features(g))
        hits = [(columns[f], w) for f, w in query.items() if f in columns]
        norm = math.sqrt(sum(w * w for w in query.values())) or 1.0
        sims = (matrix[:, [c for c, _ in hits]] @ np.array([w for _, w in hits]) / norm
                if hits else np.zeros(len(roots)))
        order = np.argsort(-sims, kind="stable")
        best = sims[order[0]]
        self.last = float(best - (sims[order[1]] if len(roots) > 1 else 0.0))
        if best < MIN_SIMILARITY or (len(roots) > 1 and best - sims[order[1]] < MARGIN):
            self.last = 0.0
            uf = self.state.uf
            return max(roots, key=lambda r: (uf.size[uf.find(r)], -r))
        return roots[int(order[0])]

    def _features(self, g: int) -> Counter[Any]:
        """Names of the group's article ("E") and words around its mentions ("W")."""
        state = self.state
        group = state.groups[g]
        feats: Counter[Any] = Counter()
        if group.article < 0:
            return feats
        own = {t for k in group.keys for t in state.keys.raw[k]}
        feats.update(("E", k) for k in self.doc_keys[group.article] if k not in group.keys)
        text = state.texts[group.article]
        for m in group.mentions:
            span = state.mentions[m].span
            window = text[max(0, span.start - WINDOW) : span.start] + " " + text[
                span.end : span.end + WINDOW]
            feats.update(("W", w) for w in context_words(window) if w not in own)
        return feats

    def _vector(self, feats: Counter[Any]) -> dict[Any, float]:
        """TF-IDF weights (entity names by article frequency, words by a sample's)."""
        vec = {}
        for f, tf in feats.items():
            df, n = (self.key_df[f[1]], self.n_docs) if f[0] == "E" else (
                self.word_df[f[1]], self.n_sample)
            vec[f] = (1 + math.log(tf)) * math.log((n + 1) / (df + 1))
        return vec

    def _table(self, roots: tuple[int, ...]) -> tuple[dict[Any, int], np.ndarray]:
        """Candidates' context profiles as unit rows over their strongest features."""
        found = self._tables.get(roots)
        if found is None:
            columns: dict[Any, int] = {}
            rows = []
            for root in roots:
                feats: Counter[Any] = Counter()
                members = [g for g in self.state.uf.members.get(root, [root])
                           if self.state.groups[g].article >= 0]
                for g in members[:PROFILE_SAMPLE]:
                    feats.update(self._features(g))
                vec = self._vector(feats)
                top = sorted(vec.items(), key=lambda item: -item[1])[:PROFILE_FEATURES]
                rows.append({columns.setdefault(f, len(columns)): w for f, w in top})
            matrix = np.zeros((len(roots), len(columns)))
            for r, row in enumerate(rows):
                matrix[r, list(row)] = list(row.values())
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            found = self._tables[roots] = (columns, matrix / np.where(norms > 0, norms, 1.0))
        return found
