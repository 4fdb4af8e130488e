"""Export annotations as JSONL records that spaCy and Prodigy-style pipelines read as is.

Records, one per exported annotation set (which sets: `annotator.io.formats.selection`);
keys sorted, `_timestamp` taken from the set's last change, so the same data gives the same
bytes. Only accepted spans are exported (pending suggestions are not); `token_end` is inclusive.
Spans are trimmed of whitespace at their edges and spaCy's tokens are split at every span edge
inside a token, so each span starts at its `token_start`'s start and ends at its `token_end`'s
end (spaCy's `Doc.char_span` keeps every span of a Doc built from these tokens).
"""

from __future__ import annotations

import bisect
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

import orjson

from annotator.core.annotations import AnnotationSet
from annotator.core.model import Article, Span

Tok = tuple[int, int, bool]
Tokenizer = Callable[[str], list[Tok]]

DEFAULT_DIR = Path("exports")


@dataclass
class ExportReport:
    """What an export wrote: record count, spans per label and what was left out, and why."""

    records: int = 0
    spans_per_label: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    path: Path = DEFAULT_DIR
    cancelled: bool = False

    @property
    def spans(self) -> int:
        return sum(self.spans_per_label.values())


def stable_hash(data: bytes) -> int:
    """A 32-bit signed integer from SHA-1: the same on every run and machine."""
    return int.from_bytes(hashlib.sha1(data).digest()[:4], "big", signed=True)


def input_hash(text: str) -> int:
    """Prodigy-style `_input_hash`: depends on the text only."""
    return stable_hash(text.encode("utf-8"))


def task_hash(in_hash: int, spans: list[dict[str, Any]]) -> int:
    """Prodigy-style `_task_hash`: the input hash plus the spans asked about."""
    payload = orjson.dumps([in_hash, spans], option=orjson.OPT_SORT_KEYS)
    return stable_hash(payload)


def export_tokens(text: str, tokens: Sequence[Tok]) -> list[dict[str, Any]]:
    """Tokens as `{text, start, end, id, ws}` dicts."""
    return [
        {"text": text[start:end], "start": start, "end": end, "id": i, "ws": bool(ws)}
        for i, (start, end, ws) in enumerate(tokens)
    ]


def trim_span(text: str, span: Span) -> Span | None:
    """The span without whitespace at its edges (spaCy refuses such entities); None when it
    is only whitespace or lies outside the text."""
    start, end = span.start, span.end
    if not _in_text(start, end, len(text)):
        return None
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    return span if (start, end) == (span.start, span.end) else span.with_(start=start, end=end)


def split_tokens(tokens: Sequence[Tok], spans: Iterable[Span]) -> list[Tok]:
    """`tokens` split at every span edge that falls inside a token (as Prodigy's tokens are),
    so each span starts at a token start and ends at a token end."""
    starts = [t[0] for t in tokens]
    inside: dict[int, list[int]] = {}
    for cut in sorted({edge for span in spans for edge in (span.start, span.end)}):
        i = bisect.bisect_right(starts, cut) - 1
        if i >= 0 and tokens[i][0] < cut < tokens[i][1]:
            inside.setdefault(i, []).append(cut)
    out = list(tokens)
    for i in sorted(inside, reverse=True):  # from the end: earlier indices stay valid
        start, end, ws = tokens[i]
        edges = [start, *inside[i], end]
        pieces = [(a, b, False) for a, b in zip(edges, edges[1:], strict=False)]
        pieces[-1] = (pieces[-1][0], end, ws)
        out[i : i + 1] = pieces
    return out


def aligned_spans(text: str, spans: Iterable[Span]) -> tuple[list[Span], Counter[str]]:
    """Trimmed spans, sorted, and the number left out per reason."""
    kept: list[Span] = []
    lost: Counter[str] = Counter()
    length = len(text)
    for span in sorted(spans, key=_span_order):
        start, end = span.start, span.end
        if 0 <= start < end <= length and not text[start].isspace() \
                and not text[end - 1].isspace():
            kept.append(span)  # the common case, without a call
            continue
        trimmed = trim_span(text, span)
        if trimmed is None:
            inside = _in_text(span.start, span.end, length)
            lost["cover no token" if inside else "lie outside the text"] += 1
        else:
            kept.append(trimmed)
    if any(a.key > b.key for a, b in zip(kept, kept[1:], strict=False)):
        kept.sort(key=_span_order)  # trimming moved a span
    return kept, lost


_span_order = attrgetter("start", "end", "label")  # Span's own order, compared in C


def span_dicts(spans: Sequence[Span], tokens: Sequence[Tok] | None) -> list[dict[str, Any]]:
    """Spans as dicts; with `tokens` (already split at the span edges) their inclusive token
    range too."""
    starts = [t[0] for t in tokens or []]
    ends = [t[1] for t in tokens or []]
    out = []
    for span in spans:
        data: dict[str, Any] = {"start": span.start, "end": span.end}
        if tokens is not None:
            data["token_start"] = bisect.bisect_left(starts, span.start)
            data["token_end"] = bisect.bisect_left(ends, span.end)
        data["label"] = span.label
        if span.kb_id:
            data["kb_id"] = span.kb_id
        out.append(data)
    return out


def _record(
    article: Article,
    annotator: str,
    spans: list[dict[str, Any]],
    tokens: list[dict[str, Any]] | None,
    answer: str,
    timestamp: int,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"title": article.title, "article_id": article.id}
    source = article.meta.get("source")
    if source:
        meta["source"] = source
    in_hash = input_hash(article.text)
    record = {
        "text": article.text,
        "meta": meta,
        "_input_hash": in_hash,
        "_task_hash": task_hash(in_hash, spans),
        "tokens": tokens,
        "spans": spans,
        "answer": answer,
        "_annotator_id": annotator,
        "_timestamp": timestamp,
    }
    if tokens is None:
        del record["tokens"]
    return record


def aligned_record(
    article: Article, annotator: str, spans: Iterable[Span], tokens: Sequence[Tok] | None,
    answer: str, timestamp: int,
) -> tuple[dict[str, Any], Counter[str]]:
    """The record of `spans` (trimmed; tokens split at their edges) and the spans left out
    per reason. Without `tokens` the record has no tokens and no token ranges."""
    return aligned_record_and_tokens(article, annotator, spans, tokens, answer, timestamp)[:2]


def aligned_record_and_tokens(
    article: Article, annotator: str, spans: Iterable[Span], tokens: Sequence[Tok] | None,
    answer: str, timestamp: int,
) -> tuple[dict[str, Any], Counter[str], list[Tok] | None]:
    """`aligned_record` plus the split (start, end, ws) tokens the record's tokens are."""
    kept, lost = aligned_spans(article.text, spans)
    toks = split_tokens(tokens, kept) if tokens is not None else None
    token_dicts = export_tokens(article.text, toks) if toks is not None else None
    return _record(article, annotator, span_dicts(kept, toks), token_dicts, answer,
                   timestamp), lost, toks


def add_notes(record: dict[str, Any], aset: AnnotationSet) -> dict[str, Any]:
    """Put the annotator's notes in the record's meta: the article comment, unsure spans
    and span comments (as [start, end, label] and {start, end, label, comment})."""
    meta = record["meta"]
    if aset.comment:
        meta["comment"] = aset.comment
    unsure = [[s.start, s.end, s.label] for s in aset.spans if s.unsure]
    if unsure:
        meta["unsure_spans"] = unsure
    comments = [{"start": s.start, "end": s.end, "label": s.label, "comment": s.comment}
                for s in aset.spans if s.comment]
    if comments:
        meta["span_comments"] = comments
    return record


def reject_records(
    article: Article, aset: AnnotationSet, tokens: list[Tok], timestamp: int
) -> list[dict[str, Any]]:
    """One `answer: "reject"` record per rejected suggestion of the set."""
    accepted = {s.key for s in aset.spans}
    records = []
    for start, end, label in sorted(aset.rejected):
        if (start, end, label) in accepted:
            continue
        record, lost = aligned_record(article, aset.annotator, [Span(start, end, label)],
                                      tokens, "reject", timestamp)
        if not lost:
            records.append(record)
    return records


def _in_text(start: int, end: int, length: int) -> bool:
    """True when [start, end) is a non-empty range inside a text of `length` code points."""
    return 0 <= start < end <= length


def dumps_jsonl(records: list[dict[str, Any]]) -> bytes:
    """One JSON object per line, keys sorted, UTF-8, a newline after each."""
    return b"".join(orjson.dumps(r, option=orjson.OPT_SORT_KEYS) + b"\n" for r in records)
