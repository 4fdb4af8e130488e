"""The scripted app process that the kill and concurrency tests start, kill and restart.

    python tests/e2e/kill_worker.py ROOT --annotator ayu --start N [--mode qt|core] [--wait-go]

It opens the project the way the app does (`open_project`; in `qt` mode also the real
`MainWindow`, offscreen, suggestions off, every edit pushed on `window.undo_stack` through
`window.editor`) and then edits without end: edit `n` is `plan(n)`, a pure function of `n`, so
the parent can tell from the files which edits reached the disk. It talks on stdout, one line
each, written with a single flushed write (so a line the parent sees survives a SIGKILL):

    READY            imports done (with --wait-go it then waits for "GO <start>" on stdin)
    OPEN <0|1>       project (and window) open; 1: read-only, then "READONLY <message>", exit 3
    EDIT <n>         about to apply edit n
    SAVED <n>        every edit <= n is durably on disk (the writer's saved_seq covers it)
    CLOSED <0|1>     after "STOP" on stdin: closed, 1 when everything was saved

The module also holds what both sides share: the seeded articles, `plan`, `read_back` and
the `Ledger` that checks a reopened project against the edit stream.
Importing it does not import Qt.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `annotator` and `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from annotator.core.commands import AddSpan, Command, SetStatus
from annotator.core.entities import Entity
from annotator.core.entity_commands import AddEntity
from annotator.core.model import Article, ArticleStatus, Span

ARTICLES = 25
SLOTS = 2000  # word slots per article: span edits fit while n < ARTICLES * SLOTS
LABELS = ("PER", "ORG", "GPE", "LOC", "FAC", "WEAPON", "EVENT")
HEADER = "Artikel {i:02d}\n"
HEADER_LEN = len(HEADER.format(i=0))
MAX_EDIT = ARTICLES * SLOTS - 1


def seed_articles() -> list[Article]:
    """The articles every kill project starts with: a header line, then SLOTS 5-letter words."""
    arts = []
    for i in range(ARTICLES):
        words = " ".join(f"{chr(97 + i)}{k:04d}" for k in range(SLOTS))
        arts.append(Article.from_text(HEADER.format(i=i) + words, f"Artikel {i:02d}"))
    return arts


@dataclass(frozen=True)
class Edit:
    """What edit n does: a span, a status or a new entity."""

    n: int
    kind: str  # "span" | "status" | "entity"
    article: int = 0
    span: Span | None = None
    status: ArticleStatus | None = None
    kb_id: str | None = None


@cache
def plan(n: int) -> Edit:
    """Edit number n (n >= 1); every span edit gets its own word, so none undoes another."""
    if n % 10 == 0:
        return Edit(n, "entity", kb_id=f"e{n}")
    slot = n // ARTICLES
    article = (n + slot) % ARTICLES  # (article, slot) still names n alone; every article is hit
    if n % 10 == 5:
        status = ArticleStatus.DONE if (n // 10) % 2 else ArticleStatus.IN_PROGRESS
        return Edit(n, "status", article=article, status=status)
    start = HEADER_LEN + slot * 6
    return Edit(n, "span", article=article, span=Span(start, start + 5, LABELS[n % 7]))


def command(edit: Edit, article_ids: list[str]) -> Command:
    """The core command that performs `edit`."""
    if edit.kind == "entity":
        assert edit.kb_id is not None
        entity = Entity(edit.kb_id, f"Entitas {edit.n}", "PER", [f"E{edit.n}"], created=0.0)
        return AddEntity(entity)
    aid = article_ids[edit.article]
    if edit.kind == "status":
        assert edit.status is not None
        return SetStatus(aid, edit.status)
    assert edit.span is not None
    return AddSpan(aid, edit.span)


@dataclass
class Verdict:
    """How one reopened project compares with the edit stream."""

    lost: list[int] = field(default_factory=list)  # saved (or seen on disk before), now gone
    extra: list[str] = field(default_factory=list)  # on disk but never made, or made and lost
    bad_status: list[str] = field(default_factory=list)
    required: int = 0  # edits that had to be present

    @property
    def ok(self) -> bool:
        return not (self.lost or self.extra or self.bad_status)


@dataclass
class DiskState:
    """One annotator's saved work, read back from a reopened project."""

    spans: dict[int, set[tuple[int, int, str]]]  # article index -> span keys
    statuses: dict[int, ArticleStatus]
    kb_ids: set[str]
    files: int  # JSON files parsed
    temps: list[Path]  # temp files a killed write left behind
    read_only: bool


class Ledger:
    """What one annotator's files must hold, carried from run to run of the worker.

    A run starts at edit `next`, reports SAVED up to `saved` and started edits up to
    `started`. Afterwards: every edit <= saved is on disk; edits in (saved, started] may or
    may not be; and from then on, what was seen on disk stays and what was not never appears.
    """

    def __init__(self) -> None:
        self.next = 1
        self.present: set[int] = set()
        self.absent: set[int] = set()
        self.status: dict[int, ArticleStatus] = {}

    def check(self, disk: DiskState, saved: int, started: int) -> Verdict:
        verdict = Verdict()
        started = max(started, self.next - 1)
        status_edits: dict[int, list[int]] = {}
        span_edits: dict[int, list[int]] = {}
        planned: set[tuple[int, tuple[int, int, str]]] = set()
        for n in range(1, started + 1):
            edit = plan(n)
            if edit.kind == "status":
                if n >= self.next:
                    status_edits.setdefault(edit.article, []).append(n)
                continue
            if edit.kind == "span":
                assert edit.span is not None
                planned.add((edit.article, edit.span.key))
                if n >= self.next:
                    span_edits.setdefault(edit.article, []).append(n)
                present = edit.span.key in disk.spans.get(edit.article, ())
            else:
                present = edit.kb_id in disk.kb_ids
            if n < self.next:
                if n in self.present and not present:
                    verdict.lost.append(n)
                elif n in self.absent and present:
                    verdict.extra.append(f"edit {n} reappeared")
                continue
            verdict.required += n <= saved
            if n <= saved and not present:
                verdict.lost.append(n)
            (self.present if present else self.absent).add(n)
        for article, keys in disk.spans.items():
            verdict.extra += [
                f"span {key} in article {article}" for key in keys if (article, key) not in planned
            ]
        verdict.extra += [
            f"entity {k}" for k in disk.kb_ids if not (k[1:].isdigit() and int(k[1:]) <= started)
        ]
        for article in range(ARTICLES):
            ours = status_edits.get(article, [])
            done = [j for j in ours if j <= saved]
            if done:
                allowed = {plan(j).status for j in ours[ours.index(done[-1]) :]}
            else:
                allowed = {self.status.get(article, ArticleStatus.NEW)}
                allowed |= {plan(j).status for j in ours}
            if ArticleStatus.NEW in allowed and span_edits.get(article):
                allowed.add(ArticleStatus.IN_PROGRESS)  # a first span starts the article
            status = disk.statuses.get(article, ArticleStatus.NEW)
            if status not in allowed:
                verdict.bad_status.append(
                    f"article {article}: {status} not in {sorted(map(str, allowed))}"
                )
            self.status[article] = status
        self.next = started + 1
        return verdict


def read_back(root: Path, annotator: str) -> DiskState:
    """Parse every file of the project, then reopen it for `annotator` and load their work.

    StoreError (naming the file) when any file is truncated or not valid TinyDB JSON.
    """
    from annotator.store.atomic import read_tables
    from annotator.store.kb_store import load_kb
    from annotator.store.project_store import ProjectStore

    files, temps = 0, []
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if not path.is_file() or "backups" in parts or "cache" in parts:  # not project data
            continue
        if path.name.endswith(".tmp"):
            temps.append(path)
        elif path.suffix == ".json":
            read_tables(path)
            files += 1
    store = ProjectStore(root, annotator, create=False)
    try:
        ids = {info.id: i for i, info in enumerate(store.article_infos())}
        for article_id in ids:
            store.load_text(article_id)
        spans: dict[int, set[tuple[int, int, str]]] = {}
        statuses: dict[int, ArticleStatus] = {}
        for aset in store.load_sets(annotator):
            spans[ids[aset.article_id]] = {s.key for s in aset.spans}
            statuses[ids[aset.article_id]] = aset.status
        kb_ids = {entity.kb_id for entity in load_kb(store)}
        return DiskState(spans, statuses, kb_ids, files, temps, store.read_only)
    finally:
        store.close()


class Reporter:
    """Prints EDIT / SAVED lines; SAVED as soon as the writer's saved_seq covers an edit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: collections.deque[tuple[int, int]] = collections.deque()
        self.saved = 0

    def say(self, line: str) -> None:
        with self._lock:
            os.write(1, (line + "\n").encode())  # one write(2): whole lines, no buffering

    def edit(self, n: int) -> None:
        self.say(f"EDIT {n}")

    def submitted(self, seq: int, n: int) -> None:
        with self._lock:
            self._pending.append((seq, n))

    def durable(self, saved_seq: int) -> None:
        with self._lock:
            top = 0
            while self._pending and self._pending[0][0] <= saved_seq:
                top = self._pending.popleft()[1]
            if top > self.saved:
                self.saved = top
                os.write(1, f"SAVED {top}\n".encode())


def _write_in_place() -> None:
    """Make the store's writer truncate and rewrite files in place (not crash-safe)."""
    import annotator.store.writer as writer

    def in_place(path: Path, payload: bytes, sync: bool = True, create_dirs: bool = True) -> None:
        with open(path, "wb") as handle:
            handle.write(payload[: len(payload) // 2])
            handle.flush()
            time.sleep(0.002)  # a slow disk: the file is half-written for a while
            handle.write(payload[len(payload) // 2 :])

    writer.write_bytes_atomic = in_place  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--annotator", default="ayu")
    parser.add_argument("--start", type=int, default=1)
    parser.add_argument("--mode", choices=("qt", "core"), default="qt")
    parser.add_argument("--wait-go", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--window", type=float, default=0.005, help="group-commit window (s)")
    parser.add_argument("--settings", type=Path, help="QSettings file (default: a temp file)")
    # Broken on purpose, to show the harness notices (tests of the test):
    parser.add_argument("--unsafe-writes", action="store_true",
                        help="write shards in place, like TinyDB's default storage")
    parser.add_argument("--lie", action="store_true", help="report SAVED before it is")
    args = parser.parse_args(argv)
    if args.unsafe_writes:
        _write_in_place()
    rng = random.Random(args.seed)
    out = Reporter()

    app = None
    if args.mode == "qt":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        from annotator.ui.main_window import MainWindow

        app = QApplication.instance() or QApplication(["kill_worker"])
    from annotator.store.session import open_project

    stop = threading.Event()
    go = threading.Event()

    def read_stdin() -> None:
        for line in sys.stdin:
            word, _, arg = line.strip().partition(" ")
            if word == "GO":
                if arg:
                    args.start = int(arg)
                go.set()
            elif word == "STOP":
                stop.set()
                go.set()
        stop.set()  # the parent went away
        go.set()

    threading.Thread(target=read_stdin, daemon=True).start()
    out.say("READY")
    if args.wait_go:
        go.wait()
        if stop.is_set():
            return 0

    project, store = open_project(args.root, args.annotator, create=False, window=args.window)
    if store.read_only:
        out.say("OPEN 1")
        out.say(f"READONLY {store.lock_message}")
        store.close()
        return 3
    window = None
    if app is not None:
        ini = args.settings or Path(tempfile.gettempdir()) / f"kill-worker-{os.getpid()}.ini"
        settings = QSettings(str(ini), QSettings.Format.IniFormat)
        window = MainWindow(project, store, settings, suggest=False)
        window.show()
        app.processEvents()
        previous = store.on_saved  # the window's own hook keeps working

        def on_saved(seq: int) -> None:
            if previous is not None:
                previous(seq)
            out.durable(seq)

        store.on_saved = on_saved
    else:
        store.on_saved = out.durable
    out.say("OPEN 0")  # the window is up: editing starts
    ids = project.article_ids
    n = args.start
    while not stop.is_set() and n <= MAX_EDIT:
        cmd = command(plan(n), ids)
        out.edit(n)
        if window is not None:
            window.editor.push(cmd)  # the window's undo stack, as a key press would
        else:
            cmd.do(project)
        submitted = store.writer.submitted_seq if store.writer else 0
        out.submitted(submitted, n)
        out.durable(submitted if args.lie else store.saved_seq)
        n += 1
        if rng.random() < 0.8:  # mostly a person's pace, sometimes a burst (accept all, undo)
            time.sleep(rng.uniform(0.0, 0.004))
        if app is not None:
            app.processEvents()
    if window is not None:
        window.close()
    ok = store.close()
    out.durable(store.saved_seq)
    out.say(f"CLOSED {int(ok)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
