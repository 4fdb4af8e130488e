"""Issue 16.6 in the window: imported links show their entities in the Entities tab, and a
linked span taken into gold during review brings its entity into the gold knowledge base."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from annotator.cli import main
from annotator.core.review import Kind
from annotator.core.review_commands import GOLD
from annotator.store.kb_store import load_kb, save_kb
from annotator.store.project_store import ProjectStore
from annotator.store.session import open_project
from tests.ui.helpers import key

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
TEXT = "Presiden Kim Jong Un tiba di Rusia. Kim bertemu Putin di Vostochny."


def span(surface: str, label: str, kb_id: str, nth: int = 0) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(surface, start + 1)
    return {"start": start, "end": start + len(surface), "label": label, "kb_id": kb_id}


def record(annotator: str, putin_label: str) -> dict[str, Any]:
    return {"text": TEXT, "answer": "accept", "_annotator_id": annotator, "spans": [
        span("Kim Jong Un", "PER", "kim-jong-un"), span("Rusia", "GPE", "rusia"),
        span("Kim", "PER", "kim-jong-un", nth=1), span("Putin", putin_label, "putin")]}


def write_jsonl(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def wait_propagation(window, qtbot) -> None:  # noqa: ANN001
    """Let the propagation a KB change starts finish before the window closes."""
    qtbot.wait(200)  # the KB change is debounced before propagation starts
    qtbot.waitUntil(lambda: not window.linking.propagation.running, timeout=30000)


def test_imported_links_appear_in_the_entities_tab(opener, tmp_path: Path, qtbot) -> None:  # noqa: ANN001
    window = opener.open(seeds=None, suggest=False)
    src = write_jsonl(tmp_path / "linked.jsonl", record("ayu", "PER"))
    window.actions_by_id["import_files"].trigger()  # File › Import files… (no article yet)
    dialog = next(d for d in window.findChildren(QFileDialog) if d.isVisible())
    dialog.selectFile(f'"{src}"')
    dialog.accept()
    qtbot.waitUntil(lambda: "Imported 1 article(s)" in window.transfer.last_message,
                    timeout=20000)
    assert "Entities built for imported links: 3" in window.transfer.last_message
    panel = window.entities_panel
    window.side_tabs.setCurrentWidget(panel)
    model = panel.model
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=5000)
    names = {model.data(model.index(row, 0)) for row in range(model.rowCount())}
    assert names == {"Kim Jong Un", "Putin", "Rusia"}
    kim = window.project.kb["kim-jong-un"]
    assert kim.label == "PER" and kim.aliases == ["Kim"]
    qtbot.waitUntil(lambda: model.data(model.index(model.row_of("kim-jong-un"), 3)) == 2)
    wait_propagation(window, qtbot)


def test_review_copies_the_chosen_entity_into_the_gold_kb(opener, tmp_path: Path, qtbot) -> None:  # noqa: ANN001
    root = tmp_path / "project"
    src = write_jsonl(tmp_path / "two.jsonl", record("ayu", "PER"), record("budi", "ORG"))
    assert main(["import", str(src), "--project", str(root), "--annotator", "rina"]) == 0
    project, store = open_project(root, "ayu")  # ayu names Putin fully and notes it
    project.kb.replace(project.kb["putin"].with_(name="Vladimir Putin", note="ayu's note"))
    project.kb.remove("rusia")  # in no annotator's KB: gold builds it from the spans
    save_kb(store, project.kb)
    assert store.close()
    with ProjectStore(root, "budi") as budi:
        kb = load_kb(budi)
        kb.remove("rusia")
        save_kb(budi, kb)

    window = opener.open(root, annotator="rina", seeds=None, suggest=False)
    window.activateWindow()  # offscreen activation is asynchronous; shortcuts need it
    qtbot.waitUntil(window.isActiveWindow)
    key(window, "R", CTRL)
    assert window.review.annotators == ["ayu", "budi"]
    kinds = [item.kind for item in window.review.items]
    key(window, "A", ALT)  # accept all agreed: Kim Jong Un, Kim, Rusia
    window.review.panel.items_table.selectRow(kinds.index(Kind.LABEL))
    key(window, "1", ALT)  # ayu's Putin (PER, linked)
    gold = window.project.annotation_set(window.article_id, GOLD)
    assert {s.kb_id for s in gold.spans} == {"kim-jong-un", "rusia", "putin"}
    assert [s.label for s in gold.spans if s.kb_id == "putin"] == ["PER"]  # Alt+1: ayu
    assert window.store.flush() and window.review.gold_store.flush()
    wait_propagation(window, qtbot)
    opener.close(window)

    with ProjectStore(root, GOLD) as gold_store:
        gold_kb = load_kb(gold_store)
    assert set(gold_kb.ids()) == {"kim-jong-un", "rusia", "putin"}
    putin = gold_kb["putin"]
    assert (putin.name, putin.note, putin.label) == ("Vladimir Putin", "ayu's note", "PER")
    assert gold_kb["rusia"].name == "Rusia" and gold_kb["rusia"].label == "GPE"
    assert gold_kb["kim-jong-un"].surfaces() == ["Kim Jong Un", "Kim"]


def test_undoing_the_decision_takes_the_entity_out_of_gold(
    opener, tmp_path: Path, qtbot  # noqa: ANN001
) -> None:
    root = tmp_path / "project"
    src = write_jsonl(tmp_path / "two.jsonl", record("ayu", "PER"), record("budi", "ORG"))
    assert main(["import", str(src), "--project", str(root), "--annotator", "rina"]) == 0
    window = opener.open(root, annotator="rina", seeds=None, suggest=False)
    window.activateWindow()  # offscreen activation is asynchronous; shortcuts need it
    qtbot.waitUntil(window.isActiveWindow)
    key(window, "R", CTRL)
    kinds = [item.kind for item in window.review.items]
    window.review.panel.items_table.selectRow(kinds.index(Kind.LABEL))
    key(window, "2", ALT)  # budi's Putin (ORG)
    assert "putin" in window.project.kb_of(GOLD)
    assert window.project.kb_of(GOLD)["putin"].label == "ORG"  # copied from budi's KB
    key(window, "Z", CTRL)
    assert "putin" not in window.project.kb_of(GOLD)
    key(window, "Z", CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert "putin" in window.project.kb_of(GOLD)
    wait_propagation(window, qtbot)
