"""Open a project folder as a core Project whose edits are saved by the store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.core.entities import entities_for_links, learn_entities
from annotator.core.labels import LabelScheme, label_name_problem
from annotator.core.project import Project, ProjectSettings
from annotator.store.kb_store import kb_file, load_kb, save_kb
from annotator.store.project_store import ProjectStore, StoreError


def open_project(
    root: Path,
    annotator: str,
    create: bool = True,
    *,
    window: float = 0.025,
    sync: bool = True,
    read_only: bool = False,
    load_sets: bool = True,
    retry: bool = True,
) -> tuple[Project, ProjectStore]:
    """Load the project for `annotator` and save each edited set through the store's writer.

    `read_only` opens it as a reader that never takes the lock (a worker process beside the
    window); `load_sets=False` skips the annotations (texts and settings only); `retry=False`
    (a command) fails at the first write error instead of retrying. The store's
    `damaged_articles` is the project's (the same dict, filled as texts are read).
    """
    store = ProjectStore(root, annotator, create=create, window=window, sync=sync,
                         read_only=read_only, retry=retry)
    try:
        meta = store.meta()
        warnings: list[str] = []
        labels = _valid_labels(store, meta.get("labels"), warnings)
        project = Project(
            annotator=annotator,
            scheme=LabelScheme.from_list(labels) if labels else LabelScheme.default(),
            text_loader=store.load_text,
            infos=store.article_infos(),
            settings=ProjectSettings.from_dict(meta.get("settings") or {}),
            read_only=store.read_only,
            damaged_articles=store.damaged_articles,
        )
        sets = store.load_sets(annotator) if load_sets else []
        project.kb = load_kb(store)
        project.load_sets(sets)
        rebuilt = rebuild_entities(project, store)
        project.load_warnings = warnings + rebuilt
    except BaseException:
        store.close()
        raise
    if not store.read_only:
        if rebuilt:
            save_kb(store, project.kb)
        project.subscribe(_saver(project, store, {s.article_id for s in sets}))
        project.subscribe_kb(lambda: save_kb(store, project.kb))
        project.subscribe_settings(_settings_saver(project, store, raise_errors=not retry))
        project.subscribe_articles(
            lambda article_id, at: store.delete_article(article_id, at) if at is not None
            else store.undelete_article(article_id))
    return project, store


def _valid_labels(store: ProjectStore, labels: object, warnings: list[str]) -> list[dict]:
    """The scheme's labels from project.json, without those no label may be (said so)."""
    if not isinstance(labels, list):
        return []
    kept = []
    for item in labels:
        problem = label_name_problem(item.get("name") if isinstance(item, dict) else None)
        if problem is None:
            kept.append(item)
        else:
            warnings.append(f"{store.project_file}: {problem}; label left out of the scheme")
    return kept


def rebuild_entities(project: Project, store: ProjectStore) -> list[str]:
    """Entities the annotator's linked spans name but the KB lacks, rebuilt from the spans
    (as an import builds them); the warnings saying so (the file missing, or the ids)."""
    kb = project.kb
    missing = [(aset.article_id, span) for aset in project.sets_of() for span in aset.spans
               if span.kb_id and span.kb_id not in kb]
    if not missing:
        return []
    mentions = [(span.kb_id or "", project.text(article_id)[span.start : span.end], span.label)
                for article_id, span in missing]
    added, _ = learn_entities(kb, mentions)
    path = kb_file(store)
    noun = "entity" if added == 1 else "entities"
    if not path.exists():
        return [f"{path}: missing; {added} {noun} rebuilt from the linked spans"]
    ids = sorted({span.kb_id or "" for _, span in missing})
    shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
    its = "its" if added == 1 else "their"
    return [f"{path}: {added} linked {noun} missing ({shown}); rebuilt from {its} spans"]


def load_all_sets(project: Project, store: ProjectStore) -> None:
    """Add every annotator's saved sets the session did not load (it loads only its own)."""
    others = store.load_other_sets(project.annotator)  # the session loaded its own already
    missing = [s for s in others if project.existing_set(s.article_id, s.annotator) is None]
    project.load_sets(missing)


@contextmanager
def reading_project(root: Path, annotator: str, *, sets: str = "own"
                    ) -> Iterator[tuple[Project, ProjectStore]]:
    """The saved project opened as a lock-free reader (a worker process beside the window).

    `sets`: "none" (texts and settings only), "own" (the annotator's) or "all" (every
    annotator's and the gold sets).
    """
    project, store = open_project(Path(root), annotator, create=False, read_only=True,
                                  load_sets=sets != "none")
    try:
        if sets == "all":
            load_all_sets(project, store)
        yield project, store
    finally:
        store.close()


def attach_gold(project: Project, root: Path) -> tuple[ProjectStore, Callable[[str], None]]:
    """Load every annotator's sets and the gold sets; gold edits are saved under the gold lock.

    Every annotator's KB is loaded too (`project.kbs`), and the gold KB gets the entities of
    gold links it lacks (copied from an annotator's KB, else built from the spans).

    Returns the gold store and its listener (unsubscribe it and close the store to detach).
    Only one reviewer writes gold at a time: when another holds it, StoreError says so.
    """
    from annotator.core.review_commands import GOLD

    store = ProjectStore(root, GOLD)
    if store.read_only:
        message = store.lock_message
        store.close()
        raise StoreError(message or "Another reviewer is editing the gold versions.")
    try:
        sets = store.load_sets(None)
        for name in {s.annotator for s in sets} - {project.annotator}:
            project.kbs[name] = load_kb(store, name)  # entities a gold decision copies
    except BaseException:
        store.close()
        raise
    project.load_sets(s for s in sets if project.existing_set(s.article_id, s.annotator) is None)
    gold = {s.article_id for s in sets if s.annotator == GOLD}
    saver = _saver(project, store, gold, GOLD)
    gold_kb = project.kb_of(GOLD)
    linked = [(span.kb_id or "", project.text(aset.article_id)[span.start : span.end], span.label)
              for aset in project.sets_of(GOLD) for span in aset.spans
              if span.kb_id and span.kb_id not in gold_kb]
    sources = [project.kb, *(kb for who, kb in project.kbs.items() if who != GOLD)]
    for entity in entities_for_links(gold_kb, linked, sources):  # gold links made before
        gold_kb.add(entity)
    if linked:
        save_kb(store, gold_kb)
    saved_kb = [gold_kb.version]

    def save_gold(article_id: str) -> None:
        """The gold set, and the gold KB when a decision changed it."""
        saver(article_id)
        if project.kb_of(GOLD).version != saved_kb[0]:
            saved_kb[0] = project.kb_of(GOLD).version
            save_kb(store, project.kb_of(GOLD))

    project.subscribe(save_gold)
    return store, save_gold


def _settings_saver(project: Project, store: ProjectStore, raise_errors: bool
                    ) -> Callable[[], None]:
    """A listener writing project.json after `ChangeSettings`; a window is told of a failure
    through the store's `on_error`, a command (`raise_errors`) fails with it."""

    def save() -> None:
        try:
            store.save_meta(project.scheme.to_list(), project.settings.to_dict())
        except StoreError as exc:
            if raise_errors:
                raise
            store.report_error(str(exc))

    return save


def _saver(
    project: Project, store: ProjectStore, saved: set[str], annotator: str | None = None
) -> Callable[[str], None]:
    """A listener writing the annotator's set when touched or already on disk."""

    def on_change(article_id: str) -> None:
        aset = project.existing_set(article_id, annotator)
        if aset is None or not (aset.touched or article_id in saved):
            return  # untouched sets holding only machine suggestions stay in memory
        if article_id in store.damaged_articles:
            return  # its text is not what its spans were made on: its file stays as it is
        store.save_set(aset)
        saved.add(article_id)

    return on_change
