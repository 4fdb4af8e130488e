"""A seeded train/dev split of articles (never of records: an article lands in one part only).

The order is a seeded shuffle computed from SHA-1 of "<seed>:<article id>", so it is the same
on every machine and Python version and an article keeps its place when others are added. The
first round(n * ratio) articles of that order form the train part; with two or more articles
each part gets at least one. Inside each part articles keep the project order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

TRAIN = "train"
DEV = "dev"


def check_ratio(ratio: float) -> float:
    """`ratio` as a float strictly between 0 and 1; ValueError otherwise."""
    value = float(ratio)
    if not 0.0 < value < 1.0:
        raise ValueError(f"the split ratio must be between 0 and 1 (exclusive), got {ratio}")
    return value


def shuffle_key(article_id: str, seed: int) -> bytes:
    return hashlib.sha1(f"{seed}:{article_id}".encode()).digest()


def split_ids(ids: Sequence[str], ratio: float, seed: int = 0) -> dict[str, str]:
    """Map every id to "train" or "dev"; `ratio` is the train fraction (0 < ratio < 1)."""
    ratio = check_ratio(ratio)
    order = sorted(dict.fromkeys(ids), key=lambda i: (shuffle_key(i, seed), i))
    n = len(order)
    cut = int(n * ratio + 0.5)
    cut = min(max(cut, 1), n - 1) if n >= 2 else n
    return {article_id: TRAIN if i < cut else DEV for i, article_id in enumerate(order)}
