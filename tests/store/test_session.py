"""open_project: a core Project whose edits reach disk through the store."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from annotator.core.commands import AddSpan, SetStatus
from annotator.core.labels import LabelScheme
from annotator.core.model import Article, ArticleStatus, Origin, Span
from annotator.store.project_store import ProjectStore
from annotator.store.session import open_project

TEXTS = [
    "Presiden Putin bertemu Kim Jong-un di Vladivostok.",
    "Menteri Shoigu mengunjungi pabrik Sukhoi di Komsomolsk.",
    "Rudal Kinzhal diluncurkan dari MiG-31I.",
]


def _seed(root: Path) -> list[Article]:
    arts = [Article.from_text(t, t.split()[1]) for t in TEXTS]
    with ProjectStore(root, "ayu") as store:
        store.add_articles(arts)
    return arts


def test_edits_survive_close_and_reopen(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    arts = _seed(root)
    project, store = open_project(root, "ayu")
    assert len(project) == 3 and project.text(arts[1].id) == TEXTS[1]
    AddSpan(arts[0].id, Span(9, 14, "PER")).do(project)
    AddSpan(arts[0].id, Span(23, 34, "PER")).do(project)
    SetStatus(arts[2].id, ArticleStatus.DONE).do(project)
    before = {s.article_id: s.to_dict() for s in project.sets_of()}
    assert store.close()

    again, store2 = open_project(root, "ayu", create=False)
    try:
        assert {s.article_id: s.to_dict() for s in again.sets_of()} == before
        assert again.status(arts[2].id) == ArticleStatus.DONE
        assert again.text(arts[0].id) == TEXTS[0]
    finally:
        store2.close()


def test_suggestions_alone_are_not_written_but_undo_is(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    arts = _seed(root)
    project, store = open_project(root, "ayu")
    project.merge_suggestions(arts[1].id, [Span(8, 14, "PER", Origin.SUGGESTED)])
    cmd = AddSpan(arts[0].id, Span(9, 14, "PER"))
    cmd.do(project)
    assert store.flush()
    assert not store.shard_file(arts[1].id).exists()
    assert store.shard_file(arts[0].id).exists()
    cmd.undo(project)  # back to untouched: the file on disk must follow
    store.close()
    with ProjectStore(root, "ayu") as s:
        (saved,) = s.load_sets("ayu")
    assert saved.spans == [] and saved.status == ArticleStatus.NEW


def test_labels_and_settings_come_from_meta(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    scheme = LabelScheme.default()
    scheme.ensure("MISC")
    with ProjectStore(root, "ayu") as s:
        s.save_meta(scheme.to_list(), {"token_snapping": False})
    project, store = open_project(root, "ayu")
    store.close()
    assert "MISC" in project.scheme
    assert project.settings.token_snapping is False


def test_only_the_annotators_own_sets_are_loaded(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    arts = _seed(root)
    other, store = open_project(root, "budi")
    AddSpan(arts[0].id, Span(9, 14, "PER")).do(other)
    store.close()
    mine, store = open_project(root, "ayu")
    store.close()
    assert mine.sets_of() == [] and mine.sets_of("budi") == []


def test_second_window_gets_a_read_only_project_that_saves_nothing(
    tmp_path: Path, other_window: Callable[[Path, str], AbstractContextManager[None]]
) -> None:
    root = tmp_path / "proj"
    arts = _seed(root)
    with other_window(root, "ayu"):
        project, store = open_project(root, "ayu")
        assert project.read_only and store.read_only
        assert "another window" in store.lock_message
        AddSpan(arts[0].id, Span(9, 14, "PER")).do(project)  # the UI blocks this; no crash
        store.close()
    assert not (root / "annotations" / "ayu" / f"{arts[0].id}.json").exists()
