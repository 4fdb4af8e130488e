"""Closing and reopening shows the same state; emoji do not shift offsets; second window."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson
from PySide6.QtCore import Qt

from annotator.io.export import export_project
from tests.ui.helpers import answer_done_prompt, click_span, find_span, key, select_text

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def snapshot(window) -> dict:  # noqa: ANN001
    return {
        s.article_id: (
            [(x.key, x.origin, x.kb_id) for x in s.spans],
            sorted(s.rejected),
            s.status,
        )
        for s in window.project.sets_of()
        if s.touched
    }


def test_close_and_reopen_shows_the_same_state(opener, tmp_path: Path) -> None:  # noqa: ANN001
    window = opener.open()
    click_span(window, find_span(window, "Vladimir Putin", pending=True))
    key(window, "A")
    click_span(window, find_span(window, "Komsomolsk-on-Amur", pending=True))
    key(window, "X")
    start = window.view.text.index("Knevichi")
    select_text(window, start, start + len("Knevichi"))
    key(window, "5")
    key(window, "D", CTRL)
    answer_done_prompt(window, opener.qtbot, "Mark done anyway")
    key(window, "N")
    key(window, "A", CTRL | SHIFT)
    before = snapshot(window)
    assert len(before) == 2
    opener.close(window)

    again = opener.open(seeds=None)
    assert snapshot(again) == before
    assert again.article_model.data(again.article_model.index(0, 1)) == "done"
    assert find_span(again, "Vladimir Putin", pending=False)


def test_emoji_before_a_span_keeps_offsets(opener, tmp_path: Path, qtbot) -> None:  # noqa: ANN001
    folder = tmp_path / "emoji"
    folder.mkdir()
    text = (
        "Judul 🙂\n🚀🇰🇵 Laporan 𝒳: Presiden Vladimir Putin bertemu Kim Jong Un 🤝 "
        "di Vostochny.\n"
    )
    (folder / "a.txt").write_text(text, encoding="utf-8")
    window = opener.open(seeds=folder)
    start = text.index("Vladimir Putin")
    select_text(window, start, start + len("Vladimir Putin"))
    assert window.view.selection_range() == (start, start + len("Vladimir Putin"))
    key(window, "1")
    start2 = text.index("Vostochny")
    select_text(window, start2 + 1, start2 + 5)  # partial word snaps to the whole token
    key(window, "5")
    out = tmp_path / "emoji.jsonl"
    export_project(window.project, out, annotator="ayu", status="any", allow_undecided=True)
    record = orjson.loads(out.read_bytes().splitlines()[0])
    got = [(record["text"][s["start"] : s["end"]], s["label"]) for s in record["spans"]]
    assert got == [("Vladimir Putin", "PER"), ("Vostochny", "FAC")]


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from annotator.store.project_store import ProjectStore
    store = ProjectStore(Path(sys.argv[1]), "ayu")
    print("locked", flush=True)
    time.sleep(60)
    """
)


def test_second_window_opens_read_only(opener, tmp_path: Path) -> None:  # noqa: ANN001
    first = opener.open(suggest=False)
    opener.close(first)  # project exists and is seeded
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "project")],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        window = opener.open(seeds=None)
        assert window.project.read_only
        assert window.banner.isVisible() and "read-only" in window.banner.text()
        assert not window.actions_by_id["accept"].isEnabled()
        assert window.status.save_label.text().startswith("Read-only")
        span = window.view.spans[0]
        click_span(window, span)
        key(window, "1")
        assert window.project.annotation_set(window.article_id).spans == []
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)


def test_an_edit_reaches_disk_without_closing(window, qtbot) -> None:  # noqa: ANN001
    from annotator.store.atomic import read_tables

    span = find_span(window, "Vladimir Putin", pending=True)
    click_span(window, span)
    key(window, "A")
    shard = window.store.shard_file(window.article_id)

    def on_disk() -> bool:
        tables = read_tables(shard) if shard.exists() else None
        doc = (tables or {}).get("set", {}).get("1", {})
        return [s["start"] for s in doc.get("spans", [])] == [span.start]

    qtbot.waitUntil(on_disk, timeout=5000)
    qtbot.waitUntil(lambda: window.status.save_label.text() == "All changes saved", timeout=5000)
