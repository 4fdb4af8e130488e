"""`export_project`: formats, annotator/status/article selection, split, determinism, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from annotator.core.model import ArticleStatus, Span
from annotator.core.review_commands import GOLD
from annotator.io.export import (
    ExportError,
    ExportReport,
    check_options,
    default_out,
    export_project,
    normalise_format,
)
from annotator.io.formats.selection import select_sets
from annotator.io.formats.split import split_ids
from tests.io.test_formats_common import Opener, annotated_project

FORMATS = ("jsonl", "doccano", "conll", "spacy")


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines()]


def test_jsonl_reports_the_one_file_it_wrote(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p")
    a = project.annotation_set(project.article_ids[0])
    a.rejected.add((0, 6, "PER"))
    for kw in ({}, {"include_rejected": True}, {"status": ArticleStatus.DONE},
               {"annotator": "budi"}):
        report = export_project(project, tmp_path / "new.jsonl", **kw)  # type: ignore[arg-type]
        assert isinstance(report, ExportReport) and report.files == [tmp_path / "new.jsonl"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_deterministic_and_reports(fmt: str, tmp_path: Path,
                                                   open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=5)
    one = export_project(project, tmp_path / "one.out", format=fmt)
    two = export_project(project, tmp_path / "two.out", format=fmt)
    assert (tmp_path / "one.out").read_bytes() == (tmp_path / "two.out").read_bytes()
    assert one.records == two.records == 4 and one.format == fmt
    assert one.spans_per_label == {"GPE": 8, "ORG": 8, "PER": 16}
    assert one.skipped == [("Berita 4: Prabowo Subianto tiba di Pyongyang", "no annotations")]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_split_is_by_article_seeded_and_complete(fmt: str, tmp_path: Path,
                                                 open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=11, annotators=("ayu", "budi"))
    out = tmp_path / "split"
    report = export_project(project, out, format=fmt, split=0.8, seed=7)
    ext = {"jsonl": ".jsonl", "doccano": ".jsonl", "conll": ".conll", "spacy": ".spacy"}[fmt]
    names = [f"train{ext}", f"dev{ext}"] + (["config.cfg"] if fmt == "spacy" else [])
    assert [p.name for p in report.files] == names
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    # 11 articles; ayu (the default) annotated 10 of them: one record each (8 train, 2 dev)
    assert report.parts == {"train": report.records - report.parts["dev"],
                            "dev": report.parts["dev"]}
    assert report.records == 10 and report.parts["dev"] >= 2
    again = export_project(project, tmp_path / "again", format=fmt, split=0.8, seed=7)
    for a, b in zip(report.files, again.files, strict=True):
        assert a.read_bytes() == b.read_bytes()
    if fmt == "jsonl":
        train = {r["meta"]["article_id"] for r in lines(out / "train.jsonl")}  # type: ignore[index]
        dev = {r["meta"]["article_id"] for r in lines(out / "dev.jsonl")}  # type: ignore[index]
        assert not train & dev and len(train | dev) == 10
        assert (len(train), len(dev)) == (8, 2)  # round(10 * 0.8) = 8
        other = export_project(project, tmp_path / "seed1", split=0.8, seed=1)
        assert other.files[0].read_bytes() != report.files[0].read_bytes()


def test_split_ids_rules() -> None:
    ids = [f"a{i}" for i in range(10)]
    parts = split_ids(ids, 0.7, seed=3)
    assert list(parts) != ids  # shuffled ...
    assert sorted(parts) == ids and list(parts.values()).count("train") == 7
    assert split_ids(ids, 0.7, seed=3) == parts  # ... by the seed only
    assert list(split_ids(["x", "y"], 0.99).values()).count("dev") == 1  # never empty
    assert list(split_ids(["x", "y"], 0.01).values()).count("train") == 1
    assert split_ids(["x"], 0.5) == {"x": "train"}
    for bad in (0, 1, 1.5, -0.2):
        with pytest.raises(ValueError, match="between 0 and 1"):
            split_ids(ids, bad)


def test_selection_by_annotator_gold_status_and_articles(tmp_path: Path,
                                                         open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=4, annotators=("ayu", "budi"))
    ids = project.article_ids
    gold = project.annotation_set(ids[1], GOLD)
    gold.insert_span(Span(0, 6, "PER"))
    gold.status = ArticleStatus.REVIEWED
    project.annotation_set(ids[2], "ayu").status = ArticleStatus.IN_PROGRESS
    every = select_sets(project, annotator="all", status="any")
    assert [[s.annotator for s in c.sets] for c in every.chosen] == [
        ["ayu", "budi"], ["ayu", "budi", "gold"], ["ayu", "budi"], ["budi"]]
    default = select_sets(project)
    assert [[s.annotator for s in c.sets] for c in default.chosen] == [["ayu"], ["gold"]]
    assert [reason for _, reason in default.skipped] == [
        "not finished (in progress)", "annotated only by other annotators"]
    only_gold = select_sets(project, annotator=GOLD)
    assert [c.info.id for c in only_gold.chosen] == [ids[1]]
    assert [reason for _, reason in only_gold.skipped] == ["no gold version"] * 3
    done = select_sets(project, annotator="ayu", status=ArticleStatus.DONE, gold_first=False)
    assert [c.info.id for c in done.chosen] == [ids[0], ids[1]]
    assert [reason for _, reason in done.skipped] == ["status is in progress, not done",
                                                      "annotated only by other annotators"]
    picked = select_sets(project, annotator="budi", articles={ids[3], ids[0]})
    assert [c.info.id for c in picked.chosen] == [ids[0], ids[3]] and picked.skipped == []
    report = export_project(project, tmp_path / "gold.jsonl", annotator=GOLD,
                            status=ArticleStatus.REVIEWED)
    assert [r["_annotator_id"] for r in lines(tmp_path / "gold.jsonl")] == ["gold"]
    assert report.records == 1 and report.spans_per_label == {"PER": 1}
    sel = export_project(project, tmp_path / "sel.conll", format="conll", annotator="budi",
                         articles=[ids[3]])
    assert sel.records == 1 and sel.skipped == []


def test_cancel_and_progress(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=4)
    calls: list[tuple[int, int]] = []
    report = export_project(project, tmp_path / "c", format="spacy", split=0.5,
                            progress=lambda d, t: calls.append((d, t)),
                            cancelled=lambda: len(calls) >= 3)
    assert report.cancelled and not (tmp_path / "c").exists()
    assert calls == [(0, 3), (1, 3), (2, 3)]
    calls.clear()
    done = export_project(project, tmp_path / "d.conll", format="conll",
                          progress=lambda d, t: calls.append((d, t)))
    assert not done.cancelled and calls[-1] == (3, 3)


def test_unaligned_spans_are_reported(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=2, annotators=("budi",))
    aset = project.annotation_set(project.article_ids[0], "budi")
    text = project.text(project.article_ids[0])
    space = text.index(" ")
    aset.insert_span(Span(space, space + 1, "ORG"))  # a lone space: no token
    for fmt in ("conll", "spacy", "jsonl"):
        report = export_project(project, tmp_path / f"x.{fmt}", format=fmt)
        assert sorted(r for _, r in report.skipped) == ["1 span(s) of budi cover no token",
                                                        "no annotations"], fmt
        assert report.spans_per_label["ORG"] == 2


def test_bad_options(tmp_path: Path, open_proj: Opener) -> None:
    project, _ = annotated_project(open_proj, tmp_path / "p", n=2)
    (tmp_path / "afile").write_text("x")
    cases = [
        ({"format": "kb", "split": 0.8}, "--split does not apply to kb"),
        ({"format": "xml"}, "export format 'xml' is not supported"),
        ({"format": "conll", "include_rejected": True}, "can only be exported as jsonl"),
        ({"split": 1.0}, "between 0 and 1"),
    ]
    for kw, message in cases:
        with pytest.raises(ExportError, match=re.escape(message)):
            export_project(project, tmp_path / "o", **kw)  # type: ignore[arg-type]
    with pytest.raises(ExportError, match="is a folder"):
        export_project(project, tmp_path)
    with pytest.raises(ExportError, match="a split needs a folder"):
        export_project(project, tmp_path / "afile", split=0.5)
    assert normalise_format("DocBin") == "spacy" and normalise_format(" CoNLL ") == "conll"
    assert check_options(tmp_path / "new", format="doccano") == "doccano"
    assert default_out("berita", "doccano") == Path("exports/berita.doccano.jsonl")
    assert default_out("berita", "spacy") == Path("exports/berita.spacy")
    assert default_out("berita", "conll", 0.8) == Path("exports/berita-conll")
    empty = export_project(project, tmp_path / "one", split=0.5)
    assert empty.parts == {"train": 1, "dev": 0} and "dev part is empty" in empty.notes[0]
