"""Save docs/window.png: the real window on the seeds after a few keyboard edits."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from annotator.config import seeds_dir
from annotator.io.seeding import ensure_seeded
from annotator.store.session import open_project
from annotator.ui.main_window import MainWindow


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/window.png")
    app = QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp())
    project, store = open_project(tmp / "project", "ayu")
    ensure_seeded(project, store, seeds_dir())
    window = MainWindow(project, store, QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window.resize(1440, 860)
    window.show()

    def stage() -> None:
        if window.suggestions.running:
            QTimer.singleShot(100, stage)
            return
        editor = window.editor
        for _ in range(4):  # accept the first four suggestions with the keyboard flow
            editor.accept_current()
        editor.next_span(1)
        editor.next_span(1)
        QTimer.singleShot(300, shoot)

    def shoot() -> None:
        window.grab().save(str(out))
        print(f"saved {out}")
        window.close()
        store.close()
        app.quit()

    QTimer.singleShot(100, stage)
    app.exec()


if __name__ == "__main__":
    main()
