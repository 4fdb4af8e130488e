"""Score the built-in suggester on IndoNLU NER gold data with spaCy's Scorer, and time it.

Usage: python bench/eval_builtin.py [--data FILE] [--split dev|train] [--errors N] [--nerp]
The dev split is a seeded 20% of the sentences (random.Random(seed)); rules are developed
by looking at errors on the train part only.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from spacy.scorer import get_ner_prf
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import filter_spans

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.nlp.builtin import BuiltinSuggester  # noqa: E402
from annotator.nlp.tokens import make_nlp  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval" / "ner-id"
GOLD_MAP = {
    "PERSON": "PER",
    "ORGANISATION": "ORG",
    "PLACE": "LOC",
    "PPL": "PER",
    "IND": "ORG",
    "PLC": "LOC",
    "EVT": "EVENT",
}
OURS_MAP = {"PER": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
Sentence = list[tuple[str, str]]


def read_conll(path: Path) -> list[Sentence]:
    """Sentences of (token, BIO tag) from a TAB-separated CoNLL file."""
    sentences: list[Sentence] = []
    current: Sentence = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
            continue
        token, sep, tag = line.rpartition("\t")
        if not sep:
            raise SystemExit(f"{path}:{number}: expected 'token<TAB>tag', got {line!r}")
        current.append((token, tag))
    if current:
        sentences.append(current)
    return sentences


def split(sentences: list[Sentence], frac: float, seed: int) -> tuple[list, list]:
    """(train, dev): a seeded random `frac` of the sentences is dev."""
    order = list(range(len(sentences)))
    random.Random(seed).shuffle(order)
    dev_ids = set(order[: int(len(order) * frac)])
    train = [s for i, s in enumerate(sentences) if i not in dev_ids]
    return train, [s for i, s in enumerate(sentences) if i in dev_ids]


def gold_tags(sentence: Sentence, keep: set[str]) -> list[str]:
    """BIO tags with gold labels mapped to ours; unmapped labels become O."""
    tags = []
    for _, tag in sentence:
        label = GOLD_MAP.get(tag[2:], "") if tag != "O" else ""
        tags.append(f"{tag[0]}-{label}" if label in keep else "O")
    return tags


def examples_for(
    sentences: list[Sentence], suggester: BuiltinSuggester, ours: dict[str, str]
) -> list[Example]:
    """Predicted vs gold Examples; predictions run on the tokens joined with spaces."""
    vocab = make_nlp().vocab
    keep = set(ours.values())
    texts = [" ".join(tok for tok, _ in s) for s in sentences]
    examples = []
    for sentence, spans in zip(sentences, suggester.suggest_many(texts), strict=True):
        words = [tok for tok, _ in sentence]
        spaces = [True] * (len(words) - 1) + [False]
        gold = Doc(vocab, words=words, spaces=spaces, ents=gold_tags(sentence, keep))
        pred = Doc(vocab, words=words, spaces=spaces)
        ents = []
        for span in spans:
            label = ours.get(span.label)
            if label:
                ent = pred.char_span(span.start, span.end, label, alignment_mode="expand")
                if ent is not None:
                    ents.append(ent)
        pred.ents = filter_spans(ents)
        examples.append(Example(pred, gold))
    return examples


def report(name: str, examples: list[Example]) -> None:
    """Print P/R/F overall and per type."""
    scores = get_ner_prf(examples)
    print(f"\n{name}: {len(examples)} sentences")
    print(
        f"  ents_p {scores['ents_p']:.3f}  ents_r {scores['ents_r']:.3f}  "
        f"ents_f {scores['ents_f']:.3f}"
    )
    for label, prf in sorted(scores["ents_per_type"].items()):
        print(f"  {label:<6} p {prf['p']:.3f}  r {prf['r']:.3f}  f {prf['f']:.3f}")


def show_errors(examples: Iterable[Example], limit: int) -> None:
    """Print false positives and negatives with their sentence (for rule work on train)."""
    shown = 0
    for ex in examples:
        gold = {(e.start_char, e.end_char, e.label_) for e in ex.reference.ents}
        pred = {(e.start_char, e.end_char, e.label_) for e in ex.predicted.ents}
        if gold == pred:
            continue
        text = ex.reference.text
        fn = [f"{text[s:e]}/{lab}" for s, e, lab in sorted(gold - pred)]
        fp = [f"{text[s:e]}/{lab}" for s, e, lab in sorted(pred - gold)]
        print(f"\n{text}\n  missed: {fn}\n  wrong:  {fp}")
        shown += 1
        if shown >= limit:
            return


def speed(suggester: BuiltinSuggester, repeat: int) -> None:
    """Articles per second on the seed articles, one by one and batched."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    if not seeds:
        print("\nspeed: no seed articles found")
        return
    size = statistics.mean(len(t) for t in seeds)
    times = []
    for _ in range(repeat):
        for text in seeds:
            t0 = time.perf_counter()
            suggester.suggest(text)
            times.append(time.perf_counter() - t0)
    tok = []
    for _ in range(repeat):
        for text in seeds:
            t0 = time.perf_counter()
            suggester.nlp.make_doc(text)
            tok.append(time.perf_counter() - t0)
    texts = seeds * repeat
    t0 = time.perf_counter()
    for _ in suggester.suggest_many(texts, batch_size=64):
        pass
    batched = time.perf_counter() - t0
    print(f"\nspeed on {len(seeds)} seed articles (mean {size:.0f} characters) x {repeat}:")
    print(
        f"  suggest(): median {statistics.median(times) * 1000:.2f} ms per article, "
        f"{len(times) / sum(times):.0f} articles/s"
    )
    print(f"  suggest_many(): {len(texts) / batched:.0f} articles/s")
    print(f"  of which spaCy's tokenizer alone: median {statistics.median(tok) * 1000:.2f} ms")


def main(argv: list[str] | None = None) -> None:
    """Score on the chosen split (and nerp on request), then time the suggester."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=EVAL / "nergrit" / "train.conll")
    parser.add_argument("--split", choices=("dev", "train"), default="dev")
    parser.add_argument("--dev-frac", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--errors", type=int, default=0, help="print N error sentences")
    parser.add_argument("--nerp", action="store_true", help="also score nerp (lower-cased)")
    parser.add_argument("--repeat", type=int, default=20, help="speed: times over the seeds")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    suggester = BuiltinSuggester()
    print(f"suggester ready in {time.perf_counter() - t0:.2f} s")
    print(
        "labels scored: gold PERSON->PER, ORGANISATION->ORG, PLACE->LOC; ours PER, ORG, "
        "and GPE/LOC/FAC->LOC; our WEAPON and EVENT are not scored"
    )
    if not args.data.is_file():
        print(f"no gold data at {args.data}: skipping quality")
    else:
        train, dev = split(read_conll(args.data), args.dev_frac, args.seed)
        part = dev if args.split == "dev" else train
        examples = examples_for(part, suggester, OURS_MAP)
        report(f"{args.data.parent.name} {args.split} (seed {args.seed})", examples)
        if args.errors:
            show_errors(examples, args.errors)
    nerp = EVAL / "nerp" / "train.conll"
    if args.nerp and nerp.is_file():
        _, dev = split(read_conll(nerp), args.dev_frac, args.seed)
        ours = {**OURS_MAP, "EVENT": "EVENT"}
        report("nerp dev (lower-cased text; EVENT scored too)", examples_for(dev, suggester, ours))
    speed(suggester, args.repeat)


if __name__ == "__main__":
    main()
