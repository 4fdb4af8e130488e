"""Proof with the real tool: `spacy train` runs on an exported split and the model predicts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import spacy

from annotator.io.export import export_project
from tests.io.test_formats_common import Opener, annotated_project


def test_spacy_train_on_exported_split(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=12)
    folder = tmp_path / "train-data"
    report = export_project(project, folder, format="spacy", split=0.75, seed=0)
    assert report.parts == {"train": 8, "dev": 3}
    assert sorted(p.name for p in folder.iterdir()) == ["config.cfg", "dev.spacy", "train.spacy"]
    model = tmp_path / "model"
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "spacy", "train", "config.cfg",
         "--paths.train", "train.spacy", "--paths.dev", "dev.spacy",
         "--training.max_steps", "20", "--training.eval_frequency", "10",
         "--output", str(model)],
        cwd=folder, capture_output=True, text=True, timeout=240,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert time.monotonic() - started < 240
    nlp = spacy.load(model / "model-last")
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert set(nlp.get_pipe("ner").labels) == {"GPE", "ORG", "PER"}
    doc = nlp("Presiden Joko Widodo bertemu Vladimir Putin di Moskow pada hari Senin.")
    assert isinstance(doc, spacy.tokens.Doc) and isinstance(doc.ents, tuple)
