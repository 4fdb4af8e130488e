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
from annotator.ui.projects import PROJECT_FILE, RecentProjects, is_project


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    QCoreApplication.setOrganizationName("annotator")
    QCoreApplication.setApplicationName("annotator")
    return app  # type: ignore[return-value]


class GuiSession:
    """Owns the window for one project; reopens it when the annotator or the project changes."""

    def __init__(self, root: Path, settings: QSettings | None = None) -> None:
        self.root = root
        self.settings = settings or QSettings()
        self.window: MainWindow | None = None
        self.name_dialog: QInputDialog | None = None
        self.message: QMessageBox | None = None
        self.notes: QMessageBox | None = None  # what opening found (read-only, damage)

    def open(self, annotator: str, *, create: bool = True, seed: bool = True) -> MainWindow | None:
        """Open (seeding an empty project unless `seed` is off) and show the window; None
        after an error message."""
        try:
            project, store = open_project(self.root, annotator, create=create)
            if not project.read_only and seed:
                ensure_seeded(project, store, seeds_dir())
        except StoreError as exc:
            box = QMessageBox(QMessageBox.Icon.Critical, "Cannot open project", str(exc))
            box.setObjectName("cannotOpen")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.exec()
            return None
        self.window = MainWindow(project, store, self.settings)
        self.window.switch_annotator = self._name_chosen
        self.window.switch_project = self.switch_project
        self.window.show()
        self.window.activateWindow()
        RecentProjects(self.settings).add(self.root)
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

    def switch_project(self, root: Path, create: bool) -> bool:
        """Close this project's window (if it may close) and open `root`; False if not."""
        if self.window is None:
            return False
        root = Path(root).resolve()
        problem = None
        if create and root.is_dir() and any(root.iterdir()) and not is_project(root):
            problem = f"{root} is not empty: choose an empty or new folder for a new project."
        elif not create and not is_project(root):
            problem = f"{root} holds no Annotator project ({PROJECT_FILE} is missing)."
        if problem:
            self.message = QMessageBox(QMessageBox.Icon.Warning, "Project", problem,
                                       parent=self.window)
            self.message.setTextFormat(Qt.TextFormat.PlainText)
            self.message.open()
            return False
        annotator, previous = self.window.project.annotator, self.root
        if not self.window.close():  # unsaved edits: the analyst was asked
            return False
        self.window.store.close()
        self.window = None
        self.root = root
        if self.open(annotator, seed=False) is None:
            self.root = previous
            self.open(annotator)
            return False
        return True

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
            self.window.store.close()
            self.window = None


def start_session(project_dir: Path | None, annotator: str | None) -> GuiSession | None:
    """Open the window; `annotator` (a command-line flag) is for this run and never remembered."""
    known = annotator or remembered_annotator()
    settings = QSettings()
    root = Path(project_dir) if project_dir else (
        RecentProjects(settings).last() or default_project_dir())
    session = GuiSession(root, settings)
    if session.open(known or getpass.getuser()) is None:
        return None
    if known is None:
        QTimer.singleShot(200, session.ask_name)
    return session


def run_gui(project_dir: Path | None = None, annotator: str | None = None) -> int:
    """Open the main window on a project (else the last one, else the seeded default one)."""
    setup_logging()  # problems go to the log file, not the console
    app = make_application()
    session = start_session(project_dir, annotator)
    if session is None:
        return 2
    code = app.exec()
    session.close()
    from annotator.jobs.pool import POOL

    POOL.shutdown()  # the warm worker processes end with the window
    return code
