"""Schema migrations: a project folder of an older schema is backed up, then upgraded in steps.

`MIGRATIONS[v](root, doc)` turns a version-`v` folder into a version `v + 1` folder and returns
the new project record; `upgrade` writes that record (with its `schema_version`) after each
step, so the version in `project.json` always tells which step is next. A step may be cut off
at any moment (a crash, a kill): it writes every new file atomically before it removes the old
one it replaces, so running it again on what is left finishes the job.

Schema 0 (what Annotator wrote before sharding; TinyDB's default one-file-per-table layout):

    project.json               {"project": {"1": {schema_version: 0, name, labels, created}}}
    articles.json              {"articles": {"1": {id, title, text, meta}, ...}}
    annotations/<slug>.json    {"sets": {"1": <annotation set>, ...}}  every set of one annotator

Schema 1 (the current one): `articles/index.json` + `articles/chunk-NNNNN.json` (texts, 500 per
file), one `annotations/<annotator>/<article>.json` shard per set, `kb/<annotator>.json`, and
`settings` in the project record.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from annotator.store.atomic import (
    StoreError,
    first_doc,
    read_tables,
    slug,
    write_json_atomic,
    write_many_atomic,
)

__all__ = ["BACKUP_DIR", "MIGRATIONS", "OLDEST", "backup_project", "checked", "upgrade"]

log = logging.getLogger(__name__)

Migration = Callable[[Path, dict[str, Any]], dict[str, Any]]

OLDEST = 0  # the oldest schema this version can upgrade
BACKUP_DIR = "backups"
PROJECT_FILE = "project.json"
UPGRADE_LOCK = "upgrade.lock"  # under locks/: one process upgrades, the others wait
UPGRADE_WAIT = 120.0  # seconds a second window waits for another one's upgrade


def _v0_to_v1(root: Path, doc: dict[str, Any]) -> dict[str, Any]:
    """Split articles.json into chunks + index and each annotator's file into shards."""
    legacy = root / "articles.json"
    index = root / "articles" / "index.json"
    tables = read_tables(legacy)
    if tables is not None or not index.exists():
        docs = (tables or {}).get("articles") or {}
        rows = [docs[key] for key in sorted(docs, key=int)]
        chunk_size = 500  # schema 1's chunk size, frozen here on purpose
        chunks: dict[int, dict[str, dict[str, str]]] = {}
        entries: dict[str, dict[str, Any]] = {}
        for n, row in enumerate(rows):
            chunk, slot = divmod(n, chunk_size)
            chunks.setdefault(chunk, {})[str(slot + 1)] = {"id": row["id"], "text": row["text"]}
            entries[str(n + 1)] = {
                "id": row["id"], "title": row.get("title", ""), "meta": row.get("meta") or {},
                "chunk": chunk,
            }
        files: list[tuple[Path, Any]] = [
            (root / "articles" / f"chunk-{n:05d}.json", {"texts": texts})
            for n, texts in chunks.items()
        ]
        write_many_atomic([*files, (index, {"articles": entries})])  # index renamed last
    legacy.unlink(missing_ok=True)

    annotations = root / "annotations"
    for old in sorted(annotations.glob("*.json")) if annotations.is_dir() else []:
        sets = list(((read_tables(old) or {}).get("sets") or {}).values())
        write_many_atomic(
            (annotations / slug(doc["annotator"]) / f"{slug(doc['article_id'])}.json",
             {"set": {"1": doc}})
            for doc in sets
        )
        old.unlink()
    for sub in ("articles", "annotations", "locks"):
        (root / sub).mkdir(exist_ok=True)
    return {**doc, "settings": doc.get("settings") or {"token_snapping": True}}


MIGRATIONS: dict[int, Migration] = {0: _v0_to_v1}


def backup_project(root: Path, version: int) -> Path:
    """Copy the project (without earlier backups and locks) to `backups/schema-v<N>-<time>/`.

    The copy is made under a hidden name and renamed when complete, so a backup folder that
    exists is a whole one.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = root / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    for stale in folder.glob(".partial-*"):  # a copy cut off by a crash (we hold the lock)
        shutil.rmtree(stale, ignore_errors=True)
    target = folder / f"schema-v{version}-{stamp}"
    partial = folder / f".partial-{target.name}"

    def skip(where: str, names: list[str]) -> set[str]:
        top = Path(where) == root
        return {n for n in names if (top and n in (BACKUP_DIR, "locks")) or n.endswith(".tmp")}

    try:
        shutil.copytree(root, partial, ignore=skip)
        os.replace(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


def checked(root: Path, doc: dict[str, Any], current: int) -> dict[str, Any]:
    """The project record `doc` read from `root`, upgraded to schema `current` when older.

    A newer schema is refused (the folder is left alone); a missing or odd version is damage.
    """
    path = root / PROJECT_FILE
    version = doc.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < OLDEST:
        raise StoreError(f"{path} is damaged: schema_version is {version!r}.", path)
    if version > current:
        raise StoreError(
            f"Project {root} was created by a newer version of Annotator (schema {version}; "
            f"this version reads up to {current}). Update Annotator to open it; the project "
            "was not changed.",
            path,
        )
    return upgrade(root, doc, current) if version < current else doc


def upgrade(root: Path, doc: dict[str, Any], target: int) -> dict[str, Any]:
    """Back up the project at `root`, then run the migrations from doc's version to `target`.

    Holds `locks/upgrade.lock`, so two windows opening an old project upgrade it once. Returns
    the upgraded project record; StoreError (naming the file and the backup) when it fails.
    """
    try:
        (root / "locks").mkdir(exist_ok=True)
        lock = FileLock(root / "locks" / UPGRADE_LOCK, timeout=UPGRADE_WAIT, thread_local=False)
        lock.acquire()
    except Timeout as exc:
        raise StoreError(
            f"Project {root} is being upgraded by another window; try again when it is done.",
            root,
        ) from exc
    except OSError as exc:
        raise _failed(root, doc.get("schema_version"), target, exc, None) from exc
    try:
        current = first_doc(read_tables(root / PROJECT_FILE), "project") or doc
        return _run(root, current, target)
    finally:
        lock.release()


def _run(root: Path, doc: dict[str, Any], target: int) -> dict[str, Any]:
    version = int(doc["schema_version"])
    if version >= target:
        return doc  # another window upgraded it while we waited
    backup: Path | None = None
    try:
        backup = backup_project(root, version)
        log.info("backed up %s (schema %s) to %s", root, version, backup)
        while version < target:
            step = MIGRATIONS.get(version)
            if step is None:
                raise StoreError(
                    f"Project {root} has schema {version}, which this version of Annotator "
                    f"cannot upgrade (it upgrades schema {OLDEST} and later).",
                    root / PROJECT_FILE,
                )
            doc = {**step(root, dict(doc)), "schema_version": version + 1}
            write_json_atomic(root / PROJECT_FILE, {"project": {"1": doc}}, indent=True)
            version += 1
            log.info("upgraded %s to schema %s", root, version)
    except OSError as exc:
        raise _failed(root, version, target, exc, backup) from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(
            f"Project {root} could not be upgraded from schema {version}: a file holds data "
            f"this upgrade does not understand ({exc!r}). "
            + (f"The project as it was is in {backup}." if backup else ""),
            root,
        ) from exc
    return doc


def _failed(
    root: Path, version: Any, target: int, exc: OSError, backup: Path | None
) -> StoreError:
    where = exc.filename or root
    saved = (
        f"A copy of the project as it was is in {backup}; opening the project again resumes "
        "the upgrade."
        if backup
        else "Nothing was changed."
    )
    log.warning("upgrade of %s failed: %s", root, exc)
    return StoreError(
        f"Project {root} uses the older schema {version} and must be upgraded to {target} "
        f"before it can be opened, but {where} cannot be written ({exc.strerror or exc}). "
        f"{saved}",
        exc.filename or root,
    )
