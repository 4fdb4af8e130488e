"""A damaged project loses nothing (issue 21): a lost index is rebuilt from the text files,
text changed on disk is found, wrong-shaped files are named with their field, commands fail
fast on a full disk, temp files of a kill are swept, and backups can be restored."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from annotator import cli
from annotator.core.model import article_id_for
from annotator.io.seeding import ensure_seeded
from annotator.store import writer as writer_module
from annotator.store.atomic import read_tables, write_json_atomic
from annotator.store.project_store import ProjectStore, StoreError
from annotator.store.session import open_project
from tests.conftest import SEEDS


def _texts(n: int) -> list[str]:
    return [f"Berita {i}\nPresiden Putin bertemu Kim Jong-un di Vladivostok, hari {i}."
            for i in range(n)]


def _jsonl(path: Path, texts: list[str], spans: bool = True) -> Path:
    lines = []
    for text in texts:
        start = text.index("Putin")
        record = {"text": text, "meta": {"title": text.splitlines()[0], "url": "http://x"}}
        if spans:
            record["spans"] = [{"start": start, "end": start + 5, "label": "PER"}]
        lines.append(orjson.dumps(record).decode())
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _project(tmp_path: Path, n: int = 150, spans: bool = True) -> Path:
    root = tmp_path / "P"
    source = _jsonl(tmp_path / "in.jsonl", _texts(n), spans)
    assert cli.main(["import", str(source), "--project", str(root), "--annotator", "ayu"]) == 0
    return root


def _all_texts(root: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    for chunk in sorted((root / "articles").glob("chunk-*.json")):
        for doc in read_tables(chunk)["texts"].values():
            texts[doc["id"]] = doc["text"]
    return texts


# -- 1. a missing or empty index ------------------------------------------------
@pytest.mark.parametrize("damage", ["missing", "empty", "no articles"])
def test_a_lost_index_is_rebuilt_from_the_text_files_and_an_import_keeps_every_text(
    tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    before = _all_texts(root)
    assert len(before) == 150 and len(list((root / "articles").glob("chunk-*.json"))) == 2
    index = root / "articles" / "index.json"
    if damage == "missing":
        index.unlink()
    else:
        index.write_bytes(b"" if damage == "empty" else b'{"articles": {}}')
    capsys.readouterr()
    extra = tmp_path / "x.txt"
    extra.write_text("Judul baru\nMenteri Shoigu mengunjungi pabrik Sukhoi.", "utf-8")
    assert cli.main(["import", str(extra), "--project", str(root), "--annotator", "ayu"]) == 0
    err = capsys.readouterr().err
    assert "index.json was missing or empty: rebuilt" in err and "150 articles" in err
    after = _all_texts(root)
    assert {k: after[k] for k in before} == before and len(after) == 151
    with ProjectStore(root, "ayu", create=False) as store:
        infos = store.article_infos()
        assert len(infos) == 151
        titles = {i.id: i.title for i in infos}
        assert titles[article_id_for(_texts(150)[7])] == "Berita 7"  # from the index backup
        assert store.load_sets("ayu") and len(store.load_sets("ayu")) == 150


def test_without_a_backup_titles_come_from_the_first_line_and_the_window_never_reseeds(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path)
    (root / "articles" / "index.json").unlink()
    for backup in (root / "backups" / "files").rglob("*.bak"):
        backup.unlink()
    project, store = open_project(root, "ayu")
    try:
        assert ensure_seeded(project, store, SEEDS) is None
        assert len(project) == 150
        assert project.info(article_id_for(_texts(150)[3])).title == "Berita 3"
        assert "first line" in store.warnings[0]
    finally:
        store.close()
    assert len(_all_texts(root)) == 150


def test_text_files_the_index_does_not_list_are_added_back_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    index = root / "articles" / "index.json"
    tables = read_tables(index)
    tables["articles"] = {k: v for k, v in tables["articles"].items() if v["chunk"] == 0}
    write_json_atomic(index, tables)  # what the old import bug left: chunk 1 unreferenced
    capsys.readouterr()
    extra = tmp_path / "baru.txt"
    extra.write_text("Berita baru\n\nKim Jong Un tiba di Vladivostok.", encoding="utf-8")
    assert cli.main(["import", str(extra), "--project", str(root), "--annotator", "ayu"]) == 0
    assert "did not list the texts in chunk-00001.json: added their 50 articles back" in (
        capsys.readouterr().err)  # the first writer repairs the index
    out = tmp_path / "o.jsonl"
    assert cli.main(["export", "--status", "any", "--project", str(root), "--annotator", "ayu",
                     "--out", str(out)]) == 0  # a reader: it never writes the project
    assert len(out.read_bytes().splitlines()) == 150
    assert len(read_tables(index)["articles"]) == 151  # the 150 and the new one


# -- 3. text changed on disk ----------------------------------------------------
def _change_text(root: Path, index: int) -> tuple[str, Path]:
    aid = article_id_for(_texts(150)[index])
    for chunk in sorted((root / "articles").glob("chunk-*.json")):
        tables = read_tables(chunk)
        for doc in tables["texts"].values():
            if doc["id"] == aid:
                doc["text"] = "XX" + doc["text"]  # every span would move by two
                write_json_atomic(chunk, tables)
                return aid, chunk
    raise AssertionError("not found")


def test_an_article_whose_text_changed_on_disk_is_read_only_and_not_exported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    aid, chunk = _change_text(root, 5)
    capsys.readouterr()
    out = tmp_path / "out.jsonl"
    code = cli.main(["export", "--status", "any", "--project", str(root), "--annotator", "ayu",
                     "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert len(records) == 149 and aid not in {r["meta"]["article_id"] for r in records}
    assert "Berita 5" in captured.err and str(chunk) in captured.err
    assert "changed on disk" in captured.err
    project, store = open_project(root, "ayu")
    try:
        project.text(aid)
        assert aid in project.damaged_articles and str(chunk) in project.damaged_articles[aid]
        with pytest.raises(StoreError, match="changed on disk"):
            store.save_set(project.annotation_set(aid))
    finally:
        store.close()


def test_articles_of_a_missing_text_file_are_damaged_at_open(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "articles" / "chunk-00001.json").unlink()
    with ProjectStore(root, "ayu", create=False) as store:
        assert len(store.damaged_articles) == 50
        assert all("chunk-00001.json is missing" in why
                   for why in store.damaged_articles.values())


# -- 4. valid JSON of the wrong shape ---------------------------------------------
def _edit_project(root: Path, **changes: object) -> None:
    tables = read_tables(root / "project.json")
    tables["project"]["1"].update(changes)
    write_json_atomic(root / "project.json", tables)


@pytest.mark.parametrize(("change", "field"), [
    ({"labels": 5}, "labels must be a list, not 5"),
    ({"labels": [{"name": 5}]}, "labels[0].name must be a string, not 5"),
    ({"settings": "x"}, "settings must be an object, not 'x'"),
    ({"settings": {"token_snapping": "yes"}}, "settings.token_snapping must be true or false"),
])
def test_a_wrong_shaped_project_file_is_named_with_its_field_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict[str, object], field: str
) -> None:
    root = _project(tmp_path, n=3)
    _edit_project(root, **change)
    capsys.readouterr()
    assert cli.main(["export", "--status", "any", "--project", str(root),
                     "--out", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "unexpected" not in err
    assert f"{root / 'project.json'} is damaged: {field}" in err
    assert "annotator restore --project" in err  # the backup made when it was last good


def test_a_wrong_shaped_index_and_knowledge_base_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, n=3)
    index = root / "articles" / "index.json"
    tables = read_tables(index)
    tables["articles"]["2"]["meta"] = ["a", "list"]
    write_json_atomic(index, tables)
    capsys.readouterr()
    assert cli.main(["export", "--status", "any", "--project", str(root),
                     "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "index.json is damaged: articles.2.meta must be an object" in capsys.readouterr().err
    (root / "backups").rename(tmp_path / "moved")
    (tmp_path / "moved" / "files" / "articles__index.json.versions").rename(
        tmp_path / "index-backups")
    (tmp_path / "moved").rename(root / "backups")
    kb = root / "kb" / "ayu.json"
    kb.parent.mkdir(exist_ok=True)
    write_json_atomic(kb, {"entities": {"1": {"kb_id": "x", "name": ["Putin"], "label": "PER"}}})
    write_json_atomic(index, read_tables(tmp_path / "index-backups" / sorted(
        p.name for p in (tmp_path / "index-backups").iterdir())[-1]))
    capsys.readouterr()
    assert cli.main(["export", "--status", "any", "--project", str(root), "--annotator", "ayu",
                     "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "ayu.json is damaged: entities.1.name must be a string" in capsys.readouterr().err


def test_a_wrong_shaped_shard_is_skipped_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, n=3)
    shard = next((root / "annotations" / "ayu").glob("*.json"))
    tables = read_tables(shard)
    tables["set"]["1"]["spans"] = {"start": 1}
    write_json_atomic(shard, tables)
    capsys.readouterr()
    out = tmp_path / "o.jsonl"
    assert cli.main(["export", "--status", "any", "--project", str(root), "--annotator", "ayu",
                     "--out", str(out)]) == 0
    assert f"{shard} is damaged" in capsys.readouterr().err
    assert len(out.read_bytes().splitlines()) == 2


# -- 5. a command on a full disk fails fast -------------------------------------
def test_link_auto_on_a_full_disk_fails_at_the_first_write_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, n=20)
    real = writer_module.write_bytes_atomic
    attempts: list[Path] = []

    def full(path: Path, payload: bytes, **kwargs: object) -> None:
        attempts.append(path)
        if len(attempts) <= 2:  # a retrying writer would succeed on its third attempt
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, payload, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(writer_module, "write_bytes_atomic", full)
    capsys.readouterr()
    assert cli.main(["link", "--auto", "--project", str(root), "--annotator", "ayu"]) == 2
    err = capsys.readouterr().err
    assert len(attempts) == 1 and str(attempts[0]) in err and "disk is full" in err
    assert "NOT saved" in err


# -- 6. temp files of a kill ---------------------------------------------------------
def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temp_files_left_by_a_kill_are_swept_and_user_files_are_not(tmp_path: Path) -> None:
    root = _project(tmp_path, n=3)
    dead = _dead_pid()
    ours = [root / "articles" / f".chunk-00000.json.{dead}.0123abcd.tmp",
            root / "articles" / f".index.json.{dead}.0123abce.tmp",
            root / f".project.json.{dead}.0123abcf.tmp",
            root / "annotations" / "ayu" / f".x.json.{dead}.0123abd0.tmp"]
    exports = tmp_path / "exports"
    exports.mkdir()
    ours.append(exports / f".out.jsonl.{dead}.0123abd1.tmp")
    user = [root / "articles" / "notes.tmp", exports / ".my.tmp", root / "draft.tmp",
            exports / f".out.jsonl.{os.getpid()}.0123abd2.tmp"]  # a live process's
    for path in ours + user:
        path.write_bytes(b"x" * 1000)
    assert cli.main(["export", "--status", "any", "--project", str(root), "--annotator", "ayu",
                     "--out", str(exports / "out.jsonl")]) == 0
    assert [p for p in ours if p.exists()] == []
    assert all(p.exists() for p in user)


# -- 7. rolling backups and restore ---------------------------------------------------
def test_backups_are_kept_five_deep_and_restore_brings_a_damaged_file_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, n=3)
    for n in range(7):
        with ProjectStore(root, "ayu", create=False) as store:
            store.save_meta(store.meta()["labels"], {"token_snapping": bool(n % 2), "n": n})
    copies = sorted((root / "backups" / "files" / "project.json.versions").glob("*.bak"))
    assert len(copies) == 5
    assert read_tables(copies[-1])["project"]["1"]["settings"]["n"] == 6
    good = (root / "project.json").read_bytes()
    (root / "project.json").write_bytes(good[: len(good) // 2])
    capsys.readouterr()
    assert cli.main(["export", "--status", "any", "--project", str(root),
                     "--out", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "project.json is damaged" in err and str(copies[-1]) in err
    assert cli.main(["restore", "--project", str(root)]) == 0
    listing = capsys.readouterr().out
    assert "project.json:" in listing and "articles/index.json:" in listing
    assert cli.main(["restore", "--project", str(root), "--file", "project.json"]) == 0
    assert (root / "project.json").read_bytes() == good
    assert cli.main(["export", "--status", "any", "--project", str(root),
                     "--out", str(tmp_path / "o.jsonl")]) == 0
