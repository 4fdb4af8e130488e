"""Token-boundary helpers on plain (start, end) token offsets."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

Token = tuple[int, int]


class TokenIndex:
    """Binary-searchable token offsets of one text."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = list(tokens)
        self._starts = [t[0] for t in self.tokens]
        self._ends = [t[1] for t in self.tokens]

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """Indices of the first and last (inclusive) token overlapping [start, end)."""
        first = bisect.bisect_right(self._ends, start)
        last = bisect.bisect_left(self._starts, end) - 1
        if first > last or first >= len(self.tokens):
            return None
        return first, last

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """Expand [start, end) to whole tokens; None when it touches no token."""
        if end <= start:
            return None
        found = self.token_range(start, end)
        if found is None:
            return None
        return self._starts[found[0]], self._ends[found[1]]

    def is_aligned(self, start: int, end: int) -> bool:
        return self.snap(start, end) == (start, end)


# Close to spaCy's Indonesian tokens (0.6 % of the seed tokens differ): dotted names and
# numbers whole, lower-case reduplications ("negara-negara") whole, other hyphens split.
_GUESS = re.compile(
    r"\w+(?:\.\w+)+|[^\W\d_A-Z]+(?:-[^\W\d_A-Z]+)+|[A-Z]\.(?=\s)|\w+|[^\w\s]"
)


def guessed_tokens(text: str) -> list[Token]:
    """Word and punctuation tokens by a regex: a stand-in until spaCy's tokens arrive."""
    return [m.span() for m in _GUESS.finditer(text)]
