"""Knowledge base: entity values, readable unique ids, primitive undoable mutations, round trip."""

from __future__ import annotations

import json

import pytest

from annotator.core.entities import Entity, KnowledgeBase, draft_entity, merged, slugify


def putin() -> Entity:
    return Entity("vladimir-putin", "Vladimir Putin", "PER", ["Putin"], created=1.0)


def test_slugs_are_readable_and_unique() -> None:
    kb = KnowledgeBase()
    assert kb.new_kb_id("Kim Jong-un") == "kim-jong-un"
    kb.add(Entity("kim-jong-un", "Kim Jong-un", "PER"))
    assert kb.new_kb_id("Kim Jong Un") == "kim-jong-un-2"
    kb.add(Entity("kim-jong-un-2", "Kim Jong Un", "PER"))
    assert kb.new_kb_id("KIM JONG-UN") == "kim-jong-un-3"
    assert slugify("Recep Tayyip Erdoğan") == "recep-tayyip-erdogan"
    assert slugify("“PT Pertamina (Persero)”") == "pt-pertamina-persero"
    assert slugify("—") == "entity"
    assert len(slugify("x" * 200)) <= 60


def test_round_trip_through_json() -> None:
    kb = KnowledgeBase([putin(), Entity("tass", "TASS", "ORG", note="kantor berita", created=2.0,
                                        external_ids={"wikidata": "Q2016"})])
    again = KnowledgeBase.from_dict(json.loads(json.dumps(kb.to_dict())))
    assert list(again) == list(kb)
    assert again["tass"].external_ids == {"wikidata": "Q2016"}
    assert Entity.from_dict({"kb_id": "x", "name": "X", "label": "GPE"}).aliases == []


def test_every_change_bumps_the_version() -> None:
    kb = KnowledgeBase()
    versions = [kb.version]
    kb.add(putin())
    versions.append(kb.version)
    kb.replace(putin().with_(aliases=["Presiden Vladimir Putin"]))
    versions.append(kb.version)
    kb.replace(kb["vladimir-putin"].with_(note="Presiden Rusia"))
    versions.append(kb.version)
    kb.remove("vladimir-putin")
    versions.append(kb.version)
    assert versions == sorted(set(versions))


def test_mutations_are_primitive_and_invertible() -> None:
    kb = KnowledgeBase([putin()])
    before = kb.to_dict()
    old = kb.replace(putin().with_(name="Vladimir Vladimirovich Putin"))
    assert old == putin()
    kb.replace(old)  # undo
    assert kb.to_dict() == before
    removed = kb.remove("vladimir-putin")
    kb.add(removed)  # undo
    assert kb.to_dict() == before
    with pytest.raises(ValueError):
        kb.add(putin())
    with pytest.raises(KeyError):
        kb.replace(Entity("nobody", "Nobody", "PER"))
    with pytest.raises(KeyError):
        kb.remove("nobody")


def test_entities_are_values() -> None:
    aliases = ["Putin"]
    entity = Entity("vladimir-putin", "Vladimir Putin", "PER", aliases)
    aliases.append("Vova")
    assert entity.aliases == ["Putin"]
    with pytest.raises(AttributeError):
        entity.name = "X"  # type: ignore[misc]
    assert entity.with_(label="ORG").label == "ORG" and entity.label == "PER"
    assert len({entity, entity.with_(note="n"), entity}) == 2  # hashable by kb_id, equal by value
    assert entity.surfaces() == ["Vladimir Putin", "Putin"]
    assert entity.has_surface("PUTIN") and not entity.has_surface("Putri")


def test_changes_since_follows_the_journal() -> None:
    kb = KnowledgeBase([putin()])
    start = kb.version
    assert kb.changes_since(start) == set()
    kb.add(Entity("tass", "TASS", "ORG"))
    kb.replace(putin().with_(aliases=["Vladimir Vladimirovich Putin"]))
    assert kb.changes_since(start) == {"tass", "vladimir-putin"}
    for i in range(KnowledgeBase.JOURNAL + 1):
        kb.replace(kb["tass"].with_(note=str(i)))
    assert kb.changes_since(start) is None
    assert kb.changes_since(kb.version - 1) == {"tass"}


def test_merged_keeps_target_and_absorbs_source() -> None:
    target = Entity("kim-jong-un", "Kim Jong-un", "PER", ["Kim"], note="a",
                    external_ids={"wikidata": "Q56226"})
    source = Entity("kim-jong-un-2", "Kim Jong Un", "PER", ["Kim Jong Eun", "kim"], note="b",
                    external_ids={"wikidata": "Q0", "viaf": "1"})
    result = merged(target, source)
    assert result.kb_id == "kim-jong-un" and result.name == "Kim Jong-un"
    assert result.aliases == ["Kim", "Kim Jong Eun"]
    assert result.external_ids == {"wikidata": "Q56226", "viaf": "1"}
    assert result.note == "a\nb"


def test_draft_entity_from_a_span() -> None:
    kb = KnowledgeBase()
    draft = draft_entity(kb, "Presiden Vladimir Putin", "PER")
    assert (draft.kb_id, draft.name, draft.aliases) == (
        "vladimir-putin", "Vladimir Putin", ["Presiden Vladimir Putin", "Putin"])
    plain = draft_entity(kb, "Moskow", "GPE")
    assert (plain.kb_id, plain.name, plain.aliases) == ("moskow", "Moskow", [])


def test_person_short_form_follows_name_order() -> None:
    from annotator.core.entities import person_short_form

    assert person_short_form("Kim Jong-un") == "Kim"
    assert person_short_form("Vladimir Putin") == "Putin"
    assert person_short_form("Sergei Shoigu") == "Shoigu"
    assert person_short_form("Xi Jinping") == "Xi"
    assert person_short_form("Putin") is None
    kb = KnowledgeBase()
    assert draft_entity(kb, "Kim Jong-un", "PER").aliases == ["Kim"]
    assert draft_entity(kb, "Korea Utara", "GPE").aliases == []
