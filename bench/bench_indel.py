"""Benchmark auto-linking on IndEL (Indonesian news linked to Wikidata), end to end via the CLI.

  python bench/bench_indel.py [--gold ../shared/eval/link-id/indel-dev/gold.jsonl]
                              [--verbose] [--limit N] [--labels suggested|consistent]
                              [--in-memory] [--keep DIR]

The gold records (our export shape, label "ENT", kb_id a Wikidata QID) lose their kb_ids and
are imported for one annotator into a temporary project (`annotator import`); then
`annotator link --auto` and `annotator export` run, and the exported links are scored against
the QIDs with MUC, B³, CEAF-e and CoNLL F1 (annotator/core/coref_metrics.py), beside the
baseline "same lower-cased text = same entity". --verbose lists gold entities split over
several auto entities and auto entities mixing gold ones, largest first (for finding patterns,
not single sentences to tune on). The data is for internal evaluation only and is never
committed: without ../shared/eval the benchmark says so and exits 0. --in-memory skips the
CLI and the project folder (the same plan, for quick tuning runs). --labels first gives each
mention the label of the built-in suggester's span over it (MISC when none): auto-link with
predicted entity types, as in the normal case; "consistent" then gives all mentions of a gold
entity the label most of them got, as a careful annotator would (types still predicted).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from common import coref_table

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT.parent / "shared" / "eval" / "link-id" / "indel-dev" / "gold.jsonl"
WHO = "indel"
Mention = tuple[str, int, int]  # (text, start, end)


def load_gold(path: Path) -> tuple[list[dict], dict[Mention, str], dict[Mention, str]]:
    """Records without kb_ids, the gold QID and the surface of every mention."""
    records, key, surface = [], {}, {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        spans = []
        for span in row.get("spans", []):
            m = (row["text"], span["start"], span["end"])
            if not span.get("kb_id"):
                raise SystemExit(f"{path}:{n}: a span without kb_id")
            key[m] = span["kb_id"]
            surface[m] = row["text"][span["start"] : span["end"]]
            spans.append({k: v for k, v in span.items() if k != "kb_id"})
        records.append({"text": row["text"], "meta": row.get("meta", {}), "spans": spans,
                        "answer": "accept"})
    return records, key, surface


def label_with_suggester(records: list[dict], key: dict[Mention, str] | None = None
                         ) -> Counter[str]:
    """Give each mention the label of the built-in suggester's span over it (the longest
    overlapping one), "MISC" when it has none: IndEL with predicted entity types. With `key`,
    every mention of a gold entity then gets the label most of them got: labels as consistent
    as a careful annotator's (the types still the suggester's)."""
    from annotator.nlp.builtin import BuiltinSuggester

    found = BuiltinSuggester().suggest_many(r["text"] for r in records)
    labels: Counter[str] = Counter()
    for record, spans in zip(records, found, strict=True):
        for span in record["spans"]:
            over = [s for s in spans if s.start < span["end"] and span["start"] < s.end]
            best = max(over, key=lambda s: min(s.end, span["end"]) - max(s.start, span["start"]),
                       default=None)
            span["label"] = best.label if best else "MISC"
    if key is not None:
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for record in records:
            for span in record["spans"]:
                votes[key[(record["text"], span["start"], span["end"])]][span["label"]] += 1
        for record in records:
            for span in record["spans"]:
                m = (record["text"], span["start"], span["end"])
                span["label"] = votes[key[m]].most_common(1)[0][0]
    labels.update(span["label"] for record in records for span in record["spans"])
    return labels


def run_cli(argv: list[str]) -> tuple[int, str]:
    """`annotator ARGV` in this process; exit code and what it printed."""
    from annotator.cli import main as cli_main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli_main(argv)
    return code, out.getvalue()


def link_end_to_end(records: list[dict], tmp: Path) -> tuple[dict[Mention, str], float]:
    """Import, `link --auto`, export; the kb_id of every exported span and the link time."""
    source, root, out = tmp / "indel.jsonl", tmp / "project", tmp / "export.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                      encoding="utf-8")
    common = ["--project", str(root), "--annotator", WHO]
    code, said = run_cli(["import", str(source), *common])
    if code:
        raise SystemExit(f"annotator import failed ({code}):\n{said}")
    t0 = time.perf_counter()
    code, said = run_cli(["link", "--auto", *common])
    elapsed = time.perf_counter() - t0
    if code:
        raise SystemExit(f"annotator link --auto failed ({code}):\n{said}")
    code, said = run_cli(["export", "--format", "jsonl", "--out", str(out), *common])
    if code:
        raise SystemExit(f"annotator export failed ({code}):\n{said}")
    got = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for span in row.get("spans", []):
            if span.get("kb_id"):
                got[(row["text"], span["start"], span["end"])] = span["kb_id"]
    return got, elapsed


def link_in_memory(records: list[dict]) -> tuple[dict[Mention, str], float]:
    """The same without the CLI and the project folder: plan and apply in memory (quicker)."""
    from annotator.core.annotations import AnnotationSet
    from annotator.core.autolink import autolink_command, plan_autolink
    from annotator.core.labels import LabelScheme
    from annotator.core.model import Article, ArticleInfo, Span
    from annotator.core.project import Project

    texts = {Article.from_text(r["text"]).id: r["text"] for r in records}
    project = Project(WHO, LabelScheme.default(), texts.__getitem__,
                      [ArticleInfo(aid, f"record {n}") for n, aid in enumerate(texts)])
    project.load_sets(AnnotationSet(Article.from_text(r["text"]).id, WHO, spans=sorted(
        Span(s["start"], s["end"], s["label"]) for s in r["spans"])) for r in records)
    t0 = time.perf_counter()
    autolink_command(project, plan_autolink(project, WHO)).do(project)
    elapsed = time.perf_counter() - t0
    return {(project.text(aid), s.start, s.end): s.kb_id or "" for aid, s in
            project.mentions()}, elapsed


def explain(key: dict[Mention, str], response: dict[Mention, str],
            surface: dict[Mention, str], limit: int) -> None:
    """Split gold entities and mixed auto entities, the most mentions first."""
    by_gold: dict[str, Counter[str]] = defaultdict(Counter)
    by_auto: dict[str, Counter[str]] = defaultdict(Counter)
    for m, qid in key.items():
        by_gold[qid][f"{response[m]}:{surface[m]}"] += 1
        by_auto[response[m]][f"{qid}:{surface[m]}"] += 1
    splits = [(e, p) for e, p in by_gold.items() if len({x.rsplit(':', 1)[0] for x in p}) > 1]
    merges = [(a, p) for a, p in by_auto.items() if len({x.split(':')[0] for x in p}) > 1]
    for word, rows in (("split ", splits), ("merged", merges)):
        rows.sort(key=lambda item: -sum(item[1].values()))
        print(f"-- {len(rows)} {word.strip()} --")
        for name, parts in rows[:limit]:
            print(f"  {word} {name}: {dict(parts.most_common())}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--verbose", action="store_true",
                        help="list split and merged entities, largest first")
    parser.add_argument("--limit", type=int, default=60, help="rows listed by --verbose")
    parser.add_argument("--labels", choices=("suggested", "consistent"),
                        help="label the mentions with the built-in suggester first (IndEL has "
                        "no types): as suggested, or consistent per gold entity (its mentions' "
                        "commonest suggested label)")
    parser.add_argument("--in-memory", action="store_true",
                        help="plan and apply in memory instead of the CLI (quicker, same links)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR (must not exist) and keep the project there")
    args = parser.parse_args()
    if not args.gold.exists():
        print(f"bench_indel: {args.gold} is absent (the IndEL data lives in ../shared/eval, "
              "outside the repository): skipped")
        return 0
    from annotator.core.coref_metrics import scores

    records, key, surface = load_gold(args.gold)
    if args.labels:
        found = label_with_suggester(records, key if args.labels == "consistent" else None)
        print(f"labels ({args.labels}) from the built-in suggester: {dict(found)}")
    if args.in_memory:
        got, elapsed = link_in_memory(records)
    elif args.keep:
        args.keep.mkdir(parents=True)
        got, elapsed = link_end_to_end(records, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="bench_indel_") as tmp:
            got, elapsed = link_end_to_end(records, Path(tmp))
    response = {m: got.get(m) or f"unlinked:{m}" for m in key}
    baseline = {m: s.casefold() for m, s in surface.items()}
    missing = sum(1 for m in key if m not in got)
    print(f"IndEL {args.gold.parent.name}: {len(records)} records, {len(key)} mentions of "
          f"{len(set(key.values()))} entities; link --auto {elapsed:.2f} s, "
          f"{len(set(got.values()))} entities, {missing} mention(s) unlinked")
    print(coref_table({"same lower-cased text": scores(key, baseline),
                 "auto-link": scores(key, response)}))
    if args.verbose:
        explain(key, response, surface, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
