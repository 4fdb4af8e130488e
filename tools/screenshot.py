"""Save docs/window.png, docs/entities.png and docs/legend.png: the real window on the seeds
after some edits, and its highlight legend (F2)."""

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
    steps = iter(["link", "accept", "review", "entities", "legend", "done"])

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
        elif step == "legend":
            window.grab().save(str(out / "entities.png"))
            print(f"saved {out / 'entities.png'}")
            window.actions_by_id["legend"].trigger()
        else:
            from annotator.ui.legend import LegendDialog

            legend = next(d for d in window.findChildren(LegendDialog) if d.isVisible())
            legend.grab().save(str(out / "legend.png"))
            print(f"saved {out / 'legend.png'}")
            legend.close()
            window.close()
            store.close()
            app.quit()
            return
        QTimer.singleShot(400, stage)

    QTimer.singleShot(100, stage)
    app.exec()


if __name__ == "__main__":
    main()
