"""Kill at any moment: the real app (offscreen MainWindow) is SIGKILLed while it edits and saves.

Every run of `kill_worker.py` opens the same project, keeps editing through the window's undo
stack, and is killed 5-150 ms after it opened it (one kill in ten already while it is opening:
loading, taking the lock, building the window). After each kill the project is reopened here
and must: parse in every file (nothing truncated or half-written), open writable (the dead
process's lock is gone), load every article text, hold every edit the app reported SAVED and
every edit seen on disk after an earlier kill, hold nothing the app never did, and leave temp
files only where loading ignores them (the next writable open sweeps them).

KILL_COUNT (default 100) and KILL_BUDGET seconds (default 100) bound the run. KILL_MODE picks
the worker: "qt" (the real window every run), "core" (the same open_project + core commands and
store, no Qt) or "mixed" (default: the window every fourth run, core otherwise). Why mixed: a
worker with the window imports PySide6 and, through the editor's tokenizer module, spaCy; that
costs ~0.7 s of CPU per start against ~0.07 s without Qt, and 100 such starts do not fit in a
minute on two cores. Workers are started a few runs ahead, so their start-up overlaps with the
editing and checking of the run before.
"""

from __future__ import annotations

import contextlib
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest

from annotator.core.model import ArticleStatus
from annotator.store.project_store import ProjectStore, StoreError
from tests.e2e.kill_worker import DiskState, Ledger, plan, read_back, seed_articles

WORKER = Path(__file__).with_name("kill_worker.py")
REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


class Worker:
    """One kill_worker process; a thread reads its stdout into counters."""

    def __init__(
        self, root: Path, annotator: str, *, mode: str, seed: int, log: Path,
        wait_go: bool = True, start: int = 1, settings: Path | None = None,
        extra: tuple[str, ...] = (),
    ) -> None:
        cmd = [sys.executable, str(WORKER), str(root), "--annotator", annotator,
               "--mode", mode, "--seed", str(seed), "--start", str(start), *extra]
        if wait_go:
            cmd.append("--wait-go")
        if settings is not None:
            cmd += ["--settings", str(settings)]
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_LOGGING_RULES": "qt.*=false"}
        self.log = log
        self.mode = mode
        self._err: IO[bytes] = open(log, "wb")  # noqa: SIM115 - closed in finish()
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._err, cwd=REPO,
            env=env,
        )
        self.saved = 0
        self.started = 0
        self.read_only: str | None = None
        self.closed: bool | None = None
        self.events: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            word, _, arg = raw.decode().strip().partition(" ")
            if word == "SAVED":
                self.saved = max(self.saved, int(arg))
            elif word == "EDIT":
                self.started = max(self.started, int(arg))
            elif word == "READONLY":
                self.read_only = arg
            elif word == "CLOSED":
                self.closed = arg == "1"
            if word in ("READY", "OPEN", "READONLY", "CLOSED"):
                self.events.put(word)
        self.events.put("EOF")

    def wait_for(self, event: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                got = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"worker: no {event} in {timeout}s\n{self.stderr()}") from None
            if got == event:
                return
            if got == "EOF":
                raise AssertionError(f"worker exited before {event}\n{self.stderr()}")

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        """SIGKILL, then collect every line it wrote before it died."""
        self.proc.send_signal(signal.SIGKILL)
        self.finish()

    def stop(self, timeout: float = 30.0) -> int:
        """Ask it to close normally; return its exit code."""
        self.send("STOP")
        return self.finish(timeout)

    def finish(self, timeout: float = 30.0) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(timeout)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                with contextlib.suppress(BrokenPipeError):
                    pipe.close()
        self._err.close()
        return code

    def stderr(self) -> str:
        if not self._err.closed:
            self._err.flush()
        return self.log.read_text(errors="replace")[-3000:]


@dataclass
class KillStats:
    """What a kill run did and found."""

    kills: int = 0
    early_kills: int = 0  # killed 0-150 ms after GO, often before the project was open
    qt_kills: int = 0  # runs with the real MainWindow
    saved: int = 0  # highest edit reported durable
    started: int = 0  # highest edit begun
    required: int = 0  # edit checks that had to pass (saved ones, summed over kills)
    lost: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    temps_seen: int = 0  # temp files left by killed writes (ignored by loading, then swept)
    seconds: float = 0.0
    per_kill: list[float] = field(default_factory=list)


def seed_project(root: Path) -> None:
    with ProjectStore(root, "ayu") as store:
        store.add_articles(seed_articles())


def mode_for(mode: str, i: int) -> str:
    """"qt" and "core" as given; "mixed": the real window for every fourth run, else core."""
    if mode == "mixed":
        return "qt" if i % 4 == 0 else "core"
    return mode


def run_kills(
    root: Path, logs: Path, *, kills: int, budget: float, seed: int = 0, mode: str = "mixed",
    annotator: str = "ayu", lookahead: int = 3, extra: tuple[str, ...] = (),
) -> KillStats:
    """Start, kill and verify `kills` times (or until `budget` seconds have passed)."""
    rng = random.Random(seed)
    ledger = Ledger()
    stats = KillStats()
    logs.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()

    def spawn(i: int) -> Worker:
        return Worker(root, annotator, mode=mode_for(mode, i), seed=seed * 1000 + i,
                      log=logs / f"w{i}.log", settings=logs / "qsettings.ini", extra=extra)

    upcoming = [spawn(i) for i in range(lookahead)]  # warming up: imports, QApplication
    try:
        for i in range(kills):
            if time.monotonic() - began > budget:
                break
            worker = upcoming.pop(0)
            upcoming.append(spawn(i + lookahead))
            worker.wait_for("READY")
            tick = time.monotonic()
            worker.send(f"GO {ledger.next}")
            if rng.random() < 0.1:
                stats.early_kills += 1
                time.sleep(rng.uniform(0.0, 0.15))  # often still opening the project
            else:
                worker.wait_for("OPEN")
                time.sleep(rng.uniform(0.005, 0.150))
            worker.kill()
            stats.kills += 1
            stats.qt_kills += worker.mode == "qt"
            try:
                disk = read_back(root, annotator)
            except StoreError as exc:  # a truncated or half-written file
                stats.problems.append(f"kill {i}: {exc}")
                break
            verdict = ledger.check(disk, worker.saved, worker.started)
            stats.per_kill.append(time.monotonic() - tick)
            stats.saved = max(stats.saved, worker.saved)
            stats.started = max(stats.started, worker.started)
            stats.required += verdict.required
            stats.lost += verdict.lost
            stats.temps_seen += len(disk.temps)
            if disk.read_only:
                stats.problems.append(f"kill {i}: reopened read-only (stale lock)")
            stats.problems += [f"kill {i}: {p}" for p in verdict.extra + verdict.bad_status]
            leftovers = [p for p in disk.temps if p.exists()]  # read_back reopened writable
            swept = [p for p in leftovers if annotator in p.parts or p.parent.name == "kb"]
            stats.problems += [f"kill {i}: temp file not swept: {p}" for p in swept]
            if verdict.lost or stats.problems:
                stats.problems.append(f"worker log:\n{worker.stderr()}")
                break
    finally:
        for waiting in upcoming:
            waiting.send("STOP")
        for waiting in upcoming:
            waiting.finish()
    stats.seconds = time.monotonic() - began
    return stats


def test_sigkill_at_random_moments_loses_no_saved_edit(tmp_path: Path) -> None:
    root = tmp_path / "project"
    seed_project(root)
    kills = int(os.environ.get("KILL_COUNT", "100"))
    budget = float(os.environ.get("KILL_BUDGET", "100"))
    mode = os.environ.get("KILL_MODE", "mixed")
    stats = run_kills(root, tmp_path / "logs", kills=kills, budget=budget, seed=1, mode=mode)
    print(
        f"\n{stats.kills} kills ({stats.qt_kills} of the real window, {stats.early_kills} early) "
        f"in {stats.seconds:.1f}s; "
        f"edits started {stats.started}, reported saved {stats.saved}; saved-edit checks "
        f"{stats.required}; lost {len(stats.lost)}; temp files left by kills {stats.temps_seen}"
    )
    assert not stats.problems, "\n".join(stats.problems)
    assert stats.lost == [], f"edits reported saved but missing after a kill: {stats.lost[:20]}"
    assert stats.kills >= min(kills, 100) or stats.seconds > budget
    assert stats.kills >= 20, "too few kills within the time budget"
    assert stats.saved > 0 and stats.required > 0, "the app never reported a durable save"


def test_a_killed_windows_lock_does_not_make_the_next_one_read_only(tmp_path: Path) -> None:
    root = tmp_path / "project"
    seed_project(root)
    holder = Worker(root, "ayu", mode="core", seed=0, log=tmp_path / "holder.log")
    holder.send("GO 1")
    holder.wait_for("OPEN")
    with ProjectStore(root, "ayu", create=False) as second:  # the lock is held: read-only
        assert second.read_only and "already open" in second.lock_message
    holder.kill()
    with ProjectStore(root, "ayu", create=False) as after:
        assert not after.read_only, after.lock_message
        assert after.lock_message == ""


@pytest.mark.parametrize(
    ("flaw", "extra"),
    [
        ("writes files in place", ("--unsafe-writes",)),
        ("reports SAVED early", ("--lie", "--window", "0.25")),
    ],
)
def test_the_harness_catches_a_broken_store(tmp_path: Path, flaw: str, extra: tuple) -> None:
    """The same loop against a deliberately broken worker must fail (a test of the test)."""
    root = tmp_path / "project"
    seed_project(root)
    stats = run_kills(root, tmp_path / "logs", kills=40, budget=30, seed=2, mode="core",
                      extra=extra)
    assert stats.problems or stats.lost, f"a worker that {flaw} went unnoticed"
    print(f"\n{flaw}: caught after {stats.kills} kills: {(stats.problems or stats.lost)[0]}")


def _disk(spans: dict, kb: set[str], statuses: dict | None = None) -> DiskState:
    return DiskState(spans, statuses or {}, kb, files=1, temps=[], read_only=False)


def test_ledger_flags_lost_reappearing_and_foreign_edits() -> None:
    edits = [plan(n) for n in range(1, 13)]
    on_disk: dict[int, set] = {}
    statuses: dict[int, ArticleStatus] = {}
    for edit in edits[:8]:  # edits 1..8 reached the disk, 9..12 did not
        if edit.kind == "span":
            on_disk.setdefault(edit.article, set()).add(edit.span.key)
            statuses.setdefault(edit.article, ArticleStatus.IN_PROGRESS)
        elif edit.kind == "status":
            statuses[edit.article] = edit.status
    kb = {e.kb_id for e in edits[:8] if e.kind == "entity"}
    ledger = Ledger()
    assert ledger.check(_disk(on_disk, kb, statuses), saved=7, started=12).ok
    wrong = {**statuses, edits[4].article: ArticleStatus.REVIEWED}  # edit 5 set a status
    assert Ledger().check(_disk(on_disk, kb, wrong), saved=7, started=12).bad_status
    assert ledger.present >= {1, 2, 3, 4, 6, 7, 8} and ledger.absent >= {9, 11, 12}
    lost = {a: set(keys) for a, keys in on_disk.items()}
    lost[edits[2].article].discard(edits[2].span.key)  # edit 3 vanished after a later kill
    verdict = Ledger().check(_disk(lost, kb, statuses), saved=8, started=12)
    assert verdict.lost == [3]
    again = Ledger()
    again.check(_disk(on_disk, kb, statuses), saved=0, started=12)
    back = {a: set(keys) for a, keys in on_disk.items()}
    back.setdefault(edits[10].article, set()).add(edits[10].span.key)  # 11 was absent
    assert again.check(_disk(back, kb, statuses), saved=0, started=12).extra == [
        "edit 11 reappeared"
    ]
    stranger = {0: {(999, 1004, "PER")}}
    assert Ledger().check(_disk(stranger, set()), saved=0, started=1).extra
