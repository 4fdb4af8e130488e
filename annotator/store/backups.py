"""Rolling backups of the few files a project cannot rebuild: project.json, the article
index and the knowledge bases; the last KEEP versions of each in `backups/files/`.

A copy is made after the file was written (or when it is opened and differs from the newest
copy), so the newest backup is the last version known to be good. `restore` puts one back.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from annotator.store.atomic import StoreError, read_tables, write_bytes_atomic

KEEP = 5
FOLDER = Path("backups") / "files"
_STAMP = re.compile(r"\d{8}T\d{12}Z\.bak")


def _key(rel: str) -> str:
    return rel.replace("/", "__").replace("\\", "__") + ".versions"


def _rel(root: Path, path: Path) -> str:
    return Path(path).relative_to(root).as_posix()


def backups_of(root: Path, rel: str) -> list[Path]:
    """The backups of the file `rel` (e.g. "articles/index.json"), newest first."""
    folder = Path(root) / FOLDER / _key(rel)
    try:
        names = [p for p in folder.iterdir() if _STAMP.fullmatch(p.name)]
    except OSError:
        return []
    return sorted(names, key=lambda p: p.name, reverse=True)


def backup_file(root: Path, path: Path, keep: int = KEEP) -> Path | None:
    """Copy `path` into its backup folder when it is valid JSON and differs from the newest
    copy; keep the newest `keep`. Never raises (a backup must not stop saving)."""
    root, path = Path(root), Path(path)
    try:
        data = path.read_bytes()
        orjson.loads(data)
    except (OSError, orjson.JSONDecodeError):
        return None
    rel = _rel(root, path)
    existing = backups_of(root, rel)
    with contextlib.suppress(OSError):
        if existing and existing[0].read_bytes() == data:
            return existing[0]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = root / FOLDER / _key(rel) / f"{stamp}.bak"
    try:
        write_bytes_atomic(target, data, sync=False)
    except OSError:
        return None
    for old in [target, *existing][keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def restore_hint(root: Path, path: Path) -> str:
    """A sentence naming the newest backup of `path` and the command that restores it."""
    root = Path(root)
    try:
        rel = _rel(root, Path(path))
    except ValueError:
        return ""
    found = backups_of(root, rel)
    if not found:
        return ""
    return (f" A backup of it from {describe(found[0])} is {found[0]}; restore it with "
            f"`annotator restore --project {root} --file {rel}`.")


def describe(backup: Path) -> str:
    """The backup's time, readable ("2026-12-05 18:13:17 UTC")."""
    stamp = backup.stem
    try:
        when = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ")
    except ValueError:
        return stamp
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


def all_backups(root: Path) -> dict[str, list[Path]]:
    """Every backed-up file (relative path) and its backups, newest first."""
    folder = Path(root) / FOLDER
    found: dict[str, list[Path]] = {}
    for sub in sorted(folder.iterdir()) if folder.is_dir() else []:
        if sub.is_dir() and sub.name.endswith(".versions"):
            rel = sub.name.removesuffix(".versions").replace("__", "/")
            found[rel] = backups_of(root, rel)
    return found


def restore(root: Path, rel: str, pick: int = 1) -> tuple[Path, Path | None]:
    """Put backup number `pick` (1 = newest) of `rel` back; the replaced file is kept beside
    the backups as `replaced-<time>.bak`. Returns (backup used, where the old file went)."""
    root = Path(root)
    found = backups_of(root, rel)
    if not found:
        raise FileNotFoundError(f"no backup of {rel} in {root / FOLDER}")
    if not 1 <= pick <= len(found):
        raise ValueError(f"{rel} has {len(found)} backup(s); choose 1 to {len(found)}")
    chosen = found[pick - 1]
    target = root / rel
    kept: Path | None = None
    if target.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        kept = chosen.parent / f"replaced-{stamp}.bak"
        write_bytes_atomic(kept, target.read_bytes())  # copied, so a crash leaves one of them
    write_bytes_atomic(target, chosen.read_bytes())
    return chosen, kept


def read_or_name_backup(root: Path, path: Path) -> dict[str, dict[str, Any]] | None:
    """read_tables, with the newest backup named when the file is damaged."""
    try:
        return read_tables(path)
    except StoreError as exc:
        raise StoreError(f"{exc}{restore_hint(root, path)}", path) from exc


def damage_error(root: Path, path: Path, why: str) -> StoreError:
    """The error for a damaged project file, naming its newest backup."""
    return StoreError(f"{path} is damaged: {why}.{restore_hint(root, path)}", path)
