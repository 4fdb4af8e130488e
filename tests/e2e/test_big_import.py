"""A large annotated import through the CLI saves every annotation before it exits 0
(issue 21.2: 20,005 articles printed success, exited 2, and thousands of shards were missing).

The disk is made a little slower (2 ms per file, what a busy laptop disk does) so that the
test means the same on a fast tmpfs: the import must wait for its writer however long
writing takes, and say so with its exit code.
"""

from __future__ import annotations

import time
from pathlib import Path

import orjson
import pytest

from annotator import cli
from annotator.store import writer as writer_module
from annotator.store.atomic import read_tables

ARTICLES = 3000


def _corpus(path: Path, n: int) -> Path:
    with open(path, "wb") as out:
        for i in range(n):
            text = (f"Berita {i}. Presiden Putin bertemu Kim Jong-un di Vladivostok pada hari "
                    f"ke-{i}, kata Menteri Shoigu kepada kantor berita TASS.")
            spans = [{"start": text.index(word), "end": text.index(word) + len(word),
                      "label": label}
                     for word, label in (("Putin", "PER"), ("Vladivostok", "GPE"),
                                         ("Shoigu", "PER"), ("TASS", "ORG"))]
            out.write(orjson.dumps({"text": text, "spans": spans, "answer": "accept"}) + b"\n")
    return path


def test_a_3000_article_annotated_import_has_every_shard_on_disk_when_it_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = writer_module.write_bytes_atomic

    def slow_disk(path: Path, payload: bytes, **kwargs: object) -> None:
        time.sleep(0.002)
        real(path, payload, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(writer_module, "write_bytes_atomic", slow_disk)
    root = tmp_path / "P"
    source = _corpus(tmp_path / "big.jsonl", ARTICLES)
    code = cli.main(["import", str(source), "--project", str(root), "--annotator", "ayu"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"Imported {ARTICLES} article(s) with {4 * ARTICLES} span(s)" in captured.out
    index = read_tables(root / "articles" / "index.json")["articles"]
    assert len(index) == ARTICLES
    shards = root / "annotations" / "ayu"
    for doc in index.values():
        saved = read_tables(shards / f"{doc['id']}.json")["set"]["1"]
        assert len(saved["spans"]) == 4 and saved["status"] == "done"


def test_an_import_that_cannot_save_exits_2_and_names_what_was_not_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(path: Path, payload: bytes, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(writer_module, "write_bytes_atomic", broken)
    root = tmp_path / "P"
    source = _corpus(tmp_path / "small.jsonl", 40)
    assert cli.main(["import", str(source), "--project", str(root), "--annotator", "ayu"]) == 2
    captured = capsys.readouterr()
    assert "NOT all saved" in captured.out
    assert "40 file(s) NOT saved" in captured.err and "annotations/ayu/" in captured.err
    assert "not writable (permission denied)" in captured.err
