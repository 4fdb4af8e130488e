"""Save docs/review.png and docs/side_by_side.png: review mode on the seeds with three
annotators' differing work in a 1,366-pixel window, and their versions side by side (Alt+S)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from annotator.config import seeds_dir
from annotator.core.commands import AcceptAll, RemoveSpan, ReplaceSpan
from annotator.io.seeding import ensure_seeded
from annotator.nlp.builtin import BuiltinSuggester
from annotator.store.session import open_project
from annotator.ui.main_window import MainWindow


def annotate(root: Path, name: str, change: int) -> None:
    """Accept the suggester's spans in the first article, then change every `change`-th one."""
    project, store = open_project(root, name)
    ensure_seeded(project, store, seeds_dir())
    article_id = project.article_ids[0]
    project.merge_suggestions(article_id, BuiltinSuggester().suggest(project.text(article_id)))
    AcceptAll(article_id).do(project)
    for i, span in enumerate(list(project.annotation_set(article_id).spans)):
        if change and i % change == 1:
            ReplaceSpan(article_id, span, span.with_(label="ORG")).do(project)
        elif change and i % change == 2:
            RemoveSpan(article_id, span).do(project)
    store.close()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs") / "review.png"
    app = QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp())
    annotate(tmp / "project", "ayu", 0)
    annotate(tmp / "project", "budi", 7)
    annotate(tmp / "project", "dewi", 5)
    project, store = open_project(tmp / "project", "rina")
    window = MainWindow(project, store, QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat),
                        suggest=False)
    window.resize(1366, 768)
    window.show()

    def review() -> None:
        window.review.start()
        window.review.accept_agreed()
        window.review.step(1)
        QTimer.singleShot(200, wait_for_figures)

    def wait_for_figures(tries: list[int] = [0]) -> None:  # noqa: B006 - a counter
        tries[0] += 1  # the project figures come from a worker process (cold: a few seconds)
        if window.review.report is None and tries[0] < 300:
            QTimer.singleShot(100, wait_for_figures)
        else:
            QTimer.singleShot(300, shoot)

    def shoot() -> None:
        window.grab().save(str(out))
        print(f"saved {out}")
        side = window.review.side_by_side()
        assert side is not None
        side.resize(1440, 760)
        QTimer.singleShot(500, lambda: shoot_side(side))

    def shoot_side(side) -> None:  # noqa: ANN001
        target = out.with_name("side_by_side.png")
        side.grab().save(str(target))
        print(f"saved {target}")
        side.close()
        window.close()
        store.close()
        app.quit()

    QTimer.singleShot(300, review)
    app.exec()


if __name__ == "__main__":
    main()
