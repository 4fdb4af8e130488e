"""Probes of the real window (offscreen); each prints one JSON line (run by run_all.py).

  python bench/probe_window.py startup --project DIR --t0 T --settings INI
  python bench/probe_window.py desk --project DIR [--edits 100] [--switches 60] [--long]
  python bench/probe_window.py blocks --task suggest|import|export --project DIR [...]

`startup` is a fresh process timed from the parent's clock reading T (CLOCK_MONOTONIC, shared
by processes) to the first article painted, as `annotator` opens it (suggestions on).
`desk` opens MainWindow(suggest=False), merges built-in suggestions (computed by a worker
process, as the window's pass computes them) into the articles it uses
and times, on the UI thread: switching articles (show_article + repaint + processEvents),
edits (select a word, editor.apply_label), the 200 KB article with 2,000 spans, accept-all
and undo on it, and reads the resident memory.
`blocks` ticks a 1 ms timer on the UI thread and reports the longest gap between ticks while a
suggestion pass, an import, an export or a search of all articles runs in the background as the
window runs them.
--profile FILE writes a cProfile of the UI thread over the measured part.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ANNOTATOR, children_rss_mb, rss_mb  # noqa: E402
from window_kit import (  # noqa: E402
    BlockMeter,
    close_window,
    open_window,
    paint,
    profiled,
    run_until,
    settle,
)

WORD = re.compile(r"\w[\w-]*")
LONG_SPANS = 2000


# -- startup ------------------------------------------------------------------
def startup(project_dir: Path, t0: float, settings: Path) -> dict:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.ui.app import make_application

    app: QApplication = make_application([sys.argv[0]])
    from annotator.config import seeds_dir
    from annotator.io.seeding import ensure_seeded
    from annotator.store.session import open_project
    from annotator.ui.main_window import MainWindow

    project, store = open_project(project_dir, ANNOTATOR)
    ensure_seeded(project, store, seeds_dir())  # as GuiSession.open does (no-op when imported)
    t_opened = time.perf_counter()
    window = MainWindow(project, store, QSettings(str(settings), QSettings.Format.IniFormat))
    window.show()
    app.processEvents()
    window.view.viewport().repaint()
    t_visible = time.perf_counter()
    try:
        text = project.text(window.article_id)
        shown = window.view.document().characterCount() - 1  # the document counts a last \u2029
        assert text and window.view.text == text and shown >= len(text), "no article on screen"
        return {"visible_s": t_visible - t0, "opened_s": t_opened - t0,
                "articles": len(project), "rss_mb": rss_mb()}
    finally:
        close_window(window)


# -- desk: switches, edits, the long article ----------------------------------
def worker_suggestions(window, article_ids: list[str]) -> dict[str, list]:  # noqa: ANN001
    """Built-in suggestions for these articles, computed by a worker process as the window's
    suggestion pass computes them (spaCy stays out of this process, as in the app)."""
    from annotator.jobs.pool import POOL
    from annotator.jobs.suggest_job import suggest_job

    project = window.project
    found: dict[str, list] = {}

    def item(message: tuple) -> None:
        if message[0] == "spans":
            found.update((aid, spans) for aid, spans, _tokens in message[1])

    args = (str(window.store.root), project.annotator, article_ids, project.settings.to_dict(),
            list(project.scheme.names), False)
    POOL.run(suggest_job, args, item=item)
    return found


def merge_builtin(window, article_ids: list[str]) -> int:  # noqa: ANN001
    """Merge built-in suggestions into these articles, as the suggestion pass does."""
    from annotator.ui.runtime import settle

    added = 0
    for aid, spans in worker_suggestions(window, article_ids).items():
        added += len(window.project.merge_suggestions(aid, spans))
    settle()  # as the window does when its pass ends
    return added


def free_word(window, rng: random.Random) -> tuple[int, int]:  # noqa: ANN001
    """A word of the shown article that no span (accepted or suggested) covers."""
    taken = [(s.start, s.end) for s in window.view.spans]
    words = [m.span() for m in WORD.finditer(window.view.text)]
    free = [w for w in words if not any(a < w[1] and w[0] < b for a, b in taken)]
    return rng.choice(free or words)


def time_switch(window, app, article_id: str) -> float:  # noqa: ANN001
    t0 = time.perf_counter()
    window.show_article(article_id)
    paint(window, app)
    elapsed = time.perf_counter() - t0
    assert window.view.text == window.project.text(article_id)
    return elapsed


def time_click(window, app, article_id: str) -> float:  # noqa: ANN001
    """Click the article's row in the list, as a user does once it is scrolled into view."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    panel = window.article_panel
    index = panel.proxy.index(panel.proxy.row_of(article_id), 0)
    panel.table.scrollTo(index)  # the user's scrolling: not part of the switch
    paint(window, app)
    point = panel.table.visualRect(index).center()
    t0 = time.perf_counter()
    QTest.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, point)
    paint(window, app)
    elapsed = time.perf_counter() - t0
    assert window.article_id == article_id and window.view.text == window.project.text(article_id)
    return elapsed


def long_article(window) -> str:  # noqa: ANN001
    """The 200 KB article, given LONG_SPANS built-in suggestions spread over its length."""
    project = window.project
    aid = max(project.article_ids[-3:], key=lambda a: len(project.text(a)))
    spans = sorted(worker_suggestions(window, [aid])[aid])
    if len(spans) >= LONG_SPANS:
        stride = len(spans) / LONG_SPANS
        spans = [spans[int(i * stride)] for i in range(LONG_SPANS)]
    project.merge_suggestions(aid, spans)
    return aid


def desk(args: argparse.Namespace) -> dict:
    app, window = open_window(args.project, args.settings)
    settle(app, 0.3)
    project = window.project
    result: dict = {"articles": len(project), "rss_open_mb": rss_mb()}
    rng = random.Random(0)
    short = [aid for aid in project.article_ids if len(project.text(aid)) < 20_000]
    jumps = rng.sample(short, args.switches)
    start = rng.randrange(len(short) - args.switches - 1)
    steps = short[start : start + args.switches + 1]
    merge_builtin(window, jumps + steps)
    settle(app, 0.3)

    with profiled(args.profile):
        # switching: clicks on random rows of the list (text often in a chunk not cached
        # yet), then N, N, N...
        result["jump_s"] = [time_click(window, app, aid) for aid in jumps]
        window.show_article(steps[0])
        paint(window, app)
        next_s = []
        for aid in steps[1:]:
            t0 = time.perf_counter()
            window.step_article(1)
            paint(window, app)
            next_s.append(time.perf_counter() - t0)
            assert window.article_id == aid, (window.article_id, aid)
        result["next_s"] = next_s
        result["spans_per_article"] = sum(
            len(project.annotation_set(a).all_spans()) for a in jumps) / len(jumps)

        # edits: select a free word, press a label key (apply_label), on the UI thread
        edit_s, edit_paint_s, after_gap_s = [], [], []
        for i in range(args.edits):
            if i % 5 == 0:
                window.show_article(rng.choice(jumps))
                paint(window, app)
            window.view.select_range(*free_word(window, rng))
            before = len(project.annotation_set(window.article_id).spans)
            t0 = time.perf_counter()
            window.editor.apply_label("PER")
            t1 = time.perf_counter()
            paint(window, app)
            t2 = time.perf_counter()
            assert len(project.annotation_set(window.article_id).spans) == before + 1
            edit_s.append(t1 - t0)
            edit_paint_s.append(t2 - t0)
            if i % 5 == 4:  # what the edit leaves for later (timers, save callbacks)
                meter = BlockMeter()
                meter.start()
                settle(app, 0.25)
                meter.stop()
                after_gap_s.append(meter.max_gap)
        result.update(edit_s=edit_s, edit_paint_s=edit_paint_s, edit_after_gap_s=after_gap_s)

        if args.long:
            aid = long_article(window)
            aset = project.annotation_set(aid)
            result["long_chars"] = len(project.text(aid))
            result["long_spans"] = len(aset.all_spans())
            long_s = []
            for other in jumps[:7]:
                window.show_article(other)
                paint(window, app)
                long_s.append(time_switch(window, app, aid))
            result["long_switch_s"] = long_s
            accept_s, undo_s = [], []
            for _ in range(5):
                pending = len(aset.suggestions)
                t0 = time.perf_counter()
                window.editor.accept_all()
                paint(window, app)
                accept_s.append(time.perf_counter() - t0)
                assert not aset.suggestions and len(aset.spans) >= pending
                t0 = time.perf_counter()
                window.undo_stack.undo()
                paint(window, app)
                undo_s.append(time.perf_counter() - t0)
                assert len(aset.suggestions) == pending
            result.update(accept_all_s=accept_s, undo_s=undo_s)
    result["rss_end_mb"] = rss_mb()
    close_window(window)
    return result


# -- blocks: the longest UI-thread block while background work runs ----------
def blocks(args: argparse.Namespace) -> dict:
    app, window = open_window(args.project, args.settings)
    settle(app, 0.5)
    meter = BlockMeter()
    transfer = window.transfer
    finished: list[str] = []
    window.suggestions.finished.connect(finished.append)
    if args.task == "suggest":
        begin = window.start_suggestions

        def done() -> bool:
            return bool(finished) and not window.linking.propagation.running
    elif args.task == "find":  # all articles, a query without hits: every text is read
        panel = window.desk.find_panel

        def begin() -> None:
            panel.set_scope(1)
            panel.query.setText("zzqxj")
            panel.search()

        def done() -> bool:
            return not panel.searching and panel.summary.text() == "No matches"
    elif args.task == "import":
        def begin() -> None:
            transfer.start_import(list(args.files))

        def done() -> bool:
            return transfer.last_report is not None
    else:
        def begin() -> None:
            transfer.start_export(out=args.out, format=args.format, annotator=None,
                                  status="any", include_rejected=False, split=None, seed=0,
                                  articles=None)

        def done() -> bool:
            return transfer.last_report is not None

    from PySide6.QtCore import QTimer

    with profiled(args.profile):
        meter.start()
        started = time.perf_counter()
        QTimer.singleShot(5, begin)  # as a click handler would, inside the running loop
        ok = run_until(app, done, args.timeout)
        elapsed = time.perf_counter() - started
        settle(app, 0.3)  # deferred work (timers, queued results) still counts
        meter.stop()
    if not ok:
        raise SystemExit(f"{args.task} did not finish within {args.timeout} s")
    window.suggestions.stop()
    result = {"task": args.task, "max_gap_s": meter.max_gap, "ticks": meter.ticks,
              "long_gaps": len(meter.long), "top_gaps_s": sorted(meter.long)[-5:],
              "elapsed_s": elapsed, "articles": len(window.project), "rss_mb": rss_mb(),
              "workers_rss_mb": children_rss_mb(),
              "message": transfer.last_message.splitlines()[:1] or finished[:1]}
    close_window(window)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="probe", required=True)
    p = sub.add_parser("startup")
    p.add_argument("--project", type=Path, required=True)
    p.add_argument("--t0", type=float, required=True)
    p.add_argument("--settings", type=Path, required=True)
    p = sub.add_parser("desk")
    p.add_argument("--project", type=Path, required=True)
    p.add_argument("--settings", type=Path, required=True)
    p.add_argument("--edits", type=int, default=100)
    p.add_argument("--switches", type=int, default=60)
    p.add_argument("--long", action="store_true", help="also the 200 KB article")
    p.add_argument("--profile", type=Path)
    p = sub.add_parser("blocks")
    p.add_argument("--task", choices=("suggest", "import", "export", "find"), required=True)
    p.add_argument("--project", type=Path, required=True)
    p.add_argument("--settings", type=Path, required=True)
    p.add_argument("--files", type=Path, nargs="*", default=[], help="what to import")
    p.add_argument("--out", type=Path, help="where to export")
    p.add_argument("--format", default="jsonl")
    p.add_argument("--timeout", type=float, default=300.0)
    p.add_argument("--profile", type=Path)
    args = parser.parse_args()
    if args.probe == "startup":
        result = startup(args.project, args.t0, args.settings)
    elif args.probe == "desk":
        result = desk(args)
    else:
        result = blocks(args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
