"""CoNLL-style token-per-line BIO: export of annotation sets and import of BIO/BIOES corpora.

Export layout (read back by our importer and by `spacy convert -c ner`):

    -DOCSTART- -X- O O
    <blank line>
    Presiden<TAB>O
    Joko<TAB>B-PER
    Widodo<TAB>I-PER
    .<TAB>O
    <blank line>            (after every sentence)

Every article (per annotation set) starts with the `-DOCSTART- -X- O O` line and a blank line.
Tokens are spaCy `blank("id")` tokens; whitespace tokens are not written. Sentence rule: a
sentence ends after a token made of `.`, `!` or `?` when the next token starts with a capital
letter, and wherever the text has a line break between two tokens; never inside an entity.
Spans are aligned to tokens by expansion (a span that covers no token, or that overlaps another
once expanded, is left out and reported). Labels and tokens only: no kb_id, no annotator.

Import: one token per line, columns separated by TABs or spaces, the token first and the tag
last. Tags are `O` or a prefix B/I/E/S (also L/U) then `-` and the label, so BIO, IOB1 and
BIOES all read; an `I-` that does not continue an entity of its label starts one (as in IOB1,
no issue). A blank line ends a sentence. A `-DOCSTART-` line starts a new article; a file
without any groups every `SENTENCES_PER_ARTICLE` consecutive sentences into one article.
An article's text is its tokens joined by single spaces, its sentences joined by "\\n"; its
title is its first sentence. Spans are accepted annotations (`answer: "accept"`) of an
annotator named after the file (its stem), unless the import names one (see `claim_records`).
Malformed lines are reported as issues naming the file and line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.model import Span
from annotator.core.tokens import TokenIndex
from annotator.io.formats.rendered import Rendered
from annotator.io.readers import (
    CONLL_SUFFIXES,
    ImportIssue,
    ImportRecord,
    ReadResult,
    read_utf8,
    title_from_text,
)
from annotator.io.validate import check_tags

Tok = tuple[int, int, bool]

SUFFIXES = CONLL_SUFFIXES
EXTENSION = ".conll"
DOCSTART = "-DOCSTART-"
DOCSTART_LINE = "-DOCSTART- -X- O O"
SENTENCES_PER_ARTICLE = 20
ENDERS = frozenset(".!?")
_TAG = re.compile(r"([BIESLU])-(\S+)")


# -- export -----------------------------------------------------------------
@dataclass
class ConllDoc:
    """One exported document: its text block, the spans written and the problems met."""

    text: str
    spans: list[Span] = field(default_factory=list)
    lost: dict[str, int] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)


def tags_for(text: str, tokens: Sequence[Tok], spans: Iterable[Span]) -> ConllDoc:
    """BIO tags of `tokens` (whitespace tokens tagged O) for the spans, aligned by expansion."""
    index = TokenIndex([(s, e) for s, e, _ in tokens])
    tags = ["O"] * len(tokens)
    doc = ConllDoc("")
    for span in sorted(spans):
        found = index.token_range(span.start, span.end)
        if found is not None:
            first, last = found
            while first <= last and text[tokens[first][0] : tokens[first][1]].isspace():
                first += 1
            while last >= first and text[tokens[last][0] : tokens[last][1]].isspace():
                last -= 1
            found = (first, last) if first <= last else None
        if found is None:
            doc.lost["cover no token"] = doc.lost.get("cover no token", 0) + 1
            continue
        first, last = found
        if any(tag != "O" for tag in tags[first : last + 1]):
            key = "overlap another span once aligned to tokens"
            doc.lost[key] = doc.lost.get(key, 0) + 1
            continue
        tags[first] = f"B-{span.label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{span.label}"
        doc.spans.append(span)
    doc.text = _block(text, tokens, tags)
    doc.tags = tags
    return doc


def _block(text: str, tokens: Sequence[Tok], tags: list[str]) -> str:
    lines = [DOCSTART_LINE, ""]
    previous: str | None = None
    newline = False
    for (start, end, _), tag in zip(tokens, tags, strict=True):
        word = text[start:end]
        if word.isspace():
            newline = newline or "\n" in word
            continue
        if previous is not None and not tag.startswith("I-"):
            ender = bool(previous) and set(previous) <= ENDERS and word[0].isupper()
            if newline or ender:
                lines.append("")
        lines.append(f"{word}\t{tag}")
        previous, newline = word, False
    lines.append("")
    return "\n".join(lines) + "\n"


def conll_from_record(record: dict[str, Any]) -> Rendered:
    """The CoNLL block of one validated export record (tokens already split at span edges),
    checked: its tags decode back to the token ranges of the spans it carries."""
    tokens = [(t["start"], t["end"], bool(t["ws"])) for t in record["tokens"]]
    by_key = {(s["start"], s["end"], s["label"]): s for s in record["spans"]}
    doc = tags_for(record["text"], tokens, [Span(*key) for key in by_key])
    kept = [by_key[span.key] for span in doc.spans]
    result = Rendered(doc.text, kept, Counter(doc.lost))
    result.problems = check_tags(doc.tags, [(s["token_start"], s["token_end"], s["label"])
                                            for s in kept])
    return result


# -- import -----------------------------------------------------------------
Row = tuple[str, str, int]  # token, tag, line number


def read_conll(path: Path, source_name: str | None = None) -> ReadResult:
    """Articles and their spans from a CoNLL / BIO / BIOES file (see the module docstring)."""
    result = ReadResult()
    read = read_utf8(path, result)
    if read is None:
        return result
    docs = conll_documents(read[1], path, result.issues)
    if not docs:
        result.issues.append(ImportIssue(path, None, "no tokens found; skipped"))
        return result
    name = source_name or path.name
    for sentences in docs:
        record = sentence_record(sentences, path, name, result.issues)
        result.records.append(record)
    return result


def conll_documents(content: str, path: Path, issues: list[ImportIssue]) -> list[list[list[Row]]]:
    """Documents as lists of sentences of (token, tag, line) rows."""
    docs: list[list[list[Row]]] = [[]]
    sentence: list[Row] = []
    has_docstart = False

    def close_sentence() -> None:
        nonlocal sentence
        if sentence:
            docs[-1].append(sentence)
            sentence = []

    for number, line in enumerate(content.split("\n"), start=1):
        parts = line.split()
        if not parts:
            close_sentence()
            continue
        if parts[0] == DOCSTART:
            close_sentence()
            has_docstart = True
            if docs[-1]:
                docs.append([])
            continue
        if len(parts) == 1:
            issues.append(ImportIssue(path, number, f"no tag after the token {parts[0]!r}; "
                                                    "taken as O"))
            parts.append("O")
        sentence.append((parts[0], parts[-1], number))
    close_sentence()
    docs = [doc for doc in docs if doc]
    if has_docstart:
        return docs
    sentences = [s for doc in docs for s in doc]
    step = SENTENCES_PER_ARTICLE
    return [sentences[i : i + step] for i in range(0, len(sentences), step)]


def sentence_record(
    sentences: list[list[Row]], path: Path, name: str, issues: list[ImportIssue]
) -> ImportRecord:
    pieces: list[str] = []
    spans: list[Span] = []
    offset = 0
    for number, sentence in enumerate(sentences):
        if number:
            pieces.append("\n")
            offset += 1
        current: list[int] | None = None  # [start, end] of the open entity
        label = ""
        for i, (token, tag, line) in enumerate(sentence):
            if i:
                pieces.append(" ")
                offset += 1
            start, end = offset, offset + len(token)
            pieces.append(token)
            offset = end
            prefix, kind = _parse_tag(tag, path, line, issues)
            continues = current is not None and kind == label and prefix in ("I", "E", "L")
            if current is not None and not continues:
                spans.append(Span(current[0], current[1], label))
                current = None
            if prefix == "O":
                continue
            if current is None:
                current, label = [start, end], kind
            current[1] = end
            if prefix in ("E", "L", "S", "U"):
                spans.append(Span(current[0], current[1], label))
                current = None
        if current is not None:
            spans.append(Span(current[0], current[1], label))
    text = "".join(pieces)
    return ImportRecord(text, title_from_text(text), {"source": name}, path, sentences[0][0][2],
                        spans=spans, annotator=path.stem or None, answer="accept")


def _parse_tag(tag: str, path: Path, line: int, issues: list[ImportIssue]) -> tuple[str, str]:
    """(prefix, label) of a tag; ("O", "") for O and for tags that cannot be read."""
    if tag == "O":
        return "O", ""
    match = _TAG.fullmatch(tag)
    if match is None:
        issues.append(ImportIssue(path, line, f"unknown tag {tag!r} (expected O or B-, I-, E-, "
                                              "S-, L-, U- and a label); taken as O"))
        return "O", ""
    return match.group(1), match.group(2)


def is_conll(path: Path) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


def claim_records(records: Iterable[ImportRecord], annotator: str) -> None:
    """Give the spans of records read from CoNLL files to `annotator` (an explicit --annotator)
    instead of the annotator named after the file."""
    for record in records:
        if is_conll(record.path):
            record.annotator = annotator
