"""`annotator agreement`, driven through `main([...])` on a project built in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.annotations import AnnotationSet
from annotator.core.model import ArticleStatus, Span
from annotator.store.project_store import ProjectStore

BODY_1 = "Presiden Vladimir Putin bertemu Kim Jong Un di Vladivostok pada hari Rabu."
BODY_2 = "Menteri Sergei Shoigu mengunjungi pabrik pesawat di Komsomolsk-on-Amur."
BODY_3 = "Jurubicara Kremlin Dmitry Peskov berbicara di Moskow."


pytestmark = pytest.mark.usefixtures("cli_in_tmp_path")


def save(root: Path, who: str, texts: dict[str, str], article: int, *marks: tuple[str, str],
         status: ArticleStatus = ArticleStatus.DONE) -> None:
    """Save `who`'s set of article number `article`: marks are (surface, label[:kb_id])."""
    store = ProjectStore(root, who, create=False, sync=False)
    try:
        info = store.article_infos()[article]
        text = texts[info.id]
        spans = []
        for surface, label in marks:
            start = text.index(surface)
            name, _, kb = label.partition(":")
            spans.append(Span(start, start + len(surface), name, kb_id=kb or None))
        store.save_set(AnnotationSet(info.id, who, spans=sorted(spans), status=status))
    finally:
        assert store.close()


@pytest.fixture()
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for n, body in enumerate((BODY_1, BODY_2, BODY_3)):
        (src / f"{n}.txt").write_text(f"Judul {n}\n{body}\n", "utf-8")
    root = tmp_path / "proj"
    assert main(["import", str(src), "--project", str(root), "--annotator", "ayu"]) == 0
    capsys.readouterr()
    with ProjectStore(root, "ayu", create=False) as store:
        texts = {i.id: store.load_text(i.id) for i in store.article_infos()}
    # article 0: Putin agreed; Kim label conflict; Vladivostok only ayu
    save(root, "ayu", texts, 0, ("Vladimir Putin", "PER:putin"), ("Kim Jong Un", "PER"),
         ("Vladivostok", "GPE"))
    save(root, "budi", texts, 0, ("Vladimir Putin", "PER:putin"), ("Kim Jong Un", "ORG"))
    # article 1: boundary conflict (Shoigu vs Sergei Shoigu), link conflict on the city
    save(root, "ayu", texts, 1, ("Sergei Shoigu", "PER"), ("Komsomolsk-on-Amur", "GPE:kom"))
    save(root, "budi", texts, 1, ("Shoigu", "PER"), ("Komsomolsk-on-Amur", "GPE:other"))
    # article 2: only cici worked on it -> not compared for ayu/budi
    save(root, "cici", texts, 2, ("Dmitry Peskov", "PER"))
    return root


def run_json(root: Path, *names: str, capsys: pytest.CaptureFixture[str]) -> dict:
    code = main(["agreement", "--project", str(root), "--annotators", *names, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_json_figures(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(project, "ayu", "budi", capsys=capsys)
    assert doc["annotators"] == ["ayu", "budi"]
    assert doc["articles"] == 2 and doc["articles_a_b"] == 2
    # ayu 5 spans, budi 4; matched: Putin, and Komsomolsk (kb_id is not part of the match)
    assert doc["span_counts"] == {"a": 5, "b": 4, "matched": 2}
    assert doc["overall"] == pytest.approx({"p": 0.4, "r": 0.5, "f": 2 * 0.4 * 0.5 / 0.9})
    assert doc["per_label"]["PER"] == pytest.approx({"p": 1 / 3, "r": 1 / 2, "f": 0.4})
    assert doc["per_label"]["ORG"] == {"p": 0.0, "r": 0.0, "f": 0.0}
    assert doc["per_label"]["GPE"] == pytest.approx({"p": 0.5, "r": 1.0, "f": 2 / 3})
    assert doc["conflicts"] == {"agreed": 1, "label": 1, "boundary": 1, "link": 1, "only_one": 1,
                                "unsure": 0}
    assert 0.0 < doc["cohen_kappa"] < 1.0 and 0.0 < doc["krippendorff_alpha"] < 1.0
    assert doc["tokens"] > 20


def test_three_annotators_and_all(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(project, "ayu", "budi", "cici", capsys=capsys)
    assert doc["articles"] == 2  # article 2 has cici only
    every = run_json(project, "all", capsys=capsys)
    assert every["annotators"] == ["ayu", "budi", "cici"]
    assert every == doc


def test_readable_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agreement", "--project", str(project), "--annotators", "budi", "ayu"]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    lines = out.out.splitlines()
    assert lines[0] == "Agreement of budi (A) against ayu (B, the reference)"
    assert lines[1].startswith("Articles compared: 2 (A and B both: 2); tokens: ")
    overall = next(line for line in lines if line.startswith("overall"))
    assert overall.split() == ["overall", "0.500", "0.400", "0.444", "4", "5", "2"]
    assert any(line.startswith("Cohen's kappa (token labels, A vs B): 0.") for line in lines)
    assert any(line.startswith("Krippendorff's alpha (nominal, token labels, budi, ayu): 0.")
               for line in lines)
    assert lines[-1] == "Conflicts: agreed 1, label 1, boundary 1, link 1, only_one 1, unsure 0"


def test_nothing_to_compare(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agreement", "--project", str(project), "--annotators", "ayu", "cici"]) == 0
    out = capsys.readouterr()
    assert "Articles compared: 0" in out.out and "n/a" in out.out
    assert out.err == "annotator: note: no article was worked on by two of these annotators\n"


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["ayu", "zed", "yan"],
         "unknown annotator(s): zed, yan (the project has: ayu, budi, cici)"),
        (["ayu"], "--annotators: need two or more annotators, got 1"),
        (["ayu", "ayu"], "--annotators: ayu named twice"),
        (["all", "ayu"], "--annotators: 'all' cannot be combined with names"),
    ],
)
def test_bad_annotators_exit_2_on_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], names: list[str], message: str
) -> None:
    code = main(["agreement", "--project", str(project), "--annotators", *names])
    out = capsys.readouterr()
    assert code == 2 and out.out == ""
    assert out.err == f"annotator: error: {message}\n"


def test_missing_project_and_missing_option(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["agreement", "--project", str(tmp_path / "nope"), "--annotators", "a", "b"])
    assert code == 2
    assert capsys.readouterr().err == f"annotator: error: no project at {tmp_path / 'nope'}\n"
    assert main(["agreement", "--project", str(tmp_path)]) == 2
    assert "--annotators" in capsys.readouterr().err


def test_agreement_changes_no_annotation(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shards = sorted(p for p in (project / "annotations").rglob("*.json"))
    before = {p: p.read_bytes() for p in shards}
    run_json(project, "ayu", "budi", capsys=capsys)
    assert {p: p.read_bytes() for p in (project / "annotations").rglob("*.json")} == before


def test_colleagues_jsonl_import_compares_and_reimport_changes_nothing(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with ProjectStore(project, "ayu", create=False) as store:
        stored = store.load_text(store.article_infos()[0].id)
    start = stored.index("Vladimir Putin")
    record = {"text": stored, "answer": "accept", "_annotator_id": "dewi",
              "spans": [{"start": start, "end": start + 14, "label": "PER", "kb_id": "putin"}]}
    colleague = tmp_path / "dewi.jsonl"
    colleague.write_text(json.dumps(record) + "\n", "utf-8")
    assert main(["import", str(colleague), "--project", str(project), "--annotator", "ayu"]) == 0
    capsys.readouterr()
    first = run_json(project, "ayu", "dewi", capsys=capsys)
    assert first["articles"] == 1
    assert first["span_counts"] == {"a": 3, "b": 1, "matched": 1}
    assert first["conflicts"] == {"agreed": 1, "label": 0, "boundary": 0, "link": 0,
                                  "only_one": 2, "unsure": 0}
    assert main(["import", str(colleague), "--project", str(project), "--annotator", "ayu"]) == 0
    capsys.readouterr()
    assert run_json(project, "ayu", "dewi", capsys=capsys) == first
