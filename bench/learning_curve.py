"""Learning curve: built-in rules, the learned model and their combination, in and out of domain.

Usage: python bench/learning_curve.py [--sizes 50,200,800,all] [--nerp N] [--no-features]
       [--no-vectors] [--tune]

In domain: IndoNLU NERGrit (cased). A seeded hash of each sentence's text holds out --test
(20%) of the sentences as the test set (duplicates fall on one side); the rest, in a seeded
order, is the pool the first 50, 200, 800 and all sentences are taken from. Each point trains
the learned model the way the app does (`annotator.nlp.learned.train`: the app's own held-out
split of the training sentences picks the checkpoint) and scores on the test set:
builtin (rules + gazetteers), learned, and combined (what the app suggests with the learned
model on: its spans and the built-in ones, the order that wins overlaps chosen by training),
rules first (the built-in spans win overlaps) and app (what the window then suggests: the
combination when training switched the model on, else the built-in suggestions alone).
Out of domain: the model trained on the whole NERGrit pool, scored on a seeded held-out
part of NERP (lower-cased news; PPL->PER, IND->ORG, PLC->LOC; EVT and FNB not scored).
Scores: spaCy's get_ner_prf on exact spans, labels PER, ORG, LOC (built-in GPE and FAC
scored as LOC). Skips when ../shared/eval is absent.
Like the app, the learned model gets the word classes learned from the raw text of every
NERGrit and NERP training sentence (unlabelled, as a project has its imported articles; see
`annotator.nlp.wordvec`); --no-vectors leaves them out. --tune never looks at the test
part: a seeded fifth of the pool stands in for it (and of NERP's non-test part), for choosing
defaults.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EVAL = ROOT.parent / "shared" / "eval" / "ner-id"
INDEL = ROOT.parent / "shared" / "eval" / "link-id" / "indel-dev" / "gold.jsonl"
NERGRIT_MAP = {"PERSON": "PER", "ORGANISATION": "ORG", "PLACE": "LOC"}
NERP_MAP = {"PPL": "PER", "IND": "ORG", "PLC": "LOC"}
PRED_MAP = {"GPE": "LOC", "FAC": "LOC"}
LABELS = ("PER", "ORG", "LOC")
Sentence = list[tuple[str, str]]


def read_conll(path: Path) -> list[Sentence]:
    sentences: list[Sentence] = []
    current: Sentence = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
            continue
        token, _, tag = line.rpartition("\t")
        current.append((token, tag))
    if current:
        sentences.append(current)
    return sentences


def text_of(sentence: Sentence) -> str:
    return " ".join(tok for tok, _ in sentence)


def held_out(sentence: Sentence, seed: int, ratio: float) -> bool:
    """Seeded hash of the text below `ratio`: a stable test set, duplicates on one side."""
    digest = hashlib.sha1(f"{seed}:{text_of(sentence)}".encode()).digest()
    return int.from_bytes(digest[:8], "big") < ratio * 2**64


def to_gold(sentence: Sentence, label_map: dict[str, str]) -> Any:
    """GoldDoc: tokens joined by spaces, BIO tags to spans with mapped labels."""
    from annotator.core.model import Span
    from annotator.nlp.evaluate import GoldDoc

    tokens, spans, pos = [], [], 0
    open_: list[Any] = []  # [start, end, label]
    for tok, tag in sentence:
        start, end = pos, pos + len(tok)
        tokens.append((start, end))
        pos = end + 1
        kind, _, raw = tag.partition("-")
        label = label_map.get(raw) if kind in ("B", "I", "S", "E", "L", "U") else None
        if open_ and (kind in ("I", "E", "L") and open_[2] == label):
            open_[1] = end
        else:
            if open_:
                spans.append(Span(*open_))
            open_ = [start, end, label] if label else []
    if open_:
        spans.append(Span(*open_))
    return GoldDoc(text_of(sentence), tokens, spans)


def score(gold: list[Any], predictions: list[list[Any]], pred_map: dict | None) -> dict:
    from annotator.nlp.evaluate import score_predictions

    return score_predictions(gold, predictions, pred_map=pred_map, labels=LABELS).scores


def predict(source: Any, gold: list[Any]) -> list[list[Any]]:
    return list(source.suggest_many([g.text for g in gold], 64))


def train_on(pool: list[Any], seed: int, out: Path, current: Any,
             **kw: Any) -> tuple[Any, float, Any]:
    """Train like the app on `pool` (GoldDocs as finished articles); (source, seconds, result)."""
    from annotator.nlp import learned, model_store

    data = learned.TrainingData()
    for i, g in enumerate(pool):
        item = learned.TrainItem(f"s{i}:{g.text}", g.text, g.spans, [], True)
        dev = learned._is_dev(item.article_id, seed, 0.2)
        (data.dev if dev else data.train).append(item)
    started = time.perf_counter()
    result = learned.train(None, out, annotator="bench", data=data, seed=seed,  # type: ignore
                           current=current, **kw)
    seconds = time.perf_counter() - started
    assert result.path is not None
    source = model_store.LearnedSource(result.path, model_store.read_scores(result.path) or {})
    return source, seconds, result


HEADER = f"{'set':<14} {'n':>5} {'F':>6} {'PER':>6} {'ORG':>6} {'LOC':>6} {'train s':>8}"


class Mapped:
    """A source with its labels renamed (the built-in GPE and FAC as the gold's LOC), so the
    app's own held-out check in training compares like with like, as in a project whose
    scheme is the gold's."""

    def __init__(self, source: Any, mapping: dict[str, str]) -> None:
        self.source, self.mapping = source, mapping
        self.name, self.origin, self.cacheable = source.name, source.origin, False

    def signature(self) -> str:
        return self.source.signature()

    def suggest_many(self, texts: Any, batch_size: int = 64) -> Any:
        for spans in self.source.suggest_many(texts, batch_size):
            yield [s.with_(label=self.mapping.get(s.label, s.label)) for s in spans]

    def with_min_rank(self, rank: int) -> Mapped:
        return Mapped(self.source.with_min_rank(rank), self.mapping)


def row(name: str, n: Any, scores: dict, seconds: float | None) -> dict:
    per = scores.get("ents_per_type") or {}
    out = {"set": name, "n": n, "f": scores.get("ents_f") or 0.0,
           **{lab: (per.get(lab) or {}).get("f", 0.0) for lab in LABELS}, "seconds": seconds}
    print(line(out), flush=True)
    return out


def line(r: dict) -> str:
    secs = f"{r['seconds']:.0f}" if r["seconds"] is not None and r["set"] != "builtin" else ""
    return (f"{r['set']:<14} {r['n']!s:>5} {r['f']:>6.3f} {r['PER']:>6.3f} {r['ORG']:>6.3f} "
            f"{r['LOC']:>6.3f} {secs:>8}")


def mentions_found(source: Any, records: list[dict]) -> str:
    """IndEL (other news, untyped linked mentions): the share of its mentions the source
    suggests with exact bounds, and the share of its spans that are such a mention."""
    found = list(source.suggest_many([r["text"] for r in records], 64))
    gold = [{(s["start"], s["end"]) for s in r["spans"]} for r in records]
    hits = sum(len(g & {(s.start, s.end) for s in f}) for g, f in zip(gold, found, strict=True))
    return (f"mentions found {hits / max(1, sum(map(len, gold))):.3f}, spans that are one "
            f"{hits / max(1, sum(map(len, found))):.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,800,all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--test", type=float, default=0.2, help="held-out share")
    parser.add_argument("--nerp", type=int, default=1000,
                        help="NERP test sentences (0: skip the cross-domain figure)")
    parser.add_argument("--iterations", type=int, default=None,
                        help="the CRF's L-BFGS iterations (default: the app's)")
    parser.add_argument("--no-features", action="store_true",
                        help="the learned model without the rule features")
    parser.add_argument("--lowercase", type=float, default=None)
    parser.add_argument("--algorithm", choices=("lbfgs", "pa"), default=None,
                        help="the CRF's trainer (default: the app's choice by data size)")
    parser.add_argument("--speed", type=int, default=0, metavar="N",
                        help="only time one full training on N sentences (the NERGrit pool, "
                        "topped up with NERP sentences outside its test part)")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    parser.add_argument("--no-vectors", dest="vectors", action="store_false",
                        help="without the word classes from the raw text of all NERGrit and "
                        "NERP sentences (the app learns them from the project's texts)")
    parser.add_argument("--tune", action="store_true",
                        help="score on a seeded dev part of the pool, not on the test part")
    args = parser.parse_args(argv)
    nergrit, nerp = EVAL / "nergrit" / "train.conll", EVAL / "nerp" / "train.conll"
    if not nergrit.is_file():
        print(f"no gold data at {nergrit}: skipped")
        return 0
    import tempfile

    from annotator.nlp.sources import BuiltinSource, CombinedSource, with_learned_choice

    sentences = read_conll(nergrit)
    nerp_sentences = read_conll(nerp) if nerp.is_file() else []
    if args.tune:  # the test parts are never seen: a seeded dev part of the rest stands in
        sentences = [s for s in sentences if not held_out(s, args.seed, args.test)]
        nerp_sentences = [s for s in nerp_sentences if not held_out(s, args.seed, 0.2)]
    tseed = args.seed + 1000 if args.tune else args.seed
    test = [to_gold(s, NERGRIT_MAP) for s in sentences if held_out(s, tseed, args.test)]
    pool = [to_gold(s, NERGRIT_MAP) for s in sentences if not held_out(s, tseed, args.test)]
    random.Random(args.seed).shuffle(pool)
    sizes = [len(pool) if x == "all" else min(int(x), len(pool)) for x in args.sizes.split(",")]
    ood: list[Any] = []
    if args.nerp and nerp_sentences:
        ood = [to_gold(s, NERP_MAP) for s in nerp_sentences if held_out(s, tseed, 0.2)]
        ood = ood[: args.nerp]
    given = {"iterations": args.iterations, "lowercase": args.lowercase,
             "algorithm": args.algorithm}
    # what is not given: learned.train's defaults
    kw = {"features": not args.no_features, **{k: v for k, v in given.items() if v is not None}}
    if args.vectors:
        from annotator.nlp.wordvec import learn_clusters

        raw = [text_of(s) for f in (nergrit, nerp) if f.is_file() for s in read_conll(f)]
        t0 = time.perf_counter()
        kw["clusters"] = learn_clusters(raw)
        print(f"word classes from {len(raw)} raw sentences: {len(kw['clusters'].classes)} "
              f"words in {time.perf_counter() - t0:.1f} s", flush=True)
    shown_kw = {k: v for k, v in kw.items() if k != "clusters"}
    print(f"NERGrit: {len(test)} {'dev' if args.tune else 'test'} sentences, pool {len(pool)}; "
          f"NERP {len(ood)}; seed {args.seed}; vectors {args.vectors}; learned: {shown_kw}",
          flush=True)
    builtin = Mapped(BuiltinSource(), PRED_MAP)
    if args.speed:
        extra = [to_gold(s, NERP_MAP) for s in nerp_sentences
                 if not held_out(s, tseed, 0.2)]
        sentences_n = (pool + extra)[: args.speed]
        with tempfile.TemporaryDirectory() as tmp:
            _, seconds, result = train_on(sentences_n, args.seed, Path(tmp) / "m", builtin, **kw)
        print(f"full training on {len(sentences_n)} sentences: {seconds:.0f} s, {result.steps} "
              f"iterations, held-out F {result.f:.3f}, "
              f"combined {(result.combined or {}).get('ents_f')}")
        return 0
    print(HEADER)
    rows = []
    t0 = time.perf_counter()
    base = score(test, predict(builtin, test), PRED_MAP)
    rows.append(row("builtin", "-", base, time.perf_counter() - t0))
    base_ood = score(ood, predict(builtin, ood), PRED_MAP) if ood else None
    records = ([json.loads(x) for x in INDEL.read_text("utf-8").splitlines() if x.strip()]
               if INDEL.is_file() else [])
    indel_lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            source, seconds, result = train_on(pool[:n], args.seed, Path(tmp) / f"m{n}",
                                               builtin, **kw)
            print(f"  trained on {n}: {seconds:.0f} s, {result.steps} iterations, "
                  f"{result.n_train} train / {result.n_dev} held out"
                  f"{f' (all, in {result.folds} folds)' if result.folds else ''}; "
                  f"order {result.order}, rules' spans from rank {result.min_rank} in its gaps, "
                  f"{'switched' if result.switched else 'not switched'}; current F "
                  f"{(result.current or {}).get('ents_f')}; {'; '.join(result.notes)}", flush=True)
            rows.append(row("learned", n, score(test, predict(source, test), None), seconds))
            # the order and the labels the model does alone, as training chose (the app's way)
            both = CombinedSource(with_learned_choice([source, builtin]))
            rows.append(row("combined", n, score(test, predict(both, test), PRED_MAP), None))
            shown = both if result.switched else builtin  # what the window suggests
            rows.append(row("app", n, score(test, predict(shown, test), PRED_MAP), None))
            model_first = CombinedSource([source, builtin])
            rows.append(row("model first", n, score(test, predict(model_first, test), PRED_MAP),
                            None))
            rules_first = CombinedSource([builtin, source])
            rows.append(row("rules first", n, score(test, predict(rules_first, test), PRED_MAP),
                            None))
            if ood and n == sizes[-1]:
                rows.append(row("NERP builtin", "-", base_ood or {}, None))
                rows.append(row("NERP learned", n, score(ood, predict(source, ood), None), None))
                rows.append(row("NERP combined", n, score(ood, predict(both, ood), PRED_MAP),
                                None))
                rows.append(row("NERP app", n, score(ood, predict(shown, ood), PRED_MAP), None))
                rows.append(row("NERP rules 1st", n, score(ood, predict(rules_first, ood),
                                                            PRED_MAP), None))
            if records and n == sizes[-1]:
                indel_lines += [f"  builtin: {mentions_found(builtin, records)}",
                                f"  learned {n}: {mentions_found(source, records)}",
                                f"  app {n}: {mentions_found(shown, records)}"]
    if indel_lines:
        print("\nIndEL news (untyped; types are not scored, so this favours more spans):")
        print("\n".join(indel_lines))
    print(f"\n{HEADER}")
    for r in rows:
        print(line(r))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
