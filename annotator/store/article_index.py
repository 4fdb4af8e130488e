"""The project's articles on disk: `articles/index.json` (id, title, meta and text file of
every article, in import order) and the text files `chunk-NNNNN.json` (CHUNK_SIZE texts each).

Read on open (a lost or emptied index is rebuilt from the text files), appended to by imports
under the import lock; texts that cannot be trusted (changed on disk, file lost) are named in
`damaged`, shared with the store and the project.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.core.model import Article, ArticleInfo, article_id_for
from annotator.store import schema
from annotator.store.atomic import (
    StoreError,
    dumps,
    read_tables,
    write_bytes_atomic,
    write_error,
    write_json_atomic,
    write_many_atomic,
)
from annotator.store.backups import backup_file, backups_of, damage_error, read_or_name_backup
from annotator.store.chunks import import_lock, place

log = logging.getLogger(__name__)

CHUNK_SIZE = 100  # articles per text file: ~300 KB, parsed in ~0.5 ms on a jump
CACHED_CHUNKS = 8  # parsed text files kept in memory (~2.4 MB)
_CHUNK_NAME = re.compile(r"chunk-(\d{5,})\.json")


class ArticleIndex:
    """Every article's place on disk and its text (a small cache of parsed text files)."""

    def __init__(self, root: Path, *, read_only: bool, damaged: dict[str, str],
                 warnings: list[str], lock: threading.RLock) -> None:
        self.root = root
        self.read_only = read_only  # a reader rebuilds a lost index in memory only
        self.damaged = damaged  # article id -> why its text cannot be trusted
        self.warnings = warnings  # damage found and worked around (the store's list)
        self._state = lock
        self._cache: OrderedDict[int, dict[str, str]] = OrderedDict()
        self._infos: list[ArticleInfo] = []
        self._chunk_of: dict[str, int] = {}

    @property
    def index_file(self) -> Path:
        return self.root / "articles" / "index.json"

    def chunk_file(self, chunk: int) -> Path:
        return self.root / "articles" / f"chunk-{chunk:05d}.json"

    def infos(self) -> list[ArticleInfo]:
        """Every article the index lists (deleted ones too), in import order."""
        with self._state:
            return list(self._infos)

    def has(self, article_id: str) -> bool:
        return article_id in self._chunk_of

    def refresh(self) -> list[ArticleInfo]:
        """Read the index again; the articles another process added since (now known)."""
        with self._state:
            before = len(self._infos)
            self._apply_index(self._index_docs())
            return self._infos[before:]

    def _read(self, path: Path) -> dict[str, dict[str, Any]] | None:
        return read_or_name_backup(self.root, path)

    def _damaged(self, path: Path, why: str) -> StoreError:
        return damage_error(self.root, path, why)

    def load(self) -> None:
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
                self.damaged.setdefault(aid, why)

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

    def verify(self) -> dict[str, str]:
        """Read every text file once, so `damaged_articles` is complete (before an export)."""
        with self._state:
            for chunk in sorted(set(self._chunk_of.values())):
                with contextlib.suppress(StoreError):
                    self._chunk_texts(chunk)
            return dict(self.damaged)

    def text(self, article_id: str) -> str:
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
                if article_id_for(text) != aid and aid not in self.damaged:
                    self.damaged[aid] = (
                        f"the text of this article in {path} was changed on disk (it no longer "
                        "matches its id), so its spans would be shifted")
            self._cache[chunk] = texts
            while len(self._cache) > CACHED_CHUNKS:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(chunk)
        return texts

    def add(self, articles: Iterable[Article]) -> tuple[list[Article], list[Article]]:
        """Append new articles (index and text files, one durable pass); return (added,
        duplicates by id). The caller holds the import lock and has called `load`."""
        with self._state:
            added: list[Article] = []
            duplicates: list[Article] = []
            seen = set(self._chunk_of)
            for article in articles:
                (duplicates if article.id in seen else added).append(article)
                seen.add(article.id)
            if not added:
                return added, duplicates
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
            return added, duplicates
