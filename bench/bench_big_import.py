"""Benchmark a large annotated import through the CLI: nothing may be lost (issue 21.2).

  python bench/bench_big_import.py [--n 20000] [--seed 0] [--keep DIR]

Generates the benchmark corpus (../shared/bench/gen_corpus.py), adds spans to every article
(every third capitalised word sequence, PER/ORG/GPE in turn: ~24 per article), writes it as one
JSONL file and runs `annotator import` on it in a subprocess. Prints the wall time, the peak
resident memory of the import process, its exit code, and whether every article has its
annotation shard on disk. Exits 1 when a shard is missing or the import did not exit 0.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
GEN = ROOT.parent.parent / "shared" / "bench" / "gen_corpus.py"
if not GEN.exists():
    GEN = Path("/work/shared/bench/gen_corpus.py")
NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*")
LABELS = ("PER", "ORG", "GPE")


def annotated_corpus(n: int, seed: int, folder: Path) -> tuple[Path, int, int]:
    """corpus.jsonl with spans; returns (path, articles, spans)."""
    subprocess.run([sys.executable, str(GEN), "--n", str(n), "--seed", str(seed),
                    "--out", str(folder / "corpus")], check=True, capture_output=True)
    out = folder / "annotated.jsonl"
    articles = spans = 0
    with open(folder / "corpus" / "corpus.jsonl", "rb") as src, open(out, "wb") as dst:
        for line in src:
            record = orjson.loads(line)
            found = [{"start": m.start(), "end": m.end(), "label": LABELS[i % 3]}
                     for i, m in enumerate(NAME.finditer(record["text"])) if i % 3 == 0]
            record["spans"] = found
            dst.write(orjson.dumps(record) + b"\n")
            articles += 1
            spans += len(found)
    return out, articles, spans


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        source, articles, spans = annotated_corpus(args.n, args.seed, work)
        project = work / "project"
        cmd = [sys.executable, "-m", "annotator.cli", "import", str(source),
               "--project", str(project), "--annotator", "bench"]
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        index = orjson.loads((project / "articles" / "index.json").read_bytes())["articles"]
        ids = {doc["id"] for doc in index.values()}
        shards = {p.stem for p in (project / "annotations" / "bench").glob("*.json")}
        missing = len(ids - shards)
        print(f"articles            {articles} ({spans} spans) in {source.stat().st_size >> 20} MB")
        print(f"import (CLI)        {seconds:.1f} s, exit {proc.returncode}")
        print(f"peak RSS            {peak_mb:.0f} MB (the import process)")
        print(f"shards on disk      {len(shards)} of {len(ids)} articles; missing {missing}")
        print(f"stdout              {proc.stdout.strip().splitlines()[:1]}")
        if proc.stderr.strip():
            print(f"stderr              {proc.stderr.strip()[-400:]}")
    return 0 if proc.returncode == 0 and missing == 0 and len(ids) == articles else 1


if __name__ == "__main__":
    sys.exit(main())
