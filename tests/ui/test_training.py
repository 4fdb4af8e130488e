"""Project > Train model in the real window: background task, progress, scores, switch."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from annotator.core.commands import ChangeSettings
from annotator.nlp import learned
from tests.ui.helpers import key

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def finish_articles(window, count: int) -> None:  # noqa: ANN001
    """Accept every suggestion of the article on screen, mark it done, go on: `count` times."""
    for _ in range(count):
        key(window, "A", CTRL | SHIFT)
        key(window, "D", CTRL)
        key(window, "N")


def train_and_wait(window, qtbot) -> None:  # noqa: ANN001
    """Project › Train model, then wait for its result."""
    window.training.train()
    qtbot.waitUntil(lambda: window.training.last_result is not None, timeout=120000)


def test_train_from_the_window_and_read_its_scores(window, qtbot, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(type(window.training), "options", {"iterations": 20})  # tiny for CI
    finish_articles(window, 5)  # finish every seed article with the suggestions accepted
    progress: list[tuple[int, int]] = []
    key(window, "T", CTRL | SHIFT)
    task = window.training.task
    assert task is not None and task.isRunning()  # the window stays responsive meanwhile
    assert window.status.task_bar.isVisible()
    task.progressed.connect(lambda d, t: progress.append((d, t)))
    key(window, "P")  # editing and navigation keep working while it trains
    qtbot.waitUntil(lambda: window.training.last_result is not None, timeout=120000)
    result = window.training.last_result
    assert not result.cancelled and result.f is not None
    saved = learned.learned_dir(window.store.root) if result.switched else \
        learned.candidate_dir(window.store.root)
    assert (saved / "scores.json").exists()
    if result.switched:
        assert window.project.settings.suggest_model is True
        box = window.training.show_scores()
        assert isinstance(box, QMessageBox) and "F " in box.text()
        box.close()


def test_training_can_be_cancelled_and_saves_nothing(window, qtbot) -> None:  # noqa: ANN001
    # a cancel in each phase of the job is checked in tests/nlp/test_features.py; here the
    # window's side: the button, the task ending, nothing saved and nothing reported
    finish_articles(window, 5)
    task = window.training.train()
    assert task is not None
    assert window.status.task_bar.isVisible() and window.status.task_cancel.isVisible()
    window.status.task_cancel.click()
    qtbot.waitUntil(lambda: not task.isRunning(), timeout=60000)
    # the thread has ended; its "cancelled" signal reaches the window on the next event loop
    qtbot.waitUntil(lambda: not window.status.task_bar.isVisible(), timeout=5000)
    assert window.status.currentMessage() == "Training cancelled"
    assert window.training.last_result is None or window.training.last_result.cancelled
    root = window.store.root
    for folder in (learned.learned_dir(root), learned.candidate_dir(root)):
        assert not (folder / "scores.json").exists()


def test_a_spacy_pipeline_by_folder_suggests_with_its_label_map(opener, qtbot, tmp_path) -> None:  # noqa: ANN001
    import spacy
    from PySide6.QtWidgets import QDialogButtonBox

    from annotator.core.model import Origin
    from tests.ui.helpers import surfaces

    nlp = spacy.blank("id")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Shoigu"},
                        {"label": "MISC", "pattern": "TASS"}])
    nlp.to_disk(tmp_path / "pipe")
    window = opener.open(suggest=False)
    dialog = window.desk.edit_settings()
    dialog.builtin.setChecked(False)
    dialog.propagation.setChecked(False)
    dialog.pipeline.setText(str(tmp_path / "pipe"))
    dialog.pipeline_labels.setText("PERSON=PER,MISC=-")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    window.start_suggestions()
    opener.wait_suggestions(window)
    pending = surfaces(window, pending=True)
    assert pending and set(pending) == {"Shoigu"}
    spans = window.project.annotation_set(window.article_id).suggestions
    assert {(s.label, s.origin) for s in spans} == {("PER", Origin.MODEL)}
    assert {s.source for s in spans} == {"pipeline"} or all(s.source for s in spans)
    row = window.span_model.row_of(spans[0])
    shown = window.span_model.data(window.span_model.index(row, 3))
    assert shown.startswith("model (")


def test_finishing_an_article_updates_the_learned_model(window, qtbot, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(type(window.training), "options", {"iterations": 20})
    finish_articles(window, 4)
    train_and_wait(window, qtbot)
    root = window.store.root
    if window.training.last_result.switched:  # make it the case the button is for
        learned.learned_dir(root).rename(learned.candidate_dir(root))
        window.edits.push(ChangeSettings(window.project.settings.with_(suggest_model=False)),
                          of_article=False)
    box = window.training.show_scores()  # Project › Model scores…: a tiny model may lose
    use = box.findChild(QPushButton, "useSetAsideModel")
    assert use is not None and "Set aside" in box.text()
    qtbot.mouseClick(use, Qt.MouseButton.LeftButton)  # ... the analyst uses it anyway
    assert window.project.settings.suggest_model
    assert learned.read_scores(learned.candidate_dir(root)) is None
    assert learned.read_scores(learned.learned_dir(root)) is not None
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    last = window.article_id
    key(window, "A", CTRL | SHIFT)
    key(window, "D", CTRL)  # the fifth article: a few updates, no full retraining
    task = window.training.task
    assert task is not None and task.name == "Updating the model"
    qtbot.waitUntil(lambda: not task.isRunning(), timeout=60000)
    scores = learned.read_scores(learned.learned_dir(root))
    assert scores is not None and scores["refreshed_on"] == [last]


def test_status_bar_names_the_suggesting_model_and_its_f(window, qtbot, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(type(window.training), "options", {"iterations": 20})
    label = window.status.model_label
    assert label.isVisible() and label.text() == "Suggesting: rules"
    finish_articles(window, 5)
    train_and_wait(window, qtbot)
    root = window.store.root
    if not window.training.last_result.switched:  # a tiny model may lose: use it anyway
        learned.promote_candidate(root)
        ChangeSettings(window.project.settings.with_(suggest_model=True)).do(window.project)
        window.start_suggestions()
    scores = learned.read_scores(learned.learned_dir(root))
    assert scores is not None
    f = (scores.get("combined") or {}).get("ents_f")
    f = f if f is not None else scores["ents_f"]
    assert label.text() == f"Suggesting: rules + learned model (held-out F {f:.3f})"
    assert "held-out check on" in label.toolTip()
    from annotator.jobs.pool import KEEP_IDLE, POOL

    assert POOL.keep_idle == 2  # a second warm worker for the update after each Ctrl+D
    window.edits.push(ChangeSettings(window.project.settings.with_(suggest_model=False)),
                      of_article=False)  # switched off: the rules alone
    window.start_suggestions()
    assert label.text() == "Suggesting: rules" and POOL.keep_idle == KEEP_IDLE




def test_wrong_rule_guesses_leave_once_the_model_suggests(opener, qtbot, monkeypatch) -> None:  # noqa: ANN001
    """The analyst rejects the rules' guesses (made-up words called people) in 12 articles and
    trains: the held-out check finds the guesses wrong, so the next article has none."""
    import json

    from annotator.core.model import Article
    from annotator.io.export import export_project
    from annotator.store.session import open_project
    from annotator.ui.training import TrainingController
    from tests.nlp.test_learned import GUESSES, guessing_texts
    from tests.ui.helpers import click_span, find_span, surfaces

    def guesses(window) -> set[str]:  # noqa: ANN001
        return {w for w in surfaces(window, pending=True) if w.startswith(tuple(GUESSES))}

    root = opener.tmp_path / "guessing"
    project, store = open_project(root, "ayu")
    store.add_articles(Article.from_text(text, f"G{i:02}")
                       for i, (text, _) in enumerate(guessing_texts(14)))
    project.add_infos(store.article_infos())
    store.close()
    monkeypatch.setattr(TrainingController, "options", {"iterations": 20})
    window = opener.open(root, seeds=None)
    for _ in range(12):
        assert guesses(window)  # the rules call the made-up words people
        for word in guesses(window):
            click_span(window, find_span(window, word, pending=True))
            key(window, "X")  # not a name: rejected
        assert not guesses(window)
        finish_articles(window, 1)
        opener.wait_suggestions(window)
    rules_pass = window.suggestions.task
    train_and_wait(window, qtbot)
    result = window.training.last_result
    assert result.switched and result.min_rank >= 1, result.notes
    qtbot.waitUntil(lambda: window.suggestions.task is not rules_pass)  # the model's pass
    opener.wait_suggestions(window)
    text = window.project.text(window.article_id)
    assert any(g in text for g in GUESSES)  # the article on screen has made-up words ...
    assert not guesses(window)  # ... and no suggestion for them
    assert any(name in surfaces(window, pending=True) for name in ("Jakarta", "Moskow",
                                                                     "Kim Jong Un"))
    box = window.training.show_scores()
    assert "the rules' spans in its gaps: " in box.text()
    box.close()

    # after a restart the same suggestions wait (not the stale guesses of the first pass),
    # and accepting them saves and exports exactly those
    article_id = window.article_id
    shown = {s.key for s in window.project.annotation_set(article_id).suggestions}
    opener.close(window)
    window = opener.open(root, seeds=None)
    window.show_article(article_id)
    assert {s.key for s in window.project.annotation_set(article_id).suggestions} == shown
    key(window, "A", CTRL | SHIFT)
    opener.close(window)  # the accepted spans are saved and come back as they were
    window = opener.open(root, seeds=None, suggest=False)
    assert {s.key for s in window.project.annotation_set(article_id).spans} == shown
    out = opener.tmp_path / "guessing.jsonl"
    export_project(window.project, out, annotator="ayu", status="any")
    [record] = [r for r in map(json.loads, out.read_text("utf-8").splitlines())
                if r["text"] == text]
    assert {(x["start"], x["end"], x["label"]) for x in record["spans"]} == shown
