"""Checking the spans of one imported record: types, ranges, overlaps; each problem named."""

from __future__ import annotations

from typing import Any

from annotator.core.model import Origin, Span


def parse_spans(raw_spans: list[Any], text: str, issue: Any, check_overlap: bool) -> list[Span]:
    """Valid spans of one record, sorted; each bad span is reported and left out."""
    valid: list[tuple[int, Span]] = []
    for index, raw in enumerate(raw_spans, start=1):
        span = _parse_span(raw, len(text), lambda m, i=index: issue(f"span {i}: {m}"))
        if span is not None:
            valid.append((index, span))
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


def _parse_span(raw: Any, length: int, issue: Any) -> Span | None:
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
        issue(f'"label" must be a non-empty string, got {label!r}; span skipped')
        return None
    if end <= start:
        issue(f"end {end} is not after start {start}; span skipped")
        return None
    if start < 0 or end > length:
        issue(f"{start}..{end} is outside the text (0..{length}); span skipped")
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
    return Span(start, end, label.strip(), origin, kb_id or None)


def kind_of(value: Any) -> str:
    """How a JSON value's type is named in messages."""
    if value is None:
        return "null"
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)
