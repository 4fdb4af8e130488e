"""Import articles and their annotations into a project.

Rules: an article whose text is already in the project (or earlier in the same import) is a
duplicate and is not added again; its annotations, if the record carries any, are still merged.
Imported spans become *accepted* spans of the record's `_annotator_id` (else the `annotator`
argument, else the project's annotator). A record with `answer: "accept"` marks the article
"done" for that annotator; other annotated records mark it "in progress" (a status is never
lowered). `answer: "reject"` records add their spans to the rejected suggestions. Spans already
present are skipped silently, so importing the same file twice changes nothing. A colleague's
records are written to their own folder under their lock (reported when their window holds it).
Nothing is written until all sources are read, so cancelling while reading writes nothing.
Linked spans bring their entities into their annotator's knowledge base (`learn_entities`:
unknown kb_ids become entities built from their mentions, known ones learn new aliases).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.annotations import AnnotationSet
from annotator.core.entities import Mention, learn_entities
from annotator.core.labels import label_name_problem
from annotator.core.model import Article, ArticleInfo, ArticleStatus, Span
from annotator.core.project import Project
from annotator.io.readers import ImportIssue, ImportRecord, expand, read_source
from annotator.store.kb_store import load_kb, save_kb
from annotator.store.project_store import ProjectStore, StoreError

MAX_NEW_LABELS = 100  # new labels one import may add to the scheme
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

_RANK = {
    ArticleStatus.NEW: 0,
    ArticleStatus.IN_PROGRESS: 1,
    ArticleStatus.DONE: 2,
    ArticleStatus.REVIEWED: 3,
}


@dataclass
class ImportReport:
    """What an import did: counts, duplicate titles, issues and labels added to the scheme."""

    added: int = 0
    duplicates: list[str] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    new_labels: list[str] = field(default_factory=list)
    spans: int = 0
    entities: int = 0  # entities built for imported links their annotator's KB lacked
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.issues and not self.cancelled


@dataclass
class PreparedImport:
    """Records read from the sources (nothing written yet); made off the UI thread."""

    records: list[ImportRecord] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    annotator: str | None = None
    cancelled: bool = False
    stored: tuple[list[Article], list[Article]] | None = None  # texts already written
    articles: list[Article] | None = None  # one per record, hashed in the worker


def store_texts(store: ProjectStore, prepared: PreparedImport) -> None:
    """Write the new article texts now (in the worker), so finishing only updates memory."""
    if prepared.cancelled or store.read_only:
        return
    fresh: dict[str, Article] = {}
    prepared.articles = []
    for record in prepared.records:
        article = Article.from_text(record.text, record.title, record.meta)
        prepared.articles.append(article)
        fresh.setdefault(article.id, article)
    prepared.stored = store.add_articles(list(fresh.values())) if fresh else ([], [])


def import_paths(
    project: Project,
    store: ProjectStore,
    paths: list[Path],
    *,
    annotator: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportReport:
    """Read every path, then add new articles, labels and annotations in one go.

    `progress(done, total)` counts files (a folder counts each file inside). Raises
    FileNotFoundError for a missing path and StoreError for a read-only store, before writing.
    """
    prepared = prepare_import(
        store, paths, annotator=annotator, progress=progress, cancelled=cancelled
    )
    if cancelled and cancelled():
        prepared.cancelled = True
    return finish_import(project, store, prepared)


def prepare_import(
    store: ProjectStore,
    paths: list[Path],
    *,
    annotator: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> PreparedImport:
    """Read and check every source without writing anything (safe in a worker thread)."""
    if store.read_only:
        raise StoreError(store.lock_message or "the project is open read-only")
    prepared = PreparedImport(annotator=annotator)
    jobs = _files(paths, prepared.issues)
    total = len(jobs)
    if progress:
        progress(0, total)
    for done, (path, source_name) in enumerate(jobs, start=1):
        if cancelled and cancelled():
            prepared.cancelled = True
            return prepared
        result = read_source(path, source_name)
        prepared.records.extend(result.records)
        prepared.issues.extend(result.issues)
        if progress:
            progress(done, total)
    return prepared


def finish_import(
    project: Project, store: ProjectStore, prepared: PreparedImport
) -> ImportReport:
    """Write what `prepare_import` read, on the thread that owns `project`; not if cancelled."""
    report = ImportReport(issues=list(prepared.issues), cancelled=prepared.cancelled)
    if prepared.cancelled:
        return report
    if store.read_only:
        raise StoreError(store.lock_message or "the project is open read-only")
    default = prepared.annotator or project.annotator
    apply_records(project, store, prepared.records, report, default, prepared.stored,
                  prepared.articles)
    return report


def _files(paths: list[Path], issues: list[ImportIssue]) -> list[tuple[Path, str | None]]:
    """(file, source name) for every path, folders expanded; FileNotFoundError if one is missing."""
    paths = [Path(p) for p in paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {missing[0]}")
    return [job for path in paths for job in expand(path, issues)]


def apply_records(
    project: Project,
    store: ProjectStore,
    records: list[ImportRecord],
    report: ImportReport,
    default_annotator: str,
    stored: tuple[list[Article], list[Article]] | None = None,
    articles: list[Article] | None = None,
) -> None:
    """Write the articles, new labels and annotation sets that `records` bring.

    `stored`: what `store_texts` already wrote; then only the project in memory is updated.
    `articles`: the records' articles when already built (parallel to `records`).
    """
    new_articles: dict[str, Article] = {}
    known: set[str] = set()
    if articles is None or len(articles) != len(records):
        articles = [Article.from_text(r.text, r.title, r.meta) for r in records]
    for record, article in zip(records, articles, strict=True):
        if project.has_article(article.id):
            if article.id not in known:
                known.add(article.id)
                report.duplicates.append(project.info(article.id).title)
        elif article.id in new_articles:
            if not record.has_annotations:
                report.duplicates.append(article.title)
        else:
            new_articles[article.id] = article

    if stored is not None:
        written = {a.id for a in stored[0]}
        added = [a for a in new_articles.values() if a.id in written]
        dupes = [a for a in new_articles.values() if a.id not in written]
        _list_added(project, store, stored[0])
        report.added = len(added)
        report.duplicates.extend(a.title for a in dupes)
    elif new_articles:
        added, dupes = store.add_articles(list(new_articles.values()))
        _list_added(project, store, added)
        report.added = len(added)
        report.duplicates.extend(a.title for a in dupes)

    annotated = [r for r in records if r.has_annotations]
    stores = _writable_stores(store, annotated, default_annotator, report)
    try:
        annotated = [r for r in annotated if (r.annotator or default_annotator) in stores]
        for record in annotated:
            _add_labels(project, record, report)
        if report.new_labels:
            store.save_meta(project.scheme.to_list(), project.settings.to_dict())
        mentions: dict[str, list[Mention]] = {}
        changed = _merge_all(project, store, annotated, default_annotator, report, mentions)
        for aset, record in changed:
            try:
                stores[aset.annotator].save_set(aset)
            except StoreError as exc:
                report.issues.append(ImportIssue(record.path, record.line, f"not saved: {exc}"))
        for who, found in mentions.items():
            _learn_entities(project, stores[who], found, report)
    finally:
        for who, other in stores.items():
            if other is not store and not other.close():
                report.issues.append(
                    ImportIssue(store.root, None, f"{who}'s annotations: {other.last_error}")
                )


def _list_added(project: Project, store: ProjectStore, added: list[Article]) -> None:
    """List the added articles; one deleted and imported again goes back to its old place,
    where the store (and so a restart) lists it."""
    project.add_infos(ArticleInfo(a.id, a.title, a.meta) for a in added)
    order = [info.id for info in store.article_infos() if project.has_article(info.id)]
    if order != project.article_ids:
        project.order_like(order)


def _add_labels(project: Project, record: ImportRecord, report: ImportReport) -> None:
    """Add the record's new labels to the scheme, up to MAX_NEW_LABELS per import; spans with
    labels beyond that are skipped (thousands of labels mean a wrong field, not a scheme)."""
    kept, refused = [], []
    for span in record.spans:
        problem = None if span.label in project.scheme else label_name_problem(span.label)
        if problem is not None:  # readers check JSONL labels; this catches CoNLL tags, maps
            report.issues.append(ImportIssue(record.path, record.line, (
                f"span {span.start}..{span.end}: {problem}; span skipped")))
            continue
        if span.label not in project.scheme and len(report.new_labels) >= MAX_NEW_LABELS:
            refused.append(span.label)
            continue
        if project.scheme.ensure(span.label):
            report.new_labels.append(span.label)
        kept.append(span)
    if len(kept) + len(refused) != len(record.spans):
        record.spans = kept
    if refused:
        record.spans = kept
        shown = ", ".join(sorted(set(refused))[:5]) + (", ..." if len(set(refused)) > 5 else "")
        report.issues.append(ImportIssue(record.path, record.line, (
            f"{len(refused)} span(s) skipped: their labels ({shown}) would add more than "
            f"{MAX_NEW_LABELS} new labels in one import; is \"label\" the right field?")))


def _learn_entities(
    project: Project, store: ProjectStore, mentions: list[Mention], report: ImportReport
) -> None:
    """Give `store`'s annotator the entities of their imported links (new aliases for known
    ones); ours go through the project (saved and shown by its KB listeners)."""
    if store.annotator == project.annotator:
        added, learned = learn_entities(project.kb, mentions)
        if added or learned:
            project.notify_kb()
        report.entities += added
        return
    try:
        kb = load_kb(store)
        added, learned = learn_entities(kb, mentions)
        if added or learned:
            save_kb(store, kb)
        report.entities += added
    except StoreError as exc:
        report.issues.append(ImportIssue(store.root, None, (
            f"{store.annotator}'s knowledge base not updated: {exc}")))


def _writable_stores(
    store: ProjectStore, records: list[ImportRecord], default: str, report: ImportReport
) -> dict[str, ProjectStore]:
    """A writable store per annotator named in `records`: ours, or one opened for a colleague.

    Each annotator writes only their own folder, under their own lock; when a colleague's lock
    is held (their window is open), their records are reported and left out.
    """
    stores: dict[str, ProjectStore] = {store.annotator: store}
    problems: dict[str, str] = {}
    reported: set[tuple[str, Path]] = set()
    for record in records:
        who = record.annotator or default
        if who in stores:
            continue
        if who not in problems:
            try:
                other = ProjectStore(store.root, who, create=False)
            except StoreError as exc:
                problems[who] = str(exc)
            else:
                if not other.read_only:
                    stores[who] = other
                    continue
                problems[who] = other.lock_message
                other.close()
        if (who, record.path) not in reported:
            reported.add((who, record.path))
            message = f"annotations of {who} not imported: {problems[who]}"
            report.issues.append(ImportIssue(record.path, None, message))
    return stores


def _merge_all(
    project: Project,
    store: ProjectStore,
    records: list[ImportRecord],
    default: str,
    report: ImportReport,
    mentions: dict[str, list[Mention]],
) -> list[tuple[AnnotationSet, ImportRecord]]:
    """Merge every record into its (article, annotator) set; the sets that changed.
    `mentions` receives, per annotator, (kb_id, text, label) of each linked span now in a set."""
    changed: dict[tuple[str, str], tuple[AnnotationSet, ImportRecord]] = {}
    fresh: dict[tuple[str, str], bool] = {}
    loaded: set[str] = {project.annotator}
    for record in records:
        who = record.annotator or default
        if who not in loaded:  # a colleague's sets are not loaded by the session
            loaded.add(who)
            have = store.load_sets(who)
            project.load_sets(s for s in have if project.existing_set(s.article_id, who) is None)
        key = (Article.from_text(record.text).id, who)
        if key not in fresh:
            existing = project.existing_set(*key)
            fresh[key] = existing is None or not (existing.touched or existing.updated)
        aset = _merge(project, record, key, fresh[key], report)
        linked = [s for s in record.spans if s.kb_id]
        if linked:  # those now in the set (merged, or there before), not the skipped ones
            held = {(s.key, s.kb_id) for s in project.annotation_set(*key).spans}
            mentions.setdefault(who, []).extend(
                (s.kb_id or "", record.text[s.start : s.end], s.label)
                for s in linked if (s.key, s.kb_id) in held)
        if aset is not None:
            changed[key] = (aset, record)
    return list(changed.values())


def _merge(
    project: Project,
    record: ImportRecord,
    key: tuple[str, str],
    fresh: bool,
    report: ImportReport,
) -> AnnotationSet | None:
    """Merge one record into the set `key` (article, annotator); the set when it changed."""
    who = key[1]
    aset = project.annotation_set(*key)
    changed = False
    have = {s.key for s in aset.spans}
    clashes = _Clashes(aset.spans)
    for span in sorted(record.spans):
        if span.key in have:
            continue
        other = clashes.find(span)
        if other is not None:
            report.issues.append(
                ImportIssue(
                    record.path,
                    record.line,
                    f"{span.start}..{span.end} {span.label} overlaps {who}'s existing span "
                    f"{other.start}..{other.end} {other.label}; span skipped",
                )
            )
            continue
        if aset.suggestions:
            for sugg in aset.overlapping(span.start, span.end, suggestions=True):
                aset.delete_suggestion(sugg)
        aset.rejected.discard(span.key)
        aset.insert_span(span)
        have.add(span.key)
        clashes.added(span)
        report.spans += 1
        changed = True
    accepted = {s.key for s in aset.spans}
    for rejected in record.rejected:
        if rejected not in aset.rejected and rejected not in accepted:
            aset.rejected.add(rejected)
            for sugg in [s for s in aset.suggestions if s.key == rejected]:
                aset.delete_suggestion(sugg)
            changed = True
    target = ArticleStatus.DONE if record.answer == "accept" else ArticleStatus.IN_PROGRESS
    if _RANK[target] > _RANK[aset.status]:
        aset.status = target
        changed = True
    if not changed:
        return None
    if fresh and record.timestamp is not None:  # keeps export -> import -> export identical
        aset.updated = max(float(record.timestamp), aset.updated)
    else:
        aset.updated = max(time.time(), aset.updated)
    return aset


class _Clashes:
    """Finds an accepted span overlapping a new one in O(log n), so a record with 100,000
    spans merges in seconds, not hours: the spans there before (sorted by start, with the
    running widest end) and those added since, which arrive in start order."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = sorted(spans)
        self.starts = [s.start for s in self.spans]
        self.widest: list[Span] = []
        for span in self.spans:
            wide = self.widest[-1] if self.widest else span
            self.widest.append(span if span.end > wide.end else wide)
        self.last: Span | None = None  # the added span reaching furthest

    def find(self, span: Span) -> Span | None:
        before = bisect.bisect_left(self.starts, span.end)  # spans starting before its end
        if before and self.widest[before - 1].end > span.start:
            return self.widest[before - 1]
        if self.last is not None and self.last.end > span.start:
            return self.last
        return None

    def added(self, span: Span) -> None:
        if self.last is None or span.end > self.last.end:
            self.last = span
