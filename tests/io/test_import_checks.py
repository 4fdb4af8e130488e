"""Import checks of issues 16.4, 21.6 and 21.8: span offsets against the span's own text,
label validity, and sources that are not regular files or are too large."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from annotator.cli import main
from annotator.io.importer import ImportReport, import_paths
from annotator.store.project_store import ProjectStore
from tests.io.conftest import Opener

EMOJI_TEXT = "😀 Kim Jong Un tiba di Vladivostok."  # the emoji is 2 UTF-16 units


def write_jsonl(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def imported(open_proj: Opener, root: Path, *paths: Path) -> tuple[ImportReport, list[str]]:
    """Import into a fresh project; the report and the saved span surfaces with labels."""
    project, store = open_proj(root)
    report = import_paths(project, store, list(paths))
    assert store.close()
    with ProjectStore(root, "ayu", create=False) as again:
        texts = {i.id: again.load_text(i.id) for i in again.article_infos()}
        found = [f"{texts[s.article_id][x.start:x.end]}/{x.label}"
                 for s in again.load_sets() for x in s.spans]
    return report, found


# -- 16.4: offsets that contradict the span's text ---------------------------------------
def test_utf16_offsets_are_converted_and_reported(open_proj: Opener, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "x.jsonl", {"text": EMOJI_TEXT, "spans": [
        {"start": 3, "end": 14, "text": "Kim Jong Un", "label": "PER"},
        {"start": 23, "end": 34, "text": "Vladivostok", "label": "GPE"},
    ]})
    report, found = imported(open_proj, tmp_path / "p", src)
    assert sorted(found) == ["Kim Jong Un/PER", "Vladivostok/GPE"]
    assert [str(i) for i in report.issues] == [
        f"{src}: 2 span(s) had UTF-16 offsets; converted"]


def test_utf8_byte_offsets_are_converted(open_proj: Opener, tmp_path: Path) -> None:
    text = "Présiden Putin tiba di Moskwa."
    start = len("Présiden ".encode())
    src = write_jsonl(tmp_path / "b.jsonl", {"text": text, "spans": [
        {"start": start, "end": start + 5, "text": "Putin", "label": "PER"}]})
    report, found = imported(open_proj, tmp_path / "p", src)
    assert found == ["Putin/PER"]
    assert [str(i) for i in report.issues] == [
        f"{src}: 1 span(s) had UTF-8 byte offsets; converted"]


def test_span_whose_text_matches_nothing_is_skipped_not_the_record(
    open_proj: Opener, tmp_path: Path
) -> None:
    src = write_jsonl(tmp_path / "m.jsonl", {"text": EMOJI_TEXT, "spans": [
        {"start": 7, "end": 11, "text": "Xong", "label": "PER"},
        {"start": 22, "end": 33, "text": "Vladivostok", "label": "GPE"},
    ]})
    report, found = imported(open_proj, tmp_path / "p", src)
    assert found == ["Vladivostok/GPE"]
    assert [str(i) for i in report.issues] == [
        f"{src}:1: span 7-11 text 'Xong' does not match 'ong '; span skipped"]


def test_whitespace_at_span_edges_is_trimmed_and_reported(
    open_proj: Opener, tmp_path: Path
) -> None:
    text = "Kata Vladimir Putin kemarin."
    src = write_jsonl(tmp_path / "w.jsonl", {"text": text, "spans": [
        {"start": 4, "end": 20, "text": " Vladimir Putin ", "label": "PER"},
        {"start": 19, "end": 20, "label": "PER"},  # only a space: nothing left
    ]})
    report, found = imported(open_proj, tmp_path / "p", src)
    assert found == ["Vladimir Putin/PER"]
    messages = [str(i) for i in report.issues]
    assert f"{src}:1: span 4-20 ' Vladimir Putin ' has whitespace at its edges; " \
           "trimmed to 5-19" in messages
    assert any(m.startswith(f"{src}:1: span 19-20") and "only whitespace" in m
               for m in messages), messages


def test_span_without_text_cutting_a_surrogate_pair_is_reported(
    open_proj: Opener, tmp_path: Path
) -> None:
    """Once a record's checked spans show UTF-16 offsets, its unchecked ones are UTF-16 too,
    and an offset inside the emoji's surrogate pair is reported."""
    text = "😀😀 Putin"
    src = write_jsonl(tmp_path / "s.jsonl", {"text": text, "spans": [
        {"start": 5, "end": 10, "text": "Putin", "label": "PER"},
        {"start": 1, "end": 3, "label": "MISC"},
    ]})
    report, found = imported(open_proj, tmp_path / "p", src)
    assert found == ["Putin/PER"]
    assert f"{src}:1: span 1-3 cuts a character (UTF-16 surrogate pair); span skipped" in [
        str(i) for i in report.issues]


# -- 21.6: labels --------------------------------------------------------------------------
@pytest.mark.parametrize("label", ["PER\nX", "P\x00R", "\u202eREP", "A" * 100_000, "ORG\u200b"])
def test_bad_labels_are_reported_and_their_spans_skipped(
    open_proj: Opener, tmp_path: Path, label: str
) -> None:
    src = write_jsonl(tmp_path / "l.jsonl", {"text": "Kim Jong Un tiba di Moskwa.", "spans": [
        {"start": 0, "end": 11, "label": label},
        {"start": 20, "end": 26, "label": "GPE"},
    ]})
    report, found = imported(open_proj, tmp_path / "p", src)
    assert found == ["Moskwa/GPE"]
    assert len(report.issues) == 1 and str(report.issues[0]).startswith(f"{src}:1: span 1:")
    assert "label" in report.issues[0].message and "span skipped" in report.issues[0].message
    assert len(str(report.issues[0])) < 300  # the 100,000 characters are not echoed
    assert report.new_labels == []


def test_bad_label_never_reaches_conll_export(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "c.jsonl", {"text": "Kim Jong Un tiba.", "answer": "accept",
                                              "spans": [{"start": 0, "end": 11,
                                                         "label": "PER\nX"}]})
    root, out = tmp_path / "p", tmp_path / "out.conll"
    assert main(["import", str(src), "--project", str(root), "--annotator", "ayu"]) == 1
    main(["export", "--project", str(root), "--annotator", "ayu", "--format", "conll",
          "--out", str(out)])
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    assert not any(line.strip() == "X" or line.startswith("X ") for line in lines)
    assert all(len(line.split()) in (0, 2) or line.startswith("-DOCSTART-") for line in lines)


# -- 21.8: sources that are not regular files or are too large --------------------------------
def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`annotator` in a child with 1 GB of address space and 30 s, so a file read without
    bound fails the test instead of filling the shared machine's memory."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    code = "import sys; from annotator.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=30, preexec_fn=limit, check=False)


@pytest.mark.timeout(40)
def test_fifo_named_jsonl_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "x.jsonl"
    os.mkfifo(fifo)
    good = write_jsonl(tmp_path / "good.jsonl", {"text": "Kim Jong Un tiba."})
    done = run_cli("import", str(fifo), str(good), "--project", str(tmp_path / "p"),
                   "--annotator", "ayu")
    assert done.returncode == 1, done.stderr
    assert f"{fifo}: not a regular file" in done.stderr
    assert "Imported 1 article(s)" in done.stdout


@pytest.mark.timeout(40)
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_symlink_to_an_endless_device_is_refused(tmp_path: Path, device: str) -> None:
    link = tmp_path / "endless.txt"
    link.symlink_to(device)
    done = run_cli("import", str(link), "--project", str(tmp_path / "p"), "--annotator", "ayu")
    assert done.returncode == 1, done.stderr
    assert f"{link}: not a regular file" in done.stderr


@pytest.mark.timeout(20)
def test_folder_with_a_fifo_and_a_symlinked_regular_file(
    open_proj: Opener, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.jsonl")
    real = tmp_path / "real.txt"
    real.write_text("Judul\nKim Jong Un tiba.", encoding="utf-8")
    (folder / "link.txt").symlink_to(real)
    (folder / "dev.txt").symlink_to("/dev/zero")
    report, _ = imported(open_proj, tmp_path / "p", folder)
    assert report.added == 1  # the symlink to a regular file is read
    assert sorted(str(i) for i in report.issues) == [
        f"{folder / 'dev.txt'}: not a regular file", f"{folder / 'pipe.jsonl'}: not a regular file"]


@pytest.mark.timeout(60)
def test_txt_larger_than_the_limit_is_refused(open_proj: Opener, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as out:
        out.truncate(51 * 1024 * 1024)  # sparse: no disk used
    report, _ = imported(open_proj, tmp_path / "p", big)
    assert [str(i) for i in report.issues] == [f"{big}: larger than 50 MB"]


def test_bad_label_in_a_conll_tag_is_reported_and_skipped(
    open_proj: Opener, tmp_path: Path
) -> None:
    src = tmp_path / "t.conll"
    src.write_text("Kim B-P\u202eER\nJong I-P\u202eER\ntiba O\ndi O\nMoskwa B-GPE\n",
                   encoding="utf-8")
    report, found = imported(open_proj, tmp_path / "p", src)
    assert found == ["Moskwa/GPE"]
    assert len(report.issues) == 1, report.issues
    assert str(report.issues[0]).startswith(str(src)) and "U+202E" in report.issues[0].message
    assert "P\u202eER" not in [label for label in report.new_labels]
