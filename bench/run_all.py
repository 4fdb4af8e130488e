"""Every performance goal of issue 11, measured on the benchmark corpus; `make bench` runs it.

  python bench/run_all.py [--runs 3] [--only REGEX] [--fresh] [--json PATH]

Generates the corpus with the shared generator (5,000 and 10,000 articles plus the 200 KB
article, cached under bench/out/), prepares projects from it with the real CLI and store
(suggestions accepted in 60 % of the articles), then drives the real code paths in child
processes: the `annotator` CLI (import, export, under a pseudo-terminal so the progress bar
draws), the store's writer, and the real MainWindow offscreen (probe_window.py). Prints one
line per figure as it is measured (median of several runs, unit, goal), then the whole
table, and exits 1 when a goal is missed (2 when a probe failed). Figures are printed even
when goals are missed. Writes bench/out/results.json and bench/out/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    ANNOTATOR,
    BENCH,
    OUT,
    annotator_cli,
    copy_project,
    corpus_files,
    env,
    median,
    prepared_project,
    run_json,
)
from figures import Figure, header, markdown, ms, num, row  # noqa: E402

PY = sys.executable


# -- measuring helpers ----------------------------------------------------------
def timed_cli(args: list[str], banner: str) -> float:
    """Wall time of one `annotator ...` process, stderr on a pseudo-terminal (progress bar)."""
    master, slave = pty.openpty()
    seen: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    started = time.perf_counter()
    proc = subprocess.run([*annotator_cli(), *args], stdout=subprocess.PIPE, stderr=slave,
                          env=env(), check=False)
    elapsed = time.perf_counter() - started
    os.close(slave)
    reader.join(5)
    os.close(master)
    if proc.returncode != 0:
        raise RuntimeError(f"annotator {args[0]} exited {proc.returncode}: "
                           f"{b''.join(seen).decode(errors='replace')[-300:]}")
    if banner.encode() not in b"".join(seen):
        raise RuntimeError(f"annotator {args[0]}: no progress bar ({banner!r}) was drawn")
    return elapsed


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.runs = args.runs
        self.work = work
        self.figures: list[Figure] = []
        self.raw: dict[str, object] = {}
        self._n = 0

    def tmp(self, name: str) -> Path:
        self._n += 1
        return self.work / f"{self._n:03d}-{name}"

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        print(row(figure), flush=True)

    def wanted(self, group: str) -> bool:
        return not self.args.only or re.search(self.args.only, group) is not None

    def group(self, name: str, body: Callable[[], None], names: list[str]) -> None:
        """Run one group of figures; a failure becomes an error line per figure, not a crash."""
        if not self.wanted(name):
            return
        started = time.perf_counter()
        try:
            body()
        except Exception as exc:  # noqa: BLE001 - reported in the table, exit code 2
            message = str(exc).strip().splitlines()
            for figure_name in names:
                if not any(f.name == figure_name for f in self.figures):
                    self.add(Figure(figure_name, [], "", error=f"probe failed: {message[-1]}"))
            print("\n".join(f"    {line}" for line in message), file=sys.stderr)
        print(f"    ({name}: {time.perf_counter() - started:.0f} s)", file=sys.stderr)

    # -- the groups ---------------------------------------------------------------
    def imports(self) -> None:
        for n, goal in ((5000, 2.0), (10000, 4.0)):
            files = [str(p) for p in corpus_files(n)]
            values = []
            for _ in range(self.runs):
                target = self.tmp(f"import-{n}")
                values.append(timed_cli(["import", *files, "--project", str(target),
                                         "--annotator", ANNOTATOR], "Reading ["))
            self.add(Figure(f"import {n // 1000}k articles + 200 KB one (CLI, progress bar)",
                            values, "s", "<=", goal))

    def save(self) -> None:
        for n in (5000, 10000):
            project = copy_project(prepared_project(n), self.tmp(f"save-{n}"))
            data = run_json([PY, str(BENCH / "probe_core.py"), "save", "--project", str(project),
                             "--edits", str(self.args.edits)])
            self.raw[f"save_{n}"] = {k: v for k, v in data.items() if not isinstance(v, list)}
            self.add(Figure(f"edit until fsync'd on disk, {n // 1000}k ({len(data['latency_s'])} "
                            "edits)", ms(data["latency_s"]), "ms", "<=", 1000, stat="max"))
            self.add(Figure(f"edit, core command + hand-off to the writer (no window), "
                            f"{n // 1000}k", ms(data["ui_s"]), "ms"))
            corpus_kb = data["corpus_bytes"] / 1024
            self.add(Figure(f"bytes written per edit, {n // 1000}k (corpus {corpus_kb / 1024:.0f} "
                            "MB)", [b / 1024 for b in data["shard_bytes"]], "KB", "<=",
                            round(corpus_kb / 100), stat="max", note="goal: 1 % of the corpus"))

    def startup(self) -> None:
        project = copy_project(prepared_project(10000), self.tmp("startup-10000"))
        values, opened, rss = [], [], []
        for i in range(max(self.runs, 5)):
            settings = self.tmp(f"startup-{i}.ini")
            t0 = time.perf_counter()
            data = run_json([PY, str(BENCH / "probe_window.py"), "startup", "--project",
                             str(project), "--t0", repr(t0), "--settings", str(settings)])
            values.append(data["visible_s"])
            opened.append(data["opened_s"])
            rss.append(data["rss_mb"])
        self.add(Figure("open 10k project (6k annotated): process start to first article "
                        "visible", values, "s", "<", 1.5))
        self.add(Figure("  of which: process start, imports, open_project (sets loaded)", opened,
                        "s"))
        self.add(Figure("  resident memory at that moment (suggestions starting)", rss, "MB"))

    def desk(self) -> None:
        for n in (5000, 10000):
            project = copy_project(prepared_project(n), self.tmp(f"desk-{n}"))
            cmd = [PY, str(BENCH / "probe_window.py"), "desk", "--project", str(project),
                   "--settings", str(self.tmp("desk.ini")), "--edits", str(self.args.edits // 2)]
            if n == 10000:
                cmd.append("--long")
            data = run_json(cmd)
            self.raw[f"desk_{n}"] = data
            k = f"{n // 1000}k"
            self.add(Figure(f"edit (select + label key), UI thread, {k}", ms(data["edit_s"]),
                            "ms", "<", 2))
            self.add(Figure(f"edit incl. repaint, UI thread, {k}", ms(data["edit_paint_s"]),
                            "ms"))
            self.add(Figure(f"edit, longest UI block in the 250 ms after it, {k}",
                            ms(data["edit_after_gap_s"]), "ms"))
            if n != 10000:
                continue
            self.add(Figure("resident memory, 10k project open in the window",
                            [data["rss_open_mb"]], "MB", "<", 300))
            spans = data["spans_per_article"]
            self.add(Figure(f"switch to next 2–4 KB article (N), {spans:.0f} spans, painted, "
                            "10k", ms(data["next_s"]), "ms", "<", 16))
            self.add(Figure("jump to a 2–4 KB article (list click), painted, 10k",
                            ms(data["jump_s"]), "ms", "<", 16))
            self.add(Figure(f"switch to the 200 KB article, {data['long_spans']} spans, painted",
                            ms(data["long_switch_s"]), "ms", "<", 150))
            self.add(Figure(f"accept-all on it ({data['long_spans']} suggestions), painted",
                            ms(data["accept_all_s"]), "ms", "<", 100))
            self.add(Figure("undo that accept-all, painted", ms(data["undo_s"]), "ms", "<", 100))

    def suggest(self) -> None:
        data = run_json([PY, str(BENCH / "probe_core.py"), "suggest", "--n", "5000",
                         "--runs", str(self.runs)])
        self.add(Figure("built-in suggestions over the 5k corpus", data["rates"], "articles/s",
                        ">=", 200))
        self.add(Figure("built-in suggester: import + construction (once)",
                        [data["import_s"] + data["construct_s"]], "s"))

    def exports(self) -> None:
        project = prepared_project(5000)
        for fmt, goal, label in (("jsonl", 5.0, "our JSONL with tokens"),
                                 ("doccano", 2.0, "doccano JSONL")):
            values = []
            for _ in range(self.runs):
                out = self.tmp(f"export.{fmt}.jsonl")
                values.append(timed_cli(["export", "--project", str(project), "--annotator",
                                         ANNOTATOR, "--status", "any", "--format", fmt,
                                         "--out", str(out)],
                                        "Exporting ["))
                if not out.is_file() or out.stat().st_size == 0:
                    raise RuntimeError(f"export {fmt}: nothing written")
            self.add(Figure(f"export 5k (3,000 annotated), {label} (CLI)", values, "s", "<=",
                            goal))

    def blocks(self) -> None:
        project5 = prepared_project(5000)
        probe = [PY, str(BENCH / "probe_window.py"), "blocks"]

        def block(task: str, extra: list[str], source: Path | None) -> list[dict]:
            results = []
            for _ in range(max(1, self.args.block_runs if task == "suggest" else self.runs)):
                target = (copy_project(source, self.tmp(f"blocks-{task}")) if source
                          else self.tmp(f"blocks-{task}"))
                results.append(run_json([*probe, "--task", task, "--project", str(target),
                                         "--settings", str(self.tmp("blocks.ini")), *extra]))
            self.raw[f"blocks_{task}"] = results
            return results

        found = block("suggest", [], project5)
        self.add(Figure("longest UI-thread block, full suggestion pass (5k, in the window)",
                        [r["max_gap_s"] * 1e3 for r in found], "ms", "<", 50,
                        note=f"pass took {median([r['elapsed_s'] for r in found]):.0f} s"))
        found = block("import", ["--files", *map(str, corpus_files(5000))], None)
        self.add(Figure("longest UI-thread block, import of the 5k corpus (window)",
                        [r["max_gap_s"] * 1e3 for r in found], "ms", "<", 50))
        found = block("export", ["--out", str(self.tmp("blocks-export.jsonl"))], project5)
        self.add(Figure("longest UI-thread block, export 5k JSONL (window)",
                        [r["max_gap_s"] * 1e3 for r in found], "ms", "<", 50))

    def memory_after_pass(self) -> None:
        project = copy_project(prepared_project(10000), self.tmp("memory-10000"))
        data = run_json([PY, str(BENCH / "probe_window.py"), "blocks", "--task", "suggest",
                         "--project", str(project), "--settings", str(self.tmp("mem.ini")),
                         "--timeout", "600"], timeout=900)
        self.raw["memory_after_pass"] = data
        self.add(Figure("resident memory, 10k project after the suggestion pass", [data["rss_mb"]],
                        "MB", "<", 300, note="the window process"))
        self.add(Figure("  and its worker processes (warm, spaCy loaded)",
                        [data["workers_rss_mb"]], "MB"))
        self.add(Figure("longest UI-thread block, full suggestion pass (10k, in the window)",
                        [data["max_gap_s"] * 1e3], "ms", "<", 50,
                        note=f"pass took {data['elapsed_s']:.0f} s"))
        found = [run_json([PY, str(BENCH / "probe_window.py"), "blocks", "--task", "find",
                           "--project", str(project), "--settings", str(self.tmp("find.ini"))])
                 for _ in range(self.runs)]
        self.add(Figure("longest UI-thread block, find in all 10k articles (no hit: reads all)",
                        [r["max_gap_s"] * 1e3 for r in found], "ms", "<", 50,
                        note=f"search took {median([r['elapsed_s'] for r in found]):.1f} s"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (startup: >= 5)")
    parser.add_argument("--block-runs", type=int, default=1,
                        help="runs of the suggestion-pass block probe (one pass takes ~30 s)")
    parser.add_argument("--edits", type=int, default=200, help="edits timed until on disk")
    parser.add_argument("--only", help="run only the groups whose name matches this regex: "
                        "import save startup desk suggest export blocks memory")
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached projects")
    parser.add_argument("--json", type=Path, default=OUT / "results.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    args = parser.parse_args()

    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"Python {sys.version.split()[0]} ({PY}), {os.cpu_count()} CPUs; preparing the corpus "
          "and projects (cached in bench/out/)…", file=sys.stderr, flush=True)
    if args.fresh or not args.only:
        for n in (5000, 10000):
            prepared_project(n, fresh=args.fresh)
    print(f"    (prepared in {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    print(header())
    with tempfile.TemporaryDirectory(prefix="bench-", dir=OUT) as tmp:
        bench = Bench(args, Path(tmp))
        groups: list[tuple[str, Callable[[], None], list[str]]] = [
            ("import", bench.imports, ["import 5k", "import 10k"]),
            ("save", bench.save, ["edit until fsync'd on disk"]),
            ("startup", bench.startup, ["open 10k project"]),
            ("desk", bench.desk, ["edit / switch / accept-all / memory (window)"]),
            ("suggest", bench.suggest, ["built-in suggestions over the 5k corpus"]),
            ("export", bench.exports, ["export 5k"]),
            ("blocks", bench.blocks, ["longest UI-thread block (suggestions, import, export)"]),
            ("memory", bench.memory_after_pass, ["resident memory after the suggestion pass"]),
        ]
        for name, body, names in groups:
            bench.group(name, body, names)
        if args.keep:
            shutil.rmtree(OUT / "last-run", ignore_errors=True)
            shutil.copytree(tmp, OUT / "last-run")
    figures = bench.figures
    print("\n" + header())
    print("\n".join(row(f) for f in figures))
    missed = [f for f in figures if f.ok is False and not f.error]
    errors = [f for f in figures if f.error]
    total = time.perf_counter() - started
    print(f"\n{len(figures)} figures, {len(missed)} goals missed, {len(errors)} errors, "
          f"{total:.0f} s")
    for f in missed:
        print(f"MISSED: {f.name}: {num(f.judged)} {f.unit} ({f.stat}), goal {f.goal_text}")
    args.json.write_text(json.dumps({
        "python": sys.version.split()[0], "cpus": os.cpu_count(), "seconds": total,
        "figures": [{**asdict(f), "median": f.median, "ok": f.ok} for f in figures],
        "raw": bench.raw,
    }, indent=1, default=str))
    (args.json.parent / "results.md").write_text(markdown(figures))
    if errors:
        return 2
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
