"""A project folder on disk: versioned meta, chunked article texts, one shard per annotation set."""

from __future__ import annotations

import contextlib
import copy
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from annotator.core.annotations import AnnotationSet
from annotator.core.labels import LabelScheme
from annotator.core.model import Article, ArticleInfo, article_id_for
from annotator.core.project import ProjectSettings
from annotator.store import schema
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
from annotator.store.backups import backup_file, backups_of, restore_hint
from annotator.store.chunks import import_lock, place
from annotator.store.cleanup import sweep_project
from annotator.store.deletions import DeletionLog
from annotator.store.meta_merge import merge_meta
from annotator.store.migrations import checked
from annotator.store.writer import Progress, ShardWriter

__all__ = ["CHUNK_SIZE", "SCHEMA_VERSION", "ProjectStore", "StoreError", "slug"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
CHUNK_SIZE = 100  # articles per text file: ~300 KB, parsed in ~0.5 ms on a jump
CACHED_CHUNKS = 8  # parsed text files kept in memory (~2.4 MB)
PROJECT_FILE = "project.json"
_CHUNK_NAME = re.compile(r"chunk-(\d{5,})\.json")
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
        self._cache: OrderedDict[int, dict[str, str]] = OrderedDict()
        # article id -> why its text cannot be trusted (changed on disk, text file lost); such
        # articles are read-only and never exported. Shared with Project.damaged_articles.
        self.damaged_articles: dict[str, str] = {}
        self.warnings: list[str] = []  # damage found and worked around (shown to the user)
        self._meta = self._open_or_create(create)
        self._seen = copy.deepcopy(self._meta)  # the record as this window last knew it
        self.deletions = DeletionLog(self.root, self.slug)
        self.deletions.load()
        self.warnings.extend(self.deletions.warnings)
        self._infos: list[ArticleInfo] = []
        self._chunk_of: dict[str, int] = {}
        self._load_index()
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
        return self.root / "articles" / "index.json"

    @property
    def kb_file(self) -> Path:
        return self.root / "kb" / f"{self.slug}.json"

    def chunk_file(self, chunk: int) -> Path:
        return self.root / "articles" / f"chunk-{chunk:05d}.json"

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
        """read_tables, with the newest backup named when the file is damaged."""
        try:
            return read_tables(path)
        except StoreError as exc:
            raise StoreError(f"{exc}{restore_hint(self.root, path)}", path) from exc

    def _damaged(self, path: Path, why: str) -> StoreError:
        return StoreError(f"{path} is damaged: {why}.{restore_hint(self.root, path)}", path)

    def _load_index(self) -> None:
        """Read the index (again, before an import); on the first read, texts in files the
        index does not list (a lost or emptied index) are added back to it."""
        first = not self._infos
        self._apply_index(self._index_docs())
        if first:
            listed = set(self._chunk_of.values())
            if any(n not in listed for n in self._chunk_numbers()):
                self._recover()
        self._check_chunks_exist()

    def _index_docs(self) -> list[tuple[str, dict[str, Any]]]:
        docs = (self._read(self.index_file) or {}).get("articles") or {}
        try:
            return sorted(docs.items(), key=lambda item: int(item[0]))
        except ValueError as exc:
            raise self._damaged(self.index_file, f"an article key is not a number ({exc})") from exc

    def _apply_index(self, ordered: list[tuple[str, dict[str, Any]]]) -> None:
        known = self._chunk_of
        for key, doc in ordered:
            aid, chunk, title, meta = (doc.get("id"), doc.get("chunk"), doc.get("title", ""),
                                       doc.get("meta") or {})
            if not (type(aid) is str and type(chunk) is int and type(title) is str
                    and type(meta) is dict):
                try:
                    schema.check(doc, schema.INDEX_ENTRY, f"articles.{key}")
                except schema.ShapeError as exc:
                    raise self._damaged(self.index_file, f"{exc}") from exc
            if aid in known:
                continue  # known already (a refresh before an import)
            self._infos.append(ArticleInfo(aid, title, meta))
            known[aid] = chunk
            self._cache.pop(chunk, None)  # that chunk may have grown

    def _chunk_numbers(self) -> list[int]:
        """Numbers of the chunk files on disk (whether the index names them or not)."""
        folder = self.root / "articles"
        try:
            names = [_CHUNK_NAME.fullmatch(p.name) for p in folder.iterdir()]
        except OSError:
            return []
        return sorted(int(m[1]) for m in names if m)

    def _check_chunks_exist(self) -> None:
        """Articles whose text file is gone are marked damaged (read-only, not exported)."""
        for chunk in sorted(set(self._chunk_of.values())):
            path = self.chunk_file(chunk)
            if not path.exists():
                self._mark_chunk(chunk, f"{path} is missing: the text of this article is lost")

    def _mark_chunk(self, chunk: int, why: str) -> None:
        for aid, n in self._chunk_of.items():
            if n == chunk:
                self.damaged_articles.setdefault(aid, why)

    def _recover(self) -> None:
        """Add the articles of text files the index does not list (all of them when the index
        was lost or emptied) back to it, under the import lock; nothing else writes first.

        Titles and source data come from the newest backup of the index where it has the
        article, else the title is the text's first line. A reader only recovers in memory.
        """
        if self.read_only:
            self._add_orphans()
            return
        try:
            with import_lock(self.root):
                self._infos, self._chunk_of = [], {}
                self._apply_index(self._index_docs())  # as it is now, under the lock
                if not self._add_orphans():
                    return  # another process recovered it while we waited
                entries = {str(n): {"id": i.id, "title": i.title, "meta": i.meta,
                                    "chunk": self._chunk_of[i.id]}
                           for n, i in enumerate(self._infos, 1)}
                write_json_atomic(self.index_file, {"articles": entries})
        except OSError as exc:
            raise write_error("rebuild the article index", exc) from exc
        backup_file(self.root, self.index_file)

    def _add_orphans(self) -> bool:
        """Read the unlisted text files into `_infos`; say so in `warnings`. False if none.

        With an index, only files whose articles its newest backup lists are taken: the
        others are what an import cut off before it wrote the index left (all or nothing).
        """
        listed = set(self._chunk_of.values())
        orphans = [n for n in self._chunk_numbers() if n not in listed]
        if not orphans:
            return False
        lost_index = not self._infos
        backup = next(iter(backups_of(self.root, "articles/index.json")), None)
        known: dict[str, dict[str, Any]] = {}
        if backup is not None:
            with contextlib.suppress(StoreError):
                for doc in ((read_tables(backup) or {}).get("articles") or {}).values():
                    if isinstance(doc.get("id"), str):
                        known[doc["id"]] = doc
        unreadable: list[str] = []
        found: dict[int, dict[str, str]] = {}
        for chunk in orphans:
            try:
                texts = self._chunk_docs(self.chunk_file(chunk))
            except StoreError as exc:
                unreadable.append(str(exc))
                continue
            if lost_index or any(aid in known for aid in texts):
                found[chunk] = texts
            else:
                log.info("%s is not in the index (an import cut off?); left alone",
                         self.chunk_file(chunk))
        orphans = sorted(found)
        if not orphans and not unreadable:
            return False
        added = recovered = 0
        for chunk, texts in sorted(found.items()):
            for aid, text in texts.items():
                if aid in self._chunk_of:
                    continue
                old = known.get(aid) or {}
                title = old.get("title") if isinstance(old.get("title"), str) else None
                meta = old.get("meta") if isinstance(old.get("meta"), dict) else {}
                recovered += title is not None
                first = next((line.strip() for line in text.splitlines() if line.strip()), "")
                self._infos.append(ArticleInfo(aid, title or first[:120], meta))
                self._chunk_of[aid] = chunk
                added += 1
        titles = (f"titles and source data of {recovered} from the backup {backup}"
                  + (", the others titled by their first line (source data lost)"
                     if recovered < added else "") if recovered else
                  "titles are each text's first line; source data (url, date) was lost")
        verb = "rebuilt it" if not self.read_only else "read the articles"
        names = ", ".join(self.chunk_file(n).name for n in orphans[:3])
        names += f" and {len(orphans) - 3} more" if len(orphans) > 3 else ""
        if not found:
            message = f"Text files the index does not list cannot be read: {unreadable[0]}"
            unreadable = unreadable[1:]
        elif lost_index:
            message = (f"{self.index_file} was missing or empty: {verb} from the {len(orphans)} "
                       f"text files in {self.index_file.parent} ({added} articles; {titles}).")
        else:
            message = (f"{self.index_file} did not list the texts in {names}: added their "
                       f"{added} articles back ({titles}).")
        if unreadable:
            message += " Not readable: " + "; ".join(unreadable)
        log.warning("%s", message)
        self.warnings.append(message)
        return True

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
        with self._state:
            for chunk in sorted(set(self._chunk_of.values())):
                with contextlib.suppress(StoreError):
                    self._chunk_texts(chunk)
            return dict(self.damaged_articles)

    def refresh_index(self) -> list[ArticleInfo]:
        """Articles another process (a command-line import) added to the index since it was
        read; they are now known here too."""
        with self._state:
            before = len(self._infos)
            self._apply_index(self._index_docs())
            self.deletions.reload_others()
            return [i for i in self._infos[before:] if not self.deletions.is_deleted(i.id)]

    def article_infos(self) -> list[ArticleInfo]:
        """Every article's id, title and meta, in import order (deleted ones left out)."""
        with self._state:
            return [i for i in self._infos if not self.deletions.is_deleted(i.id)]

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

    def load_text(self, article_id: str) -> str:
        """The text of one article (KeyError for an unknown id); chunks are cached."""
        with self._state:
            chunk = self._chunk_of[article_id]
            text = self._chunk_texts(chunk).get(article_id)
        if text is None:
            path = self.chunk_file(chunk)
            raise StoreError(f"{path} is missing the text of article {article_id}.", path)
        return text

    def _chunk_docs(self, path: Path) -> dict[str, str]:
        """The {id: text} of one chunk file, shape-checked; StoreError names file and field."""
        tables = read_tables(path)
        if tables is None:
            raise StoreError(f"{path} is missing or empty; article texts are lost.", path)
        docs = tables.get("texts") or {}
        texts: dict[str, str] = {}
        for key, doc in docs.items():
            aid, text = doc.get("id"), doc.get("text")
            if type(aid) is not str or type(text) is not str:
                try:
                    schema.check(doc, {"id": str, "text": str}, f"texts.{key}")
                except schema.ShapeError as exc:
                    raise StoreError(f"{path} is damaged: {exc}.", path) from exc
            texts[aid] = text
        return texts

    def _chunk_texts(self, chunk: int) -> dict[str, str]:
        texts = self._cache.get(chunk)
        if texts is None:
            path = self.chunk_file(chunk)
            try:
                texts = self._chunk_docs(path)
            except StoreError as exc:
                self._mark_chunk(chunk, str(exc))
                raise
            for aid, text in texts.items():  # ids are content hashes: a changed text shows
                if article_id_for(text) != aid and aid not in self.damaged_articles:
                    self.damaged_articles[aid] = (
                        f"the text of this article in {path} was changed on disk (it no longer "
                        "matches its id), so its spans would be shifted")
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
            restored = dict(self.deletions.own_restored)
            added, duplicates = self._add(articles)
        if self.deletions.own_restored != restored:
            self.flush()  # articles brought back are listed on disk before a worker reads it
        return added, duplicates

    def _add(self, articles: Iterable[Article]) -> tuple[list[Article], list[Article]]:
        with self._state:
            added: list[Article] = []
            duplicates: list[Article] = []
            back: list[Article] = []  # deleted before: their text is still on disk
            seen = set(self._chunk_of)
            for article in articles:
                if article.id in seen and self.deletions.is_deleted(article.id):
                    back.append(article)
                else:
                    (duplicates if article.id in seen else added).append(article)
                seen.add(article.id)
            if back:
                self._bring_back(back)
            if not added:
                return back, duplicates
            # a text file the index does not list was recovered on open if it held articles
            # the index ever had (see _add_orphans): one left is a cut-off import's, replaced
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
                backup_file(self.root, self.index_file)
            except TypeError as exc:
                raise StoreError(f"Cannot import: article data is not JSON ({exc}).") from exc
            except OSError as exc:
                raise write_error("import articles", exc) from exc
            for article, chunk in placed:
                self._infos.append(ArticleInfo(article.id, article.title, dict(article.meta)))
                self._chunk_of[article.id] = chunk
            for chunk in chunks:
                self._cache.pop(chunk, None)
            return back + added, duplicates

    def _bring_back(self, articles: list[Article]) -> None:
        """Deleted articles imported again: listed again, without their earlier annotations."""
        now = time.time()
        for article in articles:
            self.deletions.restore(article.id, now)
        self._save_deletions()

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
