"""Open a project folder as a core Project whose edits are saved by the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from annotator.core.labels import LabelScheme
from annotator.core.project import Project, ProjectSettings
from annotator.store.kb_store import load_kb, save_kb
from annotator.store.project_store import ProjectStore


def open_project(
    root: Path,
    annotator: str,
    create: bool = True,
    *,
    window: float = 0.025,
    sync: bool = True,
) -> tuple[Project, ProjectStore]:
    """Load the project for `annotator` and save each edited set through the store's writer."""
    store = ProjectStore(root, annotator, create=create, window=window, sync=sync)
    try:
        meta = store.meta()
        labels = meta.get("labels")
        project = Project(
            annotator=annotator,
            scheme=LabelScheme.from_list(labels) if labels else LabelScheme.default(),
            text_loader=store.load_text,
            infos=store.article_infos(),
            settings=ProjectSettings.from_dict(meta.get("settings") or {}),
            read_only=store.read_only,
        )
        sets = store.load_sets(annotator)
        project.kb = load_kb(store)
    except BaseException:
        store.close()
        raise
    project.load_sets(sets)
    if not store.read_only:
        project.subscribe(_saver(project, store, {s.article_id for s in sets}))
        project.subscribe_kb(lambda: save_kb(store, project.kb))
    return project, store


def _saver(project: Project, store: ProjectStore, saved: set[str]) -> Callable[[str], None]:
    """A listener writing the annotator's set when touched or already on disk."""

    def on_change(article_id: str) -> None:
        aset = project.existing_set(article_id)
        if aset is None or not (aset.touched or article_id in saved):
            return  # untouched sets holding only machine suggestions stay in memory
        store.save_set(aset)
        saved.add(article_id)

    return on_change
