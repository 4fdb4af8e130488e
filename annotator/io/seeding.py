"""Fill a new, empty project with the demo articles from `seeds/`."""

from __future__ import annotations

from pathlib import Path

from annotator.core.project import Project
from annotator.io.importer import ImportReport, import_paths
from annotator.store.project_store import ProjectStore


def ensure_seeded(project: Project, store: ProjectStore, seeds_dir: Path) -> ImportReport | None:
    """Import the seeds folder when the project has no articles; None when nothing was done."""
    if len(project) or store.read_only or not Path(seeds_dir).is_dir():
        return None
    if any((store.root / "articles").glob("chunk-*.json")):
        return None  # texts exist (a damaged index): never seed over them
    return import_paths(project, store, [Path(seeds_dir)])
