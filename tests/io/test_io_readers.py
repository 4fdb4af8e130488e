"""Reading .txt, folders and JSONL: records, and issues that name file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.model import Origin, Span
from annotator.io.readers import ImportIssue, read_source, title_from_text


def write_jsonl(path: Path, *objs: object) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs), "utf-8")
    return path


def test_txt_title_is_first_nonempty_line_and_text_is_whole_file(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("\n  Judul Berita  \nIsi berita.\n", encoding="utf-8")
    result = read_source(f)
    assert result.issues == []
    [rec] = result.records
    assert rec.title == "Judul Berita"
    assert rec.text == "\n  Judul Berita  \nIsi berita.\n"
    assert rec.meta == {"source": "a.txt"}
    assert rec.spans == [] and rec.answer is None


def test_txt_bom_and_crlf_are_normalised(tmp_path: Path) -> None:
    f = tmp_path / "b.txt"
    f.write_bytes("\ufeffJudul\r\nbaris dua\rbaris tiga\r\n".encode())
    [rec] = read_source(f).records
    assert rec.text == "Judul\nbaris dua\nbaris tiga\n"
    assert rec.title == "Judul"


def test_long_first_line_title_is_cut() -> None:
    title = title_from_text("x" * 1000 + "\nrest")
    assert len(title) == 200 and title.endswith("…")


def test_non_utf8_txt_names_file_line_and_byte_offset(tmp_path: Path) -> None:
    f = tmp_path / "latin.txt"
    f.write_bytes(b"Judul\nCaf\xe9 Jakarta\n")
    result = read_source(f)
    assert result.records == []
    [issue] = result.issues
    assert issue.line == 2
    assert "byte offset 9" in issue.message
    assert str(issue).startswith(f"{f}:2: not valid UTF-8")


def test_empty_files_are_reported(tmp_path: Path) -> None:
    (tmp_path / "e.txt").write_text("  \n\n", encoding="utf-8")
    (tmp_path / "e.jsonl").write_text("\n\n", encoding="utf-8")
    result = read_source(tmp_path)
    assert result.records == []
    assert sorted(i.path.name for i in result.issues) == ["e.jsonl", "e.txt"]
    assert all("empty file" in i.message for i in result.issues)


def test_folder_reads_txt_and_jsonl_sorted_recursive_and_skips_others(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b.txt").write_text("B\nbody b", encoding="utf-8")
    (tmp_path / "a.txt").write_text("A\nbody a", encoding="utf-8")
    (tmp_path / "sub" / "c.txt").write_text("C\nbody c", encoding="utf-8")
    (tmp_path / ".hidden" / "x.txt").write_text("X", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    write_jsonl(tmp_path / "d.jsonl", {"text": "D body"})
    result = read_source(tmp_path)
    assert result.issues == []
    assert [r.title for r in result.records] == ["A", "B", "D body", "C"]
    assert result.records[3].meta == {"source": "sub/c.txt"}


def test_unsupported_file_is_an_issue_and_missing_path_raises(tmp_path: Path) -> None:
    f = tmp_path / "data.csv"
    f.write_text("a,b", encoding="utf-8")
    [issue] = read_source(f).issues
    assert "unsupported file type '.csv'" in issue.message
    with pytest.raises(FileNotFoundError):
        read_source(tmp_path / "nope.txt")


def test_jsonl_plain_records_title_from_meta_or_first_line(tmp_path: Path) -> None:
    f = write_jsonl(
        tmp_path / "in.jsonl",
        {"text": "Baris satu\nBaris dua", "meta": {"title": "Judul", "url": "http://x"}},
        {"text": "\nPertama\nKedua"},
    )
    result = read_source(f)
    assert result.issues == []
    a, b = result.records
    assert (a.title, a.meta) == ("Judul", {"url": "http://x", "source": "in.jsonl"})
    assert (b.title, b.line) == ("Pertama", 2)


def test_jsonl_prodigy_spans_get_manual_origin(tmp_path: Path) -> None:
    text = "Kim Jong Un bertemu Putin di Vostochny."
    f = write_jsonl(tmp_path / "p.jsonl", {
        "text": text,
        "spans": [{"start": 20, "end": 25, "label": "PER", "token_start": 4, "token_end": 4},
                  {"start": 0, "end": 11, "label": "PER", "kb_id": "kim"}],
    })
    [rec] = read_source(f).records
    assert rec.spans == [Span(0, 11, "PER"), Span(20, 25, "PER")]
    assert all(s.origin == Origin.MANUAL for s in rec.spans)
    assert rec.spans[0].kb_id == "kim"


def test_jsonl_our_export_accept_and_reject(tmp_path: Path) -> None:
    text = "Putin di Moskow"
    f = write_jsonl(
        tmp_path / "x.jsonl",
        {"text": text, "meta": {"title": "T", "article_id": "zz", "source": "s.txt"},
         "spans": [{"start": 0, "end": 5, "label": "PER"}], "answer": "accept",
         "_annotator_id": "ayu", "_timestamp": 1700000000},
        {"text": text, "spans": [{"start": 9, "end": 15, "label": "PER"}], "answer": "reject",
         "_annotator_id": "ayu"},
    )
    acc, rej = read_source(f).records
    assert acc.meta == {"source": "s.txt"} and acc.title == "T"
    assert (acc.annotator, acc.answer, acc.timestamp) == ("ayu", "accept", 1700000000)
    assert acc.spans == [Span(0, 5, "PER")] and acc.rejected == []
    assert rej.spans == [] and rej.rejected == [(9, 15, "PER")]


BAD_LINES = [
    ('{"text": "a" "b"}', "not valid JSON (Expecting ',' delimiter"),
    ("[1, 2]", "expected a JSON object, got a list"),
    ('{"meta": {}}', 'missing "text"'),
    ('{"text": 5}', '"text" must be a string, got a number'),
    ('{"text": "  "}', 'empty "text"'),
    ('{"text": "abc", "spans": {}}', '"spans" must be a list'),
    ('{"text": "abc", "answer": "maybe"}', 'unknown "answer"'),
]


@pytest.mark.parametrize(("line", "message"), BAD_LINES)
def test_bad_jsonl_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_text('{"text": "good one"}\n\n' + line + '\n{"text": "good two"}\n', "utf-8")
    result = read_source(f)
    assert [r.text for r in result.records] == ["good one", "good two"]
    [issue] = result.issues
    assert issue.line == 3 and issue.path == f
    assert str(issue).startswith(f"{f}:3: {message}")


BAD_SPANS = [
    ({"start": 0, "end": 99, "label": "PER"}, "outside the text"),
    ({"start": 3, "end": 3, "label": "PER"}, "is not after start"),
    ({"start": -1, "end": 2, "label": "PER"}, "outside the text"),
    ({"start": "0", "end": 2, "label": "PER"}, '"start" must be an integer'),
    ({"start": 0, "end": 2.5, "label": "PER"}, '"end" must be an integer'),
    ({"start": True, "end": 2, "label": "PER"}, '"start" must be an integer'),
    ({"start": 0, "end": 2, "label": 7}, '"label" must be a non-empty string'),
    ({"start": 0, "end": 2}, '"label" must be a non-empty string'),
    ("0-2", "expected an object"),
    ({"start": 2, "end": 8, "label": "ORG"}, "overlaps 0..5 PER"),
    ({"start": 0, "end": 5, "label": "PER"}, "repeats 0..5 PER"),
]


@pytest.mark.parametrize(("span", "message"), BAD_SPANS)
def test_bad_span_is_skipped_with_file_and_line(tmp_path: Path, span: object,
                                                message: str) -> None:
    good = {"start": 0, "end": 5, "label": "PER"}
    f = write_jsonl(tmp_path / "s.jsonl", {"text": "x"},
                    {"text": "Putin di Moskow", "spans": [good, span]})
    result = read_source(f)
    assert [r.spans for r in result.records] == [[], [Span(0, 5, "PER")]]
    [issue] = result.issues
    assert issue.line == 2
    assert message in issue.message and "skipped" in issue.message
    assert str(issue).startswith(f"{f}:2: span ")


def test_non_utf8_jsonl_line_is_skipped_others_kept(tmp_path: Path) -> None:
    f = tmp_path / "mixed.jsonl"
    f.write_bytes(b'{"text": "satu"}\n{"text": "caf\xe9"}\n{"text": "tiga"}\n')
    result = read_source(f)
    assert [r.text for r in result.records] == ["satu", "tiga"]
    [issue] = result.issues
    assert issue.line == 2 and "not valid UTF-8" in issue.message
    assert "byte offset 30" in issue.message


def test_jsonl_bom_and_crlf_lines(tmp_path: Path) -> None:
    f = tmp_path / "bom.jsonl"
    f.write_bytes(b'\xef\xbb\xbf{"text": "satu\\r\\nx"}\r\n{"text": "dua"}\r\n')
    result = read_source(f)
    assert result.issues == []
    assert [r.text for r in result.records] == ["satu\r\nx", "dua"]


def test_lone_surrogate_text_is_reported(tmp_path: Path) -> None:
    f = tmp_path / "sur.jsonl"
    f.write_text('{"text": "a\\ud800b"}\n', encoding="utf-8")
    result = read_source(f)
    assert result.records == []
    assert result.issues[0].line == 1 and "not valid JSON" in result.issues[0].message


def test_wrong_meta_and_annotator_types_are_reported_but_line_kept(tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "m.jsonl", {"text": "abc", "meta": "x", "_annotator_id": 3})
    result = read_source(f)
    [rec] = result.records
    assert rec.annotator is None and rec.meta == {"source": "m.jsonl"}
    assert [i.line for i in result.issues] == [1, 1]


def test_issue_str_without_line() -> None:
    assert str(ImportIssue(Path("d/f.txt"), None, "empty file")) == "d/f.txt: empty file"


def test_jsonl_bom_keeps_byte_offsets_of_later_errors(tmp_path: Path) -> None:
    f = tmp_path / "bom2.jsonl"
    f.write_bytes(b'\xef\xbb\xbf{"text": "caf\xe9"}\n')
    [issue] = read_source(f).issues
    assert issue.line == 1 and "byte offset 16" in issue.message


def test_json_file_with_an_array_or_one_object(tmp_path: Path) -> None:
    arr = tmp_path / "arr.json"
    arr.write_text(json.dumps([
        {"text": "Putin tiba", "spans": [{"start": 0, "end": 5, "label": "PER"}]},
        {"text": 3},
        {"text": "Kim pulang", "meta": {"title": "Kim"}},
    ], indent=2), "utf-8")
    one = tmp_path / "one.json"
    one.write_text('{"text": "Satu artikel"}', "utf-8")
    result = read_source(arr)
    assert [r.title for r in result.records] == ["Putin tiba", "Kim"]
    assert result.records[0].spans == [Span(0, 5, "PER")]
    assert [str(i) for i in result.issues] == [
        f'{arr}: item 2: "text" must be a string, got a number; item skipped']
    assert [r.text for r in read_source(one).records] == ["Satu artikel"]


def test_broken_json_file_names_the_line(tmp_path: Path) -> None:
    f = tmp_path / "broken.json"
    f.write_text('[\n  {"text": "a"},\n  {"text": "b"\n]\n', "utf-8")
    [issue] = read_source(f).issues
    assert str(issue).startswith(f"{f}:4: not valid JSON (Expecting ',' delimiter")


def test_json_files_in_folders_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}", "utf-8")
    (tmp_path / "a.txt").write_text("A", "utf-8")
    result = read_source(tmp_path)
    assert [r.text for r in result.records] == ["A"] and result.issues == []
