"""The shared spaCy tokenizer: blank("id") tokens with offsets in Python code points.

Building spaCy's Indonesian tokenizer takes over a second (16,000 special cases), so one
is built per process, lazily, and shared: `make_nlp()` returns a new pipeline over it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

_lock = threading.Lock()  # guards building and every use of the shared tokenizer
_nlp: Language | None = None
SHARED_TOKENIZER = "annotator.shared_id_tokenizer.v1"


class LockedTokenizer:
    """The shared tokenizer behind a lock, so worker and UI threads can both use it."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        """Tokenize one text."""
        with _lock:
            return self.tokenizer(text)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        """Tokenize texts one by one, taking the lock for each."""
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str) -> Any:
        """Everything else (to_bytes, to_disk, explain, ...) comes from the tokenizer."""
        return getattr(self.tokenizer, name)


@registry.tokenizers(SHARED_TOKENIZER)
def _shared_tokenizer_factory() -> Callable[[Language], LockedTokenizer]:
    def create(nlp: Language) -> LockedTokenizer:
        return LockedTokenizer(shared_pipeline().tokenizer)

    return create


def shared_pipeline() -> Language:
    """The process-wide blank("id") pipeline that owns the tokenizer, built on first use."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                _nlp = spacy.blank("id")
    return _nlp


def make_nlp(shared: bool = True) -> Language:
    """A new blank("id") pipeline; by default it reuses the shared tokenizer and vocab (fast).

    With `shared=False` it builds its own tokenizer (about a second), e.g. to change its rules.
    """
    if not shared:
        return spacy.blank("id")
    base = shared_pipeline()
    return spacy.blank(
        "id", vocab=base.vocab, config={"nlp": {"tokenizer": {"@tokenizers": SHARED_TOKENIZER}}}
    )


def tokenize(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, trailing_whitespace) of every spaCy token, whitespace tokens included."""
    tokenizer = shared_pipeline().tokenizer
    with _lock:
        doc = tokenizer(text)
    return [(t.idx, t.idx + len(t.text), bool(t.whitespace_)) for t in doc]


def token_bounds(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Tokens [first, last) covering characters [start, end), expanded to whole tokens and
    with whitespace tokens at the edges dropped; None when no word token is covered."""
    size = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0  # len(doc.text), O(1)
    if not 0 <= start < end <= size:
        return None
    found = doc.char_span(start, end, alignment_mode="expand")
    first, last = (found.start, found.end) if found is not None else (0, 0)
    while first < last and doc[first].is_space:
        first += 1
    while last > first and doc[last - 1].is_space:
        last -= 1
    return (first, last) if first < last else None
