"""The training job in process: word classes first (phase, progress, cache), then the model."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Article
from annotator.jobs.child import JobCancelled, JobContext
from annotator.jobs.train_job import PHASE, train_job
from annotator.nlp import learned, wordvec
from tests.nlp.test_learned import build
from tests.nlp.test_wordvec import corpus


class Pipe:
    """The child's end of the pipe, kept in a list."""

    def __init__(self) -> None:
        self.sent: list[tuple[Any, ...]] = []

    def send(self, message: tuple[Any, ...]) -> None:
        self.sent.append(message)


def project_root(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    project, store = build(root)
    try:  # unannotated text beside the finished articles, as a project has
        for aset in project.sets_of():
            store.save_set(aset)
        store.add_articles(Article.from_text(t, f"raw {i}") for i, t in
                           enumerate(" ".join(corpus(400, seed=s)) for s in range(3)))
        store.flush()
    finally:
        store.close()
    return root


def test_the_job_learns_the_word_classes_then_trains_with_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wordvec, "MIN_CHARS", 1000)
    root = project_root(tmp_path)
    pipe = Pipe()
    result = train_job(JobContext(pipe, threading.Event()), str(root), "ayu",  # type: ignore
                       {"suggest_builtin": True}, ["PER", "ORG", "GPE"], {"iterations": 12})
    phases = [m[1][1] for m in pipe.sent if m[0] == "item" and m[1][0] == PHASE]
    assert phases == ["Learning the project's words…", "Reading the annotated articles…",
                      "Training…", "Training on every finished article…"]
    assert any(m[0] == "progress" for m in pipe.sent)
    assert not result.cancelled and result.path is not None
    scores = learned.read_scores(result.path)
    cached = list((root / "models" / "vectors").glob("*.json"))
    assert scores is not None and len(cached) == 1 and cached[0].stem == scores["clusters"]


def test_cancel_while_learning_the_words(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wordvec, "MIN_CHARS", 1000)
    root = project_root(tmp_path)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(JobCancelled):
        train_job(JobContext(Pipe(), cancel), str(root), "ayu",  # type: ignore[arg-type]
                  {"suggest_builtin": True}, ["PER", "ORG", "GPE"], {"iterations": 12})
    assert not (root / "models" / "vectors").exists()
