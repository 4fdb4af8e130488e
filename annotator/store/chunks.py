"""Article texts in chunk files: where new articles go, and the lock that serialises imports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from annotator.core.model import Article
from annotator.store.atomic import StoreError, read_tables, write_error

Chunks = dict[int, dict[str, dict[str, str]]]  # chunk number -> TinyDB "texts" table
IMPORT_WAIT = 60.0  # seconds an import waits for another window's import to finish


def place(
    last: int, chunk_file: Callable[[int], Path], added: list[Article], size: int
) -> tuple[Chunks, list[tuple[Article, int]]]:
    """Append to chunk `last` (-1: none yet) while it has room, then open new chunks."""
    chunks: Chunks = {}
    current = last
    if current >= 0:
        existing = (read_tables(chunk_file(current)) or {}).get("texts") or {}
        if len(existing) < size:
            chunks[current] = dict(existing)
    if current not in chunks:
        current += 1
        chunks[current] = {}
    next_id = max((int(k) for k in chunks[current]), default=0) + 1
    placed: list[tuple[Article, int]] = []
    for article in added:
        if len(chunks[current]) >= size:
            current, next_id = current + 1, 1
            chunks[current] = {}
        chunks[current][str(next_id)] = {"id": article.id, "text": article.text}
        next_id += 1
        placed.append((article, current))
    return chunks, placed


@contextmanager
def import_lock(root: Path) -> Iterator[None]:
    """Hold `locks/articles.lock`: one window at a time rewrites the index and chunk files."""
    lock = FileLock(root / "locks" / "articles.lock", timeout=IMPORT_WAIT, thread_local=False)
    try:
        lock.acquire()
    except Timeout as exc:
        raise StoreError(f"Another window is importing into {root}; try again.", root) from exc
    except OSError as exc:
        raise write_error("import articles", exc) from exc
    try:
        yield
    finally:
        lock.release()
