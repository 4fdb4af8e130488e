"""The group-commit writer: coalescing, flush, and disk faults that lose nothing."""

from __future__ import annotations

import errno
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.store.atomic import read_json
from annotator.store.writer import ShardWriter


@pytest.fixture
def events() -> dict[str, list]:
    return {"error": [], "recovered": [], "saved": []}


@pytest.fixture
def writer(events: dict[str, list]) -> Iterator[ShardWriter]:
    w = ShardWriter(
        window=0.05,
        backoff=(0.05,),
        on_error=events["error"].append,
        on_recovered=lambda: events["recovered"].append(True),
        on_saved=events["saved"].append,
    )
    yield w
    w.close(timeout=1.0)


def _tmp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def test_quick_submits_coalesce_and_last_data_wins(tmp_path: Path, writer: ShardWriter) -> None:
    path = tmp_path / "a.json"
    seqs = [writer.submit(path, {"v": i}) for i in range(10)]
    assert seqs == list(range(1, 11))
    assert writer.flush(5.0)
    assert writer.saved_seq == 10
    assert writer.writes < 10
    assert read_json(path) == {"v": 9}


def test_many_paths_each_get_their_latest(tmp_path: Path, writer: ShardWriter) -> None:
    for round_ in range(5):
        for i in range(20):
            writer.submit(tmp_path / f"{i}.json", {"round": round_, "i": i})
    assert writer.flush(5.0)
    assert all(read_json(tmp_path / f"{i}.json") == {"round": 4, "i": i} for i in range(20))
    assert writer.writes < 100


def test_flush_with_nothing_queued_is_immediate(writer: ShardWriter) -> None:
    assert writer.flush(0.01)
    assert writer.saved_seq == 0 and writer.pending == 0


def test_on_saved_reports_a_growing_seq(
    tmp_path: Path, writer: ShardWriter, events: dict[str, list]
) -> None:
    for i in range(3):
        writer.submit(tmp_path / "a.json", {"v": i})
        assert writer.flush(5.0)
    assert events["saved"] == sorted(events["saved"])
    assert events["saved"][-1] == 3


def test_disk_full_reports_keeps_data_and_recovers(
    tmp_path: Path, writer: ShardWriter, events: dict[str, list], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.json"
    writer.submit(path, {"v": 1})
    assert writer.flush(5.0)
    real_fsync = os.fsync
    full = threading.Event()
    full.set()

    def fsync(fd: int) -> None:
        if full.is_set():
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    seq2 = writer.submit(path, {"v": 2})
    assert not writer.flush(0.3)
    assert events["error"], "the app was not told"
    assert str(path) in events["error"][0] and "disk is full" in events["error"][0]
    assert read_json(path) == {"v": 1}  # what was saved before is intact
    assert writer.saved_seq < seq2
    assert writer.last_error is not None
    seq3 = writer.submit(path, {"v": 3})  # edits go on while the disk is full
    full.clear()
    assert writer.flush(5.0)
    assert writer.saved_seq >= seq3
    assert read_json(path) == {"v": 3}
    assert events["recovered"] == [True]
    assert writer.last_error is None
    assert _tmp_files(tmp_path) == []


def test_failed_in_flight_write_never_overrides_a_newer_job(
    tmp_path: Path, writer: ShardWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.json"
    entered, release = threading.Event(), threading.Event()
    real_write = writer._write
    calls = {"n": 0}

    def write(p: Path, payload: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            entered.set()
            release.wait(5)
            raise OSError(errno.EROFS, "Read-only file system")
        real_write(p, payload)

    monkeypatch.setattr(writer, "_write", write)
    old = writer.submit(path, {"v": "old"})
    assert entered.wait(5)
    new = writer.submit(path, {"v": "new"})  # arrives while "old" is being written
    release.set()
    assert writer.flush(5.0)
    assert read_json(path) == {"v": "new"}
    assert writer.saved_seq >= new > old


def test_saved_seq_waits_for_a_coalesced_older_change(
    tmp_path: Path, writer: ShardWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.json"
    fail = threading.Event()
    fail.set()
    real_write = writer._write

    def write(p: Path, payload: bytes) -> None:
        if fail.is_set() and p == path:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(p, payload)

    monkeypatch.setattr(writer, "_write", write)
    first = writer.submit(path, {"v": 1})
    other = writer.submit(tmp_path / "b.json", {"v": 1})
    assert not writer.flush(0.3)
    assert writer.saved_seq < first  # b.json is written, but a.json (seq 1) is not
    assert read_json(tmp_path / "b.json") == {"v": 1} and other > first
    fail.clear()
    assert writer.flush(5.0)
    assert writer.saved_seq == other


def test_deleted_sub_folder_is_recreated_inside_an_existing_root(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "annotations" / "ayu").mkdir(parents=True)
    w = ShardWriter(root=root, backoff=(0.05,))
    try:
        shutil.rmtree(root / "annotations")
        w.submit(root / "annotations" / "ayu" / "x.json", {"v": 1})
        assert w.flush(5.0)
        assert read_json(root / "annotations" / "ayu" / "x.json") == {"v": 1}
    finally:
        w.close(1.0)


def test_deleted_project_folder_is_reported_not_recreated(
    tmp_path: Path, events: dict[str, list]
) -> None:
    root = tmp_path / "project"
    w = ShardWriter(root=root, backoff=(0.05,), on_error=events["error"].append)
    try:
        target = root / "annotations" / "ayu" / "x.json"
        w.submit(target, {"v": 1})
        assert not w.flush(0.3)
        assert not root.exists()
        assert "no longer exists" in events["error"][0] and str(target) in events["error"][0]
        target.parent.mkdir(parents=True, exist_ok=True)  # e.g. the drive is back
        assert w.flush(5.0)
        assert read_json(target) == {"v": 1}
    finally:
        w.close(1.0)


def test_a_failing_hook_does_not_stop_saving(tmp_path: Path) -> None:
    def boom(_: int) -> None:
        raise RuntimeError("hook bug")

    w = ShardWriter(on_saved=boom)
    try:
        w.submit(tmp_path / "a.json", {"v": 1})
        assert w.flush(5.0)
        w.submit(tmp_path / "a.json", {"v": 2})
        assert w.flush(5.0)
        assert read_json(tmp_path / "a.json") == {"v": 2}
    finally:
        w.close(1.0)


def test_close_writes_everything_then_refuses_new_jobs(tmp_path: Path) -> None:
    w = ShardWriter(window=0.2)
    w.submit(tmp_path / "a.json", {"v": 1})
    assert w.close(5.0)
    assert read_json(tmp_path / "a.json") == {"v": 1}
    with pytest.raises(RuntimeError):
        w.submit(tmp_path / "a.json", {"v": 2})


def test_close_reports_unsaved_data(tmp_path: Path) -> None:
    w = ShardWriter(backoff=(0.05,))
    w.submit(tmp_path / "missing-dir" / "a.json", {"v": 1})
    assert not w.close(0.3)


def test_unserialisable_data_fails_in_the_caller(tmp_path: Path, writer: ShardWriter) -> None:
    with pytest.raises(TypeError):
        writer.submit(tmp_path / "a.json", {"v": object()})
    assert writer.pending == 0


def test_a_lone_edit_does_not_wait_for_the_window(tmp_path: Path) -> None:
    w = ShardWriter(window=2.0)
    try:
        w.submit(tmp_path / "a.json", {"v": 1})
        assert w.flush(1.0)
    finally:
        w.close(1.0)


def test_a_burst_is_gathered_into_few_writes(tmp_path: Path) -> None:
    w = ShardWriter(window=0.3)
    try:
        for i in range(50):
            w.submit(tmp_path / "a.json", {"v": i})
            w.submit(tmp_path / "b.json", {"v": i})
        assert w.flush(5.0)
        assert w.writes <= 4  # at most the first lone write per file, then one gathered write
        assert read_json(tmp_path / "a.json") == read_json(tmp_path / "b.json") == {"v": 49}
    finally:
        w.close(1.0)


@settings(max_examples=30, deadline=None)
@given(
    jobs=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 1000)), min_size=1, max_size=40),
    faults=st.integers(0, 6),
)
def test_any_submit_order_with_faults_ends_with_the_latest_data(
    tmp_path_factory: pytest.TempPathFactory, jobs: list[tuple[int, int]], faults: int
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    w = ShardWriter(window=0.002, backoff=(0.005,))
    real_write = w._write
    left = {"n": faults}

    def write(p: Path, payload: bytes) -> None:
        if left["n"] > 0:
            left["n"] -= 1
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(p, payload)

    w._write = write  # type: ignore[method-assign,assignment]
    try:
        last: dict[int, int] = {}
        for path, value in jobs:
            w.submit(folder / f"{path}.json", {"v": value})
            last[path] = value
        assert w.flush(10.0)
        assert w.saved_seq == len(jobs)
        assert {int(f.stem): read_json(f)["v"] for f in folder.glob("*.json")} == last
    finally:
        w.close(1.0)


def test_retry_now_cuts_a_long_back_off_short(tmp_path: Path) -> None:
    """After a fault the writer waits out its back-off; retry_now tries again at once."""
    root = tmp_path / "project"
    w = ShardWriter(root=root, backoff=(600.0,))
    try:
        target = root / "annotations" / "ayu" / "x.json"
        w.submit(target, {"v": 1})
        assert not w.flush(0.3)  # the project folder is missing: the write failed
        assert w.unsaved() == [target]
        target.parent.mkdir(parents=True)
        assert not w.flush(0.3)  # still waiting out the ten-minute back-off
        w.retry_now()
        assert w.flush(5.0)
        assert read_json(target) == {"v": 1} and w.unsaved() == []
    finally:
        w.close(1.0)
