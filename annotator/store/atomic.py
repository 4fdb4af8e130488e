"""Crash-safe JSON files: write a temp file, fsync, rename; and a TinyDB storage on top."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
from tinydb import Storage

_DUMP_OPTS = orjson.OPT_NON_STR_KEYS
_INDENT_OPTS = orjson.OPT_NON_STR_KEYS | orjson.OPT_INDENT_2


class StoreError(Exception):
    """A project file cannot be read or written; the message names the file."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = Path(path) if path is not None else None


def dumps(data: Any, indent: bool = False) -> bytes:
    """Serialise `data` to JSON bytes (bytes pass through unchanged)."""
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    return orjson.dumps(data, option=_INDENT_OPTS if indent else _DUMP_OPTS)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where directories cannot be opened)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return  # Windows cannot open directories; rename durability is the filesystem's job
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def write_temp(path: Path, payload: bytes, sync: bool) -> Path:
    """Write `payload` to a fresh temp file beside `path`; return its path."""
    tmp = _temp_path(path)
    try:
        with open(tmp, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def write_bytes_atomic(
    path: Path, payload: bytes, sync: bool = True, create_dirs: bool = True
) -> None:
    """Replace `path` with `payload` so that a crash leaves either the old or the new file."""
    path = Path(path)
    if create_dirs:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = write_temp(path, payload, sync)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if sync:
        fsync_dir(path.parent)


def write_json_atomic(path: Path, data: Any, sync: bool = True, indent: bool = False) -> None:
    """Serialise `data` and replace `path` atomically (fsync'd when `sync`)."""
    write_bytes_atomic(Path(path), dumps(data, indent), sync=sync)


def write_many_atomic(items: Iterable[tuple[Path, Any]]) -> None:
    """Write several files with one durable pass: temp files, fsync each, rename all, fsync dirs."""
    targets = [(Path(path), dumps(data)) for path, data in items]
    staged: list[tuple[Path, Path]] = []
    try:
        for path, payload in targets:
            path.parent.mkdir(parents=True, exist_ok=True)
            staged.append((write_temp(path, payload, sync=False), path))
        for tmp, _ in staged:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        for done, (tmp, path) in enumerate(staged):
            os.replace(tmp, path)
            staged[done] = (path, path)  # renamed: nothing left to clean up
    finally:
        for tmp, path in staged:
            if tmp != path:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
    for folder in {path.parent for path, _ in targets}:
        fsync_dir(folder)


def read_json(path: Path) -> Any:
    """Parsed JSON of `path`; None when the file is missing or empty; StoreError when damaged."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"Cannot read {path}: {exc.strerror or exc}", path) from exc
    if not raw.strip():
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(
            f"{path} is damaged and cannot be read (not valid JSON: {exc}). "
            "Restore it from a backup or move it aside.",
            path,
        ) from exc


def read_tables(path: Path) -> dict[str, dict[str, Any]] | None:
    """A TinyDB-format file ({table: {doc_id: doc}}), checked; None when missing or empty."""
    data = read_json(path)
    if data is None:
        return None
    ok = isinstance(data, dict) and all(
        isinstance(t, dict) and all(isinstance(d, dict) for d in t.values()) for t in data.values()
    )
    if not ok:
        raise StoreError(
            f"{path} is damaged: it is JSON but not a TinyDB database ({{table: {{id: doc}}}}).",
            path,
        )
    tables: dict[str, dict[str, Any]] = data
    return tables


_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}
_SAFE = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")


def slug(name: str) -> str:
    """A file-name-safe, case-insensitively unique form of `name` (hash suffix when altered)."""
    if _SAFE.fullmatch(name) and name not in _RESERVED:
        return name
    cleaned = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")[:40] or "x"
    return f"{cleaned}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}"


def write_error(action: str, exc: OSError) -> StoreError:
    """A StoreError for a failed write, naming the file the OS reported."""
    where = exc.filename or "the project folder"
    return StoreError(
        f"Could not {action}: cannot write {where} ({exc.strerror or exc}).", exc.filename or None
    )


def first_doc(tables: dict[str, dict[str, Any]] | None, table: str) -> dict[str, Any] | None:
    """The first document of `table` in a TinyDB-format dict, None when there is none."""
    docs = (tables or {}).get(table) or {}
    return next(iter(docs.values()), None)


class AtomicJSONStorage(Storage):
    """TinyDB storage that reads with orjson and replaces the file atomically on every write."""

    def __init__(self, path: str | os.PathLike[str], sync: bool = True, create_dirs: bool = True):
        self.path = Path(path)
        self.sync = sync
        self.create_dirs = create_dirs

    def read(self) -> dict[str, dict[str, Any]] | None:
        return read_tables(self.path)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_bytes_atomic(self.path, dumps(data), sync=self.sync, create_dirs=self.create_dirs)

    def close(self) -> None:
        """Nothing stays open between reads and writes."""
