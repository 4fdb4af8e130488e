"""The export validator: every exporter checks its records with it before writing, and
`annotator validate FILE` runs it on any JSONL file.

Checks per record: the text is a string; tokens (when present) tile the text (each token's
text is text[start:end], ids count up, a token is followed by exactly one space when `ws` is
true and by none otherwise, whitespace between tokens is a whitespace token); every span lies
in the text, equals its `text` field when it has one, and its `token_start`/`token_end`
(inclusive) start and end exactly where the span does; labels are in the scheme (when one is
given); `_input_hash` and `_task_hash` recompute to the stored values. Across records: no
article twice for one annotator (accept records; `meta.article_id`, else the input hash).
doccano records (a `label` list of [start, end, label]) get the span and label checks.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, compress
from operator import add, itemgetter, sub
from pathlib import Path
from typing import Any

import orjson

from annotator.io.jsonl_export import input_hash, task_hash

_SPACE = {True: " ", False: ""}
_TOKEN_FIELDS = itemgetter("text", "ws", "start", "end", "id")


@dataclass(frozen=True)
class Problem:
    """One problem of one record; `line` is 1-based (the record's position in its file)."""

    line: int
    message: str

    def at(self, path: Path | str) -> str:
        """`file:line: problem`, as `annotator validate` prints it."""
        return f"{path}:{self.line}: {self.message}"


def check_record(record: Any, labels: Collection[str] | None = None,
                 offsets: Sequence[tuple[int, int, bool]] | None = None) -> list[str]:
    """Problems of one record (ours, Prodigy-style or doccano) on its own.

    `offsets`: the (start, end, ws) triples the record's tokens were made from (an exporter's
    shortcut): the tiling check runs on them instead of on every token dict."""
    if not isinstance(record, dict):
        return ["not a JSON object"]
    text = record.get("text")
    if not isinstance(text, str):
        return ['"text" must be a string']
    problems: list[str] = []
    tokens = record.get("tokens")
    if tokens is not None and offsets is not None and len(offsets) == len(tokens):
        problems += check_offsets(text, offsets)
    elif tokens is not None:
        problems += _check_tokens(text, tokens)
    raw = record.get("spans")
    if raw is None and isinstance(record.get("label"), list):  # doccano
        raw = [_doccano_span(x) for x in record["label"]]
    if raw is not None and not isinstance(raw, list):
        return [*problems, '"spans" must be a list']
    token_list = tokens if isinstance(tokens, list) and not problems else None
    for number, span in enumerate(raw or [], start=1):
        if not _span_is_fine(text, span, token_list, labels):
            problems += [f"span {number}: {m}"
                         for m in _check_span(text, span, token_list, labels)]
    problems += _check_hashes(record, text)
    return problems


def check_records(records: Iterable[Any], labels: Collection[str] | None = None) -> list[Problem]:
    """Problems of a sequence of records (line = position, from 1), duplicates included."""
    return _check_numbered(enumerate(records, start=1), labels)


def validate_file(path: Path, labels: Collection[str] | None = None) -> list[Problem]:
    """Problems of a JSONL file, line by line (blank lines are skipped); OSError when it
    cannot be read."""
    found: list[Problem] = []
    records: list[tuple[int, Any]] = []
    with Path(path).open("rb") as handle:
        for line, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                records.append((line, orjson.loads(raw)))
            except orjson.JSONDecodeError as exc:
                found.append(Problem(line, f"not valid JSON ({exc})"))
    found += _check_numbered(records, labels)
    return sorted(found, key=lambda p: p.line)


def _check_numbered(records: Iterable[tuple[int, Any]],
                    labels: Collection[str] | None) -> list[Problem]:
    found: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for line, record in records:
        found += [Problem(line, m) for m in check_record(record, labels)]
        key = _article_key(record)
        if key is None:
            continue
        if key in seen:
            found.append(Problem(line, f"article {key[1]} already at line {seen[key]} for "
                                       f"annotator {key[0]}"))
        else:
            seen[key] = line
    return found


def check_doc(doc: Any, spans: list[tuple[int, int, str]]) -> list[str]:
    """A spaCy Doc (duck-typed: `.text`, `.ents`) against the spans it must hold."""
    got = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    if got == spans:
        return []
    missing = [s for s in spans if s not in got]
    return [f"the Doc lost {len(missing) or len(spans) - len(got)} of {len(spans)} "
            f"entities (first: {missing[0] if missing else '?'})"]


def check_tags(tags: list[str], spans: list[tuple[int, int, str]]) -> list[str]:
    """BIO tags (one per token) against the token ranges (first, last, label) they encode."""
    decoded: list[tuple[int, int, str]] = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-"):
            decoded.append((i, i, tag[2:]))
        elif tag.startswith("I-"):
            if not decoded or decoded[-1][1] != i - 1 or decoded[-1][2] != tag[2:]:
                return [f"token {i}: {tag} does not continue an entity"]
            decoded[-1] = (decoded[-1][0], i, decoded[-1][2])
    if decoded != spans:
        return [f"the tags encode {len(decoded)} entities, expected {len(spans)}"]
    return []


# -- helpers -------------------------------------------------------------------------
def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_offsets(text: str, tokens: Sequence[tuple[int, int, bool]]) -> list[str]:
    """Tokens as (start, end, ws) tile the text: each is non-empty and followed by one space
    exactly when `ws`, and the next starts there."""
    if not tokens:
        return []
    starts, ends, ws = zip(*tokens, strict=True)
    after = tuple(map(add, ends, ws))
    if starts[0] != 0 or starts[1:] != after[:-1] or after[-1] != len(text):
        return ["tokens do not tile the text (offsets and ws flags disagree)"]
    if min(map(sub, ends, starts)) <= 0:
        return ["tokens do not tile the text (an empty token)"]
    spaces = "".join(map(text.__getitem__, compress(ends, ws)))
    if spaces != " " * len(spaces):
        return ["tokens do not tile the text (ws is set but no space follows)"]
    return []


def _tokens_tile(text: str, tokens: list[Any]) -> bool:
    """The fast check (whole lists compared at C speed) that tokens tile the text."""
    try:
        words, ws, starts, ends, ids = zip(*map(_TOKEN_FIELDS, tokens), strict=True)
    except (KeyError, TypeError, ValueError):
        return False
    if set(map(type, starts + ends + ids)) != {int} or set(map(type, ws)) - {True.__class__}:
        return False
    if set(map(type, words)) != {str} or not all(words):
        return False
    if "".join(map(add, words, map(_SPACE.__getitem__, ws))) != text:
        return False
    lengths = tuple(map(len, words))
    return (starts == tuple(accumulate(map(add, lengths[:-1], ws[:-1]), initial=0))
            and tuple(map(sub, ends, starts)) == lengths and ids == tuple(range(len(tokens))))


def _check_tokens(text: str, tokens: Any) -> list[str]:
    if not isinstance(tokens, list):
        return ['"tokens" must be a list']
    if tokens and _tokens_tile(text, tokens):
        return []
    pos = 0
    for i, tok in enumerate(tokens):
        if not isinstance(tok, dict):
            return [f"token {i}: not an object"]
        start, end, ws = tok.get("start"), tok.get("end"), tok.get("ws")
        if not (_is_int(start) and _is_int(end)) or not 0 <= start < end <= len(text):
            return [f"token {i}: bad offsets {start}..{end}"]
        if "id" in tok and tok["id"] != i:
            return [f"token {i}: id is {tok['id']}"]
        if "text" in tok and tok["text"] != text[start:end]:
            return [f"token {i}: text {tok['text']!r} is not {text[start:end]!r}"]
        if start != pos:
            return [f"tokens do not tile the text: token {i} starts at {start}, expected {pos}"]
        pos = end
        if ws is True:
            if text[end : end + 1] != " ":
                return [f"tokens do not tile the text: token {i} has ws but no space follows"]
            pos += 1
        elif ws not in (False, None):
            return [f'token {i}: "ws" must be true or false']
    if tokens and pos != len(text):
        return [f"tokens do not tile the text: they end at {pos}, the text at {len(text)}"]
    return []


def _span_is_fine(text: str, span: Any, tokens: list[dict[str, Any]] | None,
                  labels: Collection[str] | None) -> bool:
    """The fast check of the common case; False sends the span to `_check_span`."""
    try:
        start, end, label = span["start"], span["end"], span["label"]
        if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)
                and type(label) is str and label and (labels is None or label in labels)
                and "text" not in span):
            return False
        if tokens is None or ("token_start" not in span and "token_end" not in span):
            return True
        first, last = span["token_start"], span["token_end"]
        return (type(first) is int and type(last) is int and 0 <= first <= last < len(tokens)
                and tokens[first]["start"] == start and tokens[last]["end"] == end)
    except (KeyError, TypeError):
        return False


def _check_span(text: str, span: Any, tokens: list[dict[str, Any]] | None,
                labels: Collection[str] | None) -> list[str]:
    if not isinstance(span, dict):
        return ["not an object"]
    start, end, label = span.get("start"), span.get("end"), span.get("label")
    if not (_is_int(start) and _is_int(end)) or not 0 <= start < end <= len(text):
        return [f"bad offsets {start}..{end} (text length {len(text)})"]
    problems = []
    if "text" in span and span["text"] != text[start:end]:
        problems.append(f"text field {span['text']!r} is not the text {text[start:end]!r}")
    if not isinstance(label, str) or not label:
        problems.append(f"bad label {label!r}")
    elif labels is not None and label not in labels:
        problems.append(f"label {label!r} is not in the scheme")
    if tokens is not None and ("token_start" in span or "token_end" in span):
        first, last = span.get("token_start"), span.get("token_end")
        if not (_is_int(first) and _is_int(last)) or not 0 <= first <= last < len(tokens):
            problems.append(f"bad token range {first}..{last}")
        else:
            if tokens[first]["start"] != start:
                problems.append(f"token_start {first} starts at {tokens[first]['start']}, "
                                f"the span at {start}")
            if tokens[last]["end"] != end:
                problems.append(f"token_end {last} ends at {tokens[last]['end']}, "
                                f"the span at {end}")
    return problems


def _check_hashes(record: dict[str, Any], text: str) -> list[str]:
    problems = []
    if "_input_hash" in record:
        in_hash = input_hash(text)
        if record["_input_hash"] != in_hash:
            problems.append(f"_input_hash {record['_input_hash']} does not recompute "
                            f"({in_hash})")
        elif "_task_hash" in record and isinstance(record.get("spans"), list):
            try:
                expected = task_hash(in_hash, record["spans"])
            except TypeError:
                return problems
            if record["_task_hash"] != expected:
                problems.append(f"_task_hash {record['_task_hash']} does not recompute "
                                f"({expected})")
    return problems


def _doccano_span(raw: Any) -> Any:
    if isinstance(raw, list) and len(raw) == 3:
        return {"start": raw[0], "end": raw[1], "label": raw[2]}
    return raw


def _article_key(record: Any) -> tuple[str, str] | None:
    """(annotator, article) of an accept record; None for other records."""
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return None
    if record.get("answer", "accept") != "accept":
        return None
    meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
    who = record.get("_annotator_id") or meta.get("annotator") or ""
    article = meta.get("article_id") or str(input_hash(record["text"]))
    return str(who), str(article)
