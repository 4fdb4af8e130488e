"""`annotator restore`: list the rolling backups of a project's files, or put one back."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator import cli_common as cli
from annotator.config import default_project_dir


def add_parser(sub: Any, common: Callable[[argparse.ArgumentParser, object], None]) -> None:
    """Add the `restore` subcommand to the `annotator` subparsers."""
    restore = sub.add_parser(
        "restore", help="list or restore backups of project.json, the article index, the KBs",
        description="Without --file, lists the backups (newest first, numbered). With --file, "
        "puts back backup --pick (1 = newest); the replaced file is kept beside the backups.")
    common(restore, argparse.SUPPRESS)
    restore.add_argument("--file", metavar="REL",
                         help="file to restore, relative to the project (e.g. project.json)")
    restore.add_argument("--pick", type=int, default=1, metavar="N",
                         help="which backup: 1 = newest (default)")


def cmd_restore(args: argparse.Namespace) -> int:
    """List the backups, or restore one file (under the locks of those who write it)."""
    from filelock import FileLock, Timeout

    from annotator.store.backups import all_backups, describe, restore

    root = Path(args.project) if args.project else default_project_dir()
    if not root.is_dir():
        raise cli.UsageError(f"no project at {root}")
    if not args.file:
        found = all_backups(root)
        if not found:
            print(f"No backups in {root / 'backups' / 'files'}.")
        for rel, copies in found.items():
            print(f"{rel}:")
            for n, path in enumerate(copies, 1):
                print(f"  {n}. {describe(path)}  {path.stat().st_size} bytes  {path}")
        return 0
    rel = Path(args.file).as_posix()
    lock = "articles.lock" if rel.startswith("articles/") else (
        f"{Path(rel).stem}.lock" if rel.startswith("kb/") else "project.lock")
    try:
        (root / "locks").mkdir(exist_ok=True)
        with FileLock(root / "locks" / lock, timeout=0 if rel.startswith("kb/") else 10):
            used, kept = restore(root, rel, args.pick)
    except Timeout as exc:
        raise cli.UsageError(f"{root / rel} is in use by an open window; close it first") from exc
    except (FileNotFoundError, ValueError) as exc:
        raise cli.UsageError(str(exc)) from exc
    print(f"Restored {root / rel} from the backup of {describe(used)} ({used}).")
    if kept is not None:
        print(f"The file it replaced is kept as {kept}.")
    return 0
