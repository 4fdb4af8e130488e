"""Soak the commands: SIGKILL `annotator import`, `export` and `link --auto` at random moments.

  python bench/bench_kill_cli.py [--kills 60] [--budget 300] [--seed 0]

Each round starts one command in a subprocess on the same project (an import of 300 new
annotated articles, an export, or an auto-link), kills it after 0-1.5 s (or lets it finish),
then opens the project writable and checks: every file parses, no article text is damaged,
every article and span seen on disk after an earlier round is still there, no annotation shard
is skipped, and no temp file is left in the project (the open sweeps them) or, after the next
export, in exports/. Prints the counts; exits 1 on any loss.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.store.project_store import ProjectStore, StoreError  # noqa: E402

WHO = "soak"
PER_IMPORT = 300


def batch(path: Path, round_no: int) -> Path:
    """An annotated JSONL of PER_IMPORT articles no earlier round has."""
    with open(path, "wb") as out:
        for i in range(PER_IMPORT):
            text = (f"Laporan {round_no}-{i}. Presiden Vladimir Putin menerima Kim Jong-un di "
                    f"Vladivostok; Menteri Sergei Shoigu hadir (nomor {round_no * 1000 + i}).")
            spans = [{"start": text.index(w), "end": text.index(w) + len(w), "label": lab}
                     for w, lab in (("Vladimir Putin", "PER"), ("Kim Jong-un", "PER"),
                                    ("Vladivostok", "GPE"), ("Sergei Shoigu", "PER"))]
            out.write(orjson.dumps({"text": text, "spans": spans}) + b"\n")
    return path


def command(kind: str, root: Path, work: Path, round_no: int) -> list[str]:
    base = [sys.executable, "-m", "annotator.cli"]
    if kind == "import":
        source = batch(work / f"in-{round_no}.jsonl", round_no)
        return [*base, "import", str(source), "--project", str(root), "--annotator", WHO]
    if kind == "export":
        return [*base, "export", "--project", str(root), "--annotator", WHO,
                "--out", str(root / "exports" / "all.jsonl")]
    return [*base, "link", "--auto", "--project", str(root), "--annotator", WHO]


def state(root: Path, problems: list[str]) -> dict[str, int]:
    """{article id: accepted spans} as a writable open sees it (which sweeps temps)."""
    try:
        store = ProjectStore(root, WHO, create=False)
    except StoreError as exc:
        problems.append(f"cannot open: {exc}")
        return {}
    try:
        ids = [info.id for info in store.article_infos()]
        damaged = store.verify_texts()
        if damaged:
            problems.append(f"damaged texts: {list(damaged.values())[:2]}")
        sets = {s.article_id: len(s.spans) for s in store.load_sets(WHO)}
        if store.warnings:
            problems.append(f"warnings: {store.warnings[:2]}")
    finally:
        store.close()
    temps = [p for p in root.rglob("*.tmp") if "exports" not in p.parts]
    if temps:
        problems.append(f"temp files left after open: {temps[:2]}")
    return {aid: sets.get(aid, 0) for aid in ids}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=60)
    parser.add_argument("--budget", type=float, default=300.0, help="seconds at most")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    problems: list[str] = []
    counts = {"import": 0, "export": 0, "link": 0, "killed": 0, "finished": 0}
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root = work / "project"
        subprocess.run(command("import", root, work, 0), check=True, capture_output=True,
                       cwd=ROOT)
        seen = state(root, problems)
        rounds = 0
        while rounds < args.kills and time.monotonic() - started < args.budget:
            rounds += 1
            kind = rng.choice(("import", "import", "export", "link"))
            counts[kind] += 1
            proc = subprocess.Popen(command(kind, root, work, rounds), cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                proc.wait(rng.uniform(0.0, 1.5))
                counts["finished"] += 1
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                counts["killed"] += 1
            now = state(root, problems)
            lost = [aid for aid, spans in seen.items() if now.get(aid, -1) < spans]
            if lost:
                problems.append(f"round {rounds} ({kind}): {len(lost)} article(s) lost spans")
            seen = {**seen, **now}
            if problems:
                break
        export = command("export", root, work, 0)
        subprocess.run(export, cwd=ROOT, capture_output=True)
        left = list((root / "exports").glob(".*.tmp"))
        if left:
            problems.append(f"export temps left after a later export: {left[:2]}")
    seconds = time.monotonic() - started
    print(f"rounds              {rounds} in {seconds:.0f} s (import {counts['import']}, "
          f"export {counts['export']}, link {counts['link']})")
    print(f"killed / finished   {counts['killed']} / {counts['finished']}")
    print(f"articles checked    {len(seen)} ({sum(seen.values())} spans)")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print(f"lost                {'yes' if problems else 0}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
