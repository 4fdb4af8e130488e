"""`export_project`: the one export entry point for the command line and the window.

Formats: "jsonl" (Prodigy/spaCy-style records, see DESIGN.md "Export record"), "spacy"
(`DocBin`, alias "docbin"), "doccano" (JSONL with `label` triples), "conll" (token-per-line
BIO); "kb" (the entity knowledge base, one entity per line, with mention counts). Every
format writes accepted spans only, one document per chosen annotation set, in project article
order; which sets are chosen (by default one version per article, finished only) is
`annotator.io.formats.selection`.

Every document is first built as the JSONL record (spans trimmed of edge whitespace, tokens
split at span edges) and checked by `annotator.io.validate`; the other formats are rendered
from that record and checked again (spaCy: the Doc keeps every entity; CoNLL: the tags decode
to the spans). A record that fails is left out and reported, never written.

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
from annotator.io.formats.selection import ALL, ANY, FINISHED, normalise_status, select_sets
from annotator.io.formats.split import DEV, TRAIN, check_ratio, split_ids
from annotator.io.jsonl_export import (
    DEFAULT_DIR,
    Tokenizer,
    add_notes,
    aligned_record_and_tokens,
    dumps_jsonl,
)
from annotator.io.jsonl_export import ExportReport as _BaseReport
from annotator.io.jsonl_export import reject_records as _reject_records
from annotator.io.validate import check_record, check_records
from annotator.store.atomic import StoreError, write_bytes_atomic, write_many_atomic

__all__ = ["ALL", "ANY", "DEFAULT_DIR", "FINISHED", "FORMATS", "GOLD", "ExportError",
           "ExportReport", "check_options", "check_out", "default_out", "export_project",
           "load_every_set", "normalise_format"]

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
    `notes`: warnings for the user (e.g. an empty dev part); `cancelled`: nothing was written;
    `selection`: which versions and statuses were taken; `versions`: records per annotator
    (accept records; "gold" for gold versions).
    """

    format: str = "jsonl"
    files: list[Path] = field(default_factory=list)
    parts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    selection: str = ""
    versions: dict[str, int] = field(default_factory=dict)


def load_every_set(project: Project, store: Any) -> list[str]:
    """Load every annotator's and the gold saved sets that `project` lacks, from `store` (a
    `ProjectStore`); a damaged shard is skipped: the returned warnings name each one."""
    damaged: list[StoreError] = []
    sets = store.load_sets(None, damaged=damaged)
    project.load_sets(s for s in sets if project.existing_set(s.article_id, s.annotator) is None)
    return [f"skipped a damaged file, its version is not exported: {exc}" for exc in damaged]


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


def check_out(out: Path, project_root: Path) -> None:
    """ExportError when `out` lies inside the project folder but outside its exports/."""
    root = Path(project_root).expanduser().resolve()
    target = Path(out).expanduser().resolve()
    exports = root / DEFAULT_DIR
    inside = target == root or root in target.parents
    if inside and not (target == exports or exports in target.parents):
        raise ExportError(f"{out} is inside the project folder {root}; exports may go only to "
                          f"its {DEFAULT_DIR}/ folder or outside the project")


def check_options(out: Path, *, format: str, include_rejected: bool = False,
                  split: float | None = None, annotator: str | None = None,
                  status: ArticleStatus | str | None = None,
                  project_root: Path | None = None) -> str:
    """Check the options before any work; the canonical format name or ExportError."""
    fmt = normalise_format(format)
    if include_rejected and fmt != "jsonl":
        raise ExportError("rejected suggestions can only be exported as jsonl "
                          "(answer \"reject\" records)")
    if split is not None and fmt == "kb":
        raise ExportError("the knowledge base is one file: --split does not apply to kb")
    if annotator == ALL and fmt in ("spacy", "conll"):
        raise ExportError(f"{fmt} training data holds one version per article: choose one "
                          "annotator or gold (all annotators go only to jsonl or doccano)")
    try:
        normalise_status(status)
    except ValueError as exc:
        raise ExportError(str(exc)) from exc
    out = Path(out)
    if project_root is not None:
        check_out(out, project_root)
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
    status: ArticleStatus | str | None = FINISHED,
    articles: Collection[str] | None = None,
    include_rejected: bool = False,
    allow_undecided: bool = False,
    gold_first: bool = True,
    split: float | None = None,
    seed: int = 0,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    tokenizer: Tokenizer | None = None,
) -> ExportReport:
    """Export the project's accepted annotations; see the module docstring.

    `annotator`: a name (None: the project's annotator; the reviewed gold version is taken
    where there is one unless `gold_first` is False), `GOLD` or `ALL`. `status`: FINISHED
    (done or reviewed), ANY or one status. `allow_undecided`: also export sets that hold
    pending suggestions (written as O). `articles`: only these article ids.
    `include_rejected` (jsonl only): add `answer: "reject"` records. `progress(done, total)`
    counts articles; `cancelled()` is polled between articles. Only annotation sets already
    loaded into `project` are seen (call `load_every_set` first for colleagues' and gold).
    Raises ExportError for bad options and OSError when a file cannot be written.
    """
    fmt = check_options(out, format=format, include_rejected=include_rejected, split=split,
                        annotator=annotator, status=status)
    out = Path(out)
    report = ExportReport(path=out, format=fmt)
    if fmt == "kb":
        records = kb.kb_records(project)
        guide = kb.guidelines_path(out)
        write_many_atomic([(out, dumps_jsonl(records)), (guide, kb.guidelines(project))])
        report.records, report.files = len(records), [out, guide]
        report.spans_per_label = dict(sorted(Counter(r["label"] for r in records).items()))
        return report
    selection = select_sets(project, annotator=annotator, status=status, articles=articles,
                            gold_first=gold_first, allow_undecided=allow_undecided)
    report.skipped.extend(selection.skipped)
    report.selection = selection.description
    part_of: dict[str, str] = {}
    if split is not None:
        part_of = split_ids([c.info.id for c in selection.chosen], split, seed)
    converter = _Converter(fmt, include_rejected, tokenizer, set(project.scheme.names))
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
        for item, who in items:
            parts[part].add(item)
            if who:
                report.versions[who] = report.versions.get(who, 0) + 1
        counts[part] += len(items)
        if progress:
            progress(done, total)
    if cancelled and cancelled():
        report.cancelled = True
        return report
    report.records = sum(counts.values())
    report.spans_per_label = dict(sorted(labels.items()))
    report.versions = dict(sorted(report.versions.items(), key=lambda kv: (kv[0] != GOLD, kv[0])))
    _add_notes(report, selection.undecided, selection.others_left)
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


def _add_notes(report: ExportReport, undecided: int, others_left: int) -> None:
    """Warnings the summary must show: suggestions written as O, versions left out."""
    if undecided:
        report.notes.append(f"{undecided} undecided suggestion(s) in the exported articles were "
                            "written as O (not entities)")
    if others_left:
        report.notes.append(f"{others_left} other version(s) of the exported articles were left "
                            "out (one version per article; all annotators' versions can go "
                            "to jsonl or doccano)")


class _Converter:
    """Turns an article's chosen sets into validated items of the format, and items into
    file bytes."""

    def __init__(self, fmt: str, include_rejected: bool, tokenizer: Tokenizer | None,
                 labels: set[str]) -> None:
        self.fmt = fmt
        self.include_rejected = include_rejected
        self.labels = labels
        self._tokenizer = tokenizer
        self._vocab: Any = None
        self._seen: set[tuple[str, str]] = set()
        if fmt == "spacy":
            from annotator.nlp.tokens import make_nlp

            self._vocab = make_nlp().vocab

    def tokenize(self, text: str) -> list[tuple[int, int, bool]]:
        if self._tokenizer is None:
            from annotator.nlp.tokens import tokenize

            self._tokenizer = tokenize
        return self._tokenizer(text)

    def convert(
        self, article: Article, sets: list[AnnotationSet], labels: Counter[str]
    ) -> tuple[list[tuple[Any, str]], list[str]]:
        """((item, annotator of an accept item or ""), reasons for what was left out) for one
        article."""
        items: list[tuple[Any, str]] = []
        lost: list[str] = []
        tokens = self.tokenize(article.text) if self.fmt != "doccano" else None
        for aset in sets:
            stamp = int(aset.updated)
            record, dropped, offsets = aligned_record_and_tokens(
                article, aset.annotator, aset.spans, tokens, "accept", stamp)
            add_notes(record, aset)
            lost.extend(f"{n} span(s) of {aset.annotator} {why}"
                        for why, n in sorted(dropped.items()))
            problems = check_record(record, self.labels, offsets)
            key = (aset.annotator, article.id)
            if not problems and key in self._seen:
                problems = [f"article already exported for {aset.annotator}"]
            if problems:
                lost.append(f"{aset.annotator}'s version failed validation: {problems[0]}")
                continue
            self._seen.add(key)
            item, spans = self._render(article, aset, record, lost)
            if item is None:
                continue
            labels.update(s["label"] for s in spans)
            items.append((item, aset.annotator))
            if self.include_rejected:
                rejects = _reject_records(article, aset, tokens or [], stamp)
                bad = check_records(rejects, self.labels)
                if bad:
                    lost.append(f"rejections of {aset.annotator} failed validation: "
                                f"{bad[0].message}")
                else:
                    items.extend((r, "") for r in rejects)
        return items, lost

    def _render(self, article: Article, aset: AnnotationSet, record: dict[str, Any],
                lost: list[str]) -> tuple[Any, list[dict[str, Any]]]:
        """The item of the format from the validated record, and the spans it carries."""
        if self.fmt == "jsonl":
            return record, record["spans"]
        if self.fmt == "doccano":
            return doccano.from_record(record, aset.annotator), record["spans"]
        if self.fmt == "conll":
            block = conll.conll_from_record(record)
        else:
            block = docbin.doc_from_record(self._vocab, record, aset.annotator)
        lost.extend(f"{n} span(s) of {aset.annotator} {why}"
                    for why, n in sorted(block.lost.items()))
        if block.problems:
            lost.append(f"{aset.annotator}'s version failed validation: {block.problems[0]}")
            return None, []
        return block.item, block.spans

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
