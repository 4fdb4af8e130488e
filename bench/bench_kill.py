"""Benchmark crash safety: SIGKILL the editing app again and again, count what was lost.

  python bench/bench_kill.py [--kills 300] [--budget 300] [--mode mixed|qt|core] [--seed 0]

Runs the harness of tests/e2e/test_kill.py on a fresh project (25 articles of 2,000 words):
each run of tests/e2e/kill_worker.py opens the project, edits without pause (spans, statuses,
entities) and is killed 5-150 ms after it opened it; the project is then reopened and checked.
Prints kills per second, edits started and reported saved, and lost edits (must be 0).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.test_kill import run_kills, seed_project  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=300)
    parser.add_argument("--budget", type=float, default=300.0, help="seconds at most")
    parser.add_argument("--mode", choices=("mixed", "qt", "core"), default="mixed")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        seed_project(root)
        stats = run_kills(root, Path(tmp) / "logs", kills=args.kills, budget=args.budget,
                          seed=args.seed, mode=args.mode)
    cycle = statistics.median(stats.per_kill) * 1000 if stats.per_kill else 0.0
    print(f"kills               {stats.kills} ({stats.qt_kills} with the real window, "
          f"{stats.early_kills} early)")
    print(f"kills per second    {stats.kills / stats.seconds:.2f} ({stats.seconds:.1f} s; "
          f"median GO-to-verified {cycle:.0f} ms)")
    print(f"edits started       {stats.started}")
    print(f"edits saved         {stats.saved} (reported durable before a kill)")
    print(f"saved-edit checks   {stats.required}")
    print(f"temp files left     {stats.temps_seen} (ignored by loading, swept on reopen)")
    print(f"lost edits          {len(stats.lost)}")
    for problem in stats.problems:
        print(f"PROBLEM: {problem}")
    return 1 if stats.lost or stats.problems else 0


if __name__ == "__main__":
    sys.exit(main())
