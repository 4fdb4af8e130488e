"""Shared fixture for io tests: projects opened through the store session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotator.core.project import Project
from annotator.store.project_store import ProjectStore
from annotator.store.session import open_project

Opener = Callable[..., tuple[Project, ProjectStore]]


@pytest.fixture
def open_proj() -> Iterator[Opener]:
    """Open projects (sync off for speed); every store is closed at the end."""
    stores: list[ProjectStore] = []

    def opener(
        root: Path, annotator: str = "ayu", create: bool = True
    ) -> tuple[Project, ProjectStore]:
        project, store = open_project(root, annotator, create=create, sync=False, window=0.0)
        stores.append(store)
        return project, store

    yield opener
    for store in stores:
        store.close()
