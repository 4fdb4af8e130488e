"""Benchmark saving: import 5,000 articles, then time single edits and their durable save.

  python bench/bench_save.py [--n 5000] [--edits 200] [--gen PATH] [--dir DIR]

For a five-seed project and the benchmark corpus it prints, in ms, the UI-thread cost of one
edit (command + save_set), the durable save latency (edit start until the writer has fsync'd
the shard), the writer's per-shard write time, plus import time and open time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from annotator.core.commands import AddSpan
from annotator.core.model import Article, Span
from annotator.core.project import Project
from annotator.store.project_store import ProjectStore
from annotator.store.session import open_project


class HasFileno(Protocol):
    def fileno(self) -> int: ...


ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GEN = Path(__file__).resolve().parents[2] / "shared" / "bench" / "gen_corpus.py"
LABELS = ["PER", "ORG", "GPE", "LOC", "FAC", "WEAPON", "EVENT"]
WORD = re.compile(r"\w[\w-]*")


def _ms(values: Sequence[float]) -> str:
    """Median and p95 of seconds, printed in ms."""
    if not values:
        return "n/a"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1e3:7.3f} ms   p95 {p95 * 1e3:7.3f} ms"


def seed_articles() -> list[Article]:
    """The demo seeds: title = first non-empty line, text = the whole file."""
    articles = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        title = next((line.strip() for line in text.splitlines() if line.strip()), path.stem)
        articles.append(Article.from_text(text, title, {"source": path.name}))
    return articles


def corpus_articles(gen: Path, n: int, out: Path) -> list[Article]:
    """Generate the benchmark corpus with the shared generator and read its JSONL files."""
    cmd = [sys.executable, str(gen), "--n", str(n), "--seed", "0", "--out", str(out)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    articles = []
    for name in ("corpus.jsonl", "long.jsonl"):
        with open(out / name, encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                meta = record.get("meta", {})
                source = {"source": name, "corpus_id": meta.get("id")}
                articles.append(Article.from_text(record["text"], meta.get("title", ""), source))
    return articles


def build(root: Path, articles: list[Article]) -> float:
    """Create a project holding `articles`; return the import time in seconds."""
    started = time.perf_counter()
    with ProjectStore(root, "bench") as store:
        added, _ = store.add_articles(articles)
    elapsed = time.perf_counter() - started
    assert len(added) == len({a.id for a in articles})
    return elapsed


def edit_once(project: Project, rng: random.Random, article_id: str) -> AddSpan:
    """A span over a random word of the article, as an analyst would add it."""
    words = list(WORD.finditer(project.text(article_id)))
    word = rng.choice(words)
    return AddSpan(article_id, Span(word.start(), word.end(), rng.choice(LABELS)))


def run_edits(root: Path, edits: int, spacing: float, label: str) -> None:
    """Time `edits` spaced single edits, then a back-to-back burst of the same size."""
    started = time.perf_counter()
    project, store = open_project(root, "bench")
    open_s = time.perf_counter() - started
    saved_at: list[tuple[int, float]] = []
    store.on_saved = lambda seq: saved_at.append((seq, time.perf_counter()))
    rng = random.Random(1)
    ids = project.article_ids
    targets = [rng.choice(ids) for _ in range(edits)]
    started = time.perf_counter()
    project.text(targets[0])
    first_text_s = time.perf_counter() - started
    writer = store.writer
    assert writer is not None

    ui: list[float] = []
    submitted: list[tuple[int, float]] = []
    for article_id in targets:
        cmd = edit_once(project, rng, article_id)  # text loads happen here, outside the timing
        t0 = time.perf_counter()
        cmd.do(project)  # notifies the store: snapshot + submit to the writer thread
        ui.append(time.perf_counter() - t0)
        submitted.append((writer.submitted_seq, t0))
        time.sleep(max(0.0, spacing - (time.perf_counter() - t0)))
    assert store.flush(30.0)
    latency = [next(t for s, t in saved_at if s >= seq) - t0 for seq, t0 in submitted]
    shard_writes = list(writer.write_times)

    writes_before = writer.writes
    burst = [edit_once(project, rng, a) for a in targets]
    t0 = time.perf_counter()
    for cmd in burst:
        cmd.do(project)
    burst_ui = time.perf_counter() - t0
    assert store.flush(30.0)
    burst_total = time.perf_counter() - t0
    burst_writes = writer.writes - writes_before
    assert store.close()

    started = time.perf_counter()
    reopened, store = open_project(root, "bench")
    reopen_s = time.perf_counter() - started
    store.close()
    print(f"\n== {label}: {len(ids)} articles, {len(reopened.sets_of())} saved sets")
    print(f"  open_project (no sets)           {open_s * 1e3:9.1f} ms")
    print(f"  open_project (with saved sets)   {reopen_s * 1e3:9.1f} ms")
    print(f"  first text load (one chunk)      {first_text_s * 1e3:9.1f} ms")
    print(f"  edit + save_set, UI thread       {_ms(ui)}")
    gap = f"({edits} edits, {spacing * 1e3:.0f} ms apart)"
    print(f"  durable save latency per edit    {_ms(latency)}   {gap}")
    print(f"  shard write (temp+fsync+rename)  {_ms(shard_writes)}")
    print(
        f"  burst of {edits} edits back to back: UI {burst_ui * 1e3:.1f} ms total, "
        f"{burst_writes} shard writes, all durable after {burst_total * 1e3:.1f} ms"
    )


def slow_fsync(delay: float) -> None:
    """Make every os.fsync take `delay` seconds longer (file and directory syncs alike)."""
    real = os.fsync

    def fsync(fd: int | HasFileno) -> None:
        real(fd)
        time.sleep(delay)

    os.fsync = fsync


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="articles in the benchmark corpus")
    parser.add_argument("--gen", type=Path, default=DEFAULT_GEN, help="path to gen_corpus.py")
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--spacing", type=float, default=0.05, help="seconds between edits")
    parser.add_argument("--dir", type=Path, default=None, help="where to put the temp projects")
    parser.add_argument(
        "--fsync-delay",
        type=float,
        default=0.0,
        help="extra ms per os.fsync call, to imitate a slower disk than this one",
    )
    args = parser.parse_args(argv)
    if args.fsync_delay > 0:
        slow_fsync(args.fsync_delay / 1e3)
    if not args.gen.is_file():
        parser.error(f"corpus generator not found: {args.gen} (use --gen PATH)")
    args.dir and args.dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-save-", dir=args.dir) as tmp:
        work = Path(tmp)
        extra = f", +{args.fsync_delay:g} ms per fsync" if args.fsync_delay else ""
        print(f"Python {sys.version.split()[0]}, projects in {work}{extra}")
        seeds = seed_articles()
        build(work / "seeds", seeds)
        run_edits(work / "seeds", args.edits, args.spacing, f"seeds ({len(seeds)} articles)")

        started = time.perf_counter()
        articles = corpus_articles(args.gen, args.n, work / "corpus")
        gen_s = time.perf_counter() - started
        import_s = build(work / "big", articles)
        chunks = len(list((work / "big" / "articles").glob("chunk-*.json")))
        size = sum(p.stat().st_size for p in (work / "big").rglob("*") if p.is_file())
        print(
            f"\n== import: {len(articles)} articles ({size / 1e6:.1f} MB on disk, {chunks} chunk "
            f"files) in {import_s * 1e3:.0f} ms (corpus generated + parsed in {gen_s:.1f} s)"
        )
        run_edits(work / "big", args.edits, args.spacing, f"benchmark corpus (--n {args.n})")


if __name__ == "__main__":
    main()
