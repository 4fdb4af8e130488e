"""Gold NER data for scoring: our JSONL export (also Prodigy-style or doccano JSONL/JSON) or a
CoNLL-style file, read into documents with their tokens and spans."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from annotator.core.model import Span

LabelMap = Mapping[str, str | None]
JSON_SUFFIXES = (".jsonl", ".json")
_NONSPACE = re.compile(r"\S+")


class GoldError(Exception):
    """The gold file cannot be read at all; the message names it."""


@dataclass
class GoldDoc:
    """One gold text: its tokens (start, end) in code points and its spans."""

    text: str
    tokens: list[tuple[int, int]]
    spans: list[Span]
    where: str = ""


@dataclass
class GoldSet:
    """Gold documents and the problems met reading them (file:line: message)."""

    docs: list[GoldDoc] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return sorted({s.label for d in self.docs for s in d.spans})


def load_gold(path: Path, gold_map: LabelMap | None = None) -> GoldSet:
    """Gold documents from a JSONL/JSON export or a CoNLL file; GoldError when unreadable."""
    path = Path(path)
    if not path.is_file():
        raise GoldError(f"no gold file at {path}")
    gold = load_json_gold(path) if path.suffix.lower() in JSON_SUFFIXES else load_conll_gold(path)
    if gold_map:
        for doc in gold.docs:
            doc.spans = [s.with_(label=gold_map[s.label]) if s.label in gold_map else s
                         for s in doc.spans if gold_map.get(s.label, s.label) is not None]
    if not gold.docs:
        why = f": {gold.issues[0]}" if gold.issues else ""
        raise GoldError(f"{path} holds no gold documents{why}")
    return gold


def load_json_gold(path: Path) -> GoldSet:
    from annotator.io.readers import numbered_lines, read_source

    result = read_source(path)
    gold = GoldSet(issues=[str(i) for i in result.issues])
    tokens_at: dict[int, Any] = {}
    if path.suffix.lower() == ".jsonl":
        for number, raw, _ in numbered_lines(path.read_bytes()):
            if b'"tokens"' in raw:
                with contextlib.suppress(orjson.JSONDecodeError):
                    tokens_at[number] = orjson.loads(raw.removeprefix(b"\xef\xbb\xbf"))
    for record in result.records:
        if record.answer in ("reject", "ignore"):
            continue
        obj = tokens_at.get(record.line or 0)
        tokens = given_tokens(obj.get("tokens") if isinstance(obj, dict) else None, record.text)
        if tokens is None:
            from annotator.nlp.tokens import tokenize

            tokens = [(s, e) for s, e, _ in tokenize(record.text)]
        where = f"{path}:{record.line}" if record.line else str(path)
        gold.docs.append(GoldDoc(record.text, tokens, list(record.spans), where))
    return gold


def given_tokens(raw: Any, text: str) -> list[tuple[int, int]] | None:
    """The record's own tokens when they are ordered, disjoint ranges inside the text."""
    if not isinstance(raw, list) or not raw:
        return None
    out: list[tuple[int, int]] = []
    last = 0
    for tok in raw:
        start, end = (tok.get("start"), tok.get("end")) if isinstance(tok, dict) else (None, None)
        if not (isinstance(start, int) and isinstance(end, int) and last <= start < end
                <= len(text)):
            return None
        out.append((start, end))
        last = end
    return out


def load_conll_gold(path: Path) -> GoldSet:
    from annotator.io.formats.conll import DOCSTART, conll_documents, sentence_record
    from annotator.io.readers import BOM, ImportIssue

    try:
        content = path.read_bytes().decode("utf-8").removeprefix(BOM)
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read as UTF-8 text ({exc})") from exc
    issues: list[ImportIssue] = []
    docs = conll_documents(content, path, issues)
    by_document = any(line.split()[:1] == [DOCSTART] for line in content.split("\n"))
    groups = docs if by_document else [[sentence] for doc in docs for sentence in doc]
    gold = GoldSet()
    for sentences in groups:
        record = sentence_record(sentences, path, path.name, issues)
        tokens = [m.span() for m in _NONSPACE.finditer(record.text)]
        gold.docs.append(GoldDoc(record.text, tokens, record.spans, f"{path}:{record.line}"))
    gold.issues = [str(i) for i in issues]
    return gold
