"""Shared builders for the format tests (no tests here): a small annotated project."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from annotator.core.model import ArticleStatus, Span
from annotator.core.project import Project
from annotator.io.importer import import_paths
from annotator.store.project_store import ProjectStore

Opener = Callable[..., tuple[Project, ProjectStore]]  # the `open_proj` fixture (conftest.py)

PEOPLE = ["Joko Widodo", "Vladimir Putin", "Kim Jong Un", "Sergei Shoigu", "Prabowo Subianto",
          "Retno Marsudi"]
PLACES = ["Jakarta", "Moskow", "Vladivostok", "Surabaya", "Pyongyang", "Bandung"]
ORGS = ["Kementerian Pertahanan", "Dewan Keamanan", "Universitas Indonesia", "Kremlin"]

# (surface, label) in order of appearance; every entity is token-aligned.
Article = tuple[str, list[tuple[str, str]]]


def article(i: int) -> Article:
    """A small deterministic news text with PER, GPE and ORG mentions."""
    per, per2 = PEOPLE[i % len(PEOPLE)], PEOPLE[(i + 2) % len(PEOPLE)]
    place, org = PLACES[i % len(PLACES)], ORGS[i % len(ORGS)]
    text = (f"Berita {i}: {per} tiba di {place}\n"
            f"Presiden {per} bertemu {per2} di {place} pada hari Senin. "
            f"Pertemuan itu dihadiri pejabat {org}! Apakah {per2} akan kembali? "
            f"Menurut {org}, kerja sama akan dilanjutkan tahun depan.")
    ents = [(per, "PER"), (place, "GPE"), (per, "PER"), (per2, "PER"), (place, "GPE"),
            (org, "ORG"), (per2, "PER"), (org, "ORG")]
    return text, ents


def spans_of(text: str, ents: list[tuple[str, str]]) -> list[Span]:
    spans, pos = [], 0
    for surface, label in ents:
        start = text.index(surface, pos)
        spans.append(Span(start, start + len(surface), label))
        pos = start + len(surface)
    return spans


def write_corpus(path: Path, n: int) -> Path:
    path.write_text("\n".join(f'{{"text": {_json(article(i)[0])}}}' for i in range(n)) + "\n",
                    "utf-8")
    return path


def _json(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def annotated_project(
    open_proj: Opener, root: Path, n: int = 6, annotators: tuple[str, ...] = ("ayu",),
    tmp: Path | None = None,
) -> tuple[Project, ProjectStore]:
    """A project of `n` articles, each fully annotated (status done) by every annotator;
    the first annotator leaves the last article untouched."""
    project, store = open_proj(root, annotators[0])
    corpus = write_corpus((tmp or root.parent) / f"{root.name}-corpus.jsonl", n)
    assert import_paths(project, store, [corpus]).added == n
    for number, article_id in enumerate(project.article_ids):
        for k, who in enumerate(annotators):
            if who == annotators[0] and number == n - 1:
                continue
            aset = project.annotation_set(article_id, who)
            text = project.text(article_id)
            for span in spans_of(text, article(number)[1]):
                if k == 1 and span.label == "ORG":
                    continue  # the second annotator disagrees on organisations
                aset.insert_span(span)
            aset.status = ArticleStatus.DONE
            aset.updated = 1700000000.0 + number
            if who == store.annotator:
                store.save_set(aset)
    store.flush()
    return project, store
