"""Agreement maths: span P/R/F, Cohen's kappa and Krippendorff's alpha on token labels.

Conventions (never an exception for degenerate data):
- span P/R/F of A against B (B is the reference), exact match on (start, end, label):
  P = matched/|A|, R = matched/|B|; a ratio over an empty side is 1.0 when the other side
  is empty too (both found nothing: perfect agreement), else 0.0; F = 0.0 when P + R = 0.
- kappa and alpha: nan when there is nothing to compare (no tokens, or no token labelled
  by two annotators); 1.0 when every label given is the same one (no variation, hence no
  disagreement; scikit-learn and the `krippendorff` package give nan or raise there).
- tokens are (start, end, ...) tuples in text order; extra items (e.g. whitespace flags)
  are ignored. A token takes the label of the span overlapping it most, else "O".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import krippendorff
import numpy as np

from annotator.core.annotations import AnnotationSet
from annotator.core.model import Span
from annotator.core.project import Project
from annotator.core.review import Kind, compared, conflict_counts, diff_article

OUTSIDE = "O"
Token = Sequence[int]
LabelRow = Sequence[str | None]  # one annotator's label per unit; None = not annotated
SetsByArticle = Mapping[str, Mapping[str, AnnotationSet | None]]
TokensFor = Callable[[str], Sequence[Token]]


def _ratio(num: int, den: int, other: int) -> float:
    if den:
        return num / den
    return 1.0 if other == 0 else 0.0


@dataclass
class PRF:
    """Exact-match counts of A against B and the precision, recall and F1 they give."""

    matched: int = 0
    n_a: int = 0
    n_b: int = 0

    @property
    def p(self) -> float:
        return _ratio(self.matched, self.n_a, self.n_b)

    @property
    def r(self) -> float:
        return _ratio(self.matched, self.n_b, self.n_a)

    @property
    def f(self) -> float:
        p, r = self.p, self.r
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: PRF) -> None:
        self.matched += other.matched
        self.n_a += other.n_a
        self.n_b += other.n_b

    def to_json(self) -> dict[str, float]:
        return {"p": self.p, "r": self.r, "f": self.f}


@dataclass
class SpanScores:
    """Span-level P/R/F of A against B: overall (micro) and per label."""

    overall: PRF = field(default_factory=PRF)
    per_label: dict[str, PRF] = field(default_factory=dict)

    def add(self, other: SpanScores) -> None:
        """Pool another article's counts into these (micro-averaging)."""
        self.overall.add(other.overall)
        for label, prf in other.per_label.items():
            self.per_label.setdefault(label, PRF()).add(prf)

    def to_json(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_json(),
            "per_label": {k: self.per_label[k].to_json() for k in sorted(self.per_label)},
        }


def span_prf(a: Iterable[Span], b: Iterable[Span]) -> SpanScores:
    """P/R/F of spans `a` against reference `b`, exact match on (start, end, label)."""
    count_a = Counter(s.key for s in a)
    count_b = Counter(s.key for s in b)
    scores = SpanScores()
    for key in count_a.keys() | count_b.keys():
        prf = scores.per_label.setdefault(key[2], PRF())
        prf.matched += min(count_a[key], count_b[key])
        prf.n_a += count_a[key]
        prf.n_b += count_b[key]
    for prf in scores.per_label.values():
        scores.overall.add(prf)
    return scores


def token_labels(spans: Iterable[Span], tokens: Sequence[Token]) -> list[str]:
    """The label of each token (of the span overlapping it most, first on ties), else "O"."""
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    starts = [s.start for s in ordered]
    ends = [s.end for s in ordered]
    n = len(ordered)
    labels: list[str] = []
    j = 0
    for token in tokens:
        start, end = token[0], token[1]
        while j < n and ends[j] <= start:
            j += 1
        if j == n or starts[j] >= end:
            labels.append(OUTSIDE)  # the usual case: no span here
            continue
        best, best_len = OUTSIDE, 0
        k = j
        while k < n and starts[k] < end:
            overlap = min(end, ends[k]) - max(start, starts[k])
            if overlap > best_len:
                best, best_len = ordered[k].label, overlap
            k += 1
        labels.append(best)
    return labels


def kappa_from_pairs(pairs: Mapping[tuple[str, str], int]) -> float:
    """Cohen's kappa from counts of (label by A, label by B) pairs; exact integer sums."""
    n = sum(pairs.values())
    if n == 0:
        return math.nan
    agree = sum(c for (x, y), c in pairs.items() if x == y)
    count_a: Counter[str] = Counter()
    count_b: Counter[str] = Counter()
    for (x, y), c in pairs.items():
        count_a[x] += c
        count_b[y] += c
    chance = sum(count_a[k] * count_b[k] for k in count_a)  # n * n * p_e
    if chance == n * n:  # both used one and the same label throughout
        return 1.0
    return (n * agree - chance) / (n * n - chance)


def cohen_kappa(labels_a: Sequence[str], labels_b: Sequence[str]) -> float:
    """Cohen's kappa of two equally long label sequences: (p_o - p_e) / (1 - p_e)."""
    if len(labels_a) != len(labels_b):
        raise ValueError(f"label sequences differ in length: {len(labels_a)} != {len(labels_b)}")
    return kappa_from_pairs(Counter(zip(labels_a, labels_b, strict=True)))


def _codes(label_rows: Sequence[LabelRow]) -> tuple[np.ndarray, int]:
    """Rows of label codes (-1 = missing) and the number of distinct labels."""
    widths = {len(row) for row in label_rows}
    if len(widths) > 1:
        raise ValueError(f"label rows differ in length: {sorted(widths)}")
    domain = sorted({x for row in label_rows for x in row if x is not None})
    index = {label: i for i, label in enumerate(domain)}
    width = widths.pop() if widths else 0
    codes = np.full((len(label_rows), width), -1, dtype=np.int64)
    for i, row in enumerate(label_rows):
        codes[i] = [index[x] if x is not None else -1 for x in row]
    return codes, len(domain)


def _pairable(codes: np.ndarray) -> bool:
    return bool(((codes >= 0).sum(axis=0) >= 2).any()) if codes.size else False


def krippendorff_alpha(label_rows: Sequence[LabelRow]) -> float:
    """Nominal Krippendorff's alpha; rows are annotators, columns units, None = missing."""
    codes, n_values = _codes(label_rows)
    if not _pairable(codes):
        return math.nan
    if n_values == 1:
        return 1.0
    data = np.where(codes >= 0, codes, np.nan).astype(float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


class Coincidences:
    """Nominal alpha pooled over many units without holding them (the package needs N*V*V)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.o = np.zeros((0, 0))

    def add(self, label_rows: Sequence[LabelRow]) -> None:
        """Add units (columns of `label_rows`) to the coincidence matrix."""
        for row in label_rows:
            for x in row:
                if x is not None and x not in self.index:
                    self.index[x] = len(self.index)
        size = len(self.index)
        if self.o.shape[0] < size:
            grown = np.zeros((size, size))
            grown[: self.o.shape[0], : self.o.shape[0]] = self.o
            self.o = grown
        width = len(label_rows[0]) if label_rows else 0
        counts = np.zeros((width, size))
        for row in label_rows:
            units = np.array([u for u, x in enumerate(row) if x is not None], dtype=np.int64)
            values = np.array([self.index[x] for x in row if x is not None], dtype=np.int64)
            np.add.at(counts, (units, values), 1.0)
        m = counts.sum(axis=1)
        keep = m >= 2
        counts, m = counts[keep], m[keep]
        scaled = counts / (m - 1)[:, None]
        self.o += scaled.T @ counts - np.diag(scaled.sum(axis=0))

    def alpha(self) -> float:
        """1 - (n - 1) * sum of off-diagonal coincidences / sum over c != k of n_c * n_k."""
        n_c = self.o.sum(axis=0)
        n = n_c.sum()
        if n <= 0:
            return math.nan
        expected = n * n - float((n_c * n_c).sum())
        if expected <= 1e-9:
            return 1.0
        observed = float(self.o.sum() - np.trace(self.o))
        return 1.0 - (n - 1) * observed / expected


@dataclass
class ArticleAgreement:
    """Figures for one article; `spans`/`kappa` are None unless A and B both annotated it."""

    article_id: str
    compared: list[str]
    tokens: int
    spans: SpanScores | None
    kappa: float | None
    alpha: float
    conflicts: Counter[Kind]
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter, repr=False)
    rows: list[list[str | None]] = field(default_factory=list, repr=False)


def article_agreement(
    article_id: str,
    sets: Mapping[str, AnnotationSet | None],
    annotators: Sequence[str],
    tokens: Sequence[Token],
) -> ArticleAgreement | None:
    """Agreement on one article, or None when fewer than two of `annotators` worked on it."""
    chosen = {a: sets.get(a) for a in annotators}
    who = compared(chosen)
    if len(who) < 2:
        return None
    rows: list[list[str | None]] = []
    for a in annotators:
        aset = chosen[a]
        if aset is not None and a in who:
            rows.append(list(token_labels(aset.spans, tokens)))
        else:
            rows.append([None] * len(tokens))
    first, second = annotators[0], annotators[1]
    spans, kappa, pairs = None, None, Counter()
    if first in who and second in who:
        a_set, b_set = chosen[first], chosen[second]
        assert a_set is not None and b_set is not None
        spans = span_prf(a_set.spans, b_set.spans)
        pairs = Counter(zip(rows[0], rows[1], strict=True))
        kappa = kappa_from_pairs(pairs)
    return ArticleAgreement(
        article_id=article_id,
        compared=who,
        tokens=len(tokens),
        spans=spans,
        kappa=kappa,
        alpha=krippendorff_alpha(rows),
        conflicts=conflict_counts(diff_article(chosen)),
        pairs=pairs,
        rows=rows,
    )


_NO_SPANS: dict[str, Any] = {"overall": {"p": None, "r": None, "f": None}, "per_label": {}}


def _json_float(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else x


@dataclass
class AgreementReport:
    """Per-article and pooled figures; A and B are the first two annotators."""

    annotators: list[str]
    articles: list[ArticleAgreement] = field(default_factory=list)
    spans: SpanScores = field(default_factory=SpanScores)
    kappa: float = math.nan
    alpha: float = math.nan
    conflicts: Counter[Kind] = field(default_factory=lambda: conflict_counts([]))
    tokens: int = 0
    cancelled: bool = False

    @property
    def pairs_compared(self) -> int:
        """Articles where both A and B worked (the base of P/R/F and kappa)."""
        return sum(1 for art in self.articles if art.spans is not None)

    def article(self, article_id: str) -> ArticleAgreement | None:
        return next((a for a in self.articles if a.article_id == article_id), None)

    def to_json(self) -> dict[str, Any]:
        """Stable keys; nan or no A-B article (nothing to compare) becomes None."""
        return {
            "annotators": list(self.annotators),
            "articles": len(self.articles),
            "articles_a_b": self.pairs_compared,
            "tokens": self.tokens,
            **(self.spans.to_json() if self.pairs_compared else _NO_SPANS),
            "span_counts": {
                "a": self.spans.overall.n_a,
                "b": self.spans.overall.n_b,
                "matched": self.spans.overall.matched,
            },
            "cohen_kappa": _json_float(self.kappa),
            "krippendorff_alpha": _json_float(self.alpha),
            "conflicts": {str(kind): self.conflicts[kind] for kind in Kind},
        }


def project_agreement(
    source: Project | SetsByArticle,
    annotators: Sequence[str],
    tokens_for: TokensFor,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AgreementReport:
    """Agreement of `annotators` over every article at least two of them worked on."""
    if len(annotators) < 2 or len(set(annotators)) != len(annotators):
        raise ValueError("agreement needs two or more different annotators")
    ids = source.article_ids if isinstance(source, Project) else list(source)

    def sets_of(aid: str) -> Mapping[str, AnnotationSet | None]:
        if isinstance(source, Project):
            return {a: source.existing_set(aid, a) for a in annotators}
        return source[aid]

    report = AgreementReport(list(annotators))
    pairs: Counter[tuple[str, str]] = Counter()
    pooled = Coincidences()
    for done, aid in enumerate(ids):
        if cancelled and cancelled():
            report.cancelled = True
            break
        if progress:
            progress(done, len(ids))
        sets = sets_of(aid)
        if len(compared({a: sets.get(a) for a in annotators})) < 2:
            continue
        art = article_agreement(aid, sets, annotators, tokens_for(aid))
        assert art is not None
        report.articles.append(art)
        report.tokens += art.tokens
        report.conflicts.update(art.conflicts)
        pooled.add(art.rows)
        if art.spans is not None:
            report.spans.add(art.spans)
            pairs.update(art.pairs)
        art.rows, art.pairs = [], Counter()  # pooled; not kept for 5,000 articles
    if progress and not report.cancelled:
        progress(len(ids), len(ids))
    report.kappa = kappa_from_pairs(pairs)
    report.alpha = pooled.alpha()
    return report
