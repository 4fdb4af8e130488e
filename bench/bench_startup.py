"""Cold start of the real window on the seeds: to first article visible, to suggestions visible.

Each run is a fresh Python process (imports included) on a fresh copy of the seeded project.
Prints the median and the spread over --runs runs.

    python bench/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, os, sys, time
t0 = float(sys.argv[2])
from pathlib import Path
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from annotator.config import seeds_dir
from annotator.io.seeding import ensure_seeded
from annotator.store.session import open_project
from annotator.ui.main_window import MainWindow
project, store = open_project(Path(sys.argv[1]), "bench")
ensure_seeded(project, store, seeds_dir())
t_seeded = time.perf_counter()
window = MainWindow(project, store, QSettings(sys.argv[1] + "/qs.ini", QSettings.Format.IniFormat))
window.show()
app.processEvents()
window.view.viewport().repaint()
t_article = time.perf_counter()
result = {}
def poll():
    if window.suggestions.task is not None and not window.suggestions.running:
        app.processEvents()
        waiting = sum(len(s.suggestions) for s in project.sets_of())
        result.update(first_article=t_article - t0, seeded=t_seeded - t0,
                      suggestions=time.perf_counter() - t0, waiting=waiting,
                      shown=window.view.toPlainText()[:30])
        app.quit()
    else:
        QTimer.singleShot(5, poll)
QTimer.singleShot(0, poll)
app.exec()
window.close(); store.close()
print(json.dumps(result))
"""


def run_once() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(Path(tmp) / "project"), repr(start)],
            capture_output=True, text=True, env=env, check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = [run_once() for _ in range(args.runs)]
    print(f"cold start on the 5 seed articles, {args.runs} runs (fresh process each)")
    for key, label in (
        ("seeded", "project created and seeded"),
        ("first_article", "first article visible"),
        ("suggestions", "suggestions visible"),
    ):
        values = [r[key] * 1000 for r in runs]
        print(f"  {label:<30} median {statistics.median(values):7.0f} ms"
              f"  (min {min(values):.0f}, max {max(values):.0f})")
    print(f"  suggestions waiting after start: {runs[-1]['waiting']}")


if __name__ == "__main__":
    main()
