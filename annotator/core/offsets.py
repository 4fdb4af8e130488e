"""Convert between Python code points and Qt's UTF-16 code units."""

from __future__ import annotations

import bisect
import re

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class Utf16Map:
    """Offset conversion for one text; free when the text has no astral characters."""

    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]  # no per-character loop
        # UTF-16 position of each astral char (each adds one extra unit after it).
        self._astral_utf16 = [i + k for k, i in enumerate(self._astral)]

    def to_utf16(self, cp: int) -> int:
        return cp + bisect.bisect_left(self._astral, cp)

    def to_codepoint(self, unit: int) -> int:
        """Map a UTF-16 offset to a code point; a unit inside a surrogate pair rounds down."""
        extra = bisect.bisect_left(self._astral_utf16, unit)
        if extra and self._astral_utf16[extra - 1] + 1 == unit:
            return self._astral[extra - 1]  # inside a pair: round down
        return unit - extra
