"""The project folder: layout, schema version, locking, chunked articles, annotation shards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from tinydb import TinyDB

from annotator.core.annotations import AnnotationSet
from annotator.core.labels import LabelScheme
from annotator.core.model import Article, ArticleStatus, Span
from annotator.core.project import ProjectSettings
from annotator.store.atomic import AtomicJSONStorage, read_tables, write_json_atomic
from annotator.store.project_store import CHUNK_SIZE, SCHEMA_VERSION, ProjectStore, StoreError


def _articles(n: int, prefix: str = "a") -> list[Article]:
    return [
        Article.from_text(f"Berita {prefix}{i} dari Jakarta.", f"Judul {i}", {"n": i})
        for i in range(n)
    ]


def _set(article_id: str, annotator: str = "ayu") -> AnnotationSet:
    aset = AnnotationSet(article_id, annotator)
    aset.insert_span(Span(0, 6, "PER"))
    aset.rejected.add((7, 9, "ORG"))
    aset.status = ArticleStatus.DONE
    return aset


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ProjectStore]:
    s = ProjectStore(tmp_path / "proj", "ayu")
    yield s
    s.close()


def test_new_project_layout_is_tinydb_readable(store: ProjectStore) -> None:
    root = store.root
    assert {p.name for p in root.iterdir()} == {"project.json", "articles", "annotations", "locks",
                                                   "backups"}
    with TinyDB(root / "project.json", storage=AtomicJSONStorage) as db:
        (doc,) = db.table("project").all()
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["name"] == "proj"
    assert LabelScheme.from_list(doc["labels"]).names == LabelScheme.default().names
    assert store.meta()["settings"] == ProjectSettings().to_dict()
    assert not store.read_only and store.lock_message == ""


def test_non_project_folder_with_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(StoreError, match="not an Annotator project"):
        ProjectStore(tmp_path, "ayu")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_missing_project_without_create_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="project.json is missing"):
        ProjectStore(tmp_path / "nothing", "ayu", create=False)


def test_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    ProjectStore(root, "ayu").close()
    doc = read_tables(root / "project.json")["project"]["1"]  # type: ignore[index]
    doc["schema_version"] = SCHEMA_VERSION + 1
    write_json_atomic(root / "project.json", {"project": {"1": doc}})
    before = (root / "project.json").read_bytes()
    with pytest.raises(StoreError, match="created by a newer version"):
        ProjectStore(root, "ayu")
    assert (root / "project.json").read_bytes() == before


def test_corrupt_project_file_names_it(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    ProjectStore(root, "ayu").close()
    (root / "project.json").write_text('{"project": ', encoding="utf-8")
    with pytest.raises(StoreError, match="project.json"):
        ProjectStore(root, "ayu")


def test_second_window_for_same_annotator_is_read_only(
    tmp_path: Path, other_window: Callable[[Path, str], AbstractContextManager[None]]
) -> None:
    root = tmp_path / "proj"
    ProjectStore(root, "ayu").close()
    with other_window(root, "ayu"):
        second = ProjectStore(root, "ayu")
        assert second.read_only
        assert "already open for annotator ayu in another window" in second.lock_message
        assert "read-only" in second.lock_message
        with pytest.raises(StoreError, match="read-only"):
            second.save_set(_set("x"))
        with pytest.raises(StoreError):
            second.add_articles(_articles(1))
        with pytest.raises(StoreError):
            second.save_meta([], {})
        assert second.flush() and second.close()
        other = ProjectStore(root, "budi")
        assert not other.read_only
        other.close()
    after = ProjectStore(root, "ayu")
    assert not after.read_only
    after.close()


def test_add_articles_dedupes_within_call_and_against_project(store: ProjectStore) -> None:
    arts = _articles(5)
    added, dups = store.add_articles([*arts, arts[0]])
    assert added == arts and dups == [arts[0]]
    again = Article.from_text(arts[2].text, "other title")
    added, dups = store.add_articles([again, *_articles(2, "b")])
    assert dups == [again] and len(added) == 2
    assert [i.id for i in store.article_infos()] == [a.id for a in arts + added]
    assert store.add_articles([]) == ([], [])


def test_chunks_hold_at_most_chunk_size_and_appends_fill_the_last(store: ProjectStore) -> None:
    store.add_articles(_articles(CHUNK_SIZE * 2 + 3))
    folder = store.root / "articles"

    def sizes() -> list[int]:
        files = sorted(folder.glob("chunk-*.json"))
        return [len(read_tables(f)["texts"]) for f in files]  # type: ignore[index]

    assert sizes() == [CHUNK_SIZE, CHUNK_SIZE, 3]
    store.add_articles(_articles(CHUNK_SIZE, "b"))
    assert sizes() == [CHUNK_SIZE, CHUNK_SIZE, CHUNK_SIZE, 3]
    with TinyDB(folder / "chunk-00003.json", storage=AtomicJSONStorage) as db:
        assert len(db.table("texts")) == 3


def test_load_text_after_reopen_and_unknown_id(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    arts = _articles(CHUNK_SIZE + 10)
    with ProjectStore(root, "ayu") as s:
        s.add_articles(arts)
        assert s.load_text(arts[3].id) == arts[3].text
    with ProjectStore(root, "ayu") as s:
        infos = s.article_infos()
        assert [(i.id, i.title, i.meta) for i in infos] == [(a.id, a.title, a.meta) for a in arts]
        assert s.load_text(arts[-1].id) == arts[-1].text
        assert s.load_text(arts[0].id) == arts[0].text
        with pytest.raises(KeyError):
            s.load_text("no-such-id")


def test_save_and_load_sets_round_trip(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    arts = _articles(3)
    with ProjectStore(root, "Ayu Lestari") as s:
        s.add_articles(arts)
        seqs = [s.save_set(_set(a.id, "Ayu Lestari")) for a in arts]
        assert seqs == sorted(seqs)
        assert s.flush()
        assert s.saved_seq == seqs[-1]
    with ProjectStore(root, "budi") as s:
        s.save_set(_set(arts[0].id, "budi"))
    with ProjectStore(root, "budi") as s:
        assert s.annotators() == ["Ayu Lestari", "budi"]
        mine = s.load_sets("Ayu Lestari")
        assert sorted(x.to_dict()["article_id"] for x in mine) == sorted(a.id for a in arts)
        assert {x.article_id: x.to_dict() for x in mine}[arts[1].id] == _set(
            arts[1].id, "Ayu Lestari"
        ).to_dict()
        assert len(s.load_sets()) == 4
        assert s.load_sets("nobody") == []


def test_saving_a_set_writes_one_small_file(store: ProjectStore) -> None:
    arts = _articles(CHUNK_SIZE + 1)
    store.add_articles(arts)
    files = [p for p in store.root.rglob("*.json")]
    before = {p: p.stat().st_mtime_ns for p in files}
    store.save_set(_set(arts[7].id))
    assert store.flush()
    changed = [p for p in store.root.rglob("*.json") if before.get(p) != p.stat().st_mtime_ns]
    assert changed == [store.shard_file(arts[7].id)]


def test_other_annotators_sets_are_not_written(store: ProjectStore) -> None:
    with pytest.raises(StoreError, match="own folder"):
        store.save_set(_set("x", "budi"))


def test_corrupt_shard_is_skipped_with_a_warning_naming_it_and_the_others_load(
    tmp_path: Path,
) -> None:
    root = tmp_path / "proj"
    with ProjectStore(root, "ayu") as s:
        s.save_set(_set("abc"))
        s.save_set(_set("def"))
    shard = root / "annotations" / "ayu" / "abc.json"
    damaged = shard.read_bytes()[:20]
    shard.write_bytes(damaged)
    with ProjectStore(root, "ayu") as s:
        assert [x.article_id for x in s.load_sets()] == ["def"]
        (warning,) = s.warnings
    assert "abc.json" in warning and "skipped" in warning
    assert (root / "backups" / "damaged" / "ayu" / "abc.json").read_bytes() == damaged


def test_save_meta_persists(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    scheme = LabelScheme.default()
    scheme.ensure("MISC")
    with ProjectStore(root, "ayu") as s:
        s.save_meta(scheme.to_list(), {"token_snapping": False})
    with ProjectStore(root, "ayu") as s:
        meta = s.meta()
    assert "MISC" in LabelScheme.from_list(meta["labels"])
    assert meta["settings"] == {"token_snapping": False}
    assert meta["schema_version"] == SCHEMA_VERSION


def test_closed_store_refuses_writes(tmp_path: Path) -> None:
    s = ProjectStore(tmp_path / "proj", "ayu")
    assert s.close() and s.close()
    with pytest.raises(StoreError, match="closed"):
        s.save_set(_set("x"))
