"""Atomic JSON files: old or new content survives every simulated crash."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from tinydb import TinyDB

from annotator.store.atomic import (
    AtomicJSONStorage,
    StoreError,
    read_json,
    read_tables,
    write_json_atomic,
    write_many_atomic,
)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_then_read_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    write_json_atomic(path, {"t": {"1": {"x": "ü 😀"}}})
    assert read_json(path) == {"t": {"1": {"x": "ü 😀"}}}
    assert _leftovers(tmp_path) == []


def test_missing_and_empty_files_read_as_none(tmp_path: Path) -> None:
    assert read_json(tmp_path / "nope.json") is None
    (tmp_path / "empty.json").write_bytes(b"  \n")
    assert read_json(tmp_path / "empty.json") is None


def test_corrupt_file_raises_store_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"t": {"1": {"x": ', encoding="utf-8")
    with pytest.raises(StoreError, match="broken.json") as info:
        read_json(path)
    assert info.value.path == path


def test_json_that_is_not_a_tinydb_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(StoreError, match="list.json.*TinyDB"):
        read_tables(path)


def test_failed_rename_keeps_old_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.json"
    write_json_atomic(path, {"v": 1})

    def crash(*_: object) -> None:
        raise OSError(errno.EIO, "simulated crash before rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_json_atomic(path, {"v": 2})
    monkeypatch.undo()
    assert read_json(path) == {"v": 1}
    assert _leftovers(tmp_path) == []


def test_disk_full_during_write_keeps_old_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.json"
    write_json_atomic(path, {"v": 1})

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        write_json_atomic(path, {"v": 2})
    monkeypatch.undo()
    assert read_json(path) == {"v": 1}
    assert _leftovers(tmp_path) == []


def test_unserialisable_data_fails_before_touching_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    write_json_atomic(path, {"v": 1})
    with pytest.raises(TypeError):
        write_json_atomic(path, {"v": object()})
    assert read_json(path) == {"v": 1}


def test_write_many_is_all_renamed_or_cleaned_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [tmp_path / "sub" / f"f{i}.json" for i in range(3)]
    write_many_atomic((f, {"n": i}) for i, f in enumerate(files))
    assert [read_json(f) for f in files] == [{"n": 0}, {"n": 1}, {"n": 2}]

    real_fsync = os.fsync
    calls = {"n": 0}

    def flaky(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", flaky)
    with pytest.raises(OSError):
        write_many_atomic((f, {"n": 10 + i}) for i, f in enumerate(files))
    monkeypatch.undo()
    assert [read_json(f) for f in files] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert _leftovers(tmp_path / "sub") == []


def test_tinydb_works_over_the_storage(tmp_path: Path) -> None:
    path = tmp_path / "db" / "shard.json"
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        db.table("set").insert({"article_id": "a", "spans": []})
        db.table("set").update({"spans": [1]})
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        assert db.table("set").all() == [{"article_id": "a", "spans": [1]}]
    assert read_tables(path) == {"set": {"1": {"article_id": "a", "spans": [1]}}}


def test_storage_on_missing_file_is_empty_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        assert db.tables() == set()
    assert not path.exists()
