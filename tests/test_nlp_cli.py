"""`annotator suggest`, `annotator train` and `annotator evaluate`, driven through `main([...])`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from annotator.cli import main
from annotator.config import seeds_dir
from annotator.core.project import Project
from annotator.store.project_store import ProjectStore
from annotator.store.session import open_project
from tests.nlp.test_learned import build, guessing_project

GOLD = """\
Presiden\tO
Vladimir\tB-PERSON
Putin\tI-PERSON
tiba\tO
di\tO
Vladivostok\tB-PLACE
.\tO

Kim\tB-PERSON
Jong\tI-PERSON
Un\tI-PERSON
datang\tO
"""


pytestmark = pytest.mark.usefixtures("cli_in_tmp_path")


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    assert main(["import", str(seeds_dir()), "--project", str(root), "--annotator", "ayu"]) == 0
    return root


@pytest.fixture
def ruler(tmp_path: Path) -> Path:
    nlp = spacy.blank("xx")
    nlp.add_pipe("entity_ruler").add_patterns([
        {"label": "PERSON", "pattern": "Vladimir Putin"}, {"label": "MISC", "pattern": "Kim"}])
    nlp.to_disk(tmp_path / "ruler")
    return tmp_path / "ruler"


def test_suggest_fills_the_cache_and_resumes(seeded: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["suggest", "--project", str(seeded), "--annotator", "ayu"]) == 0
    out = capsys.readouterr().out
    assert "Suggestion sources (highest priority first): propagation, builtin" in out
    assert "builtin: 5 article(s) computed" in out and "0 already cached" in out
    assert "Computed live by the window (not cached): propagation" in out
    assert main(["suggest", "--project", str(seeded), "--annotator", "ayu", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["runs"][0]["computed"] == 0 and report["runs"][0]["reused"] == 5
    assert report["live"] == ["propagation"]


def test_suggest_source_sets_the_project_sources(
    seeded: Path, ruler: Path, capsys: pytest.CaptureFixture
) -> None:
    code = main(["suggest", "--project", str(seeded), "--annotator", "ayu", "--source",
                 f"spacy:{ruler}", "builtin", "--label-map", "PERSON=PER,MISC=-"])
    assert code == 0
    out = capsys.readouterr().out
    assert f"(highest priority first): spacy:{ruler}, builtin" in out
    project, store = open_project(seeded, "ayu", create=False)
    store.close()
    settings = project.settings
    assert settings.suggest_builtin and not settings.suggest_propagation
    assert settings.suggest_pipeline == str(ruler)
    assert settings.suggest_pipeline_labels == "PERSON=PER,MISC=-"
    assert settings.suggest_priority[:2] == ("pipeline", "builtin")
    assert len(list((seeded / "cache").iterdir())) == 2


def test_suggest_rejects_unknown_sources(seeded: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["suggest", "--project", str(seeded), "--source", "magic"]) == 2
    assert "unknown source 'magic'" in capsys.readouterr().err
    assert main(["suggest", "--project", str(seeded), "--source", "learned"]) == 2
    assert "no learned model" in capsys.readouterr().err
    assert main(["suggest", "--project", str(seeded / "nope")]) == 2


def saved(made: tuple[Project, ProjectStore]) -> None:
    """Write a built project's annotation sets to disk and close it (the CLI reads them)."""
    project, store = made
    for aset in project.sets_of():
        store.save_set(aset)
    store.close()


def train_args(root: Path) -> list[str]:
    return ["train", "--project", str(root), "--annotator", "ayu", "--iterations", "10"]


def test_train_then_evaluate_the_learned_model(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    root = tmp_path / "p"
    saved(build(root))
    settings = ["suggest", "--project", str(root), "--annotator", "ayu", "--source", "propagation"]
    assert main(settings) == 0  # no other source: the first model wins against nothing
    capsys.readouterr()
    assert main([*train_args(root), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"ents_p", "ents_r", "ents_f", "ents_per_type"} <= set(report)
    assert report["switched"] and report["path"] == str(root / "models" / "learned")
    project, store = open_project(root, "ayu", create=False)
    store.close()
    assert project.settings.suggest_model is True
    gold = tmp_path / "gold.conll"
    gold.write_text(GOLD, encoding="utf-8")
    code = main(["evaluate", "--gold", str(gold), "--project", str(root), "--source", "learned",
                 "--label-map", "PERSON=PER,PLACE=GPE", "--json"])
    assert code == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["source"] == "learned" and scores["docs"] == 2 and scores["gold_spans"] == 3


def test_train_says_when_the_rules_guesses_are_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    root = tmp_path / "p"
    saved(guessing_project(root))
    args = train_args(root)
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["switched"] and report["min_rank"] >= 1
    assert main(args) == 0  # again, the first model (the guesses already out) suggesting:
    captured = capsys.readouterr()  # they are weighed again, not lost
    assert "the rules' spans in its gaps: all but their guesses" in captured.out
    assert "held-out F with the rules' spans from rank 0 / 1 / 2 / 3" in captured.err


def test_evaluate_builtin_without_a_project(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    gold = tmp_path / "gold.conll"
    gold.write_text(GOLD, encoding="utf-8")
    code = main(["evaluate", "--gold", str(gold), "--label-map", "PERSON=PER,PLACE=LOC",
                 "--pred-map", "GPE=LOC", "--json"])
    assert code == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["source"] == "builtin" and scores["ents_f"] > 0
    assert set(scores["ents_per_type"]) <= {"PER", "LOC"}
    assert main(["evaluate", "--gold", str(gold), "--label-map", "PERSON=PER"]) == 0
    out = capsys.readouterr().out
    assert "overall" in out and "PER" in out


def test_evaluate_a_pipeline_by_path(
    tmp_path: Path, ruler: Path, capsys: pytest.CaptureFixture
) -> None:
    gold = tmp_path / "gold.conll"
    gold.write_text(GOLD, encoding="utf-8")
    code = main(["evaluate", "--gold", str(gold), "--source", f"spacy:{ruler}",
                 "--label-map", "PERSON=PER,PLACE=-", "--pipeline-map", "PERSON=PER", "--json"])
    assert code == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["ents_p"] == 1.0 and scores["ents_r"] == 0.5
    assert scores["ignored"] == {"MISC": 1}  # Kim alone is not scored


def test_evaluate_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["evaluate", "--gold", str(tmp_path / "missing.conll")]) == 2
    assert "no gold file" in capsys.readouterr().err
    gold = tmp_path / "gold.conll"
    gold.write_text(GOLD, encoding="utf-8")
    assert main(["evaluate", "--gold", str(gold), "--label-map", "PERSON"]) == 2
    assert "--label-map: bad label map entry" in capsys.readouterr().err
    assert main(["evaluate", "--gold", str(gold), "--source", "spacy:/no/such/dir"]) == 2
    assert "not found" in capsys.readouterr().err


def test_train_without_annotations_is_a_usage_error(
    seeded: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["train", "--project", str(seeded), "--annotator", "ayu"]) == 2
    assert "nothing to train on" in capsys.readouterr().err
