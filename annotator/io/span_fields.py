"""Checking the spans of one imported record: types, ranges, labels, overlaps, each named.

Offsets are Python code points. A span that carries its own `text` is checked against
`text[start:end]`; when that fails but the offsets read as UTF-16 units (JavaScript tools) or
UTF-8 bytes give the span's text, they are converted and counted (the file's summary says how
many), else the span is reported and skipped. Spans of the same record without `text` are then
taken in the same unit; one whose offsets fall inside a character is reported and skipped.
Whitespace at a span's edges is trimmed and reported; a span of only whitespace is skipped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from annotator.core.labels import label_name_problem
from annotator.core.model import Origin, Span
from annotator.core.offsets import Utf16Map

UNIT_NAMES = {"utf16": "UTF-16 offsets", "utf8": "UTF-8 byte offsets"}
_CUTS = {"utf16": "UTF-16 surrogate pair", "utf8": "UTF-8 byte sequence"}


@dataclass(slots=True)
class _Raw:
    """A span's fields once their types are checked (offsets as given in the file)."""

    index: int
    start: int
    end: int
    label: str
    kb_id: str | None
    origin: Origin
    claimed: str | None  # the span's own "text", when it has one


class _Units:
    """Converts one text's UTF-16 or UTF-8 byte offsets to code points, built on first use."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._utf16: Utf16Map | None = None
        self._utf8: dict[int, int] | None = None

    def size(self, unit: str) -> int:
        if unit == "utf16":
            return self._map16().to_utf16(len(self.text))
        return len(self.text.encode("utf-8"))

    def to_cp(self, unit: str, offset: int) -> int | None:
        """The code point at `offset`; None when it is inside a character or past the end."""
        if offset < 0:
            return None
        if unit == "utf16":
            mapping = self._map16()
            cp = mapping.to_codepoint(offset)
            return cp if cp <= len(self.text) and mapping.to_utf16(cp) == offset else None
        if self.text.isascii():
            return offset if offset <= len(self.text) else None
        if self._utf8 is None:
            self._utf8, position = {}, 0
            for cp, char in enumerate(self.text):
                self._utf8[position] = cp
                position += len(char.encode("utf-8", "surrogatepass"))
            self._utf8[position] = len(self.text)
        return self._utf8.get(offset)

    def _map16(self) -> Utf16Map:
        if self._utf16 is None:
            self._utf16 = Utf16Map(self.text)
        return self._utf16


def parse_spans(
    raw_spans: list[Any],
    text: str,
    issue: Any,
    check_overlap: bool,
    converted: Counter[str] | None = None,
) -> list[Span]:
    """Valid spans of one record, sorted; each bad span is reported and left out.
    `converted` counts, per unit ("utf16", "utf8"), the spans whose offsets were converted."""
    raws = []
    for index, raw in enumerate(raw_spans, start=1):
        parsed = _parse_fields(raw, index, lambda m, i=index: issue(f"span {i}: {m}"))
        if parsed is not None:
            raws.append(parsed)
    placed = _place(raws, text, issue, converted)
    valid = [(r.index, span) for r, span in placed]
    valid.sort(key=lambda pair: (pair[1].start, pair[1].end, pair[1].label, pair[0]))
    kept: list[Span] = []
    for index, span in valid:
        if check_overlap and kept and kept[-1].end > span.start:
            prev = kept[-1]
            what = "repeats" if prev.key == span.key else "overlaps"
            issue(
                f"span {index}: {span.start}..{span.end} {span.label} {what} "
                f"{prev.start}..{prev.end} {prev.label}; span skipped"
            )
            continue
        if not check_overlap and kept and kept[-1].key == span.key:
            continue
        kept.append(span)
    return kept


def _place(
    raws: list[_Raw], text: str, issue: Any, converted: Counter[str] | None
) -> list[tuple[_Raw, Span]]:
    """Spans in code points: checked against their text, converted, trimmed; problems reported."""
    units = _Units(text)
    found: dict[int, tuple[int, int]] = {}
    needed: Counter[str] = Counter()
    for raw in raws:
        if raw.claimed is None:
            continue
        if 0 <= raw.start < raw.end <= len(text) and text[raw.start : raw.end] == raw.claimed:
            found[raw.index] = (raw.start, raw.end)
            continue
        for unit in ("utf16", "utf8"):
            start, end = units.to_cp(unit, raw.start), units.to_cp(unit, raw.end)
            if start is not None and end is not None and text[start:end] == raw.claimed:
                found[raw.index] = (start, end)
                needed[unit] += 1
                break
        else:
            issue(f"span {raw.start}-{raw.end} text {_show(raw.claimed)} does not match "
                  f"{_show(text[max(raw.start, 0) : max(raw.end, 0)])}; span skipped")
    record_unit = needed.most_common(1)[0][0] if needed else None
    placed = []
    for raw in raws:
        where = f"span {raw.start}-{raw.end}"
        if raw.claimed is not None:
            if raw.index not in found:
                continue
            start, end = found[raw.index]
        elif raw.start < 0 or raw.end > (units.size(record_unit) if record_unit else len(text)):
            size = units.size(record_unit) if record_unit else len(text)
            issue(f"span {raw.index}: {raw.start}..{raw.end} is outside the text (0..{size}); "
                  "span skipped")
            continue
        elif record_unit is not None:
            cp_start = units.to_cp(record_unit, raw.start)
            cp_end = units.to_cp(record_unit, raw.end)
            if cp_start is None or cp_end is None:
                issue(f"{where} cuts a character ({_CUTS[record_unit]}); span skipped")
                continue
            start, end = cp_start, cp_end
            needed[record_unit] += 1
        else:
            start, end = raw.start, raw.end
        covered = text[start:end]
        if not covered.strip():
            issue(f"{where} {_show(covered)} is only whitespace; span skipped")
            continue
        if covered != covered.strip():
            trimmed = start + len(covered) - len(covered.lstrip())
            end = end - len(covered) + len(covered.rstrip())
            issue(f"{where} {_show(covered)} has whitespace at its edges; "
                  f"trimmed to {trimmed}-{end}")
            start = trimmed
        placed.append((raw, Span(start, end, raw.label, raw.origin, raw.kb_id)))
    if converted is not None:
        converted.update(needed)
    return placed


def _show(value: str, limit: int = 40) -> str:
    """A string quoted for a message, cut to `limit` characters."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _parse_fields(raw: Any, index: int, issue: Any) -> _Raw | None:
    if not isinstance(raw, dict):
        issue(f"expected an object, got {kind_of(raw)}; span skipped")
        return None
    start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int):
            issue(f'"{name}" must be an integer, got {kind_of(value)}; span skipped')
            return None
    assert isinstance(start, int) and isinstance(end, int)
    if not isinstance(label, str) or not label.strip():
        shown = _show(label) if isinstance(label, str) else repr(label)
        issue(f'"label" must be a non-empty string, got {shown}; span skipped')
        return None
    problem = label_name_problem(label.strip())
    if problem is not None:
        issue(f"{problem}; span skipped")
        return None
    if end <= start:
        issue(f"end {end} is not after start {start}; span skipped")
        return None
    kb_id = raw.get("kb_id")
    if kb_id is not None and not isinstance(kb_id, str):
        issue(f'"kb_id" must be a string, got {kind_of(kb_id)}; link dropped')
        kb_id = None
    origin = Origin.MANUAL
    raw_origin = raw.get("origin")
    if raw_origin is not None:
        try:
            origin = Origin(raw_origin)
        except ValueError:
            issue(f'unknown "origin" {raw_origin!r}; taken as manual')
    claimed = raw.get("text")
    if claimed is not None and not isinstance(claimed, str):
        issue(f'"text" must be a string, got {kind_of(claimed)}; offsets not checked')
        claimed = None
    return _Raw(index, start, end, label.strip(), kb_id or None, origin, claimed)


def kind_of(value: Any) -> str:
    """How a JSON value's type is named in messages."""
    if value is None:
        return "null"
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)
