"""A live project: command-line imports appear in the open window without a restart."""

from __future__ import annotations

from pathlib import Path

import orjson

from annotator.cli import main
from annotator.io.inbox import inbox_dir

TEXT = "Kim Jong Un bertemu Vladimir Putin di Vladivostok pada hari Rabu."


def jsonl(tmp_path: Path, title: str) -> Path:
    path = tmp_path / f"{title}.jsonl"
    record = {"text": TEXT + " " + title, "meta": {"title": title},
              "spans": [{"start": 0, "end": 11, "label": "PER", "text": "Kim Jong Un"}]}
    path.write_bytes(orjson.dumps(record) + b"\n")
    return path


def test_an_import_for_another_annotator_appears_in_the_open_window(opener, qtbot, tmp_path,
                                                                     capsys) -> None:  # noqa: ANN001
    window = opener.open()
    root = window.store.root
    assert window.article_model.rowCount() == 5
    assert main(["import", str(jsonl(tmp_path, "Berita budi")), "--project", str(root),
                 "--annotator", "budi"]) == 0
    qtbot.waitUntil(lambda: window.article_model.rowCount() == 6, timeout=20000)
    added = next(a for a in window.project.article_ids
                 if window.project.info(a).title == "Berita budi")
    qtbot.waitUntil(lambda: window.project.existing_set(added, "budi") is not None,
                    timeout=20000)  # and budi's spans on it, as a colleague's work


def test_an_import_for_the_window_annotator_is_queued_and_imported_by_it(opener, qtbot,
                                                                          tmp_path,
                                                                          capsys) -> None:  # noqa: ANN001
    window = opener.open()
    root = window.store.root
    source = jsonl(tmp_path, "Berita ayu")
    assert main(["import", str(source), "--project", str(root), "--annotator", "ayu"]) == 0
    assert "queued" in capsys.readouterr().out  # not refused
    qtbot.waitUntil(lambda: window.article_model.rowCount() == 6, timeout=30000)
    article_id = next(a for a in window.project.article_ids
                      if window.project.info(a).title == "Berita ayu")
    spans = window.project.annotation_set(article_id).spans
    assert [(s.start, s.end, s.label) for s in spans] == [(0, 11, "PER")]
    qtbot.waitUntil(lambda: not any(inbox_dir(root).iterdir()), timeout=10000)
    qtbot.waitUntil(lambda: window.transfer.last_report is not None, timeout=10000)
    assert window.transfer.last_report.added == 1


def test_a_colleagues_saved_work_appears_in_the_open_window(opener, qtbot) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt

    from annotator.core.commands import AddSpan
    from annotator.core.model import Span
    from annotator.store.session import open_project
    from tests.ui.helpers import key

    window = opener.open()
    root, first = window.store.root, window.article_id
    key(window, "A", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    budi, store = open_project(root, "budi")  # budi's window, elsewhere
    try:
        AddSpan(first, Span(0, 9, "ORG")).do(budi)
        assert store.flush()
        qtbot.waitUntil(lambda: window.project.existing_set(first, "budi") is not None,
                        timeout=20000)
        assert [s.key for s in window.project.annotation_set(first, "budi").spans] == [
            (0, 9, "ORG")]
        assert "Colleagues' work updated" in window.status.currentMessage()
        key(window, "R", Qt.KeyboardModifier.ControlModifier)  # review sees budi's version
        assert window.review.annotators == ["ayu", "budi"]
        AddSpan(first, Span(11, 14, "PER")).do(budi)  # budi goes on while ayu reviews
        assert store.flush()
        qtbot.waitUntil(lambda: any(s.key == (11, 14, "PER") for item in window.review.items
                                    for s in item.version("budi")), timeout=20000)
    finally:
        store.close()


def test_an_article_a_colleague_deletes_leaves_the_open_window(opener, qtbot) -> None:  # noqa: ANN001
    import time

    from annotator.core.commands import DeleteArticle
    from annotator.store.session import open_project

    window = opener.open()
    shown, second = window.article_id, window.project.article_ids[1]
    project, store = open_project(window.store.root, "dewi")  # dewi's window, elsewhere
    DeleteArticle(shown, time.time()).do(project)
    assert store.close()
    qtbot.waitUntil(lambda: window.article_model.rowCount() == 4, timeout=20000)
    assert not window.project.has_article(shown)
    assert window.article_id == second  # the next one took its place
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    from PySide6.QtCore import Qt

    from tests.ui.helpers import key
    key(window, "Z", Qt.KeyboardModifier.ControlModifier)  # nothing of ours to undo there
    assert not window.project.has_article(shown)
