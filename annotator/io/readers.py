"""Read .txt, folders, JSONL (also doccano) and CoNLL (io.formats) into records and issues.

Text rules: a `.txt` file is decoded as strict UTF-8, a leading BOM is dropped and CRLF / lone CR
become "\\n"; after that the text is never changed. JSONL text is taken verbatim (its span
offsets refer to it), only a BOM at the start of the file is dropped. Offsets are code points.

Only regular files are read (a symlink to one is fine): a FIFO, a device or a socket is
reported as "not a regular file" without being opened, so an import never waits on a pipe or
reads an endless device. A .txt file is at most TXT_LIMIT_MB, any other file DATA_LIMIT_MB.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from annotator.core.model import Span, SpanKey
from annotator.io.formats.doccano import from_doccano, is_doccano
from annotator.io.span_fields import UNIT_NAMES, kind_of, parse_spans

SUFFIXES = (".txt", ".jsonl", ".conll", ".iob", ".bio")  # what a folder import reads
CONLL_SUFFIXES = (".conll", ".iob", ".bio", ".tsv")
ANSWERS = ("accept", "reject", "ignore")
TITLE_MAX = 200
BOM = "\ufeff"
BOM_BYTES = BOM.encode("utf-8")
TXT_LIMIT_MB = 50  # one article per .txt: 50 MB is far beyond any article
DATA_LIMIT_MB = 500  # JSONL, JSON and CoNLL: a whole exported corpus, read into memory at once


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """A problem with the input, named by file and (1-based) line when known."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.message}"


@dataclass(slots=True)
class ImportRecord:
    """One article read from a source, with the annotations the source carried."""

    text: str
    title: str
    meta: dict[str, Any]
    path: Path
    line: int | None = None
    spans: list[Span] = field(default_factory=list)
    rejected: list[SpanKey] = field(default_factory=list)
    annotator: str | None = None
    answer: str | None = None  # "accept", "reject", "ignore" or None (no answer given)
    timestamp: int | None = None

    @property
    def has_annotations(self) -> bool:
        return bool(self.spans or self.rejected or self.answer in ("accept", "reject"))


@dataclass
class ReadResult:
    """Records read from one path and the issues found on the way."""

    records: list[ImportRecord] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)

    def extend(self, other: ReadResult) -> None:
        self.records.extend(other.records)
        self.issues.extend(other.issues)


def title_from_text(text: str) -> str:
    """The first non-empty line, stripped and cut to TITLE_MAX characters."""
    for line in text.split("\n"):
        line = line.strip()
        if line:
            return line if len(line) <= TITLE_MAX else line[: TITLE_MAX - 1].rstrip() + "…"
    return ""


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def expand(path: Path, issues: list[ImportIssue]) -> list[tuple[Path, str | None]]:
    """(file, source name) to read for `path`: itself, or every SUFFIXES file below a folder.

    Folders are walked recursively in sorted order, hidden files and folders skipped; the
    source name is the path relative to the folder.
    """
    if not path.is_dir():
        return [(path, None)]
    found = []
    for file in path.rglob("*"):
        rel = file.relative_to(path)
        hidden = any(part.startswith(".") for part in rel.parts)
        if not hidden and file.suffix.lower() in SUFFIXES and not file.is_dir():
            found.append((file, rel.as_posix()))
    if not found:
        issues.append(ImportIssue(path, None, "folder has no .txt, .jsonl or .conll files"))
    return sorted(found, key=lambda job: job[1])


def read_source(path: Path, source_name: str | None = None) -> ReadResult:
    """Read a .txt, .jsonl, .json or CoNLL file or a folder; FileNotFoundError if missing."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {path}")
    if path.is_dir():
        result = ReadResult()
        for file, name in expand(path, result.issues):
            result.extend(read_source(file, name))
        return result
    name = source_name or path.name
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return read_txt(path, name)
    if suffix == ".jsonl":
        return read_jsonl(path, name)
    if suffix == ".json":
        return read_json(path, name)
    if suffix in CONLL_SUFFIXES:
        from annotator.io.formats.conll import read_conll  # late: it imports this module
        return read_conll(path, name)
    kind = path.suffix or path.name
    message = f"unsupported file type '{kind}' (expected .txt, .jsonl, .json, .conll or a folder)"
    return ReadResult(issues=[ImportIssue(path, None, message)])


def size_limit(path: Path) -> int:
    """The largest file of this kind an import reads, in MB."""
    return TXT_LIMIT_MB if path.suffix.lower() == ".txt" else DATA_LIMIT_MB


def _read_bytes(path: Path, result: ReadResult) -> bytes | None:
    """The bytes of a regular file (symlinks followed) within its size limit, else None."""
    limit = size_limit(path)
    try:
        # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                result.issues.append(ImportIssue(path, None, "not a regular file"))
                return None
            data = b"" if info.st_size > limit << 20 else file.read((limit << 20) + 1)
    except OSError as exc:
        result.issues.append(ImportIssue(path, None, f"cannot read file ({exc.strerror or exc})"))
        return None
    if info.st_size > limit << 20 or len(data) > limit << 20:
        result.issues.append(ImportIssue(path, None, f"larger than {limit} MB"))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        message = "the file is UTF-16 or UTF-32 text (it starts with such a byte-order mark); " \
                  "save it as UTF-8 and import it again; skipped"
        result.issues.append(ImportIssue(path, None, message))
        return None
    return data


def _utf8_error(path: Path, data: bytes, exc: UnicodeDecodeError, line: int | None) -> ImportIssue:
    if line is None:
        line = data.count(b"\n", 0, exc.start) + 1
    bad = data[exc.start : exc.start + 1].hex()
    return ImportIssue(
        path, line, f"not valid UTF-8 (byte 0x{bad} at byte offset {exc.start}); skipped"
    )


def read_utf8(path: Path, result: ReadResult) -> tuple[bytes, str] | None:
    """The file's bytes and its text without a BOM; None (issue recorded) when unreadable."""
    data = _read_bytes(path, result)
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        result.issues.append(_utf8_error(path, data, exc, None))
        return None
    return data, text.removeprefix(BOM)


def read_txt(path: Path, source_name: str | None = None) -> ReadResult:
    """One article per file: title from the first non-empty line, meta.source the file name."""
    result = ReadResult()
    read = read_utf8(path, result)
    if read is None:
        return result
    data, text = read
    text = normalise_newlines(text)
    if "\x00" in text:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        message = "contains NUL bytes: a binary file, or UTF-16 text without a byte-order mark? " \
                  "Save it as UTF-8 text; skipped"
        result.issues.append(ImportIssue(path, line, message))
        return result
    if not text.strip():
        result.issues.append(ImportIssue(path, None, "empty file; skipped"))
        return result
    meta = {"source": source_name or path.name}
    result.records.append(ImportRecord(text, title_from_text(text), meta, path, None))
    return result


_EOL = re.compile(rb"\r\n|\r|\n")


def numbered_lines(data: bytes) -> Iterator[tuple[int, bytes, int]]:
    """(line number, raw line, byte offset of the line) for each line of `data`.

    Lines end at LF, CRLF or a lone CR (as editors count them); JSON text never holds a raw
    CR or LF inside a string, so this cannot split a record's text.
    """
    offset, number = 0, 1
    for match in _EOL.finditer(data):
        yield number, data[offset : match.start()], offset
        offset, number = match.end(), number + 1
    yield number, data[offset:], offset


def _json_problem(raw: bytes, exc: json.JSONDecodeError) -> tuple[int, str]:
    """(line, message) for text that is not JSON, in the standard library's words when it has
    them (they name what was expected: "Expecting ',' delimiter")."""
    try:
        json.loads(raw)
    except json.JSONDecodeError as std:
        exc = std
    except (ValueError, RecursionError):
        pass
    return exc.lineno, f"not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})"


def read_jsonl(path: Path, source_name: str | None = None) -> ReadResult:
    """One JSON object per line: `{"text", "meta"}`, Prodigy / our export or doccano records."""
    result = ReadResult()
    data = _read_bytes(path, result)
    if data is None:
        return result
    seen_any = False
    converted: Counter[str] = Counter()
    for number, raw, offset in numbered_lines(data):
        if raw.startswith(BOM_BYTES):  # also mid-file, where joined files keep theirs
            raw, offset = raw[len(BOM_BYTES) :], offset + len(BOM_BYTES)
        if not raw.strip():
            continue
        seen_any = True
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            shifted = UnicodeDecodeError(exc.encoding, exc.object, offset + exc.start,
                                         offset + exc.end, exc.reason)
            result.issues.append(_utf8_error(path, data, shifted, number))
            continue
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            message = _json_problem(raw, exc)[1]
            result.issues.append(ImportIssue(path, number, f"{message}; line skipped"))
            continue
        record = parse_record(obj, path, number, source_name or path.name, result.issues,
                              converted=converted)
        if record is not None:
            result.records.append(record)
    note_conversions(path, converted, result.issues)
    if not seen_any:
        result.issues.append(ImportIssue(path, None, "empty file; skipped"))
    return result


def read_json(path: Path, source_name: str | None = None) -> ReadResult:
    """A .json file holding one record object or an array of them (same fields as JSONL)."""
    result = ReadResult()
    read = read_utf8(path, result)
    if read is None:
        return result
    data = read[0].removeprefix(BOM_BYTES)
    if not data.strip():
        result.issues.append(ImportIssue(path, None, "empty file; skipped"))
        return result
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        line, message = _json_problem(data, exc)
        result.issues.append(ImportIssue(path, line, f"{message}; skipped"))
        return result
    name = source_name or path.name
    items = obj if isinstance(obj, list) else [obj]
    converted: Counter[str] = Counter()
    for number, item in enumerate(items, start=1):
        index = number if isinstance(obj, list) else None
        record = parse_record(item, path, None, name, result.issues, item=index,
                              converted=converted)
        if record is not None:
            result.records.append(record)
    note_conversions(path, converted, result.issues)
    return result


def note_conversions(path: Path, converted: Counter[str], issues: list[ImportIssue]) -> None:
    """One line per file and unit: how many spans had offsets converted to code points."""
    for unit, count in sorted(converted.items()):
        issues.append(ImportIssue(path, None, f"{count} span(s) had {UNIT_NAMES[unit]}; converted"))


def parse_record(
    obj: Any,
    path: Path,
    line: int | None,
    source_name: str,
    issues: list[ImportIssue],
    item: int | None = None,
    converted: Counter[str] | None = None,
) -> ImportRecord | None:
    """Turn one parsed JSON object into a record; append issues; None when it is skipped.
    `item` numbers .json array objects ("item N: "); `converted` counts converted spans."""
    prefix = f"item {item}: " if item is not None else ""

    def issue(message: str) -> None:
        if item is not None:
            message = message.replace("; line skipped", "; item skipped")
        issues.append(ImportIssue(path, line, prefix + message))

    if not isinstance(obj, dict):
        issue(f"expected a JSON object, got {kind_of(obj)}; line skipped")
        return None
    text = obj.get("text")
    if text is None:
        issue('missing "text"; line skipped')
        return None
    if not isinstance(text, str):
        issue(f'"text" must be a string, got {kind_of(text)}; line skipped')
        return None
    if not text.strip():
        issue('empty "text"; line skipped')
        return None
    if is_doccano(obj):
        obj = from_doccano(obj)
    answer = obj.get("answer")
    if answer is not None and answer not in ANSWERS:
        issue(f'unknown "answer" {answer!r} (expected accept, reject or ignore); line skipped')
        return None
    raw_spans = obj.get("spans", [])
    if raw_spans is None:
        raw_spans = []
    if not isinstance(raw_spans, list):
        issue(f'"spans" must be a list, got {kind_of(raw_spans)}; line skipped')
        return None

    meta = obj.get("meta", {})
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        issue(f'"meta" must be an object, got {kind_of(meta)}; meta ignored')
        meta = {}
    meta = dict(meta)
    title = meta.pop("title", None)
    meta.pop("article_id", None)  # recomputed from the text
    if not isinstance(title, str) or not title.strip():
        title = title_from_text(text)
    else:
        title = title.strip()
    if not isinstance(meta.get("source"), str) or not meta.get("source"):
        meta["source"] = source_name
    try:
        orjson.dumps(meta)  # deeper than the store can write (orjson parses 1024, writes 254)
    except orjson.JSONEncodeError as exc:
        issue(f'"meta" cannot be stored ({exc}); meta ignored')
        meta = {"source": source_name}

    annotator = obj.get("_annotator_id")
    if annotator is not None and (not isinstance(annotator, str) or not annotator.strip()):
        issue(f'"_annotator_id" must be a non-empty string, got {annotator!r}; ignored')
        annotator = None
    timestamp = obj.get("_timestamp")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        timestamp = None

    spans = parse_spans(raw_spans, text, issue, check_overlap=answer != "reject",
                        converted=converted)
    record = ImportRecord(text, title, meta, path, line, annotator=annotator, answer=answer,
                          timestamp=timestamp)
    if answer == "reject":
        record.rejected = [span.key for span in spans]
    elif answer != "ignore":
        record.spans = spans
    return record
