"""Deleting an article (issue 19): gone for every annotator after reopening, undone in the
same session, and an import of the same text later brings it back without its old work."""

from __future__ import annotations

import time
from pathlib import Path

import orjson

from annotator import cli
from annotator.core.commands import AddSpan, DeleteArticle, SetStatus
from annotator.core.model import Article, ArticleStatus, Origin, Span
from annotator.store.deletions import FOLDER
from annotator.store.project_store import ProjectStore
from annotator.store.session import open_project

TEXTS = [f"Berita {i}\nPresiden Putin bertemu Kim Jong-un di Vladivostok, hari {i}."
         for i in range(4)]


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "P"
    with ProjectStore(root, "ayu") as store:
        store.add_articles(Article.from_text(t, t.splitlines()[0]) for t in TEXTS)
    return root


def _annotate(root: Path, who: str, index: int) -> str:
    """`who` labels Putin in article `index`; returns the article id."""
    project, store = open_project(root, who)
    article_id = project.article_ids[index]
    start = project.text(article_id).index("Putin")
    AddSpan(article_id, Span(start, start + 5, "PER", Origin.MANUAL)).do(project)
    SetStatus(article_id, ArticleStatus.DONE).do(project)
    assert store.close()
    return article_id


def _delete(root: Path, who: str, article_id: str) -> None:
    project, store = open_project(root, who)
    DeleteArticle(article_id, time.time()).do(project)
    assert not project.has_article(article_id)
    assert store.close()


def test_a_deleted_article_and_everyones_work_on_it_are_gone_after_reopening(tmp_path):
    root = _project(tmp_path)
    gone = _annotate(root, "ayu", 1)
    _annotate(root, "dewi", 1)
    kept = _annotate(root, "dewi", 2)
    _delete(root, "ayu", gone)

    for who in ("ayu", "dewi"):
        project, store = open_project(root, who)
        assert gone not in project.article_ids and len(project) == 3
        assert [s.article_id for s in store.load_sets(None)] == [kept]
        store.close()
    assert (root / FOLDER / "ayu.json").exists()


def test_undoing_the_deletion_brings_the_article_and_its_sets_back_on_disk_too(tmp_path):
    root = _project(tmp_path)
    article_id = _annotate(root, "ayu", 0)
    project, store = open_project(root, "ayu")
    command = DeleteArticle(article_id, time.time())
    command.do(project)
    command.undo(project)
    assert project.article_ids[0] == article_id
    assert project.status(article_id) == ArticleStatus.DONE
    assert store.close()

    project, store = open_project(root, "ayu")
    assert project.article_ids[0] == article_id
    assert project.existing_set(article_id).spans
    store.close()


def test_importing_the_same_text_again_brings_the_article_back_clean(tmp_path):
    root = _project(tmp_path)
    article_id = _annotate(root, "ayu", 3)
    _annotate(root, "dewi", 3)
    _delete(root, "ayu", article_id)
    source = tmp_path / "again.jsonl"
    source.write_text(orjson.dumps({"text": TEXTS[3]}).decode() + "\n", "utf-8")
    assert cli.main(["import", str(source), "--project", str(root), "--annotator", "ayu"]) == 0

    project, store = open_project(root, "ayu")
    assert article_id in project.article_ids
    assert store.load_sets(None) == []  # neither ayu's nor dewi's earlier work
    assert project.status(article_id) == ArticleStatus.NEW
    store.close()
    again = _annotate(root, "dewi", project.position(article_id))  # new work counts
    with ProjectStore(root, "dewi", read_only=True) as store:
        assert [s.article_id for s in store.load_sets("dewi")] == [again]


def test_an_import_with_annotations_brings_them_in_with_the_article(tmp_path):
    root = _project(tmp_path)
    article_id = _annotate(root, "ayu", 0)
    _delete(root, "ayu", article_id)
    start = TEXTS[0].index("Kim")
    record = {"text": TEXTS[0], "spans": [{"start": start, "end": start + 10, "label": "PER"}]}
    source = tmp_path / "again.jsonl"
    source.write_text(orjson.dumps(record).decode() + "\n", "utf-8")
    assert cli.main(["import", str(source), "--project", str(root), "--annotator", "ayu"]) == 0
    project, store = open_project(root, "ayu")
    spans = project.existing_set(article_id).spans
    assert [(s.start, s.end) for s in spans] == [(start, start + 10)]  # not the old Putin
    store.close()


def test_a_deleted_article_is_not_exported(tmp_path):
    root = _project(tmp_path)
    gone = _annotate(root, "ayu", 0)
    kept = _annotate(root, "ayu", 1)
    _delete(root, "ayu", gone)
    out = tmp_path / "out.jsonl"
    assert cli.main(["export", "--project", str(root), "--annotator", "ayu",
                     "--out", str(out)]) == 0
    texts = [orjson.loads(line)["text"] for line in out.read_text("utf-8").splitlines()]
    project, store = open_project(root, "ayu")
    store.close()
    assert texts == [TEXTS[1]] and kept in project.article_ids


def test_a_damaged_deletions_file_is_named_and_ignored(tmp_path):
    root = _project(tmp_path)
    article_id = _annotate(root, "ayu", 0)
    _delete(root, "dewi", article_id)
    (root / FOLDER / "dewi.json").write_text('{"deletions": {"1": {"deleted": [1]}}}')
    project, store = open_project(root, "ayu")
    assert article_id in project.article_ids
    assert any("dewi.json" in w and "damaged" in w for w in store.warnings)
    store.close()
