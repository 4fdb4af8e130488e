"""doccano sequence-labelling JSONL: export records and the import conversion.

Export, one line per article per annotation set, keys sorted:
    {"label": [[start, end, "LABEL"], ...], "meta": {"annotator": "ayu", "article_id": "...",
     "source": "...", "title": "..."}, "text": "..."}
Offsets are code points, `end` exclusive, accepted spans only, sorted. doccano keeps the extra
keys as metadata. Knowledge-base links (`kb_id`) are not carried by this format.

Import: a JSONL line without "spans" but with a "label" list of [start, end, label] triples or
an "entities" list of {"start_offset", "end_offset", "label"} objects (doccano's newer export)
is a doccano record. Its spans are accepted annotations (`answer: "accept"`) of
`meta.annotator` when given, so export -> import -> export gives the same bytes.
"""

from __future__ import annotations

from typing import Any

EXTENSION = ".jsonl"


def from_record(record: dict[str, Any], annotator: str) -> dict[str, Any]:
    """The doccano record of one validated export record (its spans, already trimmed)."""
    meta: dict[str, Any] = {"annotator": annotator, **record["meta"]}
    return {
        "text": record["text"],
        "label": [[s["start"], s["end"], s["label"]] for s in record["spans"]],
        "meta": meta,
    }


def is_doccano(obj: dict[str, Any]) -> bool:
    """True for a doccano sequence-labelling record (and not a Prodigy-style one)."""
    if "spans" in obj:
        return False
    return isinstance(obj.get("label"), list) or isinstance(obj.get("entities"), list)


def _span(raw: Any) -> Any:
    """A span dict for the common record parser; entries it cannot read pass through so that
    the parser reports them with their position."""
    if isinstance(raw, list | tuple):
        fields = list(raw) + [None] * (3 - len(raw))
        return {"start": fields[0], "end": fields[1], "label": fields[2]}
    if isinstance(raw, dict) and ("start_offset" in raw or "end_offset" in raw):
        return {"start": raw.get("start_offset"), "end": raw.get("end_offset"),
                "label": raw.get("label")}
    return raw


def from_doccano(obj: dict[str, Any]) -> dict[str, Any]:
    """The doccano record `obj` rewritten as a Prodigy-style accept record."""
    raw = obj.get("entities") if isinstance(obj.get("entities"), list) else obj.get("label")
    converted = dict(obj)
    converted["spans"] = [_span(item) for item in raw or []]
    converted.setdefault("answer", "accept")
    meta = obj.get("meta")
    if isinstance(meta, dict) and "annotator" in meta:
        meta = dict(meta)
        who = meta.pop("annotator")
        if "_annotator_id" not in obj:
            converted["_annotator_id"] = who
        converted["meta"] = meta
    return converted
