"""Start the GUI: application object, project, main window, and the annotator's name."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from annotator.config import (
    default_project_dir,
    remember_annotator,
    remembered_annotator,
    seeds_dir,
    setup_logging,
)
from annotator.io.seeding import ensure_seeded
from annotator.store.project_store import StoreError
from annotator.store.session import open_project
from annotator.ui.main_window import MainWindow


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    QCoreApplication.setOrganizationName("annotator")
    QCoreApplication.setApplicationName("annotator")
    return app  # type: ignore[return-value]


class GuiSession:
    """Owns the window for one project; reopens it when the annotator's name changes."""

    def __init__(self, root: Path, settings: QSettings | None = None) -> None:
        self.root = root
        self.settings = settings or QSettings()
        self.window: MainWindow | None = None
        self.name_dialog: QInputDialog | None = None
        self.notes: QMessageBox | None = None  # what opening found (read-only, damage)

    def open(self, annotator: str) -> MainWindow | None:
        """Open (seeding on first start) and show the window; None after an error message."""
        try:
            project, store = open_project(self.root, annotator)
            if not project.read_only:
                ensure_seeded(project, store, seeds_dir())
        except StoreError as exc:
            box = QMessageBox(QMessageBox.Icon.Critical, "Cannot open project", str(exc))
            box.setObjectName("cannotOpen")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.exec()
            return None
        self.window = MainWindow(project, store, self.settings)
        self.window.switch_annotator = self._name_chosen
        self.window.show()
        notes = [store.lock_message] if project.read_only else []
        notes += store.warnings  # damage found and worked around (index rebuilt, shard skipped)
        if notes:
            title = "Opened read-only" if project.read_only else "The project was damaged"
            box = QMessageBox(QMessageBox.Icon.Information if project.read_only
                              else QMessageBox.Icon.Warning, title, "\n\n".join(notes),
                              parent=self.window)
            box.setObjectName("openNotes")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.open()
            self.notes = box
        return self.window

    def ask_name(self) -> QInputDialog:
        """First start: ask who is annotating, over the open window, and remember it."""
        assert self.window is not None
        dialog = QInputDialog(self.window)
        dialog.setObjectName("annotatorNameDialog")
        dialog.setWindowTitle("Who is annotating?")
        dialog.setLabelText("Your name (recorded with every annotation):")
        dialog.setTextValue(self.window.project.annotator)
        dialog.textValueSelected.connect(self._name_chosen)
        dialog.open()
        self.name_dialog = dialog
        return dialog

    def _name_chosen(self, name: str) -> None:
        name = name.strip()
        if not name or self.window is None:
            return
        remember_annotator(name)
        if name != self.window.project.annotator:
            self.close()
            self.open(name)

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
            self.window.store.close()
            self.window = None


def run_gui(project_dir: Path | None = None, annotator: str | None = None) -> int:
    """Open the main window on a project (the seeded default one when none is given)."""
    setup_logging()  # problems go to the log file, not the console
    app = make_application()
    known = annotator or remembered_annotator()
    session = GuiSession(Path(project_dir) if project_dir else default_project_dir())
    if session.open(known or getpass.getuser()) is None:
        return 2
    if annotator:
        remember_annotator(annotator)
    elif known is None:
        QTimer.singleShot(200, session.ask_name)
    code = app.exec()
    session.close()
    from annotator.jobs.pool import POOL

    POOL.shutdown()  # the warm worker processes end with the window
    return code
