"""Helpers for the window probes: open the real window offscreen, spin its loop, measure.

Kept apart from probe_window.py so the probes read as what they measure.
"""

from __future__ import annotations

import contextlib
import cProfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from common import ANNOTATOR


@contextlib.contextmanager
def profiled(path: Path | None) -> Iterator[None]:
    if path is None:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        profile.dump_stats(str(path))


def open_window(project_dir: Path, settings: Path, suggest: bool = False):  # noqa: ANN201
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from annotator.store.session import open_project
    from annotator.ui.main_window import MainWindow

    project, store = open_project(project_dir, ANNOTATOR)
    qs = QSettings(str(settings), QSettings.Format.IniFormat)
    window = MainWindow(project, store, qs, suggest=suggest)
    window.show()
    app.processEvents()
    window.view.viewport().repaint()
    return app, window


def close_window(window) -> None:  # noqa: ANN001
    window.close()
    window.store.close(timeout=60.0)


class BlockMeter:
    """A 1 ms timer on the UI thread; the longest gap between its ticks is the longest block."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.max_gap = 0.0
        self.ticks = 0
        self.long: list[float] = []  # gaps over 16 ms, in order

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap, self.last = now - self.last, now
        self.ticks += 1
        self.max_gap = max(self.max_gap, gap)
        if gap > 0.016:
            self.long.append(gap)

    def stop(self) -> None:
        self._tick()  # a block still going on when the work ended counts too
        self.timer.stop()


def run_until(app, done: Callable[[], bool], timeout: float, poll_ms: int = 5) -> bool:  # noqa: ANN001
    """Spin the event loop until done() (checked every poll_ms) or the timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    state = {"ok": False}

    def check() -> None:
        if done():
            state["ok"] = True
            loop.quit()
        elif time.monotonic() > deadline:
            loop.quit()
        else:
            QTimer.singleShot(poll_ms, check)

    QTimer.singleShot(0, check)
    loop.exec()
    return state["ok"]


def settle(app, seconds: float) -> None:  # noqa: ANN001
    end = time.monotonic() + seconds
    run_until(app, lambda: time.monotonic() >= end, seconds + 1.0)


def paint(window, app) -> None:  # noqa: ANN001
    window.view.viewport().repaint()
    app.processEvents()
