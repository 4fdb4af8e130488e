"""Builtin suggester vs the learned model on a seeded dev split of IndoNLU nergrit.

Usage: python bench/eval_sources.py [--data FILE] [--iterations N] [--seed N] [--dev-frac 0.2]
The dev split is the one of bench/eval_builtin.py (random.Random(seed), 20% of sentences).
The train part (labels mapped PERSON=PER, ORGANISATION=ORG, PLACE=LOC) is imported into a
temporary project as finished articles, `annotator.nlp.learned.train` trains the learned
model on it, and both sources are scored on the dev part with `annotator.nlp.evaluate`
(builtin GPE and FAC scored as LOC; its WEAPON and EVENT are not scored), and so is their
combination (learned model first, builtin in the gaps). Eval data stays in
../shared/eval and a temp folder: nothing is copied into the repository. Skips when absent.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_builtin import EVAL, read_conll, split  # noqa: E402

GOLD_MAP = "PERSON=PER,ORGANISATION=ORG,PLACE=LOC"
PRED_MAP = {"GPE": "LOC", "FAC": "LOC"}


def write_conll(path: Path, sentences: list[list[tuple[str, str]]]) -> None:
    """Sentences as token TAB tag lines, a blank line after each (no -DOCSTART-)."""
    lines = []
    for sentence in sentences:
        lines += [f"{tok}\t{tag}" for tok, tag in sentence] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def show(name: str, scores: dict, seconds: float) -> None:
    def num(x: float | None) -> str:
        return "  n/a" if x is None else f"{x:.3f}"

    print(f"{name:<9} P {num(scores.get('ents_p'))}  R {num(scores.get('ents_r'))}  "
          f"F {num(scores.get('ents_f'))}   ({seconds:.1f} s)")
    for label, prf in sorted((scores.get("ents_per_type") or {}).items()):
        print(f"  {label:<6} p {num(prf['p'])}  r {num(prf['r'])}  f {num(prf['f'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=EVAL / "nergrit" / "train.conll")
    parser.add_argument("--iterations", type=int, default=10, help="the CRF's passes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dev-frac", type=float, default=0.2)
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"no gold data at {args.data}: skipped")
        return 0

    from annotator.cli import main as cli_main
    from annotator.io.formats.remap import parse_label_map
    from annotator.nlp.evaluate import evaluate_source, load_gold
    from annotator.nlp.learned import train
    from annotator.nlp.model_store import LearnedSource, learned_dir, read_scores
    from annotator.nlp.sources import BuiltinSource, CombinedSource
    from annotator.store.session import open_project

    train_part, dev_part = split(read_conll(args.data), args.dev_frac, args.seed)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        write_conll(tmp / "train.conll", train_part)
        write_conll(tmp / "dev.conll", dev_part)
        project_dir = tmp / "project"
        code = cli_main(["import", str(tmp / "train.conll"), "--project", str(project_dir),
                         "--annotator", "bench", "--label-map", GOLD_MAP])
        if code != 0:
            print(f"import failed ({code})")
            return code
        print(f"{len(train_part)} train and {len(dev_part)} dev sentences (seed {args.seed})")
        project, store = open_project(project_dir, "bench", create=False, sync=False)
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if time.monotonic() - last[0] > 15 or done == total:
                last[0] = time.monotonic()
                print(f"  training step {done}/{total}", flush=True)

        builtin = BuiltinSource()
        started = time.perf_counter()
        try:
            result = train(project, learned_dir(project_dir), iterations=args.iterations,
                           seed=args.seed, progress=progress, current=builtin)
        finally:
            store.close()
        train_s = time.perf_counter() - started
        print(f"trained in {train_s:.0f} s: {result.steps} iterations on {result.n_train} "
              "articles; "
              f"held-out F {result.f} (builtin there: {(result.current or {}).get('ents_f')}); "
              f"saved to {result.path.relative_to(project_dir) if result.path else None}")
        assert result.path is not None
        learned = LearnedSource(result.path, read_scores(result.path) or {})

        gold = load_gold(tmp / "dev.conll", parse_label_map(GOLD_MAP))
        print(f"\ndev: {len(gold.docs)} sentences, labels {', '.join(gold.labels)}")
        both = CombinedSource([learned, builtin])  # the learned model first, builtin in gaps
        for name, source, pred_map in (("builtin", builtin, PRED_MAP), ("learned", learned, None),
                                       ("combined", both, PRED_MAP)):
            started = time.perf_counter()
            scored = evaluate_source(source, gold, pred_map=pred_map)
            show(name, scored.scores, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
