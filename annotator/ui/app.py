"""Start the GUI: application object, annotator name, project, main window."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.config import (
    default_project_dir,
    remember_annotator,
    remembered_annotator,
    seeds_dir,
)


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    QCoreApplication.setOrganizationName("annotator")
    QCoreApplication.setApplicationName("annotator")
    return app  # type: ignore[return-value]


def resolve_annotator(explicit: str | None) -> str | None:
    """Explicit name, else the remembered one, else ask once and remember."""
    from annotator.ui.dialogs import ask_annotator_name

    name = explicit or remembered_annotator()
    if name is None:
        name = ask_annotator_name(None, default=getpass.getuser())
        if name is None:
            return None
    remember_annotator(name)
    return name


def run_gui(project_dir: Path | None = None, annotator: str | None = None) -> int:
    """Open the main window on a project (the seeded default one when none is given)."""
    from annotator.io.seeding import ensure_seeded
    from annotator.store.project_store import StoreError
    from annotator.store.session import open_project
    from annotator.ui.main_window import MainWindow

    app = make_application()
    name = resolve_annotator(annotator)
    if name is None:
        return 1
    root = Path(project_dir) if project_dir else default_project_dir()
    try:
        project, store = open_project(root, name)
        if not project.read_only:
            ensure_seeded(project, store, seeds_dir())
    except StoreError as exc:
        QMessageBox.critical(None, "Cannot open project", str(exc))
        return 2
    window = MainWindow(project, store, QSettings())
    window.show()
    if project.read_only:
        QMessageBox.information(window, "Opened read-only", store.lock_message)
    code = app.exec()
    store.close()
    return code
