"""What a format renderer returns for one validated export record."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Rendered:
    """`item`: the format's document; `spans`: the record's span dicts it carries; `lost`:
    spans it could not carry, per reason; `problems`: validation failures (item not written)."""

    item: Any
    spans: list[dict[str, Any]] = field(default_factory=list)
    lost: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
