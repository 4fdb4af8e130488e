"""Word classes learned from the project's own raw text, for the learned model.

Analysts import many more articles than they annotate. Before the first annotation, the
words of all the project's texts get vectors from their neighbours (positive PMI of the
word/context counts in a small window, reduced by a truncated SVD: Levy & Goldberg's
count-based embeddings, which match word2vec on corpora this small and take seconds), and
the vectors are grouped by k-means at a few granularities (coarse to fine). A word's classes
are token features of the learned ner (see `annotator.nlp.features`): a word never
annotated still shares what the model learned about the words of its classes ("Pyongyang"
with "Moskow", "Shoigu" with "Lavrov"). Words are looked up lower-cased with digits as 0,
so lower-cased text gets the same classes.

The classes are cached in <project>/models/vectors/<hash of the texts>.json, computed in the
background worker (`ensure_clusters`) with progress and cancel.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.store.atomic import read_json, write_json_atomic

if TYPE_CHECKING:
    import numpy as np

    from annotator.core.project import Project

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
VECTORS = "vectors"
GRANULARITIES = (128, 1024)
FORMAT = 1
_DIGITS = re.compile(r"\d")


class VectorsCancelled(Exception):
    """The user cancelled while the word classes were being learned."""


def word_key(text: str) -> str:
    """How words are looked up: lower-cased, every digit as 0."""
    return _DIGITS.sub("0", text.lower())


def texts_hash(texts: Iterable[str]) -> str:
    """A hash of the texts (and the method's version): the cache key."""
    digest = hashlib.sha1(f"wordvec:{FORMAT}:{GRANULARITIES}".encode())
    for text in texts:
        digest.update(hashlib.sha1(text.encode("utf-8")).digest())
    return digest.hexdigest()[:16]


@dataclass
class WordClusters:
    """Classes of each known word, coarse to fine (`ks` classes at each level)."""

    ks: tuple[int, ...]
    classes: dict[str, tuple[int, ...]]
    key: str = ""
    chars: int = 0  # how much text they were learned on

    def of(self, word: str) -> tuple[int, ...] | None:
        return self.classes.get(word_key(word))

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "key": self.key, "ks": list(self.ks), "chars": self.chars,
                "words": {w: list(c) for w, c in self.classes.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WordClusters:
        return cls(tuple(data["ks"]), {w: tuple(c) for w, c in data["words"].items()},
                   str(data.get("key", "")), int(data.get("chars", 0)))


def tokenized(texts: Sequence[str], progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> list[list[str]]:
    """The texts' word keys (spaCy's shared tokenizer, whitespace tokens dropped)."""
    from annotator.nlp.tokens import shared_pipeline

    tokenizer = shared_pipeline().tokenizer
    out = []
    for i, text in enumerate(texts):
        if cancelled and i % 200 == 0 and cancelled():
            raise VectorsCancelled
        out.append([word_key(t.text) for t in tokenizer(text) if not t.is_space])
        if progress and i % 200 == 0:
            progress(i, len(texts))
    return out


def learn_vectors(docs: Sequence[Sequence[str]], *, dim: int = 100, window: int = 2,
                  min_count: int = 2, max_words: int = 60_000,
                  alpha: float = 0.75) -> tuple[list[str], np.ndarray]:
    """(words, unit vectors): PPMI of word/context counts within `window` tokens, smoothed
    context counts (`alpha`), truncated SVD with the singular values' square root."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import svds

    counts = Counter(w for doc in docs for w in doc)
    words = [w for w, c in counts.most_common(max_words) if c >= min_count]
    if len(words) < 4:
        return words, np.zeros((len(words), 1), dtype=np.float32)
    index = {w: i for i, w in enumerate(words)}
    ids = np.fromiter((index.get(w, -1) for doc in docs for w in (*doc, None)), dtype=np.int64)
    n = len(words)
    rows, cols = [], []
    for d in range(1, window + 1):
        a, b = ids[:-d], ids[d:]
        ok = (a >= 0) & (b >= 0)
        rows += [a[ok], b[ok]]
        cols += [b[ok], a[ok]]
    r, c = np.concatenate(rows), np.concatenate(cols)
    m = coo_matrix((np.ones(len(r), dtype=np.float64), (r, c)), shape=(n, n)).tocsr()
    m.sum_duplicates()
    total = m.sum()
    row_sum = np.asarray(m.sum(axis=1)).ravel()
    ctx = np.asarray(m.sum(axis=0)).ravel() ** alpha
    ctx_p = ctx / ctx.sum()
    coo = m.tocoo()
    pmi = np.log(coo.data * 1.0 / total) - np.log(row_sum[coo.row] / total) - np.log(
        ctx_p[coo.col])
    keep = pmi > 0
    ppmi = coo_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=(n, n)).tocsr()
    k = max(1, min(dim, n - 2))
    u, s, _ = svds(ppmi, k=k, random_state=0)
    vectors = (u * np.sqrt(s)).astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return words, vectors / np.maximum(norms, 1e-8)


def kmeans(vectors: np.ndarray, k: int, *, iterations: int = 12, seed: int = 0) -> np.ndarray:
    """Spherical k-means on unit vectors: the class of each row."""
    import numpy as np

    n = len(vectors)
    k = max(1, min(k, n))
    rng = np.random.default_rng(seed)
    centres = vectors[rng.choice(n, size=k, replace=False)].copy()
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(iterations):
        labels = np.concatenate([np.argmax(chunk @ centres.T, axis=1)
                                 for chunk in np.array_split(vectors, max(1, n // 4096))])
        sums = np.zeros_like(centres)
        np.add.at(sums, labels, vectors)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] == 0
        sums[empty] = centres[empty]
        centres = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-8)
    return labels


def learn_clusters(texts: Sequence[str], *, ks: Sequence[int] = GRANULARITIES,
                   progress: Progress | None = None, cancelled: Cancelled | None = None,
                   **kw: Any) -> WordClusters:
    """Word classes of `texts` at each granularity in `ks` (see the module's docstring)."""
    steps = len(ks) + 2

    def report(i: int) -> None:
        if progress:
            progress(i, steps)
        if cancelled and cancelled():
            raise VectorsCancelled

    report(0)
    docs = tokenized(texts, cancelled=cancelled)
    report(1)
    words, vectors = learn_vectors(docs, **kw)
    report(2)
    levels = []
    for i, k in enumerate(ks):
        levels.append(kmeans(vectors, k) if len(words) else [])
        report(3 + i)
    classes = {w: tuple(int(level[i]) for level in levels) for i, w in enumerate(words)}
    return WordClusters(tuple(ks), classes, texts_hash(texts), sum(len(t) for t in texts))


MAX_CHARS = 6_000_000  # about a million tokens: the classes take under a minute
MIN_CHARS = 100_000  # below about 15,000 tokens the classes are noise
REUSE_WITHIN = 0.25  # classes learned on texts of a size within 25 % of today's are kept


def project_texts(project: Project, limit: int = MAX_CHARS) -> list[str]:
    """The articles' texts (annotated or not) in project order, up to about `limit` chars."""
    out: list[str] = []
    size = 0
    for info in project.infos:
        if size >= limit:
            break
        text = project.text(info.id)
        out.append(text)
        size += len(text)
    return out


def clusters_path(root: Path, key: str) -> Path:
    from annotator.nlp.model_store import MODELS

    return Path(root) / MODELS / VECTORS / f"{key}.json"


def load_clusters(path: Path) -> WordClusters | None:
    """A cached file's classes, or None when missing or unreadable."""
    try:
        data = read_json(path)
        return WordClusters.from_json(data) if data.get("format") == FORMAT else None
    except Exception:  # noqa: BLE001 - a damaged cache is learned again
        return None


def _similar(folder: Path, chars: int) -> WordClusters | None:
    """Cached classes learned on about as much text as `chars` (see REUSE_WITHIN)."""
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        found = load_clusters(path)
        if found is not None and found.chars and abs(chars - found.chars) <= (
                REUSE_WITHIN * found.chars):
            return found
    return None


def ensure_clusters(root: Path, texts: Sequence[str], *, progress: Progress | None = None,
                    cancelled: Cancelled | None = None,
                    min_chars: int | None = None) -> WordClusters | None:
    """The classes of `texts`, from the cache under `root`'s models/vectors/ or learned now
    and cached (older cache files are removed). The classes cached for other texts are kept
    while the project's text is within REUSE_WITHIN of the size they were learned on (an
    import of a few articles does not cost a minute). None below `min_chars` (default
    MIN_CHARS) characters of text."""
    chars = sum(len(t) for t in texts)
    if chars < (MIN_CHARS if min_chars is None else min_chars):
        return None
    key = texts_hash(texts)
    path = clusters_path(root, key)
    cached = load_clusters(path) if path.is_file() else _similar(path.parent, chars)
    if cached is not None:
        if progress:
            progress(1, 1)
        return cached
    found = learn_clusters(texts, progress=progress, cancelled=cancelled)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, found.to_json())
    for old in path.parent.glob("*.json"):
        if old != path:
            old.unlink(missing_ok=True)
    return found
