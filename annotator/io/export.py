"""`export_project`: the one export entry point for the command line and the window.

Formats: "jsonl" (Prodigy/spaCy-style records, see DESIGN.md "Export record"), "spacy"
(`DocBin`, alias "docbin"), "doccano" (JSONL with `label` triples), "conll" (token-per-line
BIO); "kb" (the entity knowledge base, one entity per line, with mention counts). Every
format writes accepted spans only, one document per article per chosen annotation set, in
project article order.

Without `split`, `out` is a file. With `split` (the train fraction, 0 < split < 1), `out` is a
folder that receives `train.<ext>` and `dev.<ext>` (and, for spaCy, a `config.cfg` for
`spacy train`); articles (never single records) are shuffled with `seed` and divided.
Everything is built in memory first, so a cancelled export writes nothing; files are written
atomically and the same data always gives the same bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.annotations import AnnotationSet
from annotator.core.model import Article, ArticleStatus
from annotator.core.project import Project
from annotator.core.review_commands import GOLD
from annotator.io.formats import conll, docbin, doccano, kb
from annotator.io.formats.selection import select_sets
from annotator.io.formats.split import DEV, TRAIN, check_ratio, split_ids
from annotator.io.jsonl_export import DEFAULT_DIR, Tokenizer, dumps_jsonl, export_record
from annotator.io.jsonl_export import ExportReport as _BaseReport
from annotator.io.jsonl_export import reject_records as _reject_records
from annotator.store.atomic import write_bytes_atomic, write_many_atomic

__all__ = ["DEFAULT_DIR", "FORMATS", "GOLD", "ExportError", "ExportReport", "check_options",
           "default_out", "export_project", "normalise_format"]

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

FORMATS = ("jsonl", "spacy", "doccano", "conll", "kb")
ALIASES = {"docbin": "spacy", "iob": "conll", "bio": "conll"}
EXTENSIONS = {"jsonl": ".jsonl", "spacy": docbin.EXTENSION, "doccano": doccano.EXTENSION,
              "conll": conll.EXTENSION, "kb": kb.EXTENSION}


class ExportError(ValueError):
    """Options that cannot be exported (unknown format, bad split, a file where a folder is
    needed); the message is meant for the user."""


@dataclass
class ExportReport(_BaseReport):
    """What an export wrote.

    `records`: lines (JSONL, doccano; reject records included), documents (CoNLL, spaCy);
    `spans_per_label`: accepted spans written; `skipped`: (article title, reason) for
    articles left out and for spans that could not be written; `path`: the file or the split
    folder; `files`: every file written; `parts`: records per part ("train", "dev") when split;
    `notes`: warnings for the user (e.g. an empty dev part); `cancelled`: nothing was written.
    """

    format: str = "jsonl"
    files: list[Path] = field(default_factory=list)
    parts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def normalise_format(name: str) -> str:
    """The canonical format name; ExportError for unknown names."""
    fmt = ALIASES.get(name.strip().lower(), name.strip().lower())
    if fmt not in FORMATS:
        raise ExportError(f"export format '{name}' is not supported "
                          "(choose jsonl, spacy, doccano, conll or kb)")
    return fmt


def default_out(project_name: str, format: str, split: float | None = None) -> Path:
    """exports/<project>.<ext> (doccano: <project>.doccano.jsonl); a split goes to the folder
    exports/<project>-<format>/."""
    fmt = normalise_format(format)
    if split is not None:
        return DEFAULT_DIR / f"{project_name}-{fmt}"
    middle = ".doccano" if fmt == "doccano" else ""
    return DEFAULT_DIR / f"{project_name}{middle}{EXTENSIONS[fmt]}"


def check_options(out: Path, *, format: str, include_rejected: bool = False,
                  split: float | None = None) -> str:
    """Check the options before any work; the canonical format name or ExportError."""
    fmt = normalise_format(format)
    if include_rejected and fmt != "jsonl":
        raise ExportError("rejected suggestions can only be exported as jsonl "
                          "(answer \"reject\" records)")
    if split is not None and fmt == "kb":
        raise ExportError("the knowledge base is one file: --split does not apply to kb")
    out = Path(out)
    if split is None:
        if out.is_dir():
            raise ExportError(f"{out} is a folder; give a file name (or use a split)")
    else:
        try:
            check_ratio(split)
        except (TypeError, ValueError) as exc:
            raise ExportError(str(exc)) from exc
        if out.exists() and not out.is_dir():
            raise ExportError(f"{out} is a file; a split needs a folder")
    return fmt


def export_project(
    project: Project,
    out: Path,
    *,
    format: str = "jsonl",
    annotator: str | None = None,
    status: ArticleStatus | None = None,
    articles: Collection[str] | None = None,
    include_rejected: bool = False,
    split: float | None = None,
    seed: int = 0,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    tokenizer: Tokenizer | None = None,
) -> ExportReport:
    """Export the project's accepted annotations; see the module docstring.

    `annotator`: one name, `GOLD` ("gold") for the reviewed gold versions, None for every
    annotator. `status`: only sets with that status. `articles`: only these article ids.
    `include_rejected` (jsonl only): add `answer: "reject"` records. `progress(done, total)`
    counts articles; `cancelled()` is polled between articles. Only annotation sets already
    loaded into `project` are seen (call `store.session.load_all_sets` first for colleagues').
    Raises ExportError for bad options and OSError when a file cannot be written.
    """
    fmt = check_options(out, format=format, include_rejected=include_rejected, split=split)
    out = Path(out)
    report = ExportReport(path=out, format=fmt)
    if fmt == "kb":
        records = kb.kb_records(project)
        write_bytes_atomic(out, kb.kb_bytes(records))
        report.records, report.files = len(records), [out]
        report.spans_per_label = dict(sorted(Counter(r["label"] for r in records).items()))
        return report
    selection = select_sets(project, annotator=annotator, status=status, articles=articles)
    report.skipped.extend(selection.skipped)
    part_of: dict[str, str] = {}
    if split is not None:
        part_of = split_ids([c.info.id for c in selection.chosen], split, seed)
    converter = _Converter(fmt, include_rejected, tokenizer)
    names = (TRAIN, DEV) if split is not None else ("",)
    parts = {name: converter.sink() for name in names}
    counts: dict[str, int] = {name: 0 for name in names}
    labels: Counter[str] = Counter()
    total = len(selection.chosen)
    if progress:
        progress(0, total)
    for done, chosen in enumerate(selection.chosen, start=1):
        if cancelled and cancelled():
            report.cancelled = True
            return report
        article = project.article(chosen.info.id)
        items, lost = converter.convert(article, chosen.sets, labels)
        for reason in lost:
            report.skipped.append((chosen.info.title, reason))
        part = part_of.get(chosen.info.id, "")
        for item in items:
            parts[part].add(item)
        counts[part] += len(items)
        if progress:
            progress(done, total)
    if cancelled and cancelled():
        report.cancelled = True
        return report
    report.records = sum(counts.values())
    report.spans_per_label = dict(sorted(labels.items()))
    if split is None:
        write_bytes_atomic(out, parts[""].to_bytes())
        report.files = [out]
        return report
    report.parts = dict(counts)
    ext = EXTENSIONS[fmt]
    files: list[tuple[Path, bytes]] = [
        (out / f"{name}{ext}", parts[name].to_bytes()) for name in (TRAIN, DEV)
    ]
    if fmt == "spacy":
        config = docbin.training_config(sorted(labels), f"{TRAIN}{ext}", f"{DEV}{ext}")
        files.append((out / docbin.CONFIG_NAME, config.encode("utf-8")))
    if not counts[DEV]:
        report.notes.append("the dev part is empty: export at least two articles to split")
    write_many_atomic(files)
    report.files = [path for path, _ in files]
    return report


class _Converter:
    """Turns an article's chosen sets into the format's items and items into file bytes."""

    def __init__(self, fmt: str, include_rejected: bool, tokenizer: Tokenizer | None) -> None:
        self.fmt = fmt
        self.include_rejected = include_rejected
        self._tokenizer = tokenizer
        self._nlp: Any = None
        if fmt == "spacy":
            from annotator.nlp.tokens import make_nlp

            self._nlp = make_nlp()

    def tokenize(self, text: str) -> list[tuple[int, int, bool]]:
        if self._tokenizer is None:
            from annotator.nlp.tokens import tokenize

            self._tokenizer = tokenize
        return self._tokenizer(text)

    def convert(
        self, article: Article, sets: list[AnnotationSet], labels: Counter[str]
    ) -> tuple[list[Any], list[str]]:
        """(items, reasons for spans left out) for one article."""
        items: list[Any] = []
        lost: list[str] = []
        tokens = self.tokenize(article.text) if self.fmt in ("jsonl", "conll") else []
        for aset in sets:
            if self.fmt == "jsonl":
                stamp = int(aset.updated)
                record = export_record(article, aset, tokens, stamp)
                missing = len(aset.spans) - len(record["spans"])
                if missing:
                    lost.append(f"{missing} span(s) of {aset.annotator} cover no token")
                labels.update(s["label"] for s in record["spans"])
                items.append(record)
                if self.include_rejected:
                    items.extend(_reject_records(article, aset, tokens, stamp))
            elif self.fmt == "doccano":
                record, spans = doccano.doccano_record(article, aset)
                if len(spans) < len(aset.spans):
                    lost.append(f"{len(aset.spans) - len(spans)} span(s) of {aset.annotator} "
                                "lie outside the text")
                labels.update(s.label for s in spans)
                items.append(record)
            elif self.fmt == "conll":
                block = conll.conll_doc(article.text, aset, tokens)
                lost.extend(f"{n} span(s) of {aset.annotator} {why}"
                            for why, n in sorted(block.lost.items()))
                labels.update(s.label for s in block.spans)
                items.append(block.text)
            else:
                result = docbin.make_doc(self._nlp, article, aset)
                lost.extend(f"{n} span(s) of {aset.annotator} {why}"
                            for why, n in sorted(result.lost.items()))
                labels.update(result.labels)
                items.append(result.doc)
        return items, lost

    def sink(self) -> _Sink:
        """Where one output file's items go; they are serialised as they arrive (a project's
        records or Docs are never all held in memory)."""
        return _DocBinSink() if self.fmt == "spacy" else _BytesSink(self.fmt)


class _Sink:
    def add(self, item: Any) -> None:
        raise NotImplementedError

    def to_bytes(self) -> bytes:
        raise NotImplementedError


class _BytesSink(_Sink):
    """JSONL lines (sorted keys, as `dumps_jsonl`) or CoNLL blocks."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.chunks: list[bytes] = []

    def add(self, item: Any) -> None:
        if self.fmt == "conll":
            self.chunks.append(item.encode("utf-8"))
        else:
            self.chunks.append(dumps_jsonl([item]))

    def to_bytes(self) -> bytes:
        return b"".join(self.chunks)


class _DocBinSink(_Sink):
    def __init__(self) -> None:
        self.doc_bin = docbin.new_docbin()

    def add(self, item: Any) -> None:
        self.doc_bin.add(item)

    def to_bytes(self) -> bytes:
        return bytes(self.doc_bin.to_bytes())
