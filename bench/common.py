"""Helpers shared by the goal benchmarks: the corpus cache, prepared projects, small statistics.

Corpora come from the shared generator (../shared/bench/gen_corpus.py, seed 0) and are cached
under bench/out/ (git-ignored), as are the prepared projects built from them. Everything that
measures runs in a child process (see probe_core.py and probe_window.py); run_all.py only
orchestrates and judges.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"
GEN = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
ANNOTATOR = "bench"
PREP_VERSION = 1  # bump when prepare() changes what a prepared project holds
ACCEPT_SHARE = 0.6  # share of the articles whose suggestions are accepted in a prepared project


def env(**extra: str) -> dict[str, str]:
    """The environment of every child: offscreen Qt, quiet Qt logging, unbuffered output."""
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QT_LOGGING_RULES": "qt.*=false",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def annotator_cli() -> list[str]:
    """The `annotator` console script of this interpreter's environment (else `-m`)."""
    script = Path(sys.executable).with_name("annotator")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "annotator.cli"]


def corpus_dir(n: int, seed: int = 0, gen: Path = GEN) -> Path:
    """bench/out/corpus-N-sSEED holding corpus.jsonl and long.jsonl, generated once."""
    out = OUT / f"corpus-{n}-s{seed}"
    stamp = out / ".done"
    if not stamp.is_file():
        if not gen.is_file():
            raise SystemExit(f"corpus generator not found: {gen}")
        shutil.rmtree(out, ignore_errors=True)
        cmd = [sys.executable, str(gen), "--n", str(n), "--seed", str(seed), "--out", str(out)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        stamp.write_text("ok\n")
    return out


def corpus_files(n: int) -> list[Path]:
    folder = corpus_dir(n)
    return [folder / "corpus.jsonl", folder / "long.jsonl"]


def corpus_texts(n: int) -> list[str]:
    """The texts of corpus.jsonl (not the long article), in order."""
    with open(corpus_dir(n) / "corpus.jsonl", encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def prepared_stamp(n: int) -> str:
    from annotator.store.project_store import SCHEMA_VERSION

    return json.dumps({"n": n, "prep": PREP_VERSION, "schema": SCHEMA_VERSION,
                       "share": ACCEPT_SHARE})


def prepared_project(n: int, fresh: bool = False) -> Path:
    """bench/out/project-N: the corpus imported, suggestions accepted in ACCEPT_SHARE of it.

    Built once by `probe_core.py prepare` (in a child process) and reused; measurements that
    write work on a copy (copy_project).
    """
    dest = OUT / f"project-{n}"
    stamp = dest / ".bench-stamp"
    if fresh or not stamp.is_file() or stamp.read_text() != prepared_stamp(n):
        shutil.rmtree(dest, ignore_errors=True)
        cmd = [sys.executable, str(BENCH / "probe_core.py"), "prepare", "--n", str(n),
               "--project", str(dest)]
        subprocess.run(cmd, check=True, env=env(), stdout=subprocess.DEVNULL)
        stamp.write_text(prepared_stamp(n))
    return dest


def copy_project(src: Path, dst: Path) -> Path:
    """A writable copy of a prepared project (without its lock files and stamp)."""
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.lock", ".bench-stamp"))
    return dst


def run_json(cmd: Sequence[str], timeout: float = 600.0) -> dict:
    """Run a probe; its last stdout line is a JSON object. Raise with its stderr on failure."""
    done = subprocess.run(list(cmd), capture_output=True, text=True, env=env(), timeout=timeout)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise RuntimeError(f"{' '.join(map(str, cmd[1:3]))} failed ({done.returncode}):\n{tail}")
    return json.loads(lines[-1])


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size of a process (this one by default) in MB, from /proc/PID/status."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def children_rss_mb() -> float:
    """Resident memory of this process's child processes (the worker processes), in MB."""
    me, total = str(os.getpid()), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            value = rss_mb(stat.parent.name)
            total += 0.0 if value != value else value
    return total


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def coref_table(rows: dict[str, dict]) -> str:
    """Linking scores (coref_metrics.scores) as a table: MUC, B³, CEAF-e P/R/F and CoNLL."""
    lines = [f"{'':<22} {'MUC P/R/F':>20} {'B3 P/R/F':>20} {'CEAF-e P/R/F':>20} {'CoNLL':>7}"]
    for name, doc in rows.items():
        cells = [" ".join(f"{doc[m][x]:.3f}" for x in "prf") for m in ("muc", "b_cubed", "ceaf_e")]
        lines.append(f"{name:<22} {cells[0]:>20} {cells[1]:>20} {cells[2]:>20} "
                     f"{doc['conll']:>7.3f}")
    return "\n".join(lines)
