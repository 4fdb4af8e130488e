"""Per-article suggestion cache in the project folder, one folder per source signature.

<project>/cache/suggestions-<signature[:16]>/source.json names the source; chunk-NNNN.json
holds {"articles": {article_id: [[start, end, label(, kb_id)], ...]}} for the articles at
positions NNNN*500 .. +499. Files are replaced atomically, a few times a second at most, so
an interrupted run keeps what it wrote and the next run computes only what is missing.
Article texts never change (the id is their hash), so an entry stays valid for its source.
A damaged chunk is ignored and recomputed. Sources that are not cacheable (propagation) are
computed live by `suggest_articles`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.model import Origin, Span
from annotator.nlp.sources import SuggestionSource, combine_named
from annotator.store.atomic import StoreError, read_json, write_json_atomic

if TYPE_CHECKING:
    from annotator.core.project import Project

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
CACHE = "cache"
PREFIX = "suggestions-"
CHUNK_SIZE = 500
INFO = "source.json"
AUTO_PROCESSES_FROM = 2000  # articles to compute before `processes=0` uses several processes
MAX_AUTO_PROCESSES = 4


def cache_root(project_root: Path) -> Path:
    return Path(project_root) / CACHE


class SuggestionCache:
    """The cached suggestions of one source (by signature) for one project."""

    def __init__(self, project_root: Path, name: str, signature: str, origin: Origin,
                 chunk_size: int = CHUNK_SIZE, sync: bool = True) -> None:
        self.folder = cache_root(project_root) / f"{PREFIX}{signature[:16]}"
        self.name, self.signature, self.origin = name, signature, origin
        self.chunk_size = chunk_size
        self.sync = sync
        self._chunks: dict[int, dict[str, list[list[Any]]]] = {}
        self._where: dict[str, int] = {}
        self._dirty: set[int] = set()
        self._loaded = False

    @classmethod
    def for_source(cls, project_root: Path, source: SuggestionSource, **kw: Any) -> SuggestionCache:
        return cls(project_root, source.name, source.signature(), source.origin, **kw)

    def chunk_file(self, chunk: int) -> Path:
        return self.folder / f"chunk-{chunk:04d}.json"

    def load(self) -> SuggestionCache:
        """Read every chunk written so far (once); damaged chunks are skipped."""
        if self._loaded:
            return self
        self._loaded = True
        for path in sorted(self.folder.glob("chunk-*.json")):
            try:
                chunk = int(path.stem.split("-")[1])
                data = read_json(path)
                articles = data.get("articles") if isinstance(data, dict) else None
            except (StoreError, ValueError, IndexError) as exc:
                log.warning("suggestion cache: %s ignored (%s)", path, exc)
                continue
            if not isinstance(articles, dict):
                continue
            self._chunks[chunk] = articles
            for article_id in articles:
                self._where[article_id] = chunk
        return self

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.load()._where

    def __len__(self) -> int:
        return len(self.load()._where)

    def get(self, article_id: str) -> list[Span] | None:
        """The cached suggestions of an article, None when not cached."""
        chunk = self.load()._where.get(article_id)
        if chunk is None:
            return None
        try:
            return [Span(int(r[0]), int(r[1]), str(r[2]), self.origin,
                         r[3] if len(r) > 3 else None) for r in self._chunks[chunk][article_id]]
        except (TypeError, ValueError, IndexError):
            return None

    def put(self, article_id: str, position: int, spans: Sequence[Span]) -> None:
        """Remember an article's suggestions (written by the next `flush`)."""
        chunk = self.load()._where.get(article_id, position // self.chunk_size)
        rows = [[s.start, s.end, s.label, *([s.kb_id] if s.kb_id else [])] for s in spans]
        self._chunks.setdefault(chunk, {})[article_id] = rows
        self._where[article_id] = chunk
        self._dirty.add(chunk)

    def flush(self) -> int:
        """Write the changed chunks atomically; return how many files were written."""
        if not self._dirty:
            return 0
        if not (self.folder / INFO).is_file():
            write_json_atomic(self.folder / INFO, {"source": self.name, "origin": str(
                self.origin), "signature": self.signature, "created": time.time()},
                sync=self.sync, indent=True)
        written = 0
        for chunk in sorted(self._dirty):
            write_json_atomic(self.chunk_file(chunk), {"articles": self._chunks[chunk]},
                              sync=self.sync)
            written += 1
        self._dirty.clear()
        return written


@dataclass
class CacheRun:
    """What `precompute` did."""

    source: str
    folder: Path
    computed: int = 0
    reused: int = 0
    spans: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    processes: int = 1

    @property
    def per_second(self) -> float:
        return self.computed / self.seconds if self.seconds > 0 else 0.0


def precompute(
    project: Project, project_root: Path, source: SuggestionSource, *,
    article_ids: Sequence[str] | None = None, progress: Progress | None = None,
    cancelled: Cancelled | None = None, batch_size: int = 64, flush_seconds: float = 2.0,
    sync: bool = True, processes: int = 1,
) -> CacheRun:
    """Suggest for every article not cached yet for this source, in batches; resumable.

    `processes` > 1 runs the source in that many worker processes (each loads its own
    model: worth it for thousands of articles); 0 picks that by itself.
    """
    started = time.perf_counter()
    cache = SuggestionCache.for_source(project_root, source, sync=sync).load()
    ids = list(article_ids if article_ids is not None else project.article_ids)
    todo = [i for i in ids if i not in cache]
    run = CacheRun(source.name, cache.folder, reused=len(ids) - len(todo))
    if processes <= 0:
        processes = min(_cpus(), MAX_AUTO_PROCESSES) if len(todo) >= AUTO_PROCESSES_FROM else 1
    run.processes = processes
    if progress:
        progress(run.reused, len(ids))
    last_flush = time.monotonic()
    try:
        for batch, found in _computed(project, source, todo, batch_size, processes, cancelled):
            for article_id, spans in zip(batch, found, strict=True):
                cache.put(article_id, project.position(article_id), spans)
                run.spans += len(spans)
            run.computed += len(batch)
            if time.monotonic() - last_flush >= flush_seconds:
                cache.flush()
                last_flush = time.monotonic()
            if progress:
                progress(run.reused + run.computed, len(ids))
        run.cancelled = run.computed < len(todo)
    finally:
        cache.flush()
        run.seconds = time.perf_counter() - started
    return run


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


_worker_source: SuggestionSource | None = None


def _init_worker(source: SuggestionSource) -> None:
    global _worker_source
    _worker_source = source


def _work(texts: list[str], batch_size: int) -> list[list[Span]]:
    assert _worker_source is not None
    return list(_worker_source.suggest_many(texts, batch_size))


def _computed(
    project: Project, source: SuggestionSource, todo: list[str], batch_size: int,
    processes: int, cancelled: Cancelled | None,
) -> Iterator[tuple[list[str], list[list[Span]]]]:
    """(article ids, their suggestions) batch by batch, in order, until cancelled."""
    batches = [todo[i : i + batch_size] for i in range(0, len(todo), batch_size)]
    if processes <= 1:
        for batch in batches:
            if cancelled and cancelled():
                return
            yield batch, list(source.suggest_many([project.text(i) for i in batch], batch_size))
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_init_worker,
                             initargs=(source,)) as pool:
        pending: deque[tuple[list[str], Future[list[list[Span]]]]] = deque()
        waiting = iter(batches)
        try:
            while True:
                while len(pending) < 2 * processes and (batch := next(waiting, None)):
                    texts = [project.text(i) for i in batch]
                    pending.append((batch, pool.submit(_work, texts, batch_size)))
                if not pending or (cancelled and cancelled()):
                    return
                batch, future = pending.popleft()
                yield batch, future.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class Suggested:
    """One article's combined suggestions and the source of each."""

    article_id: str
    spans: list[Span]
    sources: list[str] = field(default_factory=list)  # parallel to spans


def suggest_articles(
    project: Project, project_root: Path, sources: Sequence[SuggestionSource],
    article_ids: Sequence[str], *, cancelled: Cancelled | None = None, batch_size: int = 32,
    sync: bool = True,
) -> Iterator[Suggested]:
    """Combined suggestions per article (priority = order of `sources`), cache first.

    Cacheable sources read the cache and store what they compute; the others run live.
    Stops quietly when `cancelled()`; what was computed is on disk.
    """
    caches = [SuggestionCache.for_source(project_root, s, sync=sync).load() if s.cacheable
              else None for s in sources]
    last_flush = time.monotonic()
    try:
        # the first article (the one on screen) alone, so it does not wait for a batch
        bounds = [0, *range(1, len(article_ids), batch_size), len(article_ids)]
        for offset, stop in zip(bounds, bounds[1:], strict=False):
            if cancelled and cancelled():
                return
            batch = list(article_ids[offset:stop])
            texts = [project.text(i) for i in batch]
            per_source = [_batch(project, s, c, batch, texts) for s, c in zip(sources, caches,
                                                                              strict=True)]
            for i, article_id in enumerate(batch):
                named = [(s.name, found[i]) for s, found in zip(sources, per_source, strict=True)]
                pairs = combine_named(named)
                yield Suggested(article_id, [p[1] for p in pairs], [p[0] for p in pairs])
            if time.monotonic() - last_flush >= 2.0:
                for cache in caches:
                    if cache is not None:
                        cache.flush()
                last_flush = time.monotonic()
    finally:
        for cache in caches:
            if cache is not None:
                cache.flush()


def _batch(project: Project, source: SuggestionSource, cache: SuggestionCache | None,
           ids: list[str], texts: list[str]) -> list[list[Span]]:
    """One source's suggestions for a batch: cached ones read, the rest computed (and kept)."""
    found: list[list[Span] | None] = [cache.get(i) if cache is not None else None for i in ids]
    missing = [n for n, spans in enumerate(found) if spans is None]
    if missing:
        computed = source.suggest_many([texts[n] for n in missing], max(1, len(missing)))
        for n, spans in zip(missing, computed, strict=True):
            found[n] = spans
            if cache is not None:
                cache.put(ids[n], project.position(ids[n]), spans)
    return [spans or [] for spans in found]


def cached_folders(project_root: Path) -> list[tuple[Path, dict[str, Any]]]:
    """(folder, source.json) of every suggestion cache of the project."""
    out = []
    for folder in sorted(cache_root(project_root).glob(f"{PREFIX}*")):
        try:
            info = read_json(folder / INFO)
        except StoreError:
            info = None
        out.append((folder, info if isinstance(info, dict) else {}))
    return out


def prune(project_root: Path, keep: Sequence[str]) -> int:
    """Delete the caches whose signature is not in `keep`; return how many were deleted."""
    wanted = {f"{PREFIX}{s[:16]}" for s in keep}
    removed = 0
    for folder, _ in cached_folders(project_root):
        if folder.name not in wanted:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
