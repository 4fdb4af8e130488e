"""A project folder on disk: versioned meta, chunked article texts, one shard per annotation set."""

from __future__ import annotations

import contextlib
import copy
import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from annotator.core.annotations import AnnotationSet
from annotator.core.labels import LabelScheme
from annotator.core.model import Article, ArticleInfo
from annotator.core.project import ProjectSettings
from annotator.store import schema
from annotator.store.article_index import CHUNK_SIZE, ArticleIndex
from annotator.store.atomic import (
    StoreError,
    first_doc,
    read_tables,
    slug,
    write_bytes_atomic,
    write_error,
    write_json_atomic,
)
from annotator.store.backups import backup_file, damage_error, read_or_name_backup
from annotator.store.chunks import import_lock
from annotator.store.cleanup import sweep_project
from annotator.store.deletions import DeletionLog
from annotator.store.meta_merge import merge_meta
from annotator.store.migrations import checked
from annotator.store.writer import Progress, ShardWriter

__all__ = ["CHUNK_SIZE", "SCHEMA_VERSION", "ProjectStore", "StoreError", "slug"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
PROJECT_FILE = "project.json"
_IGNORED = {".DS_Store", "Thumbs.db", "desktop.ini"}


class ProjectStore:
    """Reads and writes one project folder for one annotator (locked against a second window)."""

    def __init__(
        self,
        root: Path,
        annotator: str,
        create: bool = True,
        *,
        window: float = 0.025,
        sync: bool = True,
        read_only: bool = False,
        retry: bool = True,
    ) -> None:
        """`retry=False` (commands): a failed write is reported at once, not retried."""
        if not annotator.strip():
            raise StoreError("The annotator name must not be empty.")
        self.root = Path(root).expanduser().absolute()
        self.annotator = annotator
        self.slug = slug(annotator)
        self.read_only = read_only  # True: a reader (e.g. a worker process), never locks
        self.lock_message = ""
        self.held_elsewhere = False  # another process (the window) writes for this annotator
        self.on_error: Callable[[str], None] | None = None
        self.on_saved: Callable[[int], None] | None = None
        self.on_recovered: Callable[[], None] | None = None
        self._closed = False
        self._state = threading.RLock()
        # article id -> why its text cannot be trusted (changed on disk, text file lost); such
        # articles are read-only and never exported. Shared with Project.damaged_articles.
        self.damaged_articles: dict[str, str] = {}
        self.warnings: list[str] = []  # damage found and worked around (shown to the user)
        self.index = ArticleIndex(self.root, read_only=read_only,
                                  damaged=self.damaged_articles, warnings=self.warnings,
                                  lock=self._state)
        self._meta = self._open_or_create(create)
        self._seen = copy.deepcopy(self._meta)  # the record as this window last knew it
        self.deletions = DeletionLog(self.root, self.slug)
        self.deletions.load()
        self.warnings.extend(self.deletions.warnings)
        self.index.load()
        self._lock = None if read_only else self._acquire_lock()
        self._writer: ShardWriter | None = None
        if not self.read_only:
            with contextlib.suppress(OSError):  # the writer recreates it when needed
                (self.root / "annotations" / self.slug).mkdir(parents=True, exist_ok=True)
            sweep_project(self.root, self.slug)  # temp files a kill left (we hold our lock)
            for path in (self.project_file, self.index_file, self.kb_file):
                backup_file(self.root, path)  # no-op when the newest backup is the same
            self._writer = ShardWriter(
                window=window,
                sync=sync,
                retry=retry,
                root=self.root,
                on_error=lambda message: self._emit("on_error", message),
                on_saved=lambda seq: self._emit("on_saved", seq),
                on_recovered=lambda: self._emit("on_recovered"),
            )

    # -- paths -------------------------------------------------------------
    @property
    def project_file(self) -> Path:
        return self.root / PROJECT_FILE

    @property
    def index_file(self) -> Path:
        return self.index.index_file

    @property
    def kb_file(self) -> Path:
        return self.root / "kb" / f"{self.slug}.json"

    def chunk_file(self, chunk: int) -> Path:
        return self.index.chunk_file(chunk)

    def shard_file(self, article_id: str, annotator: str | None = None) -> Path:
        who = slug(annotator) if annotator else self.slug
        return self.root / "annotations" / who / f"{slug(article_id)}.json"

    # -- opening -----------------------------------------------------------
    def _open_or_create(self, create: bool) -> dict[str, Any]:
        path = self.project_file
        if path.exists():
            doc = first_doc(self._read(path), "project")
            if doc is None:
                raise self._damaged(path, "it holds no project record")
            try:
                schema.check(doc.get("schema_version"), int, "schema_version")
                doc = checked(self.root, doc, SCHEMA_VERSION)  # upgraded after a backup
                schema.check(doc, schema.PROJECT)
                LabelScheme.from_list(doc.get("labels") or [])
                ProjectSettings.from_dict(doc.get("settings") or {})
            except schema.ShapeError as exc:
                raise self._damaged(path, f"{exc}") from exc
            except (KeyError, TypeError, ValueError) as exc:
                raise self._damaged(path, f"bad label ({exc})") from exc
            return doc
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root} is a file, not a project folder.", self.root)
        if self.root.is_dir() and any(p.name not in _IGNORED for p in self.root.iterdir()):
            raise StoreError(
                f"{self.root} is not an Annotator project (it has no {PROJECT_FILE}) and is not "
                "empty. Choose an empty folder, or the folder that holds project.json.",
                self.root,
            )
        if not create:
            raise StoreError(
                f"No Annotator project at {self.root} ({PROJECT_FILE} is missing).", path
            )
        doc = {
            "schema_version": SCHEMA_VERSION,
            "name": self.root.name,
            "labels": LabelScheme.default().to_list(),
            "settings": ProjectSettings().to_dict(),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        for sub in ("articles", "annotations", "locks"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.index_file, {"articles": {}})
        write_json_atomic(path, {"project": {"1": doc}}, indent=True)  # last: marks a project
        return doc

    def _acquire_lock(self) -> FileLock | None:
        name = self._meta.get("name", self.root.name)
        try:
            (self.root / "locks").mkdir(exist_ok=True)
            lock = FileLock(
                self.root / "locks" / f"{self.slug}.lock", timeout=0, thread_local=False
            )
            lock.acquire()
        except (Timeout, OSError) as exc:
            self.read_only = True
            self.held_elsewhere = isinstance(exc, Timeout)
            self.lock_message = (
                f"Project '{name}' is already open for annotator {self.annotator} in another "
                "window; opened read-only. Close the other window to edit here."
                if isinstance(exc, Timeout)
                else f"Project '{name}' is in a folder that cannot be written "
                f"({exc.strerror or exc}); opened read-only."
            )
            return None
        return lock

    # -- reading and damage -------------------------------------------------
    def _read(self, path: Path) -> dict[str, dict[str, Any]] | None:
        return read_or_name_backup(self.root, path)

    def _damaged(self, path: Path, why: str) -> StoreError:
        return damage_error(self.root, path, why)

    # -- meta --------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        """The project record: schema_version, name, labels, settings, created."""
        return copy.deepcopy(self._meta)

    def save_meta(self, labels: list[dict[str, Any]], settings: dict[str, Any]) -> None:
        """Save the label scheme and settings (a synchronous, fsync'd write).

        Only what changed since this store last read or saved them is applied onto the record
        on disk, under a lock: another window's or an import's changes stay (`meta_merge`).
        """
        self._check_writable()
        ours = {**self._seen, "labels": labels, "settings": settings}
        try:
            (self.root / "locks").mkdir(exist_ok=True)
            with FileLock(self.root / "locks" / "project.lock", timeout=10):
                disk = first_doc(read_tables(self.project_file), "project") or self._meta
                doc = merge_meta(self._seen, ours, disk)
                write_json_atomic(self.project_file, {"project": {"1": doc}}, indent=True)
                backup_file(self.root, self.project_file)
        except Timeout as exc:
            raise StoreError(f"{self.project_file} is locked by another window; try again.",
                             self.project_file) from exc
        except OSError as exc:
            raise write_error("save the project settings", exc) from exc
        self._meta, self._seen = copy.deepcopy(doc), copy.deepcopy(ours)

    # -- articles ----------------------------------------------------------
    def verify_texts(self) -> dict[str, str]:
        """Read every text file once, so `damaged_articles` is complete (before an export)."""
        return self.index.verify()

    def refresh_index(self) -> list[ArticleInfo]:
        """Articles another process (a command-line import) added to the index since it was
        read; they are now known here too (others' deletions are read again as well)."""
        with self._state:
            new = self.index.refresh()
            self.deletions.reload_others()
            return [i for i in new if not self.deletions.is_deleted(i.id)]

    def article_infos(self) -> list[ArticleInfo]:
        """Every article's id, title and meta, in import order (deleted ones left out)."""
        with self._state:
            return [i for i in self.index.infos() if not self.deletions.is_deleted(i.id)]

    def load_text(self, article_id: str) -> str:
        """The text of one article (KeyError for an unknown id); text files are cached."""
        return self.index.text(article_id)

    def add_articles(self, articles: Iterable[Article]) -> tuple[list[Article], list[Article]]:
        """Import articles; return (added, duplicates by id); one durable pass at the end.

        Runs under locks/articles.lock on a freshly read index: another window may have
        imported since this one opened the project, and its articles must stay. A deleted
        article's text imported again brings it back, without its earlier annotations.
        """
        self._check_writable()
        with import_lock(self.root), self._state:
            self.index.load()
            back: dict[str, Article] = {}  # deleted before: their text is still on disk
            fresh: list[Article] = []
            duplicates: list[Article] = []
            for article in articles:
                if self.index.has(article.id) and self.deletions.is_deleted(article.id):
                    (duplicates.append(article) if article.id in back
                     else back.setdefault(article.id, article))
                else:
                    fresh.append(article)
            if back:
                self._bring_back(list(back.values()))
            added, known = self.index.add(fresh)
        if back:
            self.flush()  # articles brought back are listed on disk before a worker reads it
        return [*back.values(), *added], duplicates + known

    def _bring_back(self, articles: list[Article]) -> None:
        now = time.time()
        for article in articles:
            self.deletions.restore(article.id, now)
        self._save_deletions()

    def deleted_among(self, article_ids: Iterable[str]) -> list[str]:
        """Those of `article_ids` that are deleted (by anyone, as last read)."""
        with self._state:
            return [i for i in article_ids if self.deletions.is_deleted(i)]

    def delete_article(self, article_id: str, deleted_at: float) -> None:
        """Record that this annotator deleted the article (every set of it is hidden)."""
        with self._state:
            self.deletions.record(article_id, deleted_at)
            self._save_deletions()

    def undelete_article(self, article_id: str) -> None:
        """Undo `delete_article` (in the same session): the article and its sets count again."""
        with self._state:
            self.deletions.forget(article_id)
            self._save_deletions()

    def _save_deletions(self) -> None:
        self._check_writable()
        assert self._writer is not None
        self._writer.submit(self.deletions.own_file, self.deletions.payload(), indent=True)

    # -- annotation sets ---------------------------------------------------
    def annotators(self) -> list[str]:
        """Names of annotators with a folder in this project (read from their shards)."""
        folder = self.root / "annotations"
        names: set[str] = set()
        for sub in sorted(folder.iterdir()) if folder.is_dir() else []:
            if not sub.is_dir():
                continue
            if sub.name == self.slug:
                names.add(self.annotator)
                continue
            for shard in self._shards(sub):
                try:
                    doc = first_doc(read_tables(shard), "set")
                except StoreError:
                    continue
                if doc and doc.get("annotator"):
                    names.add(str(doc["annotator"]))
                    break
        return sorted(names)

    @staticmethod
    def _shards(folder: Path) -> list[Path]:
        return sorted(p for p in folder.glob("*.json") if not p.name.startswith("."))

    def changed_sets(self, seen: dict[Path, float], skip: set[str]) -> list[AnnotationSet]:
        """Sets of the annotators not in `skip` whose files changed since `seen` (path ->
        mtime, updated here); a damaged one is skipped with a warning."""
        changed = []
        for folder in sorted((self.root / "annotations").glob("*")):
            if folder.name in skip or not folder.is_dir():
                continue
            for shard in self._shards(folder):
                try:
                    mtime = shard.stat().st_mtime
                except OSError:
                    continue  # replaced or removed meanwhile: the next look sees it
                if seen.get(shard) == mtime:
                    continue
                seen[shard] = mtime
                try:
                    aset = self._load_set(shard)
                except StoreError as exc:
                    self._skip_shard(shard, str(exc))
                    continue
                if not self.deletions.hides(aset):
                    changed.append(aset)
        return changed

    def load_other_sets(self, annotator: str) -> list[AnnotationSet]:
        """Saved sets of every annotator but `annotator` (whose shards are not read at all)."""
        return [s for name in self.annotators() if name != annotator for s in self.load_sets(name)]

    def load_sets(self, annotator: str | None = None,
                  damaged: list[StoreError] | None = None) -> list[AnnotationSet]:
        """Saved sets of one annotator, or of all when None; a damaged shard is skipped and
        named in `warnings` (a copy is kept in backups/damaged/ before it can be replaced),
        and its error added to `damaged` when a list is given."""
        base = self.root / "annotations"
        folders = [base / slug(annotator)] if annotator else sorted(base.glob("*"))
        sets: list[AnnotationSet] = []
        for folder in folders:
            if not folder.is_dir():
                continue
            for shard in self._shards(folder):
                try:
                    aset = self._load_set(shard)
                except StoreError as exc:
                    self._skip_shard(shard, str(exc))
                    if damaged is not None:
                        damaged.append(exc)
                    continue
                if not self.deletions.hides(aset):
                    sets.append(aset)
        return sets

    def _load_set(self, shard: Path) -> AnnotationSet:
        doc = first_doc(read_tables(shard), "set")
        if doc is None:
            raise StoreError(f"{shard} is damaged: it holds no annotation set.", shard)
        try:
            return AnnotationSet.from_dict(doc)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            why = f"bad annotation set ({exc!r})"
            try:
                schema.check(doc, schema.ANNOTATION_SET)
            except schema.ShapeError as shape:
                why = f"{shape}"
            raise StoreError(f"{shard} is damaged: {why}.", shard) from exc

    def _skip_shard(self, shard: Path, why: str) -> None:
        kept = ""
        if not self.read_only:
            copy_to = self.root / "backups" / "damaged" / shard.parent.name / shard.name
            with contextlib.suppress(OSError):
                copy_to.parent.mkdir(parents=True, exist_ok=True)
                write_bytes_atomic(copy_to, shard.read_bytes(), sync=False)
                kept = f" A copy is kept as {copy_to}."
        message = f"{why} Its annotations were skipped; the others loaded.{kept}"
        log.warning("%s", message)
        if message not in self.warnings:
            self.warnings.append(message)

    def save_set(self, aset: AnnotationSet) -> int:
        """Snapshot `aset` now and queue it for the writer thread; return its sequence number."""
        self._check_writable()
        if aset.annotator != self.annotator:
            raise StoreError(
                f"Annotator {self.annotator} cannot save {aset.annotator}'s annotations: each "
                "annotator writes only their own folder."
            )
        if aset.article_id in self.damaged_articles:
            raise StoreError(f"Not saved: {self.damaged_articles[aset.article_id]}.",
                             self.shard_file(aset.article_id))
        assert self._writer is not None
        path = self.shard_file(aset.article_id)
        return self._writer.submit(path, {"set": {"1": aset.to_dict()}}, indent=True)

    # -- saving state and lifetime -----------------------------------------
    @property
    def saved_seq(self) -> int:
        return self._writer.saved_seq if self._writer else 0

    @property
    def last_error(self) -> str | None:
        return self._writer.last_error if self._writer else None

    @property
    def writer(self) -> ShardWriter | None:
        return self._writer

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued set is on disk; False on timeout (e.g. disk full)."""
        return self._writer.flush(timeout) if self._writer else True

    def unsaved(self) -> list[Path]:
        """Files the writer still holds (not on disk)."""
        return self._writer.unsaved() if self._writer else []

    def close(self, timeout: float = 5.0, progress: Progress | None = None) -> bool:
        """Write everything queued, stop the writer and release the lock; False if some edits
        were not saved. Waits as long as the writer makes progress; gives up after `timeout`
        seconds without any, or at once when a command's writer failed."""
        if self._closed:
            return not self.unsaved()
        self._closed = True
        ok = self._writer.close(timeout, progress) if self._writer else True
        if ok and self._writer is not None:
            backup_file(self.root, self.kb_file)
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        return ok

    def __enter__(self) -> ProjectStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_writable(self) -> None:
        if self._closed:
            raise StoreError(f"Project {self.root} is closed.", self.root)
        if self.read_only:
            raise StoreError(self.lock_message or f"Project {self.root} is read-only.", self.root)

    def report_error(self, message: str) -> None:
        """A write outside the writer failed: tell the app as the writer's failures are."""
        self._emit("on_error", message)

    def _emit(self, hook: str, *args: Any) -> None:
        """Call the app's hook (on the writer thread; Qt apps re-post it to the GUI thread)."""
        if hook == "on_error":
            log.warning("%s", *args)
        elif hook == "on_recovered":
            log.info("saving works again in %s", self.root)
        callback = getattr(self, hook)
        if callback is not None:
            callback(*args)
