"""`annotator export` defaults and safety, and `annotator validate`, through `main([...])`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.config import remember_annotator, seeds_dir
from annotator.core.model import ArticleStatus, Origin, Span
from annotator.core.review_commands import GOLD
from annotator.store.session import open_project

pytestmark = pytest.mark.usefixtures("cli_in_tmp_path")


def put(root: Path, who: str, number: int, surface: str, label: str,
        status: ArticleStatus, pending: str | None = None) -> str:
    """Save `who`'s version of article `number`: one span on `surface`, a status, and
    optionally one pending suggestion on `pending`."""
    project, store = open_project(root, who, sync=False)
    try:
        article_id = project.article_ids[number]
        text = project.text(article_id)
        aset = project.annotation_set(article_id)
        start = text.index(surface)
        aset.insert_span(Span(start, start + len(surface), label))
        if pending:
            p = text.index(pending)
            aset.insert_suggestion(Span(p, p + len(pending), "GPE", Origin.SUGGESTED))
        aset.status, aset.updated = status, 1700000000.0
        store.save_set(aset)
    finally:
        store.close()
    return article_id


def seeded(tmp_path: Path) -> Path:
    proj = tmp_path / "berita"
    assert main(["import", str(seeds_dir()), "--project", str(proj), "--annotator", "ayu"]) == 0
    return proj


def test_default_spacy_split_is_the_remembered_annotator_with_gold_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from spacy.tokens import DocBin

    from annotator.nlp.tokens import make_nlp

    proj = seeded(tmp_path)
    remember_annotator("ayu")
    a0 = put(proj, "ayu", 0, "Kim", "PER", ArticleStatus.DONE)
    put(proj, "budi", 0, "Kim", "ORG", ArticleStatus.DONE)
    put(proj, GOLD, 0, "Kim", "PER", ArticleStatus.REVIEWED)
    a1 = put(proj, "ayu", 1, "Kim Jong Un", "PER", ArticleStatus.DONE)
    put(proj, "budi", 1, "Kim Jong Un", "ORG", ArticleStatus.DONE)
    put(proj, "ayu", 2, "Putin", "PER", ArticleStatus.IN_PROGRESS)
    put(proj, "ayu", 3, "Putin", "PER", ArticleStatus.DONE, pending="Rusia")
    put(proj, "budi", 4, "Putin", "PER", ArticleStatus.DONE)
    capsys.readouterr()
    assert main(["export", "--project", str(proj), "--format", "spacy", "--split", "0.5"]) == 0
    out = capsys.readouterr()
    vocab = make_nlp().vocab
    docs = [d for part in ("train", "dev") for d in
            DocBin().from_disk(tmp_path / "exports" / "berita-spacy" / f"{part}.spacy")
            .get_docs(vocab)]
    assert sorted((d.user_data["article_id"], d.user_data["annotator"]) for d in docs) == \
        sorted([(a0, "gold"), (a1, "ayu")])
    assert "gold version where reviewed, else ayu" in out.out
    assert "Versions: gold 1, ayu 1" in out.out
    assert "Skipped 1: not finished (in progress)" in out.out
    assert "Skipped 1: finished with undecided suggestions" in out.out
    assert "Skipped 1: annotated only by other annotators" in out.out


def test_unfinished_and_undecided_are_exported_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = seeded(tmp_path)
    put(proj, "ayu", 2, "Putin", "PER", ArticleStatus.IN_PROGRESS)
    put(proj, "ayu", 3, "Putin", "PER", ArticleStatus.DONE, pending="Rusia")
    out = tmp_path / "x.jsonl"
    base = ["export", "--project", str(proj), "--annotator", "ayu", "--out", str(out)]
    assert main(base) == 0
    assert out.read_text() == ""
    assert main([*base, "--status", "any"]) == 0
    assert main([*base, "--status", "any", "--allow-undecided"]) == 0
    printed = capsys.readouterr()
    assert len(out.read_text().splitlines()) == 2
    assert "written as O" in printed.err


def test_annotator_all_writes_every_version_to_jsonl_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = seeded(tmp_path)
    put(proj, "ayu", 0, "Kim", "PER", ArticleStatus.DONE)
    put(proj, "budi", 0, "Kim", "ORG", ArticleStatus.DONE)
    out = tmp_path / "all.jsonl"
    assert main(["export", "--project", str(proj), "--annotator", "all", "--out", str(out)]) == 0
    assert [json.loads(x)["_annotator_id"] for x in out.read_text().splitlines()] == \
        ["ayu", "budi"]
    capsys.readouterr()
    assert main(["export", "--project", str(proj), "--annotator", "all", "--format", "spacy",
                 "--out", str(tmp_path / "x.spacy")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "one version per article" in err


# -- 4. the project's own files are never export targets ------------------------------
@pytest.mark.parametrize("target", ["project.json", "articles/index.json", "annotations",
                                    "x.jsonl"])
def test_export_refuses_to_write_inside_the_project_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    proj = seeded(tmp_path)
    put(proj, "ayu", 0, "Kim", "PER", ArticleStatus.DONE)
    before = {p: p.read_bytes() for p in proj.rglob("*") if p.is_file() and "locks" not in p.parts}
    capsys.readouterr()
    split = ["--split", "0.5"] if target == "annotations" else []
    code = main(["export", "--project", str(proj), "--annotator", "ayu",
                 "--out", str(proj / target), *split])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "inside the project folder" in err
    assert "Traceback" not in err
    after = {p: p.read_bytes() for p in proj.rglob("*") if p.is_file() and "locks" not in p.parts}
    assert after == before
    inside = proj / "exports" / "ok.jsonl"
    assert main(["export", "--project", str(proj), "--annotator", "ayu", "--out", str(inside)]) == 0
    assert len(inside.read_text().splitlines()) == 1


# -- 5. a damaged shard of another annotator -------------------------------------------
def test_damaged_shard_of_another_annotator_is_skipped_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = seeded(tmp_path)
    put(proj, "ayu", 0, "Kim", "PER", ArticleStatus.DONE)
    b0 = put(proj, "budi", 0, "Kim", "ORG", ArticleStatus.DONE)
    put(proj, "budi", 1, "Kim Jong Un", "ORG", ArticleStatus.DONE)
    [shard] = [p for p in (proj / "annotations" / "budi").glob("*.json") if b0[:8] in p.name]
    shard.write_text('{"set": {"1": {"article_id": ', "utf-8")
    capsys.readouterr()
    out = tmp_path / "x.jsonl"
    assert main(["export", "--project", str(proj), "--annotator", "all", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert [json.loads(x)["_annotator_id"] for x in out.read_text().splitlines()] == \
        ["ayu", "budi"]
    assert str(shard) in printed.err and "damaged" in printed.err
    assert main(["export", "--project", str(proj), "--annotator", "ayu", "--out", str(out)]) == 0


# -- 3. `annotator validate` -------------------------------------------------------------
def test_validate_clean_export_exits_0_and_damaged_file_lists_file_line_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = seeded(tmp_path)
    put(proj, "ayu", 0, "Kim", "PER", ArticleStatus.DONE)
    put(proj, "ayu", 1, "Kim Jong Un", "PER", ArticleStatus.DONE)
    out = tmp_path / "x.jsonl"
    assert main(["export", "--project", str(proj), "--annotator", "ayu", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["validate", str(out)]) == 0
    assert "2 record(s), no problems" in capsys.readouterr().out
    records = [json.loads(x) for x in out.read_text().splitlines()]
    records[1]["spans"][0]["end"] -= 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(json.dumps(r) for r in [records[0], records[0], records[1]])
                   + "\nnot json\n", "utf-8")
    assert main(["validate", str(bad), "--project", str(proj)]) == 1
    printed = capsys.readouterr().out
    assert f"{bad}:2: article {records[0]['meta']['article_id']} already at line 1" in printed
    assert f"{bad}:3: span 1: token_end" in printed
    assert f"{bad}:4: not valid JSON" in printed
    assert "problem(s) in 3 line(s) of 4" in printed
    assert main(["validate", str(tmp_path / "missing.jsonl")]) == 2
