"""Benchmark entity linking: candidate ranking quality, propagation time and rank() latency.

  python bench/bench_linking.py [--pairs bench/alias_pairs.jsonl] [--n 5000] [--corpus DIR]
                                [--gen PATH] [--repeat 5] [--verbose] [--compare]

(a) top-1 accuracy and pre-selection errors on the hand-made list in alias_pairs.jsonl: lines
    {"entity": {...}} build the KB, lines {"surface", "label", "expected"} are queries;
    expected null means no candidate may be pre-selected (best() above the threshold);
(b) propagation time on the seeds and on N generated articles (gen_corpus.py) with a KB of
    the entities seen in the seeds, plain and with token alignment;
(c) rank() latency median on the evaluation KB and on a generated KB of 5,000 entities.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from annotator.core.entities import Entity, KnowledgeBase
from annotator.core.linking import CandidateMatcher
from annotator.core.propagation import AliasFinder, propagate

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GEN = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
THRESHOLD = 85.0
TOKEN = re.compile(r"\w+|[^\w\s]")

# Entities seen in the five seed articles, with the surface forms used there.
SEED_KB: list[tuple[str, str, list[str]]] = [
    ("Kim Jong-un", "PER", ["Kim Jong Un", "Kim"]),
    ("Kim Jong-il", "PER", []),
    ("Vladimir Putin", "PER", ["Putin", "Presiden Vladimir Putin"]),
    ("Sergei Shoigu", "PER", ["Shoigu", "Menteri Pertahanan Rusia Sergei Shoigu"]),
    ("Dmitry Peskov", "PER", ["Dmitri Peskov", "Peskov"]),
    ("Sergei Lavrov", "PER", ["Lavrov"]),
    ("Yuri Gagarin", "PER", ["Gagarin"]),
    ("Nikolay Evmenov", "PER", []),
    ("Matthew Miller", "PER", []),
    ("Jake Sullivan", "PER", []),
    ("Oleg Kozhemyako", "PER", ["Kozhemyako"]),
    ("Andrey Kulik", "PER", ["Kulik"]),
    ("Andrey Lankov", "PER", []),
    ("Chang Ho-jin", "PER", []),
    ("Rusia", "GPE", ["Federasi Rusia"]),
    ("Korea Utara", "GPE", ["DPRK"]),
    ("Korea Selatan", "GPE", []),
    ("Moskow", "GPE", ["Moscow"]),
    ("Pyongyang", "GPE", []),
    ("Vladivostok", "GPE", []),
    ("Ukraina", "GPE", []),
    ("Amerika Serikat", "GPE", ["AS"]),
    ("Washington", "GPE", []),
    ("Seoul", "GPE", []),
    ("China", "GPE", []),
    ("TASS", "ORG", []),
    ("Interfax", "ORG", []),
    ("KCNA", "ORG", ["Kantor Berita Pusat Korea", "KNCA"]),
    ("Kremlin", "ORG", []),
    ("Dewan Keamanan PBB", "ORG", []),
    ("Gedung Putih", "ORG", []),
    ("Kosmodrom Vostochny", "FAC", ["Vostochny", "Vostochny Cosmodrome"]),
    ("Komsomolsk-on-Amur", "GPE", []),
    ("Timur Jauh Rusia", "LOC", ["Timur Jauh"]),
    ("MiG-31I", "WEAPON", []),
    ("Kinzhal", "WEAPON", []),
    ("Su-57", "WEAPON", []),
]


def load_pairs(path: Path) -> tuple[KnowledgeBase, list[dict]]:
    kb, queries = KnowledgeBase(), []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if "entity" in row:
            kb.add(Entity.from_dict(row["entity"]))
        else:
            queries.append(row)
    return kb, queries


def evaluate(kb: KnowledgeBase, queries: list[dict], verbose: bool) -> None:
    matcher = CandidateMatcher(kb)
    pos = [q for q in queries if q["expected"]]
    neg = [q for q in queries if not q["expected"]]
    top1 = pre_ok = pre_wrong = neg_fp = 0
    for q in queries:
        ranked = matcher.rank(q["surface"], q["label"], limit=3)
        best = matcher.best(q["surface"], q["label"], THRESHOLD)
        got = ranked[0].entity.kb_id if ranked else None
        picked = best.entity.kb_id if best else None
        if q["expected"]:
            top1 += got == q["expected"]
            pre_ok += picked == q["expected"]
            pre_wrong += picked is not None and picked != q["expected"]
            bad = got != q["expected"]
        else:
            neg_fp += picked is not None
            bad = picked is not None
        if verbose or bad:
            mark = "MISS" if bad else "ok  "
            top = [(c.entity.kb_id, c.score) for c in ranked]
            print(f"  {mark} {q['surface']!r} -> {q['expected']} | best={picked} top={top}")
    print(f"(a) ranking on {len(pos)} positive and {len(neg)} negative pairs, {len(kb)} entities")
    print(f"    top-1 accuracy           {top1}/{len(pos)} = {100 * top1 / len(pos):.1f}%")
    print(
        f"    pre-selected at {THRESHOLD:.0f}      correct {pre_ok}/{len(pos)}"
        f" = {100 * pre_ok / len(pos):.1f}%, wrong {pre_wrong}"
    )
    print(
        f"    negatives pre-selected   {neg_fp}/{len(neg)} = {100 * neg_fp / len(neg):.1f}%"
        f" false-positive rate; all false pre-selections {neg_fp + pre_wrong}/{len(queries)}"
    )


def seed_kb() -> KnowledgeBase:
    kb = KnowledgeBase()
    for name, label, aliases in SEED_KB:
        kb.add(Entity(kb.new_kb_id(name), name, label, aliases))
    return kb


def regex_tokens(_article_id: str, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in TOKEN.finditer(text)]


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000, result


def flat_alternation_ms(texts: dict[str, str], kb: KnowledgeBase) -> float:
    """The naive design for comparison: one case-insensitive alternation, longest alias first."""
    surfaces = sorted({s for e in kb for s in e.surfaces()},
                      key=lambda s: (-len(s.split()), -len(s)))
    words = (r"[\s-]+".join(map(re.escape, re.findall(r"\w+", s))) for s in surfaces)
    regex = re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)
    ms, _ = timed(lambda: [m.span() for t in texts.values() for m in regex.finditer(t)], 1)
    return ms


def bench_propagation(texts: dict[str, str], name: str, repeat: int, compare: bool) -> None:
    n = len(texts)

    def row(what: str, ms: float, note: str = "") -> None:
        print(f"      {what:<38} {ms:9.1f} ms  {ms / n:6.3f} ms/article  {note}".rstrip())

    kb = seed_kb()
    build_ms, finder = timed(lambda: AliasFinder.from_kb(kb), repeat)
    assert isinstance(finder, AliasFinder)
    print(f"    {name}: {n} articles, {sum(map(len, texts.values())) / n:,.0f} chars avg;"
          f" {len(kb)} entities, {len(finder)} aliases, finder built in {build_ms:.2f} ms")
    ms, result = timed(lambda: propagate(texts, finder), repeat)
    assert isinstance(result, dict)
    row("propagate all entities", ms, f"({sum(map(len, result.values()))} spans)")
    one = next(iter(kb)).kb_id
    single = AliasFinder.from_kb(kb, only=[one])
    row(f"propagate one entity ({one})", timed(lambda: propagate(texts, single), repeat)[0])
    tok_ms, _ = timed(lambda: propagate(texts, finder, tokens=regex_tokens), max(1, repeat // 2))
    tokenise_ms, _ = timed(lambda: [regex_tokens("", t) for t in texts.values()], 1)
    row("with token alignment", tok_ms, f"(regex tokenising alone ~{tokenise_ms:.0f} ms)")
    for extra in synthetic_kb(1000, seed=1):
        kb.add(extra)
    big = AliasFinder.from_kb(kb)
    row(f"+ 1,000 absent entities ({len(big)} aliases)",
        timed(lambda: propagate(texts, big), max(1, repeat // 2))[0])
    if compare:
        row("trie regex, find only", timed(lambda: [finder.find(t) for t in texts.values()],
                                            repeat)[0])
        row("flat alternation, find only", flat_alternation_ms(texts, seed_kb()))


def load_corpus(args: argparse.Namespace) -> dict[str, str]:
    if args.corpus:
        return read_corpus(Path(args.corpus) / "corpus.jsonl")
    with tempfile.TemporaryDirectory(prefix="bench_linking_") as out:
        cmd = [sys.executable, str(args.gen), "--n", str(args.n), "--seed", "0", "--out", out]
        subprocess.run(cmd, check=True, capture_output=True)
        return read_corpus(Path(out) / "corpus.jsonl")


def read_corpus(path: Path) -> dict[str, str]:
    texts = {}
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        texts[str(row.get("meta", {}).get("id", i))] = row["text"]
    return texts


def synthetic_kb(n: int, seed: int = 0) -> KnowledgeBase:
    rng = random.Random(seed)
    syll = [c + v for c in "bdkmnrstw" for v in "aiou"]
    labels = ["PER", "ORG", "GPE", "LOC", "FAC", "WEAPON", "EVENT"]
    kb = KnowledgeBase()
    for _ in range(n):
        words = ["".join(rng.choices(syll, k=rng.randint(2, 4))).title() for _ in range(3)]
        name = " ".join(words[: rng.randint(1, 3)])
        aliases = [words[-1], name.upper()] if rng.random() < 0.5 else []
        kb.add(Entity(kb.new_kb_id(name), name, rng.choice(labels), aliases))
    return kb


def rank_latency(matcher: CandidateMatcher, surfaces: Sequence[tuple[str, str]]) -> str:
    times = []
    for _ in range(5):
        for surface, label in surfaces:
            t0 = time.perf_counter()
            matcher.rank(surface, label)
            times.append((time.perf_counter() - t0) * 1000)
    p90 = statistics.quantiles(times, n=10)[-1]
    return f"median {statistics.median(times):.3f} ms, p90 {p90:.3f} ms, max {max(times):.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=ROOT / "bench" / "alias_pairs.jsonl")
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--corpus", help="folder with corpus.jsonl (else generated)")
    parser.add_argument("--gen", type=Path, default=DEFAULT_GEN)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--compare", action="store_true", help="also time a flat alternation")
    args = parser.parse_args()

    kb, queries = load_pairs(args.pairs)
    evaluate(kb, queries, args.verbose)

    print("(b) propagation (best of repeats; no accepted spans, so every occurrence is returned)")
    seeds = {p.stem: p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))}
    bench_propagation(seeds, "seeds", args.repeat * 20, args.compare)
    bench_propagation(load_corpus(args), "generated", args.repeat, args.compare)

    print("(c) rank() latency")
    surfaces = [(q["surface"], q["label"]) for q in queries]
    small = rank_latency(CandidateMatcher(kb), surfaces)
    print(f"    evaluation KB ({len(kb)} entities)   {small}")
    big = synthetic_kb(5000)
    t0 = time.perf_counter()
    matcher = CandidateMatcher(big)
    build = (time.perf_counter() - t0) * 1000
    mixed = surfaces + [(e.name, e.label) for e in list(big)[:100]]
    print(f"    generated KB ({len(big)} entities, index build {build:.0f} ms)"
          f"   {rank_latency(matcher, mixed)}")


if __name__ == "__main__":
    main()
