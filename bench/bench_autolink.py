"""Benchmark auto-linking: quality on the hand-linked check set, speed on the 5,000 articles.

  python bench/bench_autolink.py [--check bench/linkcheck_seeds.jsonl] [--verbose]
                                 [--relabel MAP] [--n 5000] [--corpus DIR] [--skip-speed]
                                 [--store]

(a) Quality. bench/linkcheck_seeds.jsonl holds lines {"article", "text"} (extra hand-written
    articles: other Kims beside South Korean context) and lines {"article", "start", "end",
    "surface", "label", "entity"}: mentions in the seed articles (seeds/*.txt, offsets into the
    file text) and the extras with their gold entity. The seeds and extras are imported into
    a temporary project, the mentions become unlinked accepted spans of annotator "bench",
    auto-link runs, and the kb_ids it gave are scored against the gold entities with MUC, B³,
    CEAF-e and CoNLL, beside the baseline "same lower-cased text = same entity". --relabel
    renames labels first (another scheme's names: PER=PERSON,ORG=ORGANISATION,GPE=PLACE).
(b) Speed. The corpus of gen_corpus.py (../shared/bench: 5,000 articles and the long one)
    with every built-in suggestion accepted (unlinked) for one annotator: plan time, apply
    time (the undoable command) and undo time, in memory; with --store also the command
    `annotator link --auto` end to end on a project folder holding those spans (load, plan,
    link, save every changed article with fsync).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from common import coref_table

from annotator.core.annotations import AnnotationSet
from annotator.core.autolink import autolink_command, plan_autolink
from annotator.core.coref_metrics import scores
from annotator.core.labels import LabelScheme
from annotator.core.model import Article, ArticleInfo, ArticleStatus, Span
from annotator.core.project import Project
from annotator.store.project_store import ProjectStore

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CHECK = ROOT / "bench" / "linkcheck_seeds.jsonl"
DEFAULT_GEN = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
WHO = "bench"


def load_check(path: Path) -> tuple[dict[str, str], list[dict]]:
    extras, mentions = {}, []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        row = json.loads(line)
        if "text" in row:
            extras[row["article"]] = row["text"]
        else:
            row["line"] = n
            mentions.append(row)
    return extras, mentions


def check_project(extras: dict[str, str], mentions: list[dict], tmp: Path,
                  relabel: dict[str, str]) -> tuple[
        Project, ProjectStore, dict[tuple[str, int, int], dict]]:
    """Import seeds and extras into a project in `tmp`; the mentions as unlinked spans.

    The caller closes the store (its listeners save what auto-link changes)."""
    from annotator.io.importer import import_paths
    from annotator.store.session import open_project

    folder = tmp / "extras"
    folder.mkdir()
    for name, text in extras.items():
        (folder / name).write_text(text, encoding="utf-8")
    project, store = open_project(tmp / "project", WHO, create=True, sync=False)
    import_paths(project, store, [ROOT / "seeds", folder])
    by_source = {info.meta.get("source"): info.id for info in project.infos}
    gold: dict[tuple[str, int, int], dict] = {}
    spans: dict[str, list[Span]] = defaultdict(list)
    for row in mentions:
        aid = by_source[row["article"]]
        text = project.text(aid)
        if text[row["start"] : row["end"]] != row["surface"]:
            raise SystemExit(f"{DEFAULT_CHECK.name}:{row['line']}: offsets do not hold "
                             f"{row['surface']!r} in {row['article']}")
        label = relabel.get(row["label"], row["label"])
        spans[aid].append(Span(row["start"], row["end"], label))
        gold[(aid, row["start"], row["end"])] = row
    project.load_sets(AnnotationSet(aid, WHO, spans=sorted(s), status=ArticleStatus.DONE)
                      for aid, s in spans.items())
    return project, store, gold


def quality(args: argparse.Namespace) -> None:
    extras, mentions = load_check(args.check)
    with tempfile.TemporaryDirectory(prefix="bench_autolink_") as tmp:
        relabel = dict(pair.split("=", 1) for pair in args.relabel.split(",") if pair)
        project, store, gold = check_project(extras, mentions, Path(tmp), relabel)
        try:
            t0 = time.perf_counter()
            plan = plan_autolink(project, WHO)
            autolink_command(project, plan).do(project)
            elapsed = time.perf_counter() - t0
            got = {(aid, s.start, s.end): s.kb_id for aid, s in project.mentions()}
        finally:
            store.close()
    key = {m: row["entity"] for m, row in gold.items()}
    response = {m: got.get(m) or f"unlinked:{m}" for m in gold}
    baseline = {m: row["surface"].lower() for m, row in gold.items()}
    seeds = {m for m, row in gold.items() if row["article"] not in extras}
    print(f"(a) check set {args.check.name}: {len(gold)} mentions of "
          f"{len(set(key.values()))} entities in {len({m[0] for m in gold})} articles "
          f"({len(extras)} hand-written extras); auto-link took {elapsed * 1000:.0f} ms, "
          f"{len(plan.new_entities)} entities")
    print(coref_table({
        "same lower-cased text": scores(key, baseline),
        "auto-link": scores(key, response),
        "baseline, seeds only": scores({m: key[m] for m in seeds},
                                       {m: baseline[m] for m in seeds}),
        "auto-link, seeds only": scores({m: key[m] for m in seeds},
                                        {m: response[m] for m in seeds}),
    }))
    if args.verbose:
        explain(gold, response)


def explain(gold: dict[tuple[str, int, int], dict], response: dict) -> None:
    """Gold entities split over several auto entities, and auto entities mixing gold ones."""
    by_gold: dict[str, Counter[str]] = defaultdict(Counter)
    by_auto: dict[str, Counter[str]] = defaultdict(Counter)
    for m, row in gold.items():
        by_gold[row["entity"]][response[m]] += 1
        by_auto[response[m]][f"{row['entity']}:{row['surface']}"] += 1
    for entity, parts in sorted(by_gold.items()):
        if len(parts) > 1:
            print(f"  split  {entity}: {dict(parts)}")
    for auto, parts in sorted(by_auto.items()):
        if len({p.split(':')[0] for p in parts}) > 1:
            print(f"  merged {auto}: {dict(parts)}")


def read_corpus(folder: Path) -> dict[str, str]:
    """The 5,000 articles of corpus.jsonl and the long one of long.jsonl, by article id."""
    texts = {}
    for name in ("corpus.jsonl", "long.jsonl"):
        path = folder / name
        for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
            text = json.loads(line)["text"]
            texts.setdefault(Article.from_text(text).id, text)
    return texts


def speed(args: argparse.Namespace) -> None:
    from annotator.nlp.builtin import BuiltinSuggester

    with tempfile.TemporaryDirectory(prefix="bench_autolink_corpus_") as tmp:
        corpus = Path(args.corpus) if args.corpus else Path(tmp)
        if not args.corpus:
            subprocess.run([sys.executable, str(DEFAULT_GEN), "--n", str(args.n), "--seed", "0",
                            "--out", str(corpus)], check=True, capture_output=True)
        texts = read_corpus(corpus)
        t0 = time.perf_counter()
        found = dict(zip(texts, BuiltinSuggester().suggest_many(texts.values()), strict=True))
        t_suggest = time.perf_counter() - t0
        project = Project(WHO, LabelScheme.default(), texts.__getitem__,
                          [ArticleInfo(aid, f"article {n}") for n, aid in enumerate(texts)])
        project.load_sets(AnnotationSet(aid, WHO, spans=sorted(spans))
                          for aid, spans in found.items())
        n_spans = sum(map(len, found.values()))
        t0 = time.perf_counter()
        plan = plan_autolink(project)
        t_plan = time.perf_counter() - t0
        t0 = time.perf_counter()
        command = autolink_command(project, plan)
        command.do(project)
        t_do = time.perf_counter() - t0
        t0 = time.perf_counter()
        command.undo(project)
        t_undo = time.perf_counter() - t0
        print(f"\n(b) {len(texts)} articles, {n_spans} accepted suggestions (suggester "
              f"{t_suggest:.1f} s, setup)")
        print(f"plan          {t_plan:8.2f} s  ({len(plan.links)} links, "
              f"{len(plan.new_entities)} new entities)")
        print(f"apply         {t_do:8.2f} s  (one undoable command)")
        print(f"undo          {t_undo:8.2f} s")
        print(f"total         {t_plan + t_do:8.2f} s  (goal: under 30 s)")
        if args.store:
            store_run(corpus, found, Path(tmp))


def store_run(corpus: Path, found: dict[str, list[Span]], tmp: Path) -> None:
    """`annotator link --auto` end to end on a project folder holding the accepted spans."""
    from annotator.cli import main as cli_main
    from annotator.store.project_store import ProjectStore

    root = tmp / "store-project"
    with ProjectStore(root, WHO, create=True, sync=False) as store:
        texts = read_corpus(corpus)
        store.add_articles(Article.from_text(t, f"article {n}") for n, t in
                           enumerate(texts.values()))
        for aid, spans in found.items():
            store.save_set(AnnotationSet(aid, WHO, spans=sorted(spans),
                                         status=ArticleStatus.IN_PROGRESS))
        assert store.flush(timeout=600)
    t0 = time.perf_counter()
    code = cli_main(["link", "--auto", "--project", str(root), "--annotator", WHO])
    print(f"annotator link --auto (project folder, fsync'd saves): "
          f"{time.perf_counter() - t0:.2f} s, exit code {code}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=Path, default=DEFAULT_CHECK)
    parser.add_argument("--verbose", action="store_true", help="list split and merged entities")
    parser.add_argument("--relabel", default="", metavar="MAP",
                        help="rename check-set labels first, e.g. PER=PERSON,GPE=PLACE")
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--corpus", help="folder holding corpus.jsonl (default: generate)")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--store", action="store_true",
                        help="also time `annotator link --auto` on a project folder")
    args = parser.parse_args()
    quality(args)
    if not args.skip_speed:
        speed(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
