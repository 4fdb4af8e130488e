"""`--label-map OLD=NEW,...`: rename or drop labels of imported spans before they are saved.

`PERSON=PER,ORGANISATION=ORG,PLACE=LOC,FNB=-` renames PERSON to PER (and so on) and drops every
FNB span (`-` means drop). Labels not named are kept as they are. The map applies to accepted
spans and rejected suggestions of every imported record, whatever its format.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from annotator.io.formats.conll import claim_records
from annotator.io.readers import ImportRecord

DROP = "-"
LabelMap = dict[str, str | None]  # old label -> new label, None to drop


def parse_label_map(text: str) -> LabelMap:
    """Parse `OLD=NEW,OLD2=-`; ValueError with a readable message when malformed."""
    mapping: LabelMap = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        old, sep, new = (part.strip() for part in item.partition("="))
        if not sep or not old or not new or any(c.isspace() for c in old + new):
            raise ValueError(f"bad label map entry {item!r} (expected OLD=NEW or OLD=-)")
        if old in mapping:
            raise ValueError(f"label {old!r} is mapped twice")
        mapping[old] = None if new == DROP else new
    if not mapping:
        raise ValueError("the label map is empty (expected OLD=NEW,OLD2=NEW2 or OLD=-)")
    return mapping


def apply_label_map(records: Iterable[ImportRecord], mapping: LabelMap) -> Counter[str]:
    """Rename and drop span labels in place; the number of spans dropped per (old) label."""
    dropped: Counter[str] = Counter()
    if not mapping:
        return dropped
    for record in records:
        spans = []
        for span in record.spans:
            if span.label not in mapping:
                spans.append(span)
            elif (new := mapping[span.label]) is None:
                dropped[span.label] += 1
            else:
                spans.append(span.with_(label=new))
        record.spans = spans
        rejected = []
        for start, end, label in record.rejected:
            new_label = mapping.get(label, label)
            if new_label is not None:
                rejected.append((start, end, new_label))
        record.rejected = rejected
    return dropped


def adjust_records(
    records: list[ImportRecord], *, label_map: LabelMap | None = None,
    annotator: str | None = None,
) -> Counter[str]:
    """What `annotator import` does between reading and writing (the window can do the same):
    apply `label_map`, and give CoNLL spans to an explicitly named `annotator`.
    Returns the spans dropped per label."""
    if annotator:
        claim_records(records, annotator)
    return apply_label_map(records, label_map or {})
