"""Housekeeping on open: temp files that a crash left behind in folders only we write."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

# atomic.write_temp names: ".<target name>.<pid>.<8 hex>.tmp"
_TEMP = re.compile(r"\.(?P<target>.+)\.\d+\.[0-9a-f]{8}\.tmp")


def remove_stale_temps(folder: Path, target: str | None = None) -> int:
    """Delete temp files in `folder` (only those for file `target` when given); return how many.

    Call it only while holding the lock of whoever writes `folder`: then no temp file there
    can belong to a live write. Loading never reads temp files, so this only frees space.
    """
    removed = 0
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            match = _TEMP.fullmatch(path.name)
            if match and (target is None or match["target"] == target):
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
    return removed
