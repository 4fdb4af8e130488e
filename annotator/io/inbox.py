"""Imports queued for an open window: `annotator import` copies the files into the project's
`inbox/` when the window of the same annotator holds the project, and the window imports them.

One folder per queued import, `inbox/<stamp>-<pid>/`, holding copies of the files and a
`manifest.json` written last (a folder without it is still being written, or was left by a
kill, and is ignored).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import orjson

from annotator.store.atomic import write_bytes_atomic

INBOX = "inbox"
MANIFEST = "manifest.json"


def inbox_dir(root: Path) -> Path:
    return Path(root) / INBOX


def _files(paths: list[Path]) -> list[Path]:
    """The files to copy: each file, and every file directly inside each folder."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.is_file())
        elif path.is_file():
            out.append(path)
    return out


def queue_import(root: Path, paths: list[Path], annotator: str) -> Path:
    """Copy the sources into a new inbox folder and write its manifest last; the folder."""
    folder = inbox_dir(root) / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=False)
    names = []
    for n, source in enumerate(_files(paths)):
        name = f"{n:04d}-{source.name}"
        shutil.copyfile(source, folder / name)
        names.append(name)
    write_bytes_atomic(folder / MANIFEST, orjson.dumps({"annotator": annotator, "files": names}))
    return folder


def queued(root: Path, annotator: str) -> list[tuple[Path, list[Path]]]:
    """Complete queued imports for `annotator`, oldest first: (folder, its files)."""
    found = []
    for folder in sorted(inbox_dir(root).glob("*")):
        manifest = folder / MANIFEST
        try:
            data = orjson.loads(manifest.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            continue
        if not isinstance(data, dict) or data.get("annotator") != annotator:
            continue
        files = [folder / str(name) for name in data.get("files") or []]
        found.append((folder, [f for f in files if f.is_file()]))
    return found


def done(folder: Path) -> None:
    """Remove a queued import once the window imported it."""
    shutil.rmtree(folder, ignore_errors=True)
