"""Heavy work runs in worker processes: spaCy tokens arrive for snapping, the window stays free."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.nlp.tokens import tokenize
from tests.conftest import REPO, SEEDS
from tests.ui.helpers import key, select_text


def test_snapping_uses_spacys_tokens_computed_by_a_worker(opener, qtbot) -> None:  # noqa: ANN001
    window = opener.open(suggest=False)
    second = window.project.article_ids[1]
    window.article_panel.select_article(second)
    assert window.article_id == second
    qtbot.waitUntil(lambda: window.tokens.has(second), timeout=60000)
    text = window.project.text(second)
    expected = [(s, e) for s, e, _ in tokenize(text)]
    assert window.tokens.get(second).tokens == expected

    # select the middle of a word and press 1: the span grows to spaCy's token
    word = next(t for t in expected if t[1] - t[0] >= 6 and text[t[0]:t[1]].isalpha())
    select_text(window, word[0] + 1, word[1] - 2)
    key(window, "1")
    aset = window.project.annotation_set(second)
    assert any((s.start, s.end) == word for s in aset.spans), text[word[0]:word[1]]


def test_quick_article_switches_ask_for_the_tokens_of_the_last_one_only(opener, qtbot) -> None:  # noqa: ANN001
    window = opener.open(suggest=False)
    ids = window.project.article_ids[1:6]
    for article_id in ids:
        window.view.setFocus()
        window.show_article(article_id)
    qtbot.waitUntil(lambda: window.tokens.has(ids[-1]), timeout=60000)
    qtbot.wait(200)
    assert not any(window.tokens.has(a) for a in ids[:-1])


SCRIPT = r"""
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from annotator.io.seeding import ensure_seeded
from annotator.store.session import open_project
from annotator.ui.main_window import MainWindow

root, seeds, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
project, store = open_project(root, "ayu")
ensure_seeded(project, store, seeds)
window = MainWindow(project, store, QSettings(str(root / "q.ini"), QSettings.Format.IniFormat))
window.show()

def spin(done, timeout=120):
    end = time.monotonic() + timeout
    while not done() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    return done()

started = spin(lambda: window.suggestions.task is not None)
finished = spin(lambda: started and not window.suggestions.running
                and not window.linking.propagation.running)
app.processEvents()
suggested = sum(len(project.annotation_set(a).suggestions) for a in project.article_ids)
second = project.article_ids[1]
window.show_article(second)
tokens = spin(lambda: window.tokens.has(second))
window.editor.accept_all()  # the export holds the accepted spans of this article
accepted = len(project.annotation_set(second).spans)
window.transfer.start_export(out=out, format="jsonl", annotator=None, status="any",
                             include_rejected=False, split=None, seed=0, articles=None)
exported = spin(lambda: window.transfer.last_report is not None)
print(json.dumps({"finished": finished, "suggested": suggested, "tokens": tokens,
                  "exported": exported, "accepted": accepted,
                  "records": [json.loads(line) for line in out.read_text().splitlines()],
                  "spacy": "spacy" in sys.modules, "thinc": "thinc" in sys.modules}))
window.close()
store.close()
"""


def test_the_window_process_never_loads_spacy(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = tmp_path / "export.jsonl"
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "p"), str(SEEDS),
                           str(out)], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["finished"] and result["tokens"] and result["exported"]
    assert result["suggested"] > 50  # the suggestions came from the worker
    [record] = result["records"]  # written by the export worker from the saved project
    assert len(record["spans"]) == result["accepted"] > 0
    assert not result["spacy"] and not result["thinc"], "spaCy was imported in the window"


def test_cancelling_the_suggestion_pass_from_the_status_bar(opener, qtbot) -> None:  # noqa: ANN001
    window = opener.open(suggest=False)
    messages: list[str] = []
    window.suggestions.finished.connect(messages.append)
    window.start_suggestions()
    qtbot.waitUntil(lambda: window.status.task_cancel.isVisible(), timeout=5000)
    qtbot.mouseClick(window.status.task_cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(messages), timeout=30000)
    assert messages[-1] in ("Suggestions cancelled", f"Suggestions ready for "
                            f"{len(window.project)} articles")
    assert not window.suggestions.running
