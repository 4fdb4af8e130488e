"""Propagation: whole-word alias matching, longest match, accepted and rejected spans respected."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.entities import Entity, KnowledgeBase
from annotator.core.labels import LabelScheme
from annotator.core.model import ArticleInfo, Origin, Span
from annotator.core.project import Project
from annotator.core.propagation import (
    AliasFinder,
    existing_snapshot,
    iter_propagate,
    match_key,
    propagate,
    propagate_article,
)

ALIASES: dict[str, tuple[str, list[str]]] = {
    "kim-jong-un": ("PER", ["Kim Jong-un", "Kim"]),
    "kim-jong-il": ("PER", ["Kim Jong-il"]),
    "vladimir-putin": ("PER", ["Vladimir Putin", "Putin", "Presiden Vladimir Putin"]),
    "tass": ("ORG", ["TASS"]),
    "amerika-serikat": ("GPE", ["Amerika Serikat", "AS"]),
    "barat": ("GPE", ["Barat"]),
    "rusia": ("GPE", ["Rusia"]),
    "timur-jauh-rusia": ("LOC", ["Timur Jauh Rusia"]),
    "erdogan": ("PER", ["Erdogan"]),
    "mig-31i": ("WEAPON", ["MiG-31I"]),
    "ma-ruf-amin": ("PER", ["Ma'ruf Amin"]),
    "iphone": ("PRODUCT", ["iPhone"]),
}


def found(text: str, finder: AliasFinder | None = None) -> list[tuple[str, str]]:
    finder = finder or AliasFinder(ALIASES)
    return [(text[m.start : m.end], m.kb_id) for m in finder.find(text)]


def test_whole_words_only() -> None:
    assert found("Kimia dan kimchi, Kim!") == [("Kim", "kim-jong-un")]
    assert found("xKim Kim2 _Kim Kim_") == []
    # A hyphen is a boundary ("Putin-Kim"), like the tokenizer's infix split.
    assert found("pertemuan Putin-Kim") == [("Putin", "vladimir-putin"), ("Kim", "kim-jong-un")]


def test_longest_match_wins_and_spelling_variants_match() -> None:
    text = "Kim Jong Un, KIM JONG-UN, Kim Jong-il dan Kim bertemu Presiden Vladimir Putin."
    assert found(text) == [
        ("Kim Jong Un", "kim-jong-un"),
        ("KIM JONG-UN", "kim-jong-un"),
        ("Kim Jong-il", "kim-jong-il"),
        ("Kim", "kim-jong-un"),
        ("Presiden Vladimir Putin", "vladimir-putin"),
    ]
    assert found("Ma’ruf Amin dan MiG 31I") == [("Ma’ruf Amin", "ma-ruf-amin"),
                                                ("MiG 31I", "mig-31i")]


def test_a_persons_short_form_is_not_the_start_of_another_name() -> None:
    without_il = {k: v for k, v in ALIASES.items() if k != "kim-jong-il"}
    finder = AliasFinder(without_il)
    text = "ayah Kim, Kim Jong-il. Kim Rabu tiba; Putin-Kim; Kim Kunjungi Pabrik"
    assert found(text, finder) == [("Kim", "kim-jong-un"), ("Kim", "kim-jong-un"),
                                   ("Putin", "vladimir-putin"), ("Kim", "kim-jong-un")]
    # Other labels are not affected: "Rusia" before a name is still a mention.
    assert found("Presiden Rusia Vladimir Putin") == [("Rusia", "rusia"),
                                                      ("Vladimir Putin", "vladimir-putin")]


def test_case_rules() -> None:
    assert found("kantor berita TASS, bukan Tass") == [("TASS", "tass")]
    assert found("as AS As") == [("AS", "amerika-serikat")]
    assert found("negara-negara Barat, arah barat") == [("Barat", "barat")]
    assert found("kim bertemu putin") == []
    assert found("iPhone, IPHONE, iphone") == [("iPhone", "iphone"), ("IPHONE", "iphone"),
                                               ("iphone", "iphone")]


def test_a_rejected_long_match_does_not_hide_a_shorter_one_inside() -> None:
    assert found("wilayah timur jauh Rusia") == [("Rusia", "rusia")]


def test_diacritics_are_ignored_and_offsets_kept() -> None:
    text = "🙂 Presiden Erdoğan dan Erdogan"
    finder = AliasFinder(ALIASES)
    spans = [(m.start, m.end) for m in finder.find(text)]
    assert [text[s:e] for s, e in spans] == ["Erdoğan", "Erdogan"]


def test_no_match_across_a_line_break() -> None:
    assert found("Vladimir\nPutin") == [("Putin", "vladimir-putin")]


def test_ambiguous_aliases_are_not_propagated() -> None:
    finder = AliasFinder({"a": ("PER", ["Kim", "Kim Jong-un"]),
                          "b": ("PER", ["Kim", "Kim Jong-il"])})
    assert finder.ambiguous == {"kim": {"a", "b"}}
    assert found("Kim dan Kim Jong-il", finder) == [("Kim Jong-il", "b")]


def test_empty_and_tiny_aliases() -> None:
    assert AliasFinder({}).find("Putin") == []
    assert found("A B", AliasFinder({"x": ("PER", ["A", " ", "B"])})) == []


def test_from_kb_can_limit_to_one_entity() -> None:
    kb = KnowledgeBase([Entity("vladimir-putin", "Vladimir Putin", "PER", ["Putin"]),
                        Entity("rusia", "Rusia", "GPE")])
    assert found("Putin di Rusia", AliasFinder.from_kb(kb)) == [("Putin", "vladimir-putin"),
                                                                ("Rusia", "rusia")]
    assert found("Putin di Rusia", AliasFinder.from_kb(kb, only={"rusia"})) == [("Rusia", "rusia")]


TEXT = "Kim Jong Un bertemu Putin. Kim tiba di Rusia, kata TASS."


def test_propagate_article_respects_accepted_rejected_and_tokens() -> None:
    finder = AliasFinder(ALIASES)
    spans = propagate_article(TEXT, finder)
    assert [(TEXT[s.start : s.end], s.kb_id, s.label, s.origin) for s in spans] == [
        ("Kim Jong Un", "kim-jong-un", "PER", Origin.PROPAGATED),
        ("Putin", "vladimir-putin", "PER", Origin.PROPAGATED),
        ("Kim", "kim-jong-un", "PER", Origin.PROPAGATED),
        ("Rusia", "rusia", "GPE", Origin.PROPAGATED),
        ("TASS", "tass", "ORG", Origin.PROPAGATED),
    ]
    accepted = [Span(0, 3, "PER"), Span(20, 26, "PER")]  # "Kim" of Kim Jong Un; "Putin."
    rejected = {(39, 44, "GPE")}  # Rusia
    kept = propagate_article(TEXT, finder, accepted, rejected)
    assert [TEXT[s.start : s.end] for s in kept] == ["Kim", "TASS"]
    tokens = [m.span() for m in re.finditer(r"\w+|[^\w\s]", TEXT) if m.group() != "TASS"]
    tokens.append((51, 53))  # "TA" only: "TASS" is then not aligned to tokens
    aligned = propagate_article(TEXT, finder, tokens=sorted(tokens))
    assert [TEXT[s.start : s.end] for s in aligned] == ["Kim Jong Un", "Putin", "Kim", "Rusia"]


def test_propagate_many_articles_one_at_a_time() -> None:
    finder = AliasFinder(ALIASES)
    texts = {"a1": TEXT, "a2": "Tidak ada nama di sini.", "a3": "Putin."}
    existing = {"a1": ([Span(0, 11, "PER", kb_id="kim-jong-un")], set())}
    steps = list(iter_propagate(texts, finder, lambda aid: existing.get(aid, ((), ()))))
    assert [aid for aid, _ in steps] == ["a1", "a2", "a3"]
    result = propagate(texts.items(), finder, lambda aid: existing.get(aid, ((), ())))
    assert set(result) == {"a1", "a3"}
    assert [TEXT[s.start : s.end] for s in result["a1"]] == ["Putin", "Kim", "Rusia", "TASS"]
    seen: list[str] = []
    tokenised = propagate(texts, finder, tokens=lambda aid, text: seen.append(aid) or [])
    assert tokenised == {} and seen == ["a1", "a2", "a3"]


def test_existing_snapshot_reads_the_project_once() -> None:
    project = Project("ayu", LabelScheme.default(), lambda _id: TEXT, [ArticleInfo("a1", "t")])
    project.merge_suggestions("a1", [Span(20, 25, "PER", Origin.SUGGESTED)])
    aset = project.annotation_set("a1")
    aset.insert_span(Span(0, 11, "PER"))
    aset.rejected.add((39, 44, "GPE"))
    existing = existing_snapshot(project)
    aset.insert_span(Span(27, 30, "PER"))  # after the snapshot: not seen by the worker
    result = propagate({"a1": TEXT, "a9": "Putin"}, AliasFinder(ALIASES), existing)
    assert [TEXT[s.start : s.end] for s in result["a1"]] == ["Putin", "Kim", "TASS"]
    assert [(s.start, s.end) for s in result["a9"]] == [(0, 5)]
    # Merging re-checks the live state: the unlinked pending "Putin" suggestion gives way to its
    # linked twin, and the "Kim" accepted after the snapshot blocks its propagated twin.
    project.merge_suggestions("a1", result["a1"])
    assert [s.kb_id for s in project.annotation_set("a1").suggestions] == [
        "vladimir-putin", "tass"]


# -- property: what is found is an alias under the matching rule, and nothing is missed --------
WORDS = ["Kim", "Jong", "un", "Putin", "Vladimir", "TASS", "Tass", "Rusia", "Timur", "Jauh",
         "AS", "as", "Barat", "barat", "Erdoğan", "MiG", "31I", "Kimia", "kim", "iPhone", "x"]
SEPS = [" ", "  ", "-", " - ", ".", ",", ", ", "\n", "'", "’", "", "_", "(", ")"]
KEYS = {match_key(a): kb_id for kb_id, (_label, aliases) in ALIASES.items() for a in aliases}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPS)), max_size=25))
def test_every_match_is_an_alias(pieces: list[tuple[str, str]]) -> None:
    text = "".join(w + s for w, s in pieces)
    matches = AliasFinder(ALIASES).find(text)
    last_end = 0
    for m in matches:
        surface = text[m.start : m.end]
        assert KEYS[match_key(surface)] == m.kb_id
        assert m.start >= last_end
        last_end = m.end
        assert not re.match(r"\w", text[m.start - 1 : m.start])
        assert not re.match(r"\w", text[m.end : m.end + 1])
        assert "\n" not in surface
        assert surface[0].isupper() or match_key(surface) == "iphone"  # case rule


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["ada", "yang", "kimia", "rusiawi", "42"]),
                          st.sampled_from(sorted(k for k in KEYS))), max_size=20))
def test_every_inserted_alias_is_found(parts: list[str]) -> None:
    surfaces = {match_key(a): a for _kb, (_l, aliases) in ALIASES.items() for a in aliases}
    pieces = [surfaces.get(p, p) for p in parts]
    text, expected, pos = "", [], 0
    for piece in pieces:
        if piece in surfaces.values():
            expected.append((pos, pos + len(piece), KEYS[match_key(piece)]))
        text += piece + ", "
        pos = len(text)
    assert [(m.start, m.end, m.kb_id) for m in AliasFinder(ALIASES).find(text)] == expected


def test_an_alias_finder_built_elsewhere_is_kept_only_for_its_version() -> None:
    from annotator.core.commands import alias_entities, alias_finder, keep_alias_finder
    from annotator.core.entities import Entity, KnowledgeBase
    from annotator.core.propagation import AliasFinder

    kb = KnowledgeBase()
    kb.add(Entity("putin", "Vladimir Putin", "PER", aliases=["Putin"]))
    version = kb.version
    built = AliasFinder(alias_entities(kb))
    assert keep_alias_finder(kb, version, built) and alias_finder(kb) is built
    stale = AliasFinder(alias_entities(kb))
    kb.add(Entity("kim", "Kim Jong Un", "PER"))  # the KB moved on meanwhile
    assert not keep_alias_finder(kb, version, stale)
    assert alias_finder(kb) is not stale and alias_finder(kb).owner("Kim Jong Un")
