"""What every `annotator` subcommand shares: errors, the progress bar, the annotator's name,
opening and closing the project."""

from __future__ import annotations

import getpass
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from annotator.config import remembered_annotator

if TYPE_CHECKING:
    from annotator.core.project import Project
    from annotator.store.project_store import ProjectStore

PROG = "annotator"
MAX_LISTED = 20  # titles listed by `import` and warnings; the rest are counted


class UsageError(Exception):
    """A problem with the command line or the project; reported on one line, exit code 2."""


class ProgressBar:
    """A one-line text progress bar, drawn only on a terminal and at most ten times a second."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        filled = self.width * done // total
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total}")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r" + " " * (len(self.label) + self.width + 30) + "\r")
            self.stream.flush()
            self._drawn = False


def resolve_annotator(name: str | None) -> str:
    """--annotator, else the remembered name, else the OS user name."""
    if name and name.strip():
        return name.strip()
    remembered = remembered_annotator()
    if remembered:
        return remembered
    try:
        return getpass.getuser() or "annotator"
    except (KeyError, OSError, ImportError):
        return "annotator"


def error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def open_for_command(root: Path, annotator: str, create: bool) -> tuple[Project, ProjectStore]:
    """Open the project through the store session (a write error fails at once, no retries);
    errors become UsageError; damage worked around is printed as warnings."""
    from annotator.store.project_store import StoreError
    from annotator.store.session import open_project

    if not create and not root.is_dir():
        raise UsageError(f"no project at {root}")
    try:
        project, store = open_project(root, annotator, create=create, retry=False)
    except StoreError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot open project {root}: {exc.strerror or exc}") from exc
    for warning in [*project.load_warnings, *store.warnings]:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    return project, store


def print_damaged(project: Project) -> None:
    """Warn about articles whose text cannot be trusted (read-only, never exported)."""
    damaged = project.damaged_articles
    for article_id, why in sorted(damaged.items())[:MAX_LISTED]:
        title = project.info(article_id).title if project.has_article(article_id) else article_id
        print(f"{PROG}: warning: {title!r} ({article_id}): {why}", file=sys.stderr)
    if len(damaged) > MAX_LISTED:
        print(f"{PROG}: warning: ... and {len(damaged) - MAX_LISTED} more damaged article(s)",
              file=sys.stderr)


def close_for_command(store: ProjectStore) -> bool:
    """Write everything queued (a progress bar while it takes), unlock; False (after naming
    what was not saved and why) when some data could not be written."""
    bar = ProgressBar("Saving")
    try:
        left = [] if store.read_only else store.unsaved()
        ok = store.close(progress=bar)
        if not ok:
            left = store.unsaved() or left
    except Exception as exc:  # reported on one line, never a traceback
        error(f"closing the project failed: {exc}")
        return False
    finally:
        bar.close()
    if not ok:
        shown = ", ".join(str(p) for p in left[:3]) or "(unknown files)"
        more = f" and {len(left) - 3} more" if len(left) > 3 else ""
        why = store.last_error or "writing stopped making progress"
        error(f"{len(left)} file(s) NOT saved: {shown}{more}. {why}")
    return ok
