"""Disk and permission faults under a running project (the store side of issue 8, item 2).

A full disk (the write call fails half-way), a read-only folder (opening files for writing
fails) and files deleted underneath the app: each gives a message that names the file, the
project stays usable in memory, nothing already saved is damaged, and saving resumes when the
fault clears. (tests/store/test_writer.py covers the writer thread alone; here the faults hit
the whole project: shards, the knowledge base, project.json, imports, locks.)
"""

from __future__ import annotations

import builtins
import errno
import os
import shutil
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from annotator.core.commands import AddSpan, SetStatus
from annotator.core.entities import Entity
from annotator.core.entity_commands import AddEntity
from annotator.core.model import Article, ArticleStatus, Span
from annotator.core.project import Project
from annotator.io.importer import import_paths
from annotator.store import atomic
from annotator.store.atomic import read_tables
from annotator.store.kb_store import kb_file, load_kb
from annotator.store.project_store import ProjectStore, StoreError
from annotator.store.session import open_project

TEXTS = [
    "Presiden Putin bertemu Kim Jong-un di Vladivostok.",
    "Menteri Shoigu mengunjungi pabrik Sukhoi di Komsomolsk.",
    "Rudal Kinzhal diluncurkan dari MiG-31I.",
]
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class Faults:
    """Makes writing under `root` fail with `errno` until `clear()`; reads keep working.

    ENOSPC and EDQUOT fail in the write call itself after half the bytes went to disk (what a
    full disk does); other errors fail when a file is opened for writing, created, renamed or
    a folder is made (what a read-only or permission-denied folder does).
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
        self.root = str(root)
        self.errno: int | None = None
        self.hits = 0
        real_open, real_os_open = builtins.open, os.open
        real_replace, real_mkdir = os.replace, os.mkdir

        def fail(path: Any) -> None:
            assert self.errno is not None
            self.hits += 1
            raise OSError(self.errno, os.strerror(self.errno), str(path))

        def opening(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if not (self._hit(file) and set(mode) & set("wax+")):
                return real_open(file, mode, *args, **kwargs)
            if self.errno in (errno.ENOSPC, errno.EDQUOT):
                return _FillsUp(real_open(file, mode, *args, **kwargs), fail, file)
            fail(file)

        def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if flags & WRITE_FLAGS and self._hit(path) and self.errno not in (errno.ENOSPC,
                                                                              errno.EDQUOT):
                fail(path)
            return real_os_open(path, flags, *args, **kwargs)

        def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
            if self._hit(dst) and self.errno not in (errno.ENOSPC, errno.EDQUOT):
                fail(dst)
            real_replace(src, dst, *args, **kwargs)

        def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
            if self._hit(path):
                fail(path)
            real_mkdir(path, *args, **kwargs)

        monkeypatch.setattr(atomic, "open", opening, raising=False)  # write_temp's open()
        monkeypatch.setattr(os, "open", os_open)
        monkeypatch.setattr(os, "replace", replace)
        monkeypatch.setattr(os, "mkdir", mkdir)

    def _hit(self, path: Any) -> bool:
        return self.errno is not None and os.fspath(path).startswith(self.root)

    def start(self, code: int) -> None:
        self.errno = code

    def clear(self) -> None:
        self.errno = None


class _FillsUp:
    """A file whose write stores half the bytes, then fails like a full disk."""

    def __init__(self, handle: Any, fail: Callable[[Any], None], path: Any) -> None:
        self._handle, self._fail, self._path = handle, fail, path

    def write(self, data: bytes) -> int:
        self._handle.write(data[: len(data) // 2])
        self._handle.flush()
        self._fail(self._path)
        return 0

    def __enter__(self) -> _FillsUp:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    with ProjectStore(root, "ayu") as store:
        store.add_articles([Article.from_text(t, t.split()[1]) for t in TEXTS])
    return root


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch, root: Path) -> Faults:
    return Faults(monkeypatch, root)


class Hooks:
    """The app's view of saving: messages, recoveries, and a way to wait for them."""

    def __init__(self, store: ProjectStore) -> None:
        self.errors: list[str] = []
        self.recovered = threading.Event()
        self._error = threading.Event()
        store.on_error = self._on_error
        store.on_recovered = self.recovered.set
        assert store.writer is not None
        store.writer.backoff = (0.05,)  # retry quickly in tests

    def _on_error(self, message: str) -> None:
        self.errors.append(message)
        self._error.set()

    def wait_error(self) -> str:
        assert self._error.wait(5), "the app was not told"
        return self.errors[-1]


def _open(root: Path) -> tuple[Project, ProjectStore, Hooks]:
    project, store = open_project(root, "ayu", create=False, window=0.0)
    return project, store, Hooks(store)


def _temps(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.tmp")]


def _no_temps_left(root: Path, timeout: float = 5.0) -> bool:
    """True once no temp file is under `root`: a failing write removes its own, but the writer
    may be retrying (and so holding a fresh temp file) at the moment of any single look."""
    deadline = time.monotonic() + timeout
    while _temps(root):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _saved(root: Path) -> tuple[dict[str, list[tuple[int, int, str]]], dict[str, str], set[str]]:
    """(spans, statuses, kb ids) on disk, read by a fresh store."""
    with ProjectStore(root, "reader", create=False) as store:
        sets = store.load_sets("ayu")
        kb = load_kb(store, "ayu")
    return ({s.article_id: [x.key for x in s.spans] for s in sets},
            {s.article_id: str(s.status) for s in sets}, {e.kb_id for e in kb})


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EDQUOT, "quota is exceeded"),
        (errno.EROFS, "read-only disk"),
        (errno.EACCES, "not writable (permission denied)"),
    ],
)
def test_a_write_fault_is_reported_damages_nothing_and_saving_resumes(
    root: Path, faults: Faults, code: int, reason: str
) -> None:
    project, store, hooks = _open(root)
    first, second, third = project.article_ids
    AddSpan(first, Span(9, 14, "PER")).do(project)
    AddEntity(Entity("putin", "Vladimir Putin", "PER", ["Putin"])).do(project)
    assert store.flush(5)
    shard = store.shard_file(first)
    saved_bytes = shard.read_bytes()

    faults.start(code)
    AddSpan(first, Span(23, 34, "PER")).do(project)  # an existing file
    SetStatus(second, ArticleStatus.DONE).do(project)  # a new file
    AddEntity(Entity("kim", "Kim Jong-un", "PER")).do(project)
    message = hooks.wait_error()
    assert reason in message and str(root) in message, message
    assert "kept in memory" in message
    assert not store.flush(0.2) and store.last_error
    assert faults.hits > 0
    assert shard.read_bytes() == saved_bytes  # what was saved is untouched
    assert not store.shard_file(second).exists()
    assert _no_temps_left(root), _temps(root)  # half-written temp files are removed
    assert _saved(root) == ({first: [(9, 14, "PER")]}, {first: "in progress"}, {"putin"})
    AddSpan(third, Span(6, 12, "WEAPON")).do(project)  # the app keeps working

    faults.clear()
    assert store.flush(10), store.last_error
    assert hooks.recovered.wait(5) and store.last_error is None
    spans, statuses, kb = _saved(root)
    assert spans == {first: [(9, 14, "PER"), (23, 34, "PER")], second: [],
                     third: [(6, 12, "WEAPON")]}
    assert statuses[second] == "done" and kb == {"putin", "kim"}
    assert store.close()


def test_settings_and_imports_on_a_full_disk_fail_whole_and_work_later(
    root: Path, faults: Faults, tmp_path: Path
) -> None:
    project, store, _ = _open(root)
    before = {p: p.read_bytes() for p in root.rglob("*.json")}
    source = tmp_path / "baru.jsonl"
    source.write_text(
        '{"text": "Berita baru dari Moskow.",'
        ' "spans": [{"start": 17, "end": 23, "label": "GPE"}]}\n'
        '{"text": "Berita lain.", "spans": [{"start": 0, "end": 6, "label": "MISC"}]}\n',
        "utf-8",
    )
    faults.start(errno.ENOSPC)
    with pytest.raises(StoreError) as caught:
        store.save_meta(project.scheme.to_list(), {"token_snapping": False})
    assert "project.json" in str(caught.value) and "No space left" in str(caught.value)
    with pytest.raises(StoreError) as caught:
        import_paths(project, store, [source])
    assert "Could not import articles" in str(caught.value) and str(root) in str(caught.value)
    assert len(project) == 3
    assert {p: p.read_bytes() for p in root.rglob("*.json")} == before  # nothing half-done
    assert _temps(root) == []

    faults.clear()
    report = import_paths(project, store, [source])
    assert report.added == 2 and report.new_labels == ["MISC"] and report.issues == []
    assert store.close()
    with ProjectStore(root, "ayu", create=False) as again:
        assert len(again.article_infos()) == 5
        assert again.load_text(again.article_infos()[-1].id) == "Berita lain."
        assert "MISC" in [label["name"] for label in again.meta()["labels"]]


def test_a_read_only_project_folder_opens_read_only_with_a_reason(
    root: Path, faults: Faults
) -> None:
    with ProjectStore(root, "ayu", create=False) as store:
        store.save_set(_set_with_span(store.article_infos()[0].id))
    faults.start(errno.EROFS)
    project, store = open_project(root, "budi", create=False)  # no lock file can be made
    try:
        assert store.read_only and project.read_only
        assert "cannot be written" in store.lock_message and "read-only" in store.lock_message
        assert len(project) == 3 and project.text(project.article_ids[0]) == TEXTS[0]
        assert [s.spans[0].key for s in store.load_sets("ayu")] == [(9, 14, "PER")]
        with pytest.raises(StoreError, match="cannot be written"):
            store.save_set(_set_with_span(project.article_ids[0], "budi"))
    finally:
        store.close()
    faults.clear()
    with ProjectStore(root, "budi", create=False) as store:
        assert not store.read_only


def _set_with_span(article_id: str, annotator: str = "ayu") -> Any:
    from annotator.core.annotations import AnnotationSet

    aset = AnnotationSet(article_id, annotator)
    aset.insert_span(Span(9, 14, "PER"))
    return aset


def test_a_deleted_shard_is_written_again_with_everything_in_memory(root: Path) -> None:
    project, store, hooks = _open(root)
    first, second, _ = project.article_ids
    AddSpan(first, Span(9, 14, "PER")).do(project)
    AddSpan(second, Span(8, 14, "PER")).do(project)
    assert store.flush(5)
    other = store.shard_file(second)
    untouched = other.read_bytes(), other.stat().st_mtime_ns
    store.shard_file(first).unlink()  # deleted underneath the running app
    AddSpan(first, Span(23, 34, "PER")).do(project)
    assert store.flush(5) and hooks.errors == []
    spans, _, _ = _saved(root)
    assert spans[first] == [(9, 14, "PER"), (23, 34, "PER")]
    assert (other.read_bytes(), other.stat().st_mtime_ns) == untouched
    assert store.close()


def test_a_deleted_annotator_folder_and_kb_are_recreated(root: Path) -> None:
    project, store, hooks = _open(root)
    first = project.article_ids[0]
    AddSpan(first, Span(9, 14, "PER")).do(project)
    AddEntity(Entity("putin", "Vladimir Putin", "PER")).do(project)
    assert store.flush(5)
    shutil.rmtree(root / "annotations" / "ayu")
    shutil.rmtree(root / "kb")
    AddSpan(first, Span(23, 34, "PER")).do(project)
    AddEntity(Entity("kim", "Kim Jong-un", "PER")).do(project)
    assert store.flush(5), store.last_error
    assert hooks.errors == []
    spans, _, kb = _saved(root)
    assert spans == {first: [(9, 14, "PER"), (23, 34, "PER")]} and kb == {"putin", "kim"}
    assert store.close()


def test_a_deleted_project_folder_is_reported_and_saving_resumes_when_restored(
    root: Path, tmp_path: Path
) -> None:
    project, store, hooks = _open(root)
    first = project.article_ids[0]
    AddSpan(first, Span(9, 14, "PER")).do(project)
    assert project.text(first) == TEXTS[0]  # the article on screen
    assert store.flush(5)
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("locks"))
    shutil.rmtree(root)  # e.g. a network drive went away
    AddSpan(first, Span(23, 34, "PER")).do(project)
    message = hooks.wait_error()
    assert "no longer exists" in message and str(store.shard_file(first)) in message
    assert project.text(first) == TEXTS[0]  # still shown, from memory
    AddSpan(first, Span(38, 48, "GPE")).do(project)  # and editing goes on
    shutil.copytree(copy, root)  # the drive is back
    assert store.flush(10), store.last_error
    assert hooks.recovered.wait(5)
    spans, _, _ = _saved(root)
    assert spans[first] == [(9, 14, "PER"), (23, 34, "PER"), (38, 48, "GPE")]
    assert store.close()


def test_a_deleted_chunk_file_is_named_when_its_text_is_needed(root: Path) -> None:
    (root / "articles" / "chunk-00000.json").unlink()
    with ProjectStore(root, "ayu", create=False) as store:
        assert len(store.article_infos()) == 3  # the list still opens
        with pytest.raises(StoreError, match=r"chunk-00000.json is missing or empty"):
            store.load_text(store.article_infos()[0].id)


def test_leftover_temp_files_are_ignored_and_swept_only_by_their_owner(
    root: Path, other_window: Callable[[Path, str], AbstractContextManager[None]]
) -> None:
    with ProjectStore(root, "ayu", create=False) as store:
        article = store.article_infos()[0].id
        store.save_set(_set_with_span(article))
    with ProjectStore(root, "budi", create=False):
        pass
    shard = f"{article}.json"
    mine = [root / "annotations" / "ayu" / f".{shard}.4242.deadbeef.tmp",
            root / "kb" / ".ayu.json.4242.0badf00d.tmp"]
    theirs = root / "annotations" / "budi" / f".{shard}.77.cafef00d.tmp"
    (root / "kb").mkdir()
    with other_window(root, "ayu"):  # ayu's window is open (and writing)
        for path in [*mine, theirs]:
            path.write_bytes(b'{"set": {"1": {"article_id"')  # as if cut off by a crash
        reader = ProjectStore(root, "ayu", create=False)
        assert reader.read_only
        (aset,) = reader.load_sets("ayu")  # temp files are not read
        assert aset.spans[0].key == (9, 14, "PER") and load_kb(reader) is not None
        assert all(p.exists() for p in mine)  # not ours to delete while the window writes
        reader.close()
    with ProjectStore(root, "ayu", create=False) as owner:
        assert not owner.read_only
        assert not any(p.exists() for p in mine)
        assert theirs.exists()  # budi's window might be writing it right now
        assert kb_file(owner).parent.is_dir()
    assert read_tables(root / "annotations" / "ayu" / shard) is not None
