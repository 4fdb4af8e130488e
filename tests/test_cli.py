"""The `annotator` command line, driven through `main([...])`."""

from __future__ import annotations

import getpass
import io
import json
import sys
import types
from pathlib import Path

import pytest

from annotator import cli
from annotator.cli import ProgressBar, main
from annotator.config import remember_annotator, seeds_dir
from annotator.store.session import open_project

pytestmark = pytest.mark.usefixtures("cli_in_tmp_path")


def annotate(root: Path, annotator: str, surface: str = "Vladimir Putin") -> str:
    """Give `annotator` one accepted, done span in the first article; return its id."""
    project, store = open_project(root, annotator, sync=False)
    try:
        article_id = project.article_ids[0]
        aset = project.annotation_set(article_id)
        start = project.text(article_id).index(surface)
        from annotator.core.model import ArticleStatus, Span

        aset.insert_span(Span(start, start + len(surface), "PER"))
        aset.status, aset.updated = ArticleStatus.DONE, 1700000000.0
        store.save_set(aset)
    finally:
        store.close()
    return article_id


def test_import_then_import_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = tmp_path / "proj"
    assert main(["import", str(seeds_dir()), "--project", str(proj), "--annotator", "ayu"]) == 0
    out = capsys.readouterr()
    assert f"Imported 5 article(s) with 0 span(s) into {proj}" in out.out
    assert out.err == ""
    assert main(["--project", str(proj), "import", str(seeds_dir())]) == 0
    out = capsys.readouterr().out
    assert "Imported 0 article(s)" in out and "not added again: 5" in out


def test_import_with_issues_exits_1_and_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Satu"}\n{"text": "Dua",}\n{"text": "Tiga", "spans": '
                   '[{"start": 0, "end": 4, "label": "MISC"}]}\n', "utf-8")
    code = main(["import", str(bad), "--project", str(tmp_path / "p")])
    out = capsys.readouterr()
    assert code == 1
    assert "Imported 2 article(s) with 1 span(s)" in out.out
    assert "New labels added to the scheme: MISC" in out.out
    assert f"  {bad}:2: not valid JSON" in out.err
    assert "Traceback" not in out.err


def test_import_missing_path_is_a_usage_error(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["import", str(tmp_path / "nope.txt"), "--project", str(tmp_path / "p")])
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"annotator: error: no such file or folder: {tmp_path / 'nope.txt'}\n"
    assert not (tmp_path / "p").exists()


def test_import_into_a_folder_that_is_not_a_project(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "x.doc").write_text("x")
    code = main(["import", str(seeds_dir()), "--project", str(tmp_path / "stuff")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "is not an Annotator project" in err


def test_import_while_the_window_is_open_is_queued_for_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from annotator.io.inbox import queued

    proj = tmp_path / "p"
    _, store = open_project(proj, "ayu", sync=False)  # the window of ayu holds the project
    try:
        code = main(["import", str(seeds_dir()), "--project", str(proj), "--annotator", "ayu"])
        out = capsys.readouterr().out
        assert code == 0 and "queued" in out
        (folder, files), = queued(proj, "ayu")
        assert len(files) == len(list(seeds_dir().iterdir()))
        code = main(["import", str(seeds_dir()), "--project", str(proj), "--annotator", "ayu",
                     "--label-map", "PERSON=PER"])  # a label map is not handed over: refused
        assert code == 2 and "already open for annotator ayu" in capsys.readouterr().err
    finally:
        store.close()


def test_export_all_annotators_and_filters(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    proj = tmp_path / "p"
    assert main(["import", str(seeds_dir()), "--project", str(proj), "--annotator", "ayu"]) == 0
    annotate(proj, "ayu")
    annotate(proj, "budi", "Kim Jong-un")
    capsys.readouterr()
    out = tmp_path / "all.jsonl"
    assert main(["export", "--project", str(proj), "--out", str(out), "--annotator", "ayu"]) == 0
    assert [json.loads(x)["_annotator_id"] for x in out.read_text().splitlines()] == ["ayu"]
    assert main(["export", "--project", str(proj), "--out", str(out), "--annotator", "all"]) == 0
    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["_annotator_id"] for r in records] == ["ayu", "budi"]
    printed = capsys.readouterr().out
    assert f"Wrote 2 record(s) to {out}" in printed and "Spans per label: PER 2" in printed
    assert "Skipped 4: no annotations" in printed
    assert main(["export", "--project", str(proj), "--out", str(out), "--annotator", "all",
                 "--status", "in-progress"]) == 0
    assert out.read_text() == ""
    assert "nothing matched" in capsys.readouterr().err


def test_export_default_out_and_read_only_project(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    proj = tmp_path / "berita"
    main(["import", str(seeds_dir()), "--project", str(proj), "--annotator", "ayu"])
    annotate(proj, "ayu")
    _, store = open_project(proj, "ayu", sync=False)  # the GUI is open: export still works
    try:
        assert main(["export", "--project", str(proj), "--annotator", "ayu"]) == 0
    finally:
        store.close()
    target = tmp_path / "exports" / "berita.jsonl"
    assert len(target.read_text("utf-8").splitlines()) == 1
    assert str(Path("exports") / "berita.jsonl") in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "export format 'xml' is not supported (choose jsonl, spacy, "
                              "doccano, conll or kb)"),
        (["--format", "kb", "--split", "0.8"], "--split does not apply to kb"),
        (["--format", "conll", "--include-rejected"], "can only be exported as jsonl"),
        (["--split", "1.5"], "the split ratio must be between 0 and 1"),
        (["--split", "x"], "invalid float value: 'x'"),
        (["--project", "missing"], "no project at missing"),
        (["--status", "finish"], "invalid choice: 'finish'"),
    ],
)
def test_export_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             args: list[str], message: str) -> None:
    main(["import", str(seeds_dir()), "--project", str(tmp_path / "p")])
    capsys.readouterr()
    argv = ["export", "--project", str(tmp_path / "p"), *args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_export_of_a_non_project_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("x")
    assert main(["export", "--project", str(tmp_path / "docs")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("annotator: error: ") and err.count("\n") == 1


def test_annotator_name_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "osuser")
    assert cli.resolve_annotator(None) == "osuser"
    remember_annotator("ayu")
    assert cli.resolve_annotator(None) == "ayu"
    assert cli.resolve_annotator(" budi ") == "budi"


def test_import_uses_remembered_annotator(tmp_path: Path) -> None:
    remember_annotator("citra")
    f = tmp_path / "a.jsonl"
    f.write_text('{"text": "Putin tiba", "spans": [{"start": 0, "end": 5, "label": "PER"}]}\n')
    assert main(["import", str(f), "--project", str(tmp_path / "p")]) == 0
    project, store = open_project(tmp_path / "p", "citra", sync=False)
    try:
        assert [s.key for s in project.annotation_set(project.article_ids[0]).spans] == [
            (0, 5, "PER")]
    finally:
        store.close()


def test_no_command_opens_the_gui(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[tuple[object, object]] = []
    fake = types.ModuleType("annotator.ui.app")
    fake.run_gui = lambda project, annotator: calls.append((project, annotator)) or 7  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "annotator.ui.app", fake)
    assert main([]) == 7
    assert main(["--project", str(tmp_path), "--annotator", "ayu"]) == 7
    assert calls == [(None, None), (tmp_path, "ayu")]


def test_help_and_bad_usage_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert main(["frobnicate"]) == 2
    assert main(["import"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_progress_bar_draws_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = ProgressBar("Reading", stream, width=10)
        bar(0, 4)
        bar(4, 4)
        bar.close()
    assert "\rReading [----------] 0/4" in tty.getvalue()
    assert "\rReading [##########] 4/4" in tty.getvalue()
    assert tty.getvalue().endswith("\r") and pipe.getvalue() == ""


def test_unexpected_errors_are_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    def boom(*_args: object, **_kw: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("annotator.io.importer.prepare_import", boom)
    assert main(["import", str(seeds_dir()), "--project", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err
    assert err == ("annotator: error: unexpected RuntimeError: disk on fire "
                   "(set ANNOTATOR_DEBUG=1 for details)\n")


NERGRIT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "ner-id" / "nergrit"


def test_export_every_format_with_a_split(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    proj = tmp_path / "berita"
    main(["import", str(seeds_dir()), "--project", str(proj), "--annotator", "ayu"])
    from annotator.core.model import ArticleStatus, Span

    project, store = open_project(proj, "ayu", sync=False)
    try:
        for article_id in project.article_ids:  # every seed article gets one PER span
            aset = project.annotation_set(article_id)
            text = project.text(article_id)
            start = text.index("Kim") if "Kim" in text else text.index("Putin")
            aset.insert_span(Span(start, start + (3 if text[start] == "K" else 5), "PER"))
            aset.status, aset.updated = ArticleStatus.DONE, 1700000000.0
            store.save_set(aset)
    finally:
        store.close()
    capsys.readouterr()
    for fmt, ext in (("jsonl", "jsonl"), ("doccano", "jsonl"), ("conll", "conll"),
                     ("spacy", "spacy")):
        assert main(["export", "--project", str(proj), "--format", fmt, "--split", "0.6",
                     "--seed", "3", "--annotator", "ayu"]) == 0
        folder = Path("exports") / f"berita-{fmt}"
        printed = capsys.readouterr().out
        assert f"Wrote 5 record(s) to {folder} (train 3 in train.{ext}, dev 2 in dev.{ext})" \
            in printed
        assert "Spans per label: PER 5" in printed
        assert (tmp_path / folder / f"train.{ext}").exists()
    assert f"Also wrote {Path('exports/berita-spacy/config.cfg')}" in printed
    assert main(["export", "--project", str(proj), "--format", "conll", "--annotator", "ayu"]) == 0
    assert (tmp_path / "exports" / "berita.conll").read_text("utf-8").count("-DOCSTART-") == 5
    assert main(["export", "--project", str(proj), "--format", "doccano", "--status", "done",
                 "--annotator", "gold"]) == 0
    out = capsys.readouterr()
    assert "Skipped 5: no gold version" in out.out and "nothing matched" in out.err


def test_import_conll_with_label_map(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "kalimat.conll"
    corpus.write_text("Nasi\tB-FNB\ngoreng\tI-FNB\ndi\tO\nBali\tB-PLACE\n\n"
                      "Ayu\tB-PERSON\ntiba\tO\n", "utf-8")
    proj = tmp_path / "p"
    code = main(["import", str(corpus), "--project", str(proj), "--annotator", "ayu",
                 "--label-map", "PERSON=PER,PLACE=LOC,FNB=-"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Imported 1 article(s) with 2 span(s)" in out and "Dropped by --label-map: FNB 1" in out
    project, store = open_project(proj, "ayu", sync=False)
    try:
        aset = project.annotation_set(project.article_ids[0])
        assert [s.key for s in aset.spans] == [(15, 19, "LOC"), (20, 23, "PER")]
        assert aset.status == "done"
    finally:
        store.close()
    other = tmp_path / "q"
    assert main(["import", str(corpus), "--project", str(other)]) == 0
    assert "New labels added to the scheme: FNB, PLACE, PERSON" in capsys.readouterr().out
    project, store = open_project(other, "kalimat", sync=False)  # named after the file
    try:
        assert len(project.annotation_set(project.article_ids[0]).spans) == 3
    finally:
        store.close()
    assert main(["import", str(corpus), "--project", str(other), "--label-map", "PER"]) == 2
    assert "--label-map: bad label map entry 'PER'" in capsys.readouterr().err


@pytest.mark.skipif(not (NERGRIT / "train.conll").exists(), reason="no ../shared/eval data")
def test_import_public_conll_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = tmp_path / "p"
    code = main(["import", str(NERGRIT / "train.conll"), "--project", str(proj),
                 "--label-map", "PERSON=PER,ORGANISATION=ORG,PLACE=LOC"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Imported 84 article(s) with 5321 span(s)" in out.out
    assert "New labels" not in out.out
    assert main(["export", "--project", str(proj), "--annotator", "train", "--format",
                 "conll", "--out", str(tmp_path / "back.conll")]) == 0
    assert "Spans per label: LOC 2688, ORG 1015, PER 1618" in capsys.readouterr().out
