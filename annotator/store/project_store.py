"""A project folder on disk: versioned meta, chunked article texts, one shard per annotation set."""

from __future__ import annotations

import contextlib
import copy
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from annotator.core.annotations import AnnotationSet
from annotator.core.labels import LabelScheme
from annotator.core.model import Article, ArticleInfo
from annotator.core.project import ProjectSettings
from annotator.store.atomic import (
    StoreError,
    dumps,
    first_doc,
    read_tables,
    slug,
    write_bytes_atomic,
    write_error,
    write_json_atomic,
    write_many_atomic,
)
from annotator.store.chunks import import_lock, place
from annotator.store.cleanup import remove_stale_temps
from annotator.store.meta_merge import merge_meta
from annotator.store.migrations import checked
from annotator.store.writer import ShardWriter

__all__ = ["CHUNK_SIZE", "SCHEMA_VERSION", "ProjectStore", "StoreError", "slug"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
CHUNK_SIZE = 100  # articles per text file: ~300 KB, parsed in ~0.5 ms on a jump
CACHED_CHUNKS = 8  # parsed text files kept in memory (~2.4 MB)
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
    ) -> None:
        if not annotator.strip():
            raise StoreError("The annotator name must not be empty.")
        self.root = Path(root).expanduser().absolute()
        self.annotator = annotator
        self.slug = slug(annotator)
        self.read_only = read_only  # True: a reader (e.g. a worker process), never locks
        self.lock_message = ""
        self.on_error: Callable[[str], None] | None = None
        self.on_saved: Callable[[int], None] | None = None
        self.on_recovered: Callable[[], None] | None = None
        self._closed = False
        self._state = threading.RLock()
        self._cache: OrderedDict[int, dict[str, str]] = OrderedDict()
        self._meta = self._open_or_create(create)
        self._seen = copy.deepcopy(self._meta)  # the record as this window last knew it
        self._infos: list[ArticleInfo] = []
        self._chunk_of: dict[str, int] = {}
        self._load_index()
        self._lock = None if read_only else self._acquire_lock()
        self._writer: ShardWriter | None = None
        if not self.read_only:
            with contextlib.suppress(OSError):  # the writer recreates it when needed
                (self.root / "annotations" / self.slug).mkdir(parents=True, exist_ok=True)
            remove_stale_temps(self.root / "annotations" / self.slug)  # we hold its lock
            remove_stale_temps(self.root / "kb", f"{self.slug}.json")
            self._writer = ShardWriter(
                window=window,
                sync=sync,
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
        return self.root / "articles" / "index.json"

    def chunk_file(self, chunk: int) -> Path:
        return self.root / "articles" / f"chunk-{chunk:05d}.json"

    def shard_file(self, article_id: str, annotator: str | None = None) -> Path:
        who = slug(annotator) if annotator else self.slug
        return self.root / "annotations" / who / f"{slug(article_id)}.json"

    # -- opening -----------------------------------------------------------
    def _open_or_create(self, create: bool) -> dict[str, Any]:
        path = self.project_file
        if path.exists():
            doc = first_doc(read_tables(path), "project")
            if doc is None:
                raise StoreError(f"{path} is damaged: it holds no project record.", path)
            return checked(self.root, doc, SCHEMA_VERSION)  # upgraded after a backup
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
            self.lock_message = (
                f"Project '{name}' is already open for annotator {self.annotator} in another "
                "window; opened read-only. Close the other window to edit here."
                if isinstance(exc, Timeout)
                else f"Project '{name}' is in a folder that cannot be written "
                f"({exc.strerror or exc}); opened read-only."
            )
            return None
        return lock

    def _load_index(self) -> None:
        docs = (read_tables(self.index_file) or {}).get("articles") or {}
        try:
            ordered = sorted(docs.items(), key=lambda item: int(item[0]))
            for _, doc in ordered:
                if str(doc["id"]) in self._chunk_of:
                    continue  # known already (a refresh before an import)
                info = ArticleInfo(str(doc["id"]), str(doc.get("title", "")), doc.get("meta") or {})
                self._infos.append(info)
                self._chunk_of[info.id] = int(doc["chunk"])
                self._cache.pop(self._chunk_of[info.id], None)  # that chunk may have grown
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(
                f"{self.index_file} is damaged: bad article entry ({exc}).", self.index_file
            ) from exc

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
        except Timeout as exc:
            raise StoreError(f"{self.project_file} is locked by another window; try again.",
                             self.project_file) from exc
        except OSError as exc:
            raise write_error("save the project settings", exc) from exc
        self._meta, self._seen = copy.deepcopy(doc), copy.deepcopy(ours)

    # -- articles ----------------------------------------------------------
    def article_infos(self) -> list[ArticleInfo]:
        """Every article's id, title and meta, in import order."""
        with self._state:
            return list(self._infos)

    def load_text(self, article_id: str) -> str:
        """The text of one article (KeyError for an unknown id); chunks are cached."""
        with self._state:
            chunk = self._chunk_of[article_id]
            text = self._chunk_texts(chunk).get(article_id)
        if text is None:
            path = self.chunk_file(chunk)
            raise StoreError(f"{path} is missing the text of article {article_id}.", path)
        return text

    def _chunk_texts(self, chunk: int) -> dict[str, str]:
        texts = self._cache.get(chunk)
        if texts is None:
            path = self.chunk_file(chunk)
            tables = read_tables(path)
            if tables is None:
                raise StoreError(f"{path} is missing or empty; article texts are lost.", path)
            try:
                texts = {str(d["id"]): str(d["text"]) for d in tables.get("texts", {}).values()}
            except KeyError as exc:
                raise StoreError(f"{path} is damaged: a text record lacks {exc}.", path) from exc
            self._cache[chunk] = texts
            while len(self._cache) > CACHED_CHUNKS:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(chunk)
        return texts

    def add_articles(self, articles: Iterable[Article]) -> tuple[list[Article], list[Article]]:
        """Import articles; return (added, duplicates by id); one durable pass at the end.

        Runs under locks/articles.lock on a freshly read index: another window may have
        imported since this one opened the project, and its articles must stay.
        """
        self._check_writable()
        with import_lock(self.root), self._state:
            self._load_index()
            return self._add(articles)

    def _add(self, articles: Iterable[Article]) -> tuple[list[Article], list[Article]]:
        with self._state:
            added: list[Article] = []
            duplicates: list[Article] = []
            seen = set(self._chunk_of)
            for article in articles:
                (duplicates if article.id in seen else added).append(article)
                seen.add(article.id)
            if not added:
                return added, duplicates
            last = max(self._chunk_of.values(), default=-1)
            chunks, placed = place(last, self.chunk_file, added, CHUNK_SIZE)
            rows = [(i, self._chunk_of[i.id]) for i in self._infos] + placed
            index = {
                str(n): {"id": a.id, "title": a.title, "meta": a.meta, "chunk": c}
                for n, (a, c) in enumerate(rows, 1)
            }
            try:
                index_bytes = dumps({"articles": index})
                write_many_atomic((self.chunk_file(n), {"texts": d}) for n, d in chunks.items())
                write_bytes_atomic(self.index_file, index_bytes)
            except TypeError as exc:
                raise StoreError(f"Cannot import: article data is not JSON ({exc}).") from exc
            except OSError as exc:
                raise write_error("import articles", exc) from exc
            for article, chunk in placed:
                self._infos.append(ArticleInfo(article.id, article.title, dict(article.meta)))
                self._chunk_of[article.id] = chunk
            for chunk in chunks:
                self._cache.pop(chunk, None)
            return added, duplicates

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

    def load_other_sets(self, annotator: str) -> list[AnnotationSet]:
        """Saved sets of every annotator but `annotator` (whose shards are not read at all)."""
        return [s for name in self.annotators() if name != annotator for s in self.load_sets(name)]

    def load_sets(self, annotator: str | None = None,
                  damaged: list[StoreError] | None = None) -> list[AnnotationSet]:
        """Saved sets of one annotator, or of all when None; a damaged shard raises StoreError,
        or, when a `damaged` list is given, is added to it and skipped (a reader's choice)."""
        base = self.root / "annotations"
        folders = [base / slug(annotator)] if annotator else sorted(base.glob("*"))
        sets: list[AnnotationSet] = []
        for folder in folders:
            if not folder.is_dir():
                continue
            for shard in self._shards(folder):
                try:
                    sets.append(self._load_shard(shard))
                except StoreError as exc:
                    if damaged is None:
                        raise
                    damaged.append(exc)
        return sets

    @staticmethod
    def _load_shard(shard: Path) -> AnnotationSet:
        doc = first_doc(read_tables(shard), "set")
        if doc is None:
            raise StoreError(f"{shard} is damaged: it holds no annotation set.", shard)
        try:
            return AnnotationSet.from_dict(doc)
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(f"{shard} is damaged: bad annotation set ({exc}).", shard) from exc

    def save_set(self, aset: AnnotationSet) -> int:
        """Snapshot `aset` now and queue it for the writer thread; return its sequence number."""
        self._check_writable()
        if aset.annotator != self.annotator:
            raise StoreError(
                f"Annotator {self.annotator} cannot save {aset.annotator}'s annotations: each "
                "annotator writes only their own folder."
            )
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

    def unsaved_paths(self) -> list[Path]:
        """Project files whose latest data is not on disk yet."""
        return self._writer.unsaved_paths() if self._writer else []

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued set is on disk; False on timeout (e.g. disk full)."""
        return self._writer.flush(timeout) if self._writer else True

    def close(self, timeout: float = 5.0) -> bool:
        """Flush, stop the writer and release the lock; False if some edits were not saved."""
        if self._closed:
            return True
        self._closed = True
        ok = self._writer.close(timeout) if self._writer else True
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

    def _emit(self, hook: str, *args: Any) -> None:
        """Call the app's hook (on the writer thread; Qt apps re-post it to the GUI thread)."""
        if hook == "on_error":
            log.warning("%s", *args)
        elif hook == "on_recovered":
            log.info("saving works again in %s", self.root)
        callback = getattr(self, hook)
        if callback is not None:
            callback(*args)
