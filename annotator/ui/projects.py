"""Projects on this computer: the recent list, where each was left, and the folder dialogs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

RECENT_MAX = 8
PROJECT_FILE = "project.json"


def is_project(folder: Path) -> bool:
    return (folder / PROJECT_FILE).is_file()


class RecentProjects:
    """The last projects opened, most recent first, kept in the user's settings."""

    KEY = "projects/recent"

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def paths(self) -> list[Path]:
        """Recent project folders that still hold a project."""
        raw = self.settings.value(self.KEY) or []
        items = [raw] if isinstance(raw, str) else list(raw)
        return [Path(p) for p in items if p and is_project(Path(p))][:RECENT_MAX]

    def add(self, root: Path) -> None:
        root = root.resolve()
        paths = [root, *(p for p in self.paths() if p.resolve() != root)][:RECENT_MAX]
        self.settings.setValue(self.KEY, [str(p) for p in paths])

    def last(self) -> Path | None:
        paths = self.paths()
        return paths[0] if paths else None


@dataclass
class Place:
    """Where the analyst left a project: article, current span and the list's filter."""

    article_id: str | None = None
    span: tuple[int, int] | None = None
    filter: dict[str, Any] = field(default_factory=dict)


class PlaceMemory:
    """Per-project `Place`, kept in the user's settings under a hash of the folder."""

    def __init__(self, settings: QSettings, root: Path) -> None:
        self.settings = settings
        digest = hashlib.sha1(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
        self.prefix = f"projects/place-{digest}/"

    def load(self) -> Place:
        value = self.settings.value
        span = value(self.prefix + "span")
        filt = value(self.prefix + "filter")
        parsed: tuple[int, int] | None = None
        if isinstance(span, (list, tuple)) and len(span) == 2:
            try:
                parsed = (int(span[0]), int(span[1]))
            except (TypeError, ValueError):
                parsed = None
        return Place(value(self.prefix + "article") or None, parsed,
                     filt if isinstance(filt, dict) else {})

    def save(self, place: Place) -> None:
        self.settings.setValue(self.prefix + "article", place.article_id or "")
        self.settings.setValue(self.prefix + "span", list(place.span) if place.span else [])
        self.settings.setValue(self.prefix + "filter", place.filter)


class ProjectMenu(QObject):
    """File › New project…, Open project… and Open recent; asks the session to switch."""

    def __init__(
        self, parent: QWidget, settings: QSettings, current: Path,
        switch: Callable[[Path, bool], object],
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.recent = RecentProjects(settings)
        self.current = current
        self.switch = switch
        self.dialog: QFileDialog | None = None
        self.recent_menu = QMenu("Open &recent", parent)
        self.recent_menu.setObjectName("recentProjectsMenu")
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        self.fill_recent()

    def fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent.paths():
            action = self.recent_menu.addAction(f"{path.name} — {path}")
            action.setData(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.switch(p, False))
        self.recent_menu.setEnabled(bool(self.recent_menu.actions()))

    def new_project(self) -> QFileDialog:
        """Choose an empty (or new) folder; an empty project is made there."""
        return self._ask("New project: choose an empty folder", create=True)

    def open_project(self) -> QFileDialog:
        """Choose a folder that holds a project."""
        return self._ask("Open project", create=False)

    def _ask(self, title: str, *, create: bool) -> QFileDialog:
        dialog = QFileDialog(self.parent_widget, title, str(self.current.parent))
        dialog.setObjectName("newProjectDialog" if create else "openProjectDialog")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.fileSelected.connect(lambda chosen: self.switch(Path(chosen), create))
        self.dialog = dialog
        dialog.open()
        return dialog
