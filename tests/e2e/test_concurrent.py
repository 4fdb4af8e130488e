"""Concurrent use: two app windows (two annotators) edit one project while the CLI exports it.

Each annotator writes only their own files, under their own lock; a second window for the same
annotator opens read-only; readers (the CLI export, and a thread here that keeps parsing every
file) never see a half-written file; and when the windows close, everything each reported
saved is on disk. Two windows importing articles one after the other keep both imports.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

from annotator.core.model import Article
from annotator.store.atomic import StoreError, read_tables
from annotator.store.project_store import ProjectStore
from tests.e2e.kill_worker import HEADER_LEN, Ledger, read_back, seed_articles
from tests.e2e.test_kill import REPO, Worker

ANNOTATORS = ("ayu", "Budi Santoso")  # the second needs a slug: a different folder name


def _export(root: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "annotator.cli", "export", "--project", str(root),
         "--out", str(out), "--annotator", "all", "--status", "any", "--allow-undecided",
         *extra],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )


def _check_export(out: Path, texts: set[str]) -> dict[str, int]:
    """Every line parses and every span covers exactly one seeded word; spans per annotator."""
    per: dict[str, int] = {}
    for number, line in enumerate(out.read_text("utf-8").splitlines(), start=1):
        record = json.loads(line)  # a half-written export would fail here
        assert record["text"] in texts, f"{out}:{number}: unknown text"
        for span in record["spans"]:
            word = record["text"][span["start"] : span["end"]]
            assert len(word) == 5 and " " not in word, f"{out}:{number}: span {span} is {word!r}"
            assert (span["start"] - HEADER_LEN) % 6 == 0
        per[record["_annotator_id"]] = per.get(record["_annotator_id"], 0) + len(record["spans"])
    return per


class Reader(threading.Thread):
    """Parses every annotation and KB file over and over; any damaged read is recorded."""

    def __init__(self, root: Path) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.reads = 0
        self.errors: list[str] = []
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            for path in [*self.root.glob("annotations/*/*.json"), *self.root.glob("kb/*.json")]:
                try:
                    read_tables(path)  # None when it vanished between glob and read
                    self.reads += 1
                except StoreError as exc:
                    self.errors.append(str(exc))


def test_two_windows_and_cli_exports_on_one_project(tmp_path: Path) -> None:
    root = tmp_path / "project"
    arts = seed_articles()
    with ProjectStore(root, "seeder") as store:
        store.add_articles(arts)
    texts = {a.text for a in arts}
    windows = {
        who: Worker(root, who, mode="qt", seed=i, log=tmp_path / f"{i}.log", wait_go=False,
                    settings=tmp_path / f"{i}.ini")
        for i, who in enumerate(ANNOTATORS)
    }
    reader = Reader(root)
    try:
        for worker in windows.values():
            worker.wait_for("OPEN")
        reader.start()

        # A second window for the same annotator: read-only, says why, and exits.
        second = Worker(root, "ayu", mode="qt", seed=9, log=tmp_path / "second.log",
                        wait_go=False)
        assert second.finish(60) == 3, second.stderr()
        assert second.read_only and "already open for annotator ayu" in second.read_only

        # The CLI does not write ayu's folder while her window is open: it queues the import.
        extra = tmp_path / "extra.jsonl"
        extra.write_text(json.dumps({"text": "Berita tambahan."}) + "\n", "utf-8")
        imp = subprocess.run(
            [sys.executable, "-m", "annotator.cli", "import", "--project", str(root),
             "--annotator", "ayu", str(extra)],
            capture_output=True, text=True, cwd=REPO, timeout=120,
        )
        assert imp.returncode == 0 and "queued" in imp.stdout
        texts.add("Berita tambahan.")  # the window imports it, so exports may carry it

        # Exports while both windows keep saving: complete, parseable, consistent files.
        for i in range(2):
            out = tmp_path / f"export-{i}.jsonl"
            done = _export(root, out)
            assert done.returncode == 0, done.stderr
            _check_export(out, texts)
        assert all(w.proc.poll() is None for w in windows.values()), "a window died"
        assert all(w.saved > 0 for w in windows.values())
    finally:
        codes = {who: w.stop(60) for who, w in windows.items()}
        reader.halt.set()
        reader.join(10)
    assert codes == dict.fromkeys(ANNOTATORS, 0), [w.stderr() for w in windows.values()]
    assert all(w.closed for w in windows.values()), "a window closed with unsaved edits"
    assert reader.errors == [] and reader.reads > 0

    final = tmp_path / "final.jsonl"
    assert _export(root, final).returncode == 0
    per = _check_export(final, texts)
    for who, worker in windows.items():
        disk = read_back(root, who)
        verdict = Ledger().check(disk, worker.saved, worker.started)
        assert verdict.ok and verdict.lost == [], (who, verdict)
        assert worker.saved == worker.started  # closed normally: every edit was saved
        assert per.get(who, 0) == sum(len(keys) for keys in disk.spans.values())
    print(f"\nedits saved: { {w: x.saved for w, x in windows.items()} }; "
          f"reader parsed {reader.reads} files, none half-written")


def test_imports_from_two_open_windows_keep_both(tmp_path: Path) -> None:
    root = tmp_path / "project"
    ProjectStore(root, "ayu").close()
    ayu, budi = ProjectStore(root, "ayu"), ProjectStore(root, "budi")  # both windows open
    try:
        first = [Article.from_text(f"Berita ayu {i}.", f"A{i}") for i in range(3)]
        second = [Article.from_text(f"Berita budi {i}.", f"B{i}") for i in range(2)]
        ayu.add_articles(first)
        added, dups = budi.add_articles([*second, first[0]])  # budi never saw ayu's import
        assert added == second and dups == [first[0]]
        assert budi.load_text(first[1].id) == first[1].text
    finally:
        ayu.close()
        budi.close()
    with ProjectStore(root, "citra") as fresh:
        ids = [info.id for info in fresh.article_infos()]
        assert ids == [a.id for a in first + second]
        assert [fresh.load_text(i) for i in ids] == [a.text for a in first + second]


IMPORTER = """
import sys
from annotator.core.model import Article
from annotator.store.project_store import ProjectStore
root, who = sys.argv[1], sys.argv[2]
for round_ in range(25):  # like 25 CLI imports: open, add, close
    with ProjectStore(root, who) as store:
        store.add_articles(
            [Article.from_text(f"Berita {who} {round_}-{i}.", f"{who} {round_}") for i in range(8)]
        )
"""


def test_simultaneous_imports_lose_no_article(tmp_path: Path) -> None:
    root = tmp_path / "project"
    ProjectStore(root, "seed").close()
    procs = [
        subprocess.Popen([sys.executable, "-c", IMPORTER, str(root), who], cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for who in ("ayu", "budi", "citra")
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    with ProjectStore(root, "check") as store:
        infos = store.article_infos()
        assert len(infos) == 3 * 25 * 8 and len({i.id for i in infos}) == len(infos)
        assert all(store.load_text(i.id).startswith("Berita ") for i in infos)
