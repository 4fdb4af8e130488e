"""Benchmark review diff and agreement figures on the generated 5,000-article corpus.

  python bench/bench_agreement.py [--n 5000] [--corpus DIR] [--rate 0.1] [--seed 0]

Annotator A is the built-in suggester's output on each article; annotator B is A with a
seeded `--rate` of spans perturbed, a fifth each: dropped, relabelled, boundary moved by a
token, linked to another entity, or kept with a made-up span added on a free token.
Times: suggester (setup), spaCy tokenization, diff_article over every article, and
project_agreement (diff + P/R/F + kappa + alpha) with tokens cached.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from annotator.core.agreement import project_agreement
from annotator.core.annotations import AnnotationSet
from annotator.core.model import ArticleStatus, Span
from annotator.core.review import Kind, conflict_counts, diff_article
from annotator.nlp.builtin import BuiltinSuggester
from annotator.nlp.tokens import tokenize
from annotator.review_cli import format_report

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GEN = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
LABELS = ["PER", "ORG", "GPE", "LOC", "FAC", "WEAPON", "EVENT"]
Tokens = list[tuple[int, int]]


def read_corpus(path: Path) -> dict[str, str]:
    texts = {}
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        texts[str(row.get("meta", {}).get("id", i))] = row["text"]
    return texts


def load_corpus(args: argparse.Namespace) -> dict[str, str]:
    if args.corpus:
        return read_corpus(Path(args.corpus) / "corpus.jsonl")
    with tempfile.TemporaryDirectory(prefix="bench_agreement_") as out:
        cmd = [sys.executable, str(DEFAULT_GEN), "--n", str(args.n), "--seed", "0", "--out", out]
        subprocess.run(cmd, check=True, capture_output=True)
        return read_corpus(Path(out) / "corpus.jsonl")


def perturb(spans: list[Span], tokens: Tokens, rng: random.Random, rate: float) -> list[Span]:
    """Annotator B: A's spans with a seeded fraction `rate` changed (see the module doc)."""
    out: list[Span] = []
    extra = 0
    for span in spans:
        if rng.random() >= rate:
            out.append(span)
            continue
        what = rng.choice(("drop", "label", "boundary", "link", "extra"))
        if what == "label":
            out.append(span.with_(label=rng.choice([x for x in LABELS if x != span.label])))
        elif what == "link":
            out.append(span.with_(kb_id=f"other-{rng.randrange(100)}"))
        elif what == "boundary":
            inner = [t for t in tokens if span.start < t[0] < span.end]
            if inner:  # drop the first token
                out.append(span.with_(start=inner[0][0]))
            else:  # or take the next token in
                after = [t for t in tokens if t[0] >= span.end][:1]
                out.append(span.with_(end=after[0][1]) if after else span)
        elif what == "extra":
            out.append(span)
            extra += 1
    taken = [(s.start, s.end) for s in out]
    free = [t for t in tokens if not any(a < t[1] and t[0] < b for a, b in taken)]
    for token in rng.sample(free, min(extra, len(free))):  # made up, with A's label mix
        out.append(Span(token[0], token[1], rng.choice(spans).label))
    return sorted(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--corpus", help="folder holding corpus.jsonl (default: generate)")
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    texts = load_corpus(args)
    print(f"{len(texts)} articles, {sum(map(len, texts.values())) / 1e6:.1f} M characters")

    t0 = time.perf_counter()
    suggester = BuiltinSuggester()
    a_spans = dict(zip(texts, suggester.suggest_many(texts.values()), strict=True))
    t_suggest = time.perf_counter() - t0

    t0 = time.perf_counter()
    tokens: dict[str, Tokens] = {}
    for aid, text in texts.items():
        tokens[aid] = [(s, e) for s, e, _ in tokenize(text) if not text[s:e].isspace()]
    t_tok = time.perf_counter() - t0

    rng = random.Random(args.seed)
    sets: dict[str, dict[str, AnnotationSet | None]] = {}
    for aid in texts:
        b = perturb(a_spans[aid], tokens[aid], rng, args.rate)
        sets[aid] = {
            "A": AnnotationSet(aid, "A", spans=sorted(a_spans[aid]), status=ArticleStatus.DONE),
            "B": AnnotationSet(aid, "B", spans=b, status=ArticleStatus.DONE),
        }

    t0 = time.perf_counter()
    counts = conflict_counts([])
    for aid in texts:
        counts.update(conflict_counts(diff_article(sets[aid])))
    t_diff = time.perf_counter() - t0

    t0 = time.perf_counter()
    report = project_agreement(sets, ["A", "B"], tokens.__getitem__)
    t_agree = time.perf_counter() - t0

    n_a = sum(len(s) for s in a_spans.values())
    print(f"A: {n_a} spans from the built-in suggester; B: {args.rate:.0%} perturbed, seed "
          f"{args.seed}")
    print(f"suggester     {t_suggest:8.2f} s  (setup, not measured)")
    print(f"tokenize      {t_tok:8.2f} s  ({report.tokens} tokens)")
    print(f"diff          {t_diff:8.2f} s  ({1000 * t_diff / len(texts):.3f} ms/article)")
    print(f"agreement     {t_agree:8.2f} s  ({1000 * t_agree / len(texts):.3f} ms/article; "
          "diff + P/R/F + kappa + alpha)")
    print()
    print(format_report(report))
    assert counts == report.conflicts and counts[Kind.AGREED] > 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
