"""Versioned schema: an older project is backed up, then upgraded; a newer one is refused.

Schema 0 is the pre-sharding layout described in annotator/store/migrations.py (one
articles.json, one annotations/<annotator>.json per annotator); these tests build one by hand.
"""

from __future__ import annotations

import errno
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Article, ArticleStatus
from annotator.store import migrations
from annotator.store.atomic import read_tables, slug, write_json_atomic
from annotator.store.kb_store import load_kb
from annotator.store.project_store import SCHEMA_VERSION, ProjectStore, StoreError
from annotator.store.session import open_project

TEXTS = ["Presiden Putin bertemu Kim Jong-un di Vladivostok.", "🚀 Rudal Kinzhal dari MiG-31I."]


def _set(article_id: str, annotator: str, start: int, end: int, label: str) -> dict[str, Any]:
    return {
        "article_id": article_id, "annotator": annotator, "status": "done", "updated": 1.5,
        "suggested": False, "spans": [{"start": start, "end": end, "label": label,
                                       "origin": "manual"}],
        "suggestions": [], "rejected": [[0, 8, "ORG"]],
    }


def make_v0(root: Path, extra_articles: int = 0) -> list[Article]:
    """A schema-0 project: one articles.json, one annotations file per annotator."""
    arts = [Article.from_text(t, f"Judul {i}", {"source": f"{i}.txt"}) for i, t in
            enumerate(TEXTS)]
    arts += [Article.from_text(f"Berita nomor {i}.", f"Nomor {i}") for i in range(extra_articles)]
    root.mkdir(parents=True)
    write_json_atomic(root / "project.json", {"project": {"1": {
        "schema_version": 0, "name": "lama", "created": "2023-01-01T00:00:00+00:00",
        "labels": [{"name": "PER", "color": "#E69F00", "underline": "solid", "key": "1",
                    "description": "Orang"}],
    }}}, indent=True)
    write_json_atomic(root / "articles.json", {"articles": {
        str(i): {"id": a.id, "title": a.title, "text": a.text, "meta": a.meta}
        for i, a in enumerate(arts, start=1)
    }})
    (root / "annotations").mkdir()
    write_json_atomic(root / "annotations" / "ayu.json", {"sets": {
        "1": _set(arts[0].id, "ayu", 9, 14, "PER"), "2": _set(arts[1].id, "ayu", 8, 15, "WEAPON"),
    }})
    write_json_atomic(root / "annotations" / f"{slug('Budi Santoso')}.json", {"sets": {
        "1": _set(arts[0].id, "Budi Santoso", 23, 34, "PER"),
    }})
    return arts


def _snapshot(root: Path) -> dict[str, bytes]:
    files = [p for p in sorted(root.rglob("*")) if p.is_file()]
    return {str(p.relative_to(root)): p.read_bytes() for p in files
            if not {"locks", "backups"} & set(p.relative_to(root).parts)}


def _check_upgraded(root: Path, arts: list[Article]) -> None:
    with ProjectStore(root, "ayu", create=False) as store:
        meta = store.meta()
        assert meta["schema_version"] == SCHEMA_VERSION == 1
        assert meta["name"] == "lama" and meta["settings"] == {"token_snapping": True}
        assert [i.id for i in store.article_infos()] == [a.id for a in arts]
        assert [i.title for i in store.article_infos()] == [a.title for a in arts]
        assert store.article_infos()[0].meta == {"source": "0.txt"}
        assert all(store.load_text(a.id) == a.text for a in arts)
        mine = {s.article_id: s for s in store.load_sets("ayu")}
        assert [(s.start, s.end, s.label) for s in mine[arts[1].id].spans] == [(8, 15, "WEAPON")]
        assert mine[arts[0].id].status == ArticleStatus.DONE
        assert mine[arts[0].id].rejected == {(0, 8, "ORG")}
        (budi,) = store.load_sets("Budi Santoso")
        assert budi.spans[0].key == (23, 34, "PER")
        assert store.annotators() == ["Budi Santoso", "ayu"]
        assert len(load_kb(store)) == 0
    assert not (root / "articles.json").exists()
    assert not list((root / "annotations").glob("*.json")), "old annotation files remain"


def test_schema_0_project_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    root = tmp_path / "lama"
    arts = make_v0(root, extra_articles=505)  # more than one chunk of schema 1 (500 articles)
    before = _snapshot(root)
    project, store = open_project(root, "ayu", create=False)  # the app's way in
    try:
        assert len(project) == len(arts) and project.text(arts[1].id) == TEXTS[1]
        assert project.status(arts[0].id) == ArticleStatus.DONE
    finally:
        store.close()
    _check_upgraded(root, arts)
    assert len(list((root / "articles").glob("chunk-*.json"))) == 2
    (backup,) = (root / "backups").glob("schema-v*")
    assert backup.name.startswith("schema-v0-")
    assert _snapshot(backup) == before  # byte for byte what was there
    # Opening again neither upgrades nor backs up a second time.
    ProjectStore(root, "budi", create=False).close()
    assert len(list((root / "backups").glob("schema-v*"))) == 1


def test_migrations_run_in_order_and_record_each_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "lama"
    make_v0(root)
    seen: list[int] = []

    def v1_to_v2(where: Path, doc: dict[str, Any]) -> dict[str, Any]:
        seen.append(read_tables(where / "project.json")["project"]["1"]["schema_version"])
        return {**doc, "labels_v2": True}

    monkeypatch.setitem(migrations.MIGRATIONS, 1, v1_to_v2)
    doc = read_tables(root / "project.json")["project"]["1"]
    upgraded = migrations.upgrade(root, doc, 2)
    assert seen == [1]  # v0 -> v1 ran first and was written before v1 -> v2 started
    assert upgraded["schema_version"] == 2 and upgraded["labels_v2"]
    assert read_tables(root / "project.json")["project"]["1"] == upgraded


def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    root = tmp_path / "baru"
    make_v0(root)
    doc = read_tables(root / "project.json")["project"]["1"]
    write_json_atomic(root / "project.json", {"project": {"1": {**doc, "schema_version": 7}}})
    before = _snapshot(root)
    with pytest.raises(StoreError) as caught:
        open_project(root, "ayu", create=False)
    message = str(caught.value)
    assert "newer version of Annotator" in message and "schema 7" in message
    assert f"reads up to {SCHEMA_VERSION}" in message and "not changed" in message
    assert _snapshot(root) == before and not (root / "backups").exists()


@pytest.mark.parametrize("version", ["1", True, -1, None, 1.0])
def test_a_nonsense_version_is_reported_as_damage(tmp_path: Path, version: object) -> None:
    root = tmp_path / "rusak"
    make_v0(root)
    doc = read_tables(root / "project.json")["project"]["1"]
    write_json_atomic(root / "project.json", {"project": {"1": {**doc,
                                                                "schema_version": version}}})
    with pytest.raises(StoreError, match=r"project.json is damaged: schema_version"):
        ProjectStore(root, "ayu", create=False)
    assert not (root / "backups").exists()


def test_an_unwritable_folder_stops_the_upgrade_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "lama"
    arts = make_v0(root)
    before = _snapshot(root)
    real_copytree = migrations.shutil.copytree

    def denied(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(migrations.shutil, "copytree", denied)
    with pytest.raises(StoreError) as caught:
        ProjectStore(root, "ayu", create=False)
    message = str(caught.value)
    assert "older schema 0" in message and "cannot be written" in message
    assert "Permission denied" in message and "Nothing was changed" in message
    assert _snapshot(root) == before
    monkeypatch.setattr(migrations.shutil, "copytree", real_copytree)  # the fault clears
    _check_upgraded(root, arts)


def test_a_failure_half_way_names_the_backup_and_the_next_open_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "lama"
    arts = make_v0(root)
    real = migrations.write_many_atomic
    calls = {"n": 0}

    def full_disk(items: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # articles converted, annotations not yet
            raise OSError(errno.ENOSPC, "No space left on device", str(root / "annotations"))
        real(items)

    monkeypatch.setattr(migrations, "write_many_atomic", full_disk)
    with pytest.raises(StoreError) as caught:
        ProjectStore(root, "ayu", create=False)
    assert "No space left" in str(caught.value) and "backups" in str(caught.value)
    assert read_tables(root / "project.json")["project"]["1"]["schema_version"] == 0
    _check_upgraded(root, arts)  # the fault cleared: opening again resumes the upgrade


KILLER = """
import os, signal, sys
from annotator.store import atomic
from annotator.store.project_store import ProjectStore
limit = int(sys.argv[2])
real = os.replace
count = 0
def replace(src, dst):
    global count
    count += 1
    if count == limit:
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)
atomic.os.replace = replace  # the same os module everywhere: every rename is counted
ProjectStore(sys.argv[1], "ayu", create=False).close()
print("finished")
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_kill_at_any_rename_of_the_upgrade_is_recovered(tmp_path: Path) -> None:
    """The process dies at the 1st, 2nd, ... rename of backup + upgrade; reopening finishes."""
    limit = 1
    while True:
        root = tmp_path / f"lama-{limit}"
        arts = make_v0(root, extra_articles=3)
        pristine = _snapshot(root)
        run = subprocess.run([sys.executable, "-c", KILLER, str(root), str(limit)],
                             capture_output=True, text=True, timeout=60)
        if run.returncode == 0:
            assert "finished" in run.stdout
            break
        assert run.returncode == -signal.SIGKILL, run.stderr
        _check_upgraded(root, arts)
        backups = [b for b in (root / "backups").glob("schema-v*") if not b.name.startswith(".")]
        assert any(_snapshot(b) == pristine for b in backups), f"no whole backup at {limit}"
        limit += 1
    assert limit > 5, "the upgrade should take several renames"


def test_two_processes_opening_an_old_project_upgrade_it_once(tmp_path: Path) -> None:
    root = tmp_path / "lama"
    arts = make_v0(root, extra_articles=50)
    code = "import sys\nfrom annotator.store.project_store import ProjectStore\n" \
           "ProjectStore(sys.argv[1], sys.argv[2], create=False).close()\n"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(root), who],
                              stderr=subprocess.PIPE, text=True) for who in ("ayu", "budi")]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    _check_upgraded(root, arts)
    assert len(list((root / "backups").glob("schema-v*"))) == 1
