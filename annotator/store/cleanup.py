"""Housekeeping on open: temp files that a crash left behind in folders only we write.

Only our own temp names are touched (`atomic.write_temp`: ".<target>.<pid>.<8 hex>.tmp"),
and only where no live write can own them: in a folder whose writer's lock we hold, or
(outside the project, e.g. exports/) when the process named in the file has ended.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from filelock import FileLock, Timeout

_TEMP = re.compile(r"\.(?P<target>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp")


def remove_stale_temps(folder: Path, target: str | None = None, dead_only: bool = False) -> int:
    """Delete temp files in `folder` (only those for file `target` when given); return how many.

    Call it only while holding the lock of whoever writes `folder`, or with `dead_only`: then
    only temps of processes that have ended are removed. Loading never reads temp files, so
    this only frees space.
    """
    removed = 0
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            match = _TEMP.fullmatch(path.name)
            if not match or (target is not None and match["target"] != target):
                continue
            if dead_only and _alive(int(match["pid"])):
                continue
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed


def _alive(pid: int) -> bool:
    """True unless `pid` is certainly not a running process (here, on this machine)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, ValueError, OverflowError):
        return True
    return True


def _under_lock(lock: Path, folder: Path, target: str | None = None) -> int:
    """Sweep `folder` if `lock` is free right now (a writer holding it may own a temp)."""
    try:
        held = FileLock(lock, timeout=0, thread_local=False)
        held.acquire()
    except (Timeout, OSError):
        return 0
    try:
        return remove_stale_temps(folder, target)
    finally:
        held.release()


def sweep_project(root: Path, own: str) -> int:
    """Remove the temps a kill left in the project: our own annotation folder and knowledge
    base (we hold their lock), the article texts and project.json (when no import or settings
    save runs), and ended processes' temps in `exports/` and the backups."""
    locks = root / "locks"
    removed = remove_stale_temps(root / "annotations" / own)
    removed += remove_stale_temps(root / "kb", f"{own}.json")
    removed += remove_stale_temps(root / "deletions", f"{own}.json")
    removed += _under_lock(locks / "articles.lock", root / "articles")
    removed += _under_lock(locks / "project.lock", root, "project.json")
    for folder in (root / "exports", *(root / "backups" / "files").glob("*")):
        removed += remove_stale_temps(folder, dead_only=True)
    return removed


def sweep_dead_temps(root: Path) -> int:
    """Remove temps that ended processes left anywhere in the project (safe for a reader:
    a live writer's temps are kept)."""
    folders = [root, root / "articles", root / "kb", root / "exports", root / "deletions",
               *(root / "annotations").glob("*"), *(root / "backups" / "files").glob("*")]
    return sum(remove_stale_temps(folder, dead_only=True) for folder in folders
               if folder.is_dir())
