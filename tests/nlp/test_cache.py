"""The per-article suggestion cache: written atomically, resumable, keyed by source signature."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from annotator.core.model import Article, Origin, Span
from annotator.core.project import Project
from annotator.nlp.cache import (
    SuggestionCache,
    cached_folders,
    precompute,
    prune,
    suggest_articles,
)
from annotator.store.session import open_project


class Counting:
    """Suggests a span over the text's first word; counts the texts it saw."""

    origin = Origin.MODEL

    def __init__(self, name: str = "count", version: str = "1", cacheable: bool = True) -> None:
        self.name, self.version, self.cacheable = name, version, cacheable
        self.seen = 0

    def signature(self) -> str:
        return f"{self.name}-{self.version}-0123456789abcdef"

    def suggest_many(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Span]]:
        for text in texts:
            self.seen += 1
            yield [Span(0, text.index(" "), "PER", self.origin, "q1" if "7" in text else None)]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A project of 23 small articles."""
    project, store = open_project(tmp_path / "p", "ayu", sync=False, window=0.0)
    articles = [Article.from_text(f"Artikel{i} nomor {i} tentang Jakarta.", f"A{i}")
                for i in range(23)]
    store.add_articles(articles)
    project.add_infos(store.article_infos())
    yield project
    store.close()


def root_of(project: Project, tmp_path: Path) -> Path:
    return tmp_path / "p"


def test_precompute_then_resume_computes_nothing(project: Project, tmp_path: Path) -> None:
    root = root_of(project, tmp_path)
    source = Counting()
    steps: list[tuple[int, int]] = []
    run = precompute(project, root, source, batch_size=5, sync=False,
                     progress=lambda d, t: steps.append((d, t)))
    assert (run.computed, run.reused, run.spans) == (23, 0, 23) and source.seen == 23
    assert steps[0] == (0, 23) and steps[-1] == (23, 23)
    again = precompute(project, root, source, sync=False)
    assert (again.computed, again.reused) == (0, 23) and source.seen == 23
    cache = SuggestionCache.for_source(root, source).load()
    first = project.article_ids[0]
    assert cache.get(first) == [Span(0, 8, "PER", Origin.MODEL)]
    assert cache.get(project.article_ids[7])[0].kb_id == "q1"
    assert not list(run.folder.glob(".*.tmp"))
    [(folder, info)] = cached_folders(root)
    assert folder == run.folder and info["source"] == "count" and info["origin"] == "model"


def test_cancelled_run_resumes_where_it_stopped(project: Project, tmp_path: Path) -> None:
    root = root_of(project, tmp_path)
    source = Counting()
    calls = iter(range(100))
    run = precompute(project, root, source, batch_size=4, cancelled=lambda: next(calls) >= 2,
                     sync=False)
    assert run.cancelled and run.computed == 8
    rest = precompute(project, root, source, batch_size=4, sync=False)
    assert (rest.computed, rest.reused) == (15, 8) and source.seen == 23


def test_chunks_follow_article_positions(project: Project, tmp_path: Path) -> None:
    root = root_of(project, tmp_path)
    cache = SuggestionCache(root, "x", "f" * 40, Origin.MODEL, chunk_size=10, sync=False)
    for position, article_id in enumerate(project.article_ids):
        cache.put(article_id, position, [])
    assert cache.flush() == 3 and cache.flush() == 0
    assert sorted(p.name for p in cache.folder.glob("chunk-*")) == [
        "chunk-0000.json", "chunk-0001.json", "chunk-0002.json"]
    reread = SuggestionCache(root, "x", "f" * 40, Origin.MODEL, chunk_size=10)
    assert len(reread) == 23 and reread.get(project.article_ids[22]) == []


def test_a_new_signature_gets_a_new_cache_and_prune_drops_old(
    project: Project, tmp_path: Path
) -> None:
    root = root_of(project, tmp_path)
    old, new = Counting(version="1"), Counting(version="2")
    precompute(project, root, old, sync=False)
    assert precompute(project, root, new, sync=False).computed == 23
    assert len(cached_folders(root)) == 2
    assert prune(root, [new.signature()]) == 1
    assert [f.name for f, _ in cached_folders(root)] == [f"suggestions-{new.signature()[:16]}"]


def test_damaged_chunk_is_recomputed(project: Project, tmp_path: Path) -> None:
    root = root_of(project, tmp_path)
    source = Counting()
    run = precompute(project, root, source, sync=False)
    (run.folder / "chunk-0000.json").write_text("{not json", encoding="utf-8")
    again = precompute(project, root, source, sync=False)
    assert again.computed == 23 and source.seen == 46


def test_suggest_articles_combines_cached_and_live_sources(
    project: Project, tmp_path: Path
) -> None:
    root = root_of(project, tmp_path)
    cached = Counting("cached")
    precompute(project, root, cached, sync=False)

    class Live(Counting):
        origin = Origin.PROPAGATED

        def suggest_many(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Span]]:
            for text in texts:
                self.seen += 1
                start = text.index("Jakarta")
                yield [Span(start, start + 7, "GPE", self.origin), Span(0, 3, "ORG", self.origin)]

    live = Live("propagation", cacheable=False)
    ids = project.article_ids
    results = list(suggest_articles(project, root, [live, cached], ids, batch_size=6, sync=False))
    assert cached.seen == 23 and live.seen == 23  # the cached source was not run again
    first = results[0]
    assert first.article_id == ids[0]
    assert [(s.label, name) for s, name in zip(first.spans, first.sources, strict=True)] == [
        ("ORG", "propagation"), ("GPE", "propagation")]  # higher priority wins the overlap
    swapped = next(suggest_articles(project, root, [cached, live], ids[:1], sync=False))
    assert [(s.label, n) for s, n in zip(swapped.spans, swapped.sources, strict=True)] == [
        ("PER", "cached"), ("GPE", "propagation")]


def test_suggest_articles_fills_the_cache_and_stops_when_cancelled(
    project: Project, tmp_path: Path
) -> None:
    root = root_of(project, tmp_path)
    source = Counting()
    flags = iter([False, False, True])
    got = list(suggest_articles(project, root, [source], project.article_ids, batch_size=5,
                                cancelled=lambda: next(flags), sync=False))
    assert len(got) == 6  # the first article alone (the one on screen), then a batch of 5
    assert [g.article_id for g in got] == project.article_ids[:6]
    assert len(SuggestionCache.for_source(root, source)) == 6


def test_worker_processes_give_the_same_cache(project: Project, tmp_path: Path) -> None:
    root = root_of(project, tmp_path)
    serial = precompute(project, root, Counting("serial"), sync=False)
    parallel = precompute(project, root, Counting("parallel"), batch_size=4, processes=2,
                          sync=False)
    assert (parallel.computed, parallel.processes, parallel.cancelled) == (23, 2, False)
    one = SuggestionCache.for_source(root, Counting("serial")).load()
    two = SuggestionCache.for_source(root, Counting("parallel")).load()
    assert serial.computed == 23
    assert all(one.get(i) == two.get(i) for i in project.article_ids)
    assert precompute(project, root, Counting("auto"), processes=0, sync=False).processes == 1
