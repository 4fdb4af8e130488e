"""Export annotations as JSONL records that spaCy and Prodigy-style pipelines read as is.

One line per article per annotator, in project article order, annotators sorted by name;
keys sorted, `_timestamp` taken from the set's last change, so the same data gives the same
bytes. Only accepted spans are exported (pending suggestions are not); `token_end` is inclusive.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from annotator.core.annotations import AnnotationSet
from annotator.core.model import Article, ArticleStatus, Span
from annotator.core.project import Project
from annotator.core.tokens import TokenIndex
from annotator.store.atomic import write_bytes_atomic

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


def span_dict(span: Span, index: TokenIndex) -> dict[str, Any] | None:
    """A span with its inclusive token range; None when it covers no token."""
    found = index.token_range(span.start, span.end)
    if found is None:
        return None
    data: dict[str, Any] = {
        "start": span.start,
        "end": span.end,
        "token_start": found[0],
        "token_end": found[1],
        "label": span.label,
    }
    if span.kb_id:
        data["kb_id"] = span.kb_id
    return data


def _record(
    article: Article,
    annotator: str,
    spans: list[dict[str, Any]],
    tokens: list[dict[str, Any]],
    answer: str,
    timestamp: int,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"title": article.title, "article_id": article.id}
    source = article.meta.get("source")
    if source:
        meta["source"] = source
    in_hash = input_hash(article.text)
    return {
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


def export_record(
    article: Article, aset: AnnotationSet, tokens: list[Tok], timestamp: int
) -> dict[str, Any]:
    """The accept record of one annotation set (accepted spans only, sorted)."""
    index = TokenIndex([(s, e) for s, e, _ in tokens])
    spans = [d for d in (span_dict(s, index) for s in sorted(aset.spans)) if d is not None]
    return _record(article, aset.annotator, spans, export_tokens(article.text, tokens),
                   "accept", timestamp)


def reject_records(
    article: Article, aset: AnnotationSet, tokens: list[Tok], timestamp: int
) -> list[dict[str, Any]]:
    """One `answer: "reject"` record per rejected suggestion of the set."""
    index = TokenIndex([(s, e) for s, e, _ in tokens])
    accepted = {s.key for s in aset.spans}
    token_dicts = export_tokens(article.text, tokens)
    records = []
    for start, end, label in sorted(aset.rejected):
        if _in_text(start, end, len(article.text)) and (start, end, label) not in accepted:
            data = span_dict(Span(start, end, label), index)
            if data is not None:
                records.append(_record(article, aset.annotator, [data], token_dicts,
                                       "reject", timestamp))
    return records


def _in_text(start: int, end: int, length: int) -> bool:
    """True when [start, end) is a non-empty range inside a text of `length` code points."""
    return 0 <= start < end <= length


def dumps_jsonl(records: list[dict[str, Any]]) -> bytes:
    """One JSON object per line, keys sorted, UTF-8, a newline after each."""
    return b"".join(orjson.dumps(r, option=orjson.OPT_SORT_KEYS) + b"\n" for r in records)


def _default_tokenizer() -> Tokenizer:
    """spaCy's blank("id") tokenizer, imported on first export (spaCy is slow to load)."""
    from annotator.nlp.tokens import tokenize

    return tokenize


def export_jsonl(
    project: Project,
    out: Path,
    *,
    annotator: str | None = None,
    status: ArticleStatus | None = None,
    include_rejected: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    tokenizer: Tokenizer | None = None,
) -> ExportReport:
    """Write the project's annotations to `out` atomically; nothing is written when cancelled."""
    tokenize = tokenizer or _default_tokenizer()
    report = ExportReport(path=Path(out))
    who_all = [annotator] if annotator else project.annotators()
    records: list[dict[str, Any]] = []
    labels: Counter[str] = Counter()
    total = len(project.infos)
    for done, info in enumerate(list(project.infos), start=1):
        if cancelled and cancelled():
            report.cancelled = True
            return report
        sets = [s for s in (project.existing_set(info.id, w) for w in who_all) if s is not None]
        sets = [s for s in sets if s.touched]
        chosen = [s for s in sets if status is None or s.status == status]
        if not chosen:
            reason = "not annotated" if not sets else f"status is not {status}"
            report.skipped.append((info.title, reason))
        else:
            article = project.article(info.id)
            tokens = tokenize(article.text)
            for aset in chosen:
                stamp = int(aset.updated)
                record = export_record(article, aset, tokens, stamp)
                lost = len(aset.spans) - len(record["spans"])
                if lost:
                    report.skipped.append(
                        (info.title, f"{lost} span(s) of {aset.annotator} cover no token")
                    )
                labels.update(s["label"] for s in record["spans"])
                records.append(record)
                if include_rejected:
                    records.extend(reject_records(article, aset, tokens, stamp))
        if progress:
            progress(done, total)
    if cancelled and cancelled():
        report.cancelled = True
        return report
    write_bytes_atomic(Path(out), dumps_jsonl(records))
    report.records = len(records)
    report.spans_per_label = dict(sorted(labels.items()))
    return report
