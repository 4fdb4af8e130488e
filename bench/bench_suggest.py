"""Speed of `annotator suggest` on 5,000 generated articles, and of its resume (second run).

Usage: python bench/bench_suggest.py [--n 5000] [--seed 0] [--batch-size 64] [--processes N]
                                    [--keep DIR]
Generates the corpus with ../shared/bench/gen_corpus.py, imports corpus.jsonl into a temporary
project, then runs `annotator suggest --project DIR --json` three times in this process:
a full run (built-in suggester), a resume with nothing left to do, and after deleting half of
the cache chunk files, a resume that recomputes only those articles.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GEN = ROOT.parent / "shared" / "bench" / "gen_corpus.py"


def run_cli(args: list[str]) -> tuple[float, dict]:
    """Seconds taken by `annotator <args> --json` and its JSON report."""
    from annotator.cli import main

    buffer = StringIO()
    started = time.perf_counter()
    with redirect_stdout(buffer):
        code = main([*args, "--json"])
    seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"annotator {' '.join(args)} failed ({code})")
    return seconds, json.loads(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--processes", type=int, default=0, help="0: the command's default")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    if not GEN.is_file():
        print(f"no corpus generator at {GEN}: skipped")
        return 0
    from annotator.cli import main as cli_main

    with tempfile.TemporaryDirectory() as tmp_name:
        work = args.keep or Path(tmp_name)
        corpus = work / "corpus"
        subprocess.run([sys.executable, str(GEN), "--n", str(args.n), "--seed", str(args.seed),
                        "--out", str(corpus)], check=True, capture_output=True)
        project = work / "project"
        started = time.perf_counter()
        with redirect_stdout(StringIO()):
            code = cli_main(["import", str(corpus / "corpus.jsonl"), "--project", str(project),
                             "--annotator", "bench"])
        if code != 0:
            raise SystemExit(f"import failed ({code})")
        print(f"imported {args.n} articles in {time.perf_counter() - started:.1f} s")
        suggest = ["suggest", "--project", str(project), "--annotator", "bench",
                   "--batch-size", str(args.batch_size), "--processes", str(args.processes)]

        seconds, report = run_cli(suggest)
        run = report["runs"][0]
        print(f"first run:  {seconds:.1f} s wall ({args.n / seconds:.0f} articles/s including "
              f"start-up); suggesting: {run['seconds']:.1f} s = {run['articles_per_second']:.0f} "
              f"articles/s in {run['processes']} process(es); {run['spans']} spans")
        seconds, report = run_cli(suggest)
        run = report["runs"][0]
        print(f"resume, nothing to do: {seconds:.2f} s wall ({run['reused']} cached, "
              f"{run['computed']} computed; cache check {run['seconds']:.2f} s)")
        chunks = sorted(Path(run["folder"]).glob("chunk-*.json"))
        for chunk in chunks[::2]:
            chunk.unlink()
        seconds, report = run_cli(suggest)
        run = report["runs"][0]
        print(f"resume after deleting {len(chunks[::2])} of {len(chunks)} chunks: {seconds:.1f} s "
              f"wall ({run['computed']} recomputed in {run['processes']} process(es), "
              f"{run['reused']} reused)")
        size = sum(p.stat().st_size for p in Path(run["folder"]).iterdir())
        print(f"cache size: {size / 1e6:.1f} MB in {len(chunks)} chunk files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
