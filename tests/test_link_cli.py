"""`annotator link --auto` and the `links` section of `annotator agreement`, through main()."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.annotations import AnnotationSet
from annotator.core.model import Origin, Span
from annotator.store.kb_store import load_kb
from annotator.store.project_store import ProjectStore

# A small hand-made set: article text, then (surface, label) marked at every occurrence.
ARTICLES = [
    ("Presiden Vladimir Putin menerima Kim Jong Un di Vostochny. Putin memuji Kim.",
     [("Vladimir Putin", "PER"), ("Kim Jong Un", "PER"), ("Vostochny", "FAC"), ("Putin", "PER"),
      ("Kim", "PER")]),
    ("Kim Jong-un kembali ke Pyongyang. Kim disambut meriah di Korea Utara.",
     [("Kim Jong-un", "PER"), ("Pyongyang", "GPE"), ("Kim", "PER"), ("Korea Utara", "GPE")]),
    ("Jurubicara Kremlin Dmitri Peskov mengatakan Putin sibuk. Peskov menolak berkomentar.",
     [("Kremlin", "ORG"), ("Dmitri Peskov", "PER"), ("Putin", "PER"), ("Peskov", "PER")]),
    ("Dmitry Peskov berbicara kepada TASS di Moskow.",  # AGENCY is not in the scheme
     [("Dmitry Peskov", "PER"), ("TASS", "AGENCY"), ("Moskow", "GPE")]),
]
# The known clusters, as (article number, surface) of their mentions.
CLUSTERS = [
    {(0, "Vladimir Putin"), (0, "Putin"), (2, "Putin")},
    {(0, "Kim Jong Un"), (0, "Kim"), (1, "Kim Jong-un"), (1, "Kim")},
    {(2, "Dmitri Peskov"), (2, "Peskov"), (3, "Dmitry Peskov")},
    {(0, "Vostochny")}, {(1, "Pyongyang")}, {(1, "Korea Utara")}, {(2, "Kremlin")},
    {(3, "TASS")}, {(3, "Moskow")},
]


def marks(text: str, wanted: list[tuple[str, str]]) -> list[dict]:
    spans: list[dict] = []
    for surface, label in sorted(wanted, key=lambda m: -len(m[0])):
        for hit in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
            if not any(s["start"] < hit.end() and hit.start() < s["end"] for s in spans):
                spans.append({"start": hit.start(), "end": hit.end(), "label": label})
    return sorted(spans, key=lambda s: s["start"])


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Path:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "set.jsonl"
    source.write_text("".join(json.dumps({"text": text, "spans": marks(text, wanted)}) + "\n"
                              for text, wanted in ARTICLES), encoding="utf-8")
    root = tmp_path / "proj"
    assert main(["import", str(source), "--project", str(root), "--annotator", "ayu"]) == 0
    out = capsys.readouterr().out
    assert "with 16 span(s)" in out and "New labels added to the scheme: AGENCY" in out
    return root


def load(root: Path, who: str = "ayu") -> tuple[list[tuple[int, str, Span]], dict]:
    """Every accepted span of `who` as (article number, surface, span), and the KB by id."""
    with ProjectStore(root, who, create=False) as store:
        order = {info.id: n for n, info in enumerate(store.article_infos())}
        texts = {aid: store.load_text(aid) for aid in order}
        spans = [(order[s.article_id], texts[s.article_id][sp.start : sp.end], sp)
                 for s in store.load_sets(who) for sp in s.spans]
        kb = {e.kb_id: e for e in load_kb(store)}
    return sorted(spans, key=lambda x: (x[0], x[2].start)), kb


def test_import_keeps_labels_outside_the_scheme(project: Path) -> None:
    spans, _ = load(project)
    assert [(surface, sp.label) for n, surface, sp in spans if n == 3] == [
        ("Dmitry Peskov", "PER"), ("TASS", "AGENCY"), ("Moskow", "GPE")]
    with ProjectStore(project, "ayu", create=False) as store:
        assert "AGENCY" in [label["name"] for label in store.meta()["labels"]]


def test_auto_link_makes_the_known_clusters(project: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["link", "--auto", "--project", str(project), "--annotator", "ayu"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("Auto-linked 16 mention(s) of ayu in 4 article(s) of ")
    assert "0 to existing entities, 16 to 9 new entities" in out.out and out.err == ""
    spans, kb = load(project)
    assert all(sp.origin == Origin.AUTO and sp.kb_id in kb for _, _, sp in spans)
    groups: dict[str, set[tuple[int, str]]] = {}
    for n, surface, sp in spans:
        groups.setdefault(sp.kb_id or "", set()).add((n, surface))
    assert sorted(map(sorted, groups.values())) == sorted(map(sorted, CLUSTERS))
    putin = kb[next(sp.kb_id for n, s, sp in spans if s == "Putin")]
    assert (putin.name, putin.label) == ("Vladimir Putin", "PER")
    # a second run finds nothing left to link
    assert main(["link", "--auto", "--project", str(project), "--annotator", "ayu"]) == 0
    assert "has no accepted span without an entity" in capsys.readouterr().err


def test_dry_run_prints_clusters_and_changes_nothing(project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["link", "--auto", "--dry-run", "--project", str(project), "--annotator", "ayu"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == ("Would link 16 mention(s) of ayu: 0 to existing entities, 16 to 9 new "
                      "entities.")
    assert out[1].startswith("new      kim-jong-un  'Kim Jong Un' PER: 4 mention(s) in 2 "
                             "article(s): ")
    assert "Kim (2)" in out[1] and len(out) == 10  # every link is sure: no review list
    spans, kb = load(project)
    assert kb == {} and all(sp.kb_id is None for _, _, sp in spans)


def test_second_run_links_to_existing_entities(project: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["link", "--auto", "--project", str(project), "--annotator", "ayu"]) == 0
    with ProjectStore(project, "ayu", create=False) as store:  # unlink one article again
        aset = next(s for s in store.load_sets("ayu") if len(s.spans) == 3)
        store.save_set(AnnotationSet(aset.article_id, "ayu", spans=[
            sp.with_(kb_id=None, origin=Origin.MANUAL) for sp in aset.spans]))
    capsys.readouterr()
    assert main(["link", "--auto", "--project", str(project), "--annotator", "ayu"]) == 0
    assert "3 to existing entities, 0 to 0 new entities" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    ([], "say --auto"),
    (["--auto", "--threshold", "120"], "--threshold: 120 is not between 0 and 100"),
])
def test_usage_errors(project: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                      message: str) -> None:
    assert main(["link", "--project", str(project), *args]) == 2
    assert message in capsys.readouterr().err


def test_no_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["link", "--auto", "--project", str(tmp_path / "nothing")]) == 2
    assert "no project at" in capsys.readouterr().err


def test_agreement_reports_link_agreement(project: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["link", "--auto", "--project", str(project), "--annotator", "ayu"]) == 0
    spans, _ = load(project)
    # budi marks the same mentions; links Putin's three together, all Kims to two entities,
    # leaves Peskov and the rest unlinked, and adds one mention ayu does not have
    budi: dict[int, list[Span]] = {}
    for n, surface, sp in spans:
        kb_id = {"Putin": "vp", "Vladimir Putin": "vp", "Kim": "k1", "Kim Jong Un": "k1",
                 "Kim Jong-un": "k2"}.get(surface)
        budi.setdefault(n, []).append(Span(sp.start, sp.end, sp.label, kb_id=kb_id))
    budi[1].append(Span(0, 3, "PER", kb_id="k2"))  # "Kim" inside "Kim Jong-un": other bounds
    with ProjectStore(project, "budi", create=True) as store:
        ids = [info.id for info in store.article_infos()]
        for n, extra in budi.items():
            store.save_set(AnnotationSet(ids[n], "budi", spans=sorted(extra)))
    capsys.readouterr()
    code = main(["agreement", "--project", str(project), "--annotators", "ayu", "budi",
                 "--json"])
    links = json.loads(capsys.readouterr().out)["links"]
    assert code == 0 and links["mentions"] == 16
    assert links["linked"] == {"a": 16, "b": 7, "both": 7, "only_a": 9, "only_b": 0}
    # key (budi): {vp x3}, {k1 x3}, {k2: Kim Jong-un}, 9 singletons; response: CLUSTERS
    # MUC recall: (2 + 2 + 0) / (2 + 2) = 1; precision: (2 + 2 + 0 + ...) / (2 + 3 + 2) = 4/7
    assert links["muc"] == pytest.approx({"p": 4 / 7, "r": 1.0, "f": 8 / 11})
    assert 0 < links["conll"] < 1
    assert main(["agreement", "--project", str(project), "--annotators", "ayu", "budi"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-3].startswith("Entity links (A vs B, 16 mentions with the same boundaries): "
                                "MUC 0.727, B³ ")
    assert lines[-2] == "Linked by A only: 9, by B only: 0"


def test_dry_run_lists_the_least_sure_links_first(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A short name two people share, alone in an article: the one link to review first."""
    source = tmp_path / "two.jsonl"
    texts = [("Joko Santoso berbicara. Santoso menambahkan.", [("Joko Santoso", "PER"),
                                                              ("Santoso", "PER")]),
             ("Budi Santoso tiba.", [("Budi Santoso", "PER")]),
             ("Santoso diam.", [("Santoso", "PER")])]
    source.write_text("".join(json.dumps({"text": text, "spans": marks(text, wanted)}) + "\n"
                              for text, wanted in texts), encoding="utf-8")
    root = tmp_path / "proj"
    assert main(["import", str(source), "--project", str(root), "--annotator", "ayu"]) == 0
    capsys.readouterr()
    assert main(["link", "--auto", "--dry-run", "--project", str(root), "--annotator",
                 "ayu"]) == 0
    out = capsys.readouterr().out.splitlines()
    at = next(n for n, line in enumerate(out) if "less sure than" in line)
    assert out[at].startswith("1 link(s) less sure than 0.65, to review first")
    assert float(out[at + 1].split()[0]) < 0.65 and "'Santoso' ->" in out[at + 1]
    assert main(["link", "--auto", "--project", str(root), "--annotator", "ayu"]) == 0
    assert "; 1 less sure (--dry-run lists them)." in capsys.readouterr().out
