"""Issue 21.11 in the window: a deleted knowledge base is said in the status bar on opening,
and the Entities tab lists the entities rebuilt from the linked spans."""

from __future__ import annotations

from pathlib import Path

from tests.store.test_load_warnings import linked_project


def test_window_says_the_kb_was_rebuilt(opener, tmp_path: Path, qtbot) -> None:  # noqa: ANN001
    root = linked_project(tmp_path)
    (root / "kb" / "ayu.json").unlink()
    window = opener.open(root, annotator="ayu", seeds=None, suggest=False)
    message = window.status.currentMessage()
    assert "ayu.json: missing" in message and "2 entities rebuilt" in message
    model = window.entities_panel.model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=5000)
    qtbot.wait(200)  # the propagation a KB change starts is debounced
    qtbot.waitUntil(lambda: not window.linking.propagation.running, timeout=30000)
