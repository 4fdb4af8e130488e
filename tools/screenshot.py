"""Save docs/window.png and docs/entities.png: the real window on the seeds after some edits."""

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
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    app = QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp())
    project, store = open_project(tmp / "project", "ayu")
    ensure_seeded(project, store, seeds_dir())
    window = MainWindow(project, store, QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window.resize(1440, 860)
    window.show()
    steps = iter(["link", "accept", "review", "entities", "done"])

    def busy() -> bool:
        return window.suggestions.running or window.linking.propagation.running

    def stage() -> None:
        if busy():
            QTimer.singleShot(100, stage)
            return
        step = next(steps)
        view = window.view
        if step == "link":  # link Kim Jong-un as a new entity, with the keyboard flow
            kim = next(s for s in view.spans if view.text[s.start : s.end] == "Kim Jong-un")
            view.set_current_span(kim)
            picker = window.linking.link_current()
            assert picker is not None
            picker.accept()
        elif step == "accept":
            window.linking.accept_for_entity("kim-jong-un")
            for _ in range(3):
                window.editor.accept_current()
        elif step == "review":
            window.editor.next_span(1)
            window.grab().save(str(out / "window.png"))
            print(f"saved {out / 'window.png'}")
        elif step == "entities":
            window.side_tabs.setCurrentWidget(window.entities_panel)
            window.entities_panel.refresh()
            window.entities_panel.table.selectRow(0)
        else:
            window.grab().save(str(out / "entities.png"))
            print(f"saved {out / 'entities.png'}")
            window.close()
            store.close()
            app.quit()
            return
        QTimer.singleShot(400, stage)

    QTimer.singleShot(100, stage)
    app.exec()


if __name__ == "__main__":
    main()
