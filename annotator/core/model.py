"""Articles, spans and the small value types every layer shares."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Origin(StrEnum):
    """Where a span came from."""

    MANUAL = "manual"
    SUGGESTED = "suggested"
    PROPAGATED = "propagated"
    MODEL = "model"
    AUTO = "auto"


class ArticleStatus(StrEnum):
    """Per-annotator progress on one article."""

    NEW = "new"
    IN_PROGRESS = "in progress"
    DONE = "done"
    REVIEWED = "reviewed"
    IGNORED = "ignored"  # skipped by the annotator: junk, duplicate, off-topic; never exported


_ORIGINS = {str(o): o for o in Origin}


def article_id_for(text: str) -> str:
    """Stable article id: a content hash of the text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Article:
    """One imported article; `text` never changes after import."""

    id: str
    title: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_text(cls, text: str, title: str = "", meta: dict[str, Any] | None = None) -> Article:
        return cls(id=article_id_for(text), title=title, text=text, meta=dict(meta or {}))


SpanKey = tuple[int, int, str]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A labelled character range in code points, `end` exclusive."""

    start: int
    end: int
    label: str
    origin: Origin = field(default=Origin.MANUAL, compare=False)
    kb_id: str | None = field(default=None, compare=False)
    source: str = field(default="", compare=False)  # which suggester proposed it, if any
    unsure: bool = field(default=False, compare=False)  # the annotator is not sure of it
    comment: str = field(default="", compare=False)  # the annotator's note on it

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"invalid span range {self.start}..{self.end}")

    @property
    def key(self) -> SpanKey:
        return (self.start, self.end, self.label)

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end

    def with_(self, **changes: Any) -> Span:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "origin": str(self.origin),
        }
        if self.kb_id:
            data["kb_id"] = self.kb_id
        if self.source:
            data["source"] = self.source
        if self.unsure:
            data["unsure"] = True
        if self.comment:
            data["comment"] = self.comment
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Span:
        origin = data.get("origin", "manual")
        return cls(  # positional: 6,000 saved sets hold ~340,000 spans to load at start
            int(data["start"]),
            int(data["end"]),
            str(data["label"]),
            _ORIGINS.get(origin) or Origin(origin),
            data.get("kb_id") or None,
            str(data.get("source") or ""),
            bool(data.get("unsure", False)),
            str(data.get("comment") or ""),
        )


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What the article list needs without loading the text."""

    id: str
    title: str
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
