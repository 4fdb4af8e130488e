"""Hostile input through the whole import (read, check, write) into a real project folder.

Random bytes, truncated UTF-8, byte-order marks, NUL bytes, a 10 MB line, 100,000 tiny lines,
spans out of range or overlapping, wrong types, deep nesting, CRLF and lone CR, right-to-left
text, combining characters and emoji. Each must give a correct import or issues that name the
file (and the line, for line-based files): never an exception, a hang, or a project left
holding half an article. After every import the folder is reopened from disk and checked.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.annotations import AnnotationSet
from annotator.core.model import Article
from annotator.io.importer import MAX_NEW_LABELS, ImportReport, import_paths
from annotator.store.project_store import CHUNK_SIZE, ProjectStore
from tests.io.conftest import Opener

SLOW = 20.0  # seconds any single hostile import may take
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def run_import(open_proj: Opener, root: Path, *paths: Path) -> ImportReport:
    """Import into a fresh project at `root` and check every issue names one of `paths`."""
    project, store = open_proj(root)
    started = time.monotonic()
    report = import_paths(project, store, list(paths))  # any exception fails the test
    assert time.monotonic() - started < SLOW
    assert store.close()
    names = {str(p) for p in paths}
    for issue in report.issues:
        assert any(str(issue).startswith(n) for n in names), f"issue names no input: {issue}"
        if issue.path.suffix == ".jsonl" and issue.line is None:
            assert "empty file" in issue.message or "UTF-16" in issue.message, issue
    return report


def reopen(root: Path) -> tuple[dict[str, str], list[AnnotationSet]]:
    """Every article text by id, and every set, read back from disk; checks they are whole."""
    with ProjectStore(root, "ayu", create=False) as store:
        texts = {info.id: store.load_text(info.id) for info in store.article_infos()}
        sets = store.load_sets()
    for article_id, text in texts.items():
        assert Article.from_text(text).id == article_id  # the whole text, not a part of it
    for aset in sets:
        text = texts[aset.article_id]
        ends = [0]
        for span in aset.spans:
            assert 0 <= span.start < span.end <= len(text)
            assert span.start >= ends[-1], "overlapping spans were saved"
            ends.append(span.end)
    return texts, sets


def spans_of(sets: list[AnnotationSet], texts: dict[str, str]) -> dict[str, list[tuple]]:
    return {texts[s.article_id]: [(texts[s.article_id][x.start:x.end], x.label) for x in s.spans]
            for s in sets}


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def jsonl(*records: Any) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                   for r in records)


# -- fuzzed ---------------------------------------------------------------------------------

@FUZZ
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".txt", ".jsonl", ".json",
                                                             ".conll"]))
def test_random_bytes_import_or_give_issues(open_proj: Opener, data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = write(Path(tmp), f"acak{suffix}", data)
        report = run_import(open_proj, Path(tmp) / "proj", source)
        texts, _ = reopen(Path(tmp) / "proj")
        assert len(texts) == report.added


hostile_text = st.lists(
    st.characters(codec="utf-8", exclude_categories=["Cs"])
    | st.sampled_from(["\u202e", "\u200f", "ب", "ש", "e\u0301", "🇷🇺", "👩‍👩‍👧", "\r", "\r\n",
                       "\x00", "\ufeff", " "]),
    max_size=20,
).map("".join)
value = st.none() | st.booleans() | st.integers(-3, 40) | st.floats(allow_nan=False) | hostile_text
span_like = st.fixed_dictionaries({}, optional={
    "start": st.integers(-2, 40) | value, "end": st.integers(-2, 40) | value,
    "label": st.sampled_from(["PER", "ORG", "", " ", "MISC"]) | value, "kb_id": value,
})
record_like = st.fixed_dictionaries({}, optional={
    "text": hostile_text | value, "spans": st.lists(span_like, max_size=6) | value,
    "meta": st.dictionaries(st.text(max_size=5), value, max_size=3) | value,
    "answer": st.sampled_from(["accept", "reject", "ignore", "maybe"]) | value,
    "_annotator_id": st.sampled_from(["ayu", "budi"]) | value, "_timestamp": value,
})


@FUZZ
@given(records=st.lists(record_like, min_size=1, max_size=6),
       eol=st.sampled_from(["\n", "\r\n", "\r"]), bom=st.booleans())
def test_fuzzed_records_import_verbatim_or_give_per_line_issues(
    open_proj: Opener, records: list[dict[str, Any]], eol: str, bom: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        body = eol.join(json.dumps(r, ensure_ascii=False) for r in records) + eol
        source = write(Path(tmp), "acak.jsonl", ("\ufeff" if bom else "") + body)
        report = run_import(open_proj, Path(tmp) / "proj", source)
        texts, sets = reopen(Path(tmp) / "proj")
        wanted = {r["text"] for r in records if isinstance(r.get("text"), str)
                  and r["text"].strip()}
        assert set(texts.values()) <= wanted  # verbatim: no CR, BOM or NUL touched
        for issue in report.issues:
            assert issue.line is not None and 1 <= issue.line <= len(records), issue
        for aset in sets:
            assert aset.annotator.strip()


# -- encodings ------------------------------------------------------------------------------

def test_truncated_utf8_is_named_by_line_and_the_rest_imports(
    open_proj: Opener, tmp_path: Path
) -> None:
    good = jsonl({"text": "Putin 🚀 tiba."}, {"text": "Kedua."})
    cut = "{\"text\": \"Shoigu ✈\"}".encode()[:-4]  # ends inside the 3-byte ✈
    source = write(tmp_path, "potong.jsonl", good.encode() + cut)
    text_file = write(tmp_path, "potong.txt", "Judul\nBaris 🚀".encode()[:-2])
    report = run_import(open_proj, tmp_path / "proj", source, text_file)
    assert report.added == 2
    (jl,) = [i for i in report.issues if i.path == source]
    assert jl.line == 3 and "not valid UTF-8" in jl.message
    (tx,) = [i for i in report.issues if i.path == text_file]
    assert tx.line == 2 and "not valid UTF-8" in tx.message
    texts, _ = reopen(tmp_path / "proj")
    assert sorted(texts.values()) == ["Kedua.", "Putin 🚀 tiba."]


def test_byte_order_marks(open_proj: Opener, tmp_path: Path) -> None:
    joined = "\ufeff" + jsonl({"text": "Satu."}) + "\ufeff" + jsonl({"text": "Dua."})  # cat a b
    sources = [
        write(tmp_path, "bom.txt", "\ufeffJudul\nIsi berita."),
        write(tmp_path, "joined.jsonl", joined),
        write(tmp_path, "utf16.txt", "Judul\nIsi.".encode("utf-16")),
        write(tmp_path, "utf16.jsonl", b"\xfe\xff" + jsonl({"text": "x"}).encode("utf-16-be")),
        write(tmp_path, "utf16-nobom.txt", "Judul\nIsi.".encode("utf-16-le")),
    ]
    report = run_import(open_proj, tmp_path / "proj", *sources)
    texts, _ = reopen(tmp_path / "proj")
    assert sorted(texts.values()) == ["Dua.", "Judul\nIsi berita.", "Satu."]
    by_file = {i.path.name: i for i in report.issues}
    assert set(by_file) == {"utf16.txt", "utf16.jsonl", "utf16-nobom.txt"}
    assert "UTF-16" in by_file["utf16.txt"].message
    assert "UTF-16" in by_file["utf16.jsonl"].message
    assert "NUL" in by_file["utf16-nobom.txt"].message and by_file["utf16-nobom.txt"].line == 1


def test_nul_bytes(open_proj: Opener, tmp_path: Path) -> None:
    sources = [
        write(tmp_path, "nul.txt", b"Judul\nbaris\x00dua"),
        write(tmp_path, "nul.jsonl", b'{"text": "raw\x00nul"}\n{"text": "escaped\\u0000nul"}\n'),
    ]
    report = run_import(open_proj, tmp_path / "proj", *sources)
    texts, _ = reopen(tmp_path / "proj")
    assert list(texts.values()) == ["escaped\x00nul"]  # asked for explicitly: kept verbatim
    lines = {(i.path.name, i.line) for i in report.issues}
    assert lines == {("nul.txt", 2), ("nul.jsonl", 1)}


def test_crlf_and_lone_cr(open_proj: Opener, tmp_path: Path) -> None:
    records = [{"text": "Satu\r\ndua", "spans": [{"start": 0, "end": 4, "label": "PER"}]},
               {"text": "Tiga"}, "{broken", {"text": "Lima"}]
    sources = [
        write(tmp_path, "crlf.jsonl", jsonl(*records).replace("\n", "\r\n")),
        write(tmp_path, "mac.jsonl", jsonl(*records).replace("\n", "\r").replace(
            "Tiga", "Tiga mac").replace("Lima", "Lima mac").replace("Satu\\r\\n", "Satu\\r")),
        write(tmp_path, "crlf.txt", "Judul\r\nbaris\rtiga\r\n"),
    ]
    report = run_import(open_proj, tmp_path / "proj", *sources)
    texts, sets = reopen(tmp_path / "proj")
    assert sorted(texts.values()) == sorted(["Satu\r\ndua", "Tiga", "Lima", "Satu\rdua",
                                             "Tiga mac", "Lima mac", "Judul\nbaris\ntiga\n"])
    assert {(i.path.name, i.line) for i in report.issues} == {("crlf.jsonl", 3),
                                                              ("mac.jsonl", 3)}
    assert spans_of(sets, texts)["Satu\rdua"] == [("Satu", "PER")]


# -- size -----------------------------------------------------------------------------------

def test_a_10_mb_line(open_proj: Opener, tmp_path: Path) -> None:
    words = "kata " * 2_000_000
    spans = [{"start": i * 5, "end": i * 5 + 4, "label": "PER"} for i in range(0, 2_000_000, 20)]
    sources = [
        write(tmp_path, "long.txt", "x" * 10_000_000),
        write(tmp_path, "long.jsonl", jsonl({"text": words, "spans": spans})),
        write(tmp_path, "junk.jsonl", "{" + "a" * 10_000_000 + "\n" + jsonl({"text": "ok"})),
    ]
    started = time.monotonic()
    report = run_import(open_proj, tmp_path / "proj", *sources)
    texts, sets = reopen(tmp_path / "proj")
    assert time.monotonic() - started < SLOW
    assert sorted(len(t) for t in texts.values()) == [2, 10_000_000, 10_000_000]
    assert report.spans == 100_000 and len(sets[0].spans) == 100_000
    assert [(i.path.name, i.line) for i in report.issues] == [("junk.jsonl", 1)]


def test_100000_tiny_lines(open_proj: Opener, tmp_path: Path) -> None:
    lines = [json.dumps({"text": f"t{i}"}) if i % 1000 else "[1," for i in range(100_000)]
    source = write(tmp_path, "tiny.jsonl", "\n".join(lines) + "\n")
    report = run_import(open_proj, tmp_path / "proj", source)
    assert report.added == 99_900
    assert [i.line for i in report.issues] == list(range(1, 100_001, 1000))
    with ProjectStore(tmp_path / "proj", "ayu", create=False) as store:
        infos = store.article_infos()
        assert len(infos) == 99_900
        assert store.load_text(infos[-1].id) == "t99999"
        chunks = list((tmp_path / "proj" / "articles").glob("chunk-*.json"))
        assert len(chunks) == -(-99_900 // CHUNK_SIZE)


# -- content --------------------------------------------------------------------------------

TEXT = "Kim bertemu Putin di Moskow."


@pytest.mark.parametrize(
    ("span", "complaint"),
    [
        ({"start": 0, "end": 99, "label": "PER"}, "outside the text"),
        ({"start": -1, "end": 3, "label": "PER"}, "outside the text"),
        ({"start": 5, "end": 5, "label": "PER"}, "not after start"),
        ({"start": 2, "end": 8, "label": "ORG"}, "overlaps 0..3 PER"),
        ({"start": 0, "end": 3, "label": "PER"}, "repeats"),
        ({"start": "0", "end": 3, "label": "PER"}, '"start" must be an integer'),
        ({"start": 1.0, "end": 3, "label": "PER"}, '"start" must be an integer'),
        ({"start": True, "end": 3, "label": "PER"}, '"start" must be an integer'),
        ({"start": 0, "end": 10**30, "label": "PER"}, '"end" must be an integer'),  # read as 1e30
        ({"start": 12, "end": 17, "label": 5}, '"label" must be a non-empty string'),
        ({"start": 12, "end": 17, "label": "PER", "kb_id": 7}, '"kb_id" must be a string'),
        ("PER", "expected an object"),
    ],
)
def test_bad_spans_are_named_by_line_and_the_rest_is_kept(
    open_proj: Opener, tmp_path: Path, span: Any, complaint: str
) -> None:
    good = {"start": 0, "end": 3, "label": "PER"}
    source = write(tmp_path, "spans.jsonl", jsonl({"text": "Lain."},
                                                  {"text": TEXT, "spans": [good, span]}))
    report = run_import(open_proj, tmp_path / "proj", source)
    (issue,) = report.issues
    assert issue.line == 2 and complaint in issue.message, issue
    texts, sets = reopen(tmp_path / "proj")
    if "not valid JSON" not in complaint:
        assert spans_of(sets, texts)[TEXT][0] == ("Kim", "PER")


@pytest.mark.parametrize(
    ("record", "complaint"),
    [
        ({"text": 5}, '"text" must be a string'),
        ({"text": None}, 'missing "text"'),
        ({"text": ["a"]}, '"text" must be a string'),
        ({"text": {"a": 1}}, '"text" must be a string'),
        ({"text": " \n\t"}, 'empty "text"'),
        ({"text": TEXT, "spans": "Kim"}, '"spans" must be a list'),
        ({"text": TEXT, "spans": {"start": 0}}, '"spans" must be a list'),
        ({"text": TEXT, "meta": ["x"]}, '"meta" must be an object'),
        ({"text": TEXT, "answer": 1}, 'unknown "answer"'),
        ({"text": TEXT, "_annotator_id": 5}, '"_annotator_id" must be a non-empty string'),
        ({"text": TEXT, "_annotator_id": ""}, '"_annotator_id" must be a non-empty string'),
        (["text", TEXT], "expected a JSON object"),
        ('"nope"', "expected a JSON object"),
        (None, "expected a JSON object"),
    ],
)
def test_wrong_types_in_fields(
    open_proj: Opener, tmp_path: Path, record: Any, complaint: str
) -> None:
    source = write(tmp_path, "types.jsonl", jsonl({"text": "Lain."}, record, {"text": "Akhir."}))
    report = run_import(open_proj, tmp_path / "proj", source)
    (issue,) = report.issues
    assert issue.line == 2 and complaint in issue.message, issue
    texts, _ = reopen(tmp_path / "proj")
    assert {"Lain.", "Akhir."} <= set(texts.values())


def test_timestamp_of_a_wrong_type_is_ignored(open_proj: Opener, tmp_path: Path) -> None:
    source = write(tmp_path, "ts.jsonl", jsonl({"text": TEXT, "_timestamp": "kemarin",
                                                "spans": [{"start": 0, "end": 3,
                                                           "label": "PER"}]}))
    assert run_import(open_proj, tmp_path / "proj", source).issues == []
    _, (aset,) = reopen(tmp_path / "proj")
    assert aset.updated > 1_000_000_000


def test_deep_nesting(open_proj: Opener, tmp_path: Path) -> None:
    def nest(depth: int) -> Any:
        value: Any = "x"
        for _ in range(depth):
            value = {"a": value}
        return value

    source = write(tmp_path, "deep.jsonl", jsonl(
        '{"text": "dalam", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}",
        {"text": "meta dalam", "meta": nest(400)},  # parses, but too deep to store
        {"text": "meta cukup", "meta": nest(100)},
        "[" * 100_000,
    ))
    report = run_import(open_proj, tmp_path / "proj", source)
    assert [(i.line, i.message.split(" (")[0]) for i in report.issues] == [
        (1, "not valid JSON"), (2, '"meta" cannot be stored'), (4, "not valid JSON")]
    with ProjectStore(tmp_path / "proj", "ayu", create=False) as store:
        metas = {i.title: i.meta for i in store.article_infos()}
    assert metas["meta dalam"] == {"source": "deep.jsonl"}
    assert metas["meta cukup"]["a"]["a"]["a"]


def test_right_to_left_combining_and_emoji_offsets_are_code_points(
    open_proj: Opener, tmp_path: Path
) -> None:
    text = "👩‍👩‍👧 قال بوتين إن e\u0301cole 🇷🇺 שלום Putin\u202e gnol\u202c."
    surfaces = [("بوتين", "PER"), ("e\u0301cole", "ORG"), ("🇷🇺", "GPE"), ("שלום", "MISC"),
                ("Putin", "PER")]
    spans = [{"start": text.index(s), "end": text.index(s) + len(s), "label": label}
             for s, label in surfaces]
    source = write(tmp_path, "rtl.jsonl", jsonl({"text": text, "spans": spans}))
    report = run_import(open_proj, tmp_path / "proj", source)
    assert report.issues == [] and report.new_labels == ["MISC"]
    texts, sets = reopen(tmp_path / "proj")
    assert list(texts.values()) == [text]
    assert spans_of(sets, texts)[text] == sorted(surfaces, key=lambda s: text.index(s[0]))


def test_thousands_of_labels_are_capped_with_an_issue(open_proj: Opener, tmp_path: Path) -> None:
    text = "a " * 5000
    spans = [{"start": i * 2, "end": i * 2 + 1, "label": f"L{i}"} for i in range(5000)]
    source = write(tmp_path, "labels.jsonl", jsonl({"text": "x"}, {"text": text, "spans": spans}))
    report = run_import(open_proj, tmp_path / "proj", source)
    assert len(report.new_labels) == MAX_NEW_LABELS and report.spans == MAX_NEW_LABELS
    (issue,) = report.issues
    assert issue.line == 2 and "4900 span(s) skipped" in issue.message
    with ProjectStore(tmp_path / "proj", "ayu", create=False) as store:
        assert len(store.meta()["labels"]) == 7 + MAX_NEW_LABELS


def test_a_huge_span_list_merges_in_bounded_time_even_twice(
    open_proj: Opener, tmp_path: Path
) -> None:
    text = "kata " * 100_000
    spans = [{"start": i * 5, "end": i * 5 + 4, "label": "PER"} for i in range(100_000)]
    spans.append({"start": 1, "end": 3, "label": "ORG"})  # overlaps: one issue
    source = write(tmp_path, "many.jsonl", jsonl({"text": text, "spans": spans}))
    project, store = open_proj(tmp_path / "proj")
    for _ in range(2):  # the second time, every span is already there
        started = time.monotonic()
        report = import_paths(project, store, [source])
        assert time.monotonic() - started < SLOW
    assert report.spans == 0 and len(report.issues) == 1
    assert store.close()
    _, (aset,) = reopen(tmp_path / "proj")
    assert len(aset.spans) == 100_000


KILLED_IMPORT = """
import os, signal, sys
from annotator.cli import main
limit, count = int(sys.argv[1]), 0
real = os.replace
def replace(src, dst):
    global count
    count += 1
    if count == limit:
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)
os.replace = replace
sys.exit(main(["import", "--project", sys.argv[2], "--annotator", "ayu", sys.argv[3]]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_an_import_killed_at_any_write_leaves_only_whole_articles(tmp_path: Path) -> None:
    span = {"start": 0, "end": 6, "label": "EVENT"}
    source = write(tmp_path, "batch.jsonl", jsonl(*[  # three chunk files, an index, 1200 shards
        {"text": f"Berita {i}: Putin di Moskow.", "spans": [span]} for i in range(1200)
    ]))
    before = tmp_path / "before"
    with ProjectStore(before, "ayu") as store:
        store.add_articles([Article.from_text("Sudah ada.", "Lama")])
    limit = 1
    while limit < 12:  # renames 1-3: chunks, 4: the index, then the first shards
        root = tmp_path / f"p{limit}"
        shutil.copytree(before, root)
        run = subprocess.run([sys.executable, "-c", KILLED_IMPORT, str(limit), str(root),
                              str(source)], capture_output=True, text=True, timeout=120)
        texts, sets = reopen(root)
        assert len(texts) in (1, 1201), f"kill at rename {limit}: {len(texts)} articles"
        assert all(len(s.spans) == 1 for s in sets)
        if run.returncode == 0:
            break
        assert run.returncode == -signal.SIGKILL, run.stderr
        limit += 1
