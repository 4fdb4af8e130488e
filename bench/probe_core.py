"""Probes without a window; each prints one JSON line (run by run_all.py, or by hand).

  python bench/probe_core.py prepare --n 5000 --project DIR   # build a prepared project
  python bench/probe_core.py save --project DIR [--edits 200] # one edit until fsync'd on disk
  python bench/probe_core.py suggest --n 5000 [--runs 3]      # built-in suggester throughput

`prepare` imports the corpus with the real CLI, then accepts the built-in suggestions of
ACCEPT_SHARE of the articles (one in three of those marked done) through the real store,
unsynced to keep it quick; the long article is left untouched for the window probes.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    ACCEPT_SHARE,
    ANNOTATOR,
    annotator_cli,
    corpus_files,
    corpus_texts,
    env,
)


def prepare(n: int, project_dir: Path) -> dict:
    from annotator.core.commands import AcceptAll, SetStatus
    from annotator.core.model import ArticleStatus
    from annotator.nlp.builtin import BuiltinSuggester
    from annotator.store.session import open_project

    cmd = [*annotator_cli(), "import", *map(str, corpus_files(n)), "--project", str(project_dir),
           "--annotator", ANNOTATOR]
    subprocess.run(cmd, check=True, env=env(), stdout=subprocess.DEVNULL)
    project, store = open_project(project_dir, ANNOTATOR, sync=False)
    ids = [aid for aid in project.article_ids if len(project.text(aid)) < 20_000]
    chosen = [aid for i, aid in enumerate(ids) if i % 10 < round(ACCEPT_SHARE * 10)]
    suggester = BuiltinSuggester()
    spans_total = 0
    for offset in range(0, len(chosen), 64):
        batch = chosen[offset : offset + 64]
        texts = [project.text(aid) for aid in batch]
        for i, (aid, spans) in enumerate(zip(batch, suggester.suggest_many(texts), strict=True)):
            project.merge_suggestions(aid, spans)
            AcceptAll(aid).do(project)
            spans_total += len(project.annotation_set(aid).spans)
            if (offset + i) % 3 == 0:
                SetStatus(aid, ArticleStatus.DONE).do(project)
    ok = store.close(timeout=120.0)
    return {"articles": len(project), "accepted_articles": len(chosen), "spans": spans_total,
            "saved": ok}


def save(project_dir: Path, edits: int, spacing: float) -> dict:
    """bench_save's measurement: spaced single edits, each timed until its shard is fsync'd."""
    from bench_save import edit_once

    from annotator.store.session import open_project

    project, store = open_project(project_dir, ANNOTATOR)
    saved_at: list[tuple[int, float]] = []
    store.on_saved = lambda seq: saved_at.append((seq, time.perf_counter()))
    writer = store.writer
    assert writer is not None
    rng = random.Random(1)
    ids = [aid for aid in project.article_ids if len(project.text(aid)) < 20_000]
    targets = [rng.choice(ids) for _ in range(edits)]
    ui: list[float] = []
    submitted: list[tuple[int, float]] = []
    for article_id in targets:
        cmd = edit_once(project, rng, article_id)  # the text load happens here, untimed
        t0 = time.perf_counter()
        cmd.do(project)  # notifies the store: snapshot, serialise, hand to the writer thread
        ui.append(time.perf_counter() - t0)
        submitted.append((writer.submitted_seq, t0))
        time.sleep(max(0.0, spacing - (time.perf_counter() - t0)))
    assert store.flush(60.0), "the writer did not finish"
    latency = [next(t for s, t in saved_at if s >= seq) - t0 for seq, t0 in submitted]
    shard_bytes = [store.shard_file(aid).stat().st_size for aid in targets]
    corpus_bytes = sum(p.stat().st_size for p in (project_dir / "articles").glob("*.json"))
    shards = sum(1 for _ in (project_dir / "annotations").rglob("*.json"))
    result = {
        "articles": len(project),
        "shards": shards,
        "ui_s": ui,
        "latency_s": latency,
        "write_s": list(writer.write_times),
        "writes": writer.writes,
        "shard_bytes": shard_bytes,
        "corpus_bytes": corpus_bytes,
    }
    store.close()
    return result


def suggest(n: int, runs: int) -> dict:
    texts = corpus_texts(n)
    t0 = time.perf_counter()
    from annotator.nlp.builtin import BuiltinSuggester

    t1 = time.perf_counter()
    suggester = BuiltinSuggester()
    t2 = time.perf_counter()
    list(suggester.suggest_many(texts[:50]))  # first-call costs (lazy tables) are not per-article
    rates, spans = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        results = list(suggester.suggest_many(texts))
        rates.append(len(texts) / (time.perf_counter() - started))
        spans = sum(len(r) for r in results)
    return {"import_s": t1 - t0, "construct_s": t2 - t1, "rates": rates, "articles": len(texts),
            "spans": spans}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="probe", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--n", type=int, default=5000)
    p.add_argument("--project", type=Path, required=True)
    p = sub.add_parser("save")
    p.add_argument("--project", type=Path, required=True)
    p.add_argument("--edits", type=int, default=200)
    p.add_argument("--spacing", type=float, default=0.05, help="seconds between edits")
    p = sub.add_parser("suggest")
    p.add_argument("--n", type=int, default=5000)
    p.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.probe == "prepare":
        result = prepare(args.n, args.project)
    elif args.probe == "save":
        result = save(args.project, args.edits, args.spacing)
    else:
        result = suggest(args.n, args.runs)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
