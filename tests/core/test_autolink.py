"""Auto-linking: how mentions group into entities, and the one-step undoable command."""

from __future__ import annotations

import re

import pytest

from annotator.core.annotations import AnnotationSet
from annotator.core.autolink import (
    accept_auto_links,
    auto_links,
    autolink_command,
    plan_autolink,
)
from annotator.core.autolink.names import family_of, modern, variant
from annotator.core.entities import Entity, KnowledgeBase
from annotator.core.labels import LabelScheme
from annotator.core.model import Article, ArticleInfo, Origin, Span
from annotator.core.project import Project

Marks = list[tuple[str, str]]  # (surface, label or label:kb_id); every occurrence is marked


def make_project(docs: list[tuple[str, Marks]], annotator: str = "ayu",
                 kb: KnowledgeBase | None = None, owner: str | None = None) -> Project:
    """Articles with accepted spans of `annotator`; the project belongs to `owner`."""
    texts = {Article.from_text(text).id: text for text, _ in docs}
    infos = [ArticleInfo(aid, f"article {n}") for n, aid in enumerate(texts)]
    project = Project(owner or annotator, LabelScheme.default(), texts.__getitem__, infos,
                      kb=kb or KnowledgeBase())
    for aid, (text, marks) in zip(texts, docs, strict=True):
        spans: list[Span] = []
        for surface, label in sorted(marks, key=lambda m: -len(m[0])):
            name, _, kb_id = label.partition(":")
            for hit in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
                if not any(s.overlaps(hit.start(), hit.end()) for s in spans):
                    spans.append(Span(hit.start(), hit.end(), name, kb_id=kb_id or None))
        project.load_sets([AnnotationSet(aid, annotator, spans=sorted(spans))])
    return project


def linked(project: Project, annotator: str | None = None) -> dict[tuple[int, str], set[str]]:
    """(article number, surface) -> the kb_ids its mentions got."""
    out: dict[tuple[int, str], set[str]] = {}
    for n, aid in enumerate(project.article_ids):
        aset = project.existing_set(aid, annotator)
        text = project.text(aid)
        for span in aset.spans if aset else []:
            out.setdefault((n, text[span.start : span.end]), set()).add(span.kb_id or "-")
    return out


def run(project: Project, **kwargs: object) -> dict[tuple[int, str], str]:
    plan = plan_autolink(project, **kwargs)  # type: ignore[arg-type]
    autolink_command(project, plan).do(project)
    result = linked(project, plan.annotator)
    assert all(len(ids) == 1 for ids in result.values()), result
    return {k: next(iter(v)) for k, v in result.items()}


RUSSIA = ("Presiden Vladimir Putin bertemu Kim Jong Un di Vostochny. Putin memuji Kim. "
          "Kim kembali ke Korea Utara.", [("Vladimir Putin", "PER"), ("Putin", "PER"),
                                          ("Kim Jong Un", "PER"), ("Kim", "PER"),
                                          ("Vostochny", "FAC"), ("Korea Utara", "GPE")])


def test_short_forms_join_the_full_name_within_and_across_articles() -> None:
    project = make_project([
        RUSSIA,
        ("Di Moskow, Putin berbicara dengan wartawan tentang Ukraina.",
         [("Moskow", "GPE"), ("Putin", "PER"), ("Ukraina", "GPE")]),
        ("PUTIN TIBA DI VLADIVOSTOK", [("PUTIN", "PER"), ("VLADIVOSTOK", "GPE")]),
    ])
    got = run(project)
    assert got[(0, "Vladimir Putin")] == got[(0, "Putin")] == got[(1, "Putin")] == got[
        (2, "PUTIN")]
    assert got[(0, "Kim Jong Un")] == got[(0, "Kim")] != got[(0, "Vladimir Putin")]
    entity = project.kb[got[(0, "Putin")]]
    assert (entity.name, entity.label) == ("Vladimir Putin", "PER")
    assert "Putin" in entity.aliases


def test_ambiguous_short_name_follows_the_article_and_the_words_around_it() -> None:
    project = make_project([
        RUSSIA,
        ("Ibu negara Korea Selatan Kim Keon-hee tiba di Seoul bersama Presiden Yoon Suk Yeol. "
         "Kim dan Yoon menyapa warga Seoul.",
         [("Korea Selatan", "GPE"), ("Kim Keon-hee", "PER"), ("Seoul", "GPE"),
          ("Yoon Suk Yeol", "PER"), ("Kim", "PER"), ("Yoon", "PER")]),
        # only "Kim": Pyongyang and Korea Utara around it
        ("Kim meninjau peluncuran rudal di Pyongyang, kata media Korea Utara.",
         [("Kim", "PER"), ("Pyongyang", "GPE"), ("Korea Utara", "GPE")]),
        # only "Kim": Yoon and Seoul around it
        ("Yoon dan Kim menghadiri upacara di Seoul pada hari Senin.",
         [("Yoon", "PER"), ("Kim", "PER"), ("Seoul", "GPE")]),
        # both Kims in one article: the short name is the one mentioned most
        ("Kim Jong Un memimpin rapat. Kim Jong Un tersenyum, ayahnya Kim Jong-il dikenang. "
         "Kim lalu pergi.", [("Kim Jong Un", "PER"), ("Kim Jong-il", "PER"), ("Kim", "PER")]),
    ])
    got = run(project)
    un, keon = got[(0, "Kim Jong Un")], got[(1, "Kim Keon-hee")]
    assert un != keon
    assert got[(1, "Kim")] == keon and got[(1, "Yoon")] == got[(1, "Yoon Suk Yeol")]
    assert got[(2, "Kim")] == un
    assert got[(3, "Kim")] == keon and got[(3, "Yoon")] == got[(1, "Yoon")]
    assert got[(4, "Kim")] == un == got[(4, "Kim Jong Un")]
    assert got[(4, "Kim Jong-il")] not in (un, keon)


def test_near_misses_stay_apart() -> None:
    project = make_project([
        ("Korea Utara dan Korea Selatan bertemu. Kim Jong-il dan Kim Jong Un dikenang. "
         "Washington menelepon Washington.", [("Korea Utara", "GPE"), ("Korea Selatan", "GPE"),
                                               ("Kim Jong-il", "PER"), ("Kim Jong Un", "PER")]),
        ("George Washington lahir di Virginia.", [("George Washington", "PER")]),
        ("Kota Washington ramai.", [("Washington", "GPE")]),
    ])
    got = run(project)
    assert got[(0, "Korea Utara")] != got[(0, "Korea Selatan")]
    assert got[(0, "Kim Jong-il")] != got[(0, "Kim Jong Un")]
    assert got[(2, "Washington")] != got[(1, "George Washington")]  # a place is no person


def test_a_place_before_a_person_is_not_part_of_the_name() -> None:
    project = make_project([
        ("Menteri Pertahanan Rusia Sergei Shoigu tiba.", [("Rusia Sergei Shoigu", "PER")]),
        ("Sergei Shoigu pulang ke Rusia. Kim Jong Un dan Kim ikut.",
         [("Sergei Shoigu", "PER"), ("Rusia", "GPE"), ("Kim Jong Un", "PER"), ("Kim", "PER")]),
        ("Kim dikenang warga.", [("Kim", "GPE")]),  # a wrong label must not cut "Kim" off
    ])
    got = run(project)
    assert got[(0, "Rusia Sergei Shoigu")] == got[(1, "Sergei Shoigu")]
    assert project.kb[got[(0, "Rusia Sergei Shoigu")]].name == "Sergei Shoigu"
    assert project.kb[got[(1, "Kim Jong Un")]].name == "Kim Jong Un"


def test_surnames_shared_by_two_people_follow_their_article() -> None:
    project = make_project([
        ("Joko Santoso berbicara. Santoso menambahkan.", [("Joko Santoso", "PER"),
                                                        ("Santoso", "PER")]),
        ("Budi Santoso tiba. Santoso tersenyum.", [("Budi Santoso", "PER"), ("Santoso", "PER")]),
    ])
    got = run(project)
    assert got[(0, "Santoso")] == got[(0, "Joko Santoso")] != got[(1, "Santoso")]
    assert got[(1, "Santoso")] == got[(1, "Budi Santoso")]


def test_acronyms_variants_type_words_and_titles() -> None:
    project = make_project([
        ("Pejabat Amerika Serikat (AS) dan Perserikatan Bangsa-Bangsa menolak. Dmitry Peskov "
         "berbicara di kosmodrom Vostochny tentang Soeharto.",
         [("Amerika Serikat", "GPE"), ("AS", "GPE"), ("Perserikatan Bangsa-Bangsa", "ORG"),
          ("Dmitry Peskov", "PER"), ("kosmodrom Vostochny", "FAC"), ("Soeharto", "PER")]),
        ("Kata Jurubicara Dmitri Peskov, AS dan PBB keliru. Vostochny Cosmodrome sepi. Suharto.",
         [("Dmitri Peskov", "PER"), ("AS", "GPE"), ("PBB", "ORG"),
          ("Vostochny Cosmodrome", "FAC"), ("Suharto", "PER")]),
        ("Peskov tiba di Vostochny. Presiden Soeharto dikenang.",
         [("Peskov", "PER"), ("Vostochny", "FAC"), ("Presiden Soeharto", "PER")]),
    ])
    got = run(project)
    assert got[(0, "Amerika Serikat")] == got[(0, "AS")] == got[(1, "AS")]
    assert got[(0, "Perserikatan Bangsa-Bangsa")] == got[(1, "PBB")]
    assert got[(0, "Dmitry Peskov")] == got[(1, "Dmitri Peskov")] == got[(2, "Peskov")]
    assert got[(0, "kosmodrom Vostochny")] == got[(1, "Vostochny Cosmodrome")] == got[
        (2, "Vostochny")]
    assert got[(0, "Soeharto")] == got[(1, "Suharto")] == got[(2, "Presiden Soeharto")]


def test_a_name_given_in_brackets_holds_in_other_articles() -> None:
    project = make_project([
        ("Kementerian Luar Negeri (Kemlu) membantah.", [("Kementerian Luar Negeri", "ORG"),
                                                       ("Kemlu", "ORG")]),
        ("Kemlu menyatakan hal serupa.", [("Kemlu", "ORG")]),
        ("Juru bicara Kementerian Luar Negeri hadir.", [("Kementerian Luar Negeri", "ORG")]),
    ])
    got = run(project)
    assert got[(0, "Kemlu")] == got[(1, "Kemlu")] == got[(2, "Kementerian Luar Negeri")]


def test_labels_of_another_scheme_are_understood() -> None:
    assert family_of("PERSON") == family_of("PER") == family_of("B-PPL") == "person"
    assert family_of("PLACE") == family_of("LOC") == "place" != family_of("MISC")
    project = make_project([
        ("Vladimir Putin tiba. Putin tersenyum.", [("Vladimir Putin", "PERSON"),
                                                 ("Putin", "PERSON")]),
        ("Putin pulang.", [("Putin", "PERSON")]),
    ])
    got = run(project)
    assert got[(0, "Putin")] == got[(0, "Vladimir Putin")] == got[(1, "Putin")]
    assert project.kb[got[(1, "Putin")]].label == "PERSON"


def test_without_any_person_label_names_are_guessed() -> None:
    docs = [("Vladimir Putin tiba di Korea Utara. Putin tersenyum.",
             [("Vladimir Putin", "ENT"), ("Putin", "ENT"), ("Korea Utara", "ENT")]),
            ("Putin pulang dari Korea.", [("Putin", "ENT"), ("Korea", "ENT")])]
    got = run(make_project(docs))
    assert got[(0, "Putin")] == got[(0, "Vladimir Putin")] == got[(1, "Putin")]
    assert got[(1, "Korea")] != got[(0, "Korea Utara")]  # "utara" is no part of a name
    with_persons = run(make_project([*docs, ("Joko tiba.", [("Joko", "PER")])]))
    assert with_persons[(1, "Putin")] != with_persons[(0, "Vladimir Putin")]


def test_token_rules() -> None:
    assert variant("moskow", "moscow") and variant("dmitri", "dmitry")
    assert variant("rusia", "russia") and not variant("putin", "putih")
    assert not variant("kim", "kin") and not variant("su57", "su58")
    assert modern("soekarno") == "sukarno" and modern("djakarta") == "jakarta"


def test_existing_entities_and_anchors_are_used() -> None:
    kb = KnowledgeBase([Entity("putin", "Vladimir Putin", "PER", ["Putin"])])
    project = make_project([
        ("Presiden Vladimir Putin menyambut Kim Jong Un. Kim tersenyum.",
         [("Vladimir Putin", "PER"), ("Kim Jong Un", "PER:kju"), ("Kim", "PER")]),
        ("Presiden Putin pulang.", [("Presiden Putin", "PER")]),
    ], kb=kb)
    project.kb.add(Entity("kju", "Kim Jong-un", "PER"))
    plan = plan_autolink(project)
    assert plan.to_existing == 3 and plan.new_entities == []
    autolink_command(project, plan).do(project)
    got = linked(project)
    assert got[(0, "Vladimir Putin")] == got[(1, "Presiden Putin")] == {"putin"}
    assert got[(0, "Kim")] == {"kju"}  # beside a span linked by hand
    assert "Presiden Putin" in project.kb["putin"].aliases  # learned, as when linking by hand


def test_threshold_decides_what_is_confident() -> None:
    kb = KnowledgeBase([Entity("moskow", "Moskow", "GPE")])
    docs = [("Moscow dingin.", [("Moscow", "GPE")])]
    strict = plan_autolink(make_project(docs, kb=kb), threshold=99.0)
    assert strict.to_existing == 0 and len(strict.new_entities) == 1
    assert plan_autolink(make_project(docs, kb=kb), threshold=85.0).to_existing == 1


def test_command_is_one_undoable_step() -> None:
    project = make_project([RUSSIA])
    before = [(s, s.origin, s.kb_id) for s in project.sets_of()[0].spans]
    notified: list[str] = []
    kb_notified: list[int] = []
    project.subscribe(notified.append)
    project.subscribe_kb(lambda: kb_notified.append(len(project.kb)))
    plan = plan_autolink(project)
    command = autolink_command(project, plan)
    command.do(project)
    spans = project.sets_of()[0].spans
    assert all(s.origin == Origin.AUTO and s.kb_id for s in spans)
    assert len(project.kb) == len(plan.new_entities) == 4 and auto_links(project) == len(spans)
    assert notified == [project.article_ids[0]] and kb_notified == [4]
    command.undo(project)
    assert [(s, s.origin, s.kb_id) for s in project.sets_of()[0].spans] == before
    assert len(project.kb) == 0
    command.do(project)  # redo
    assert auto_links(project) == len(spans) and len(project.kb) == 4


def test_accept_all_auto_links_at_once() -> None:
    project = make_project([RUSSIA])
    autolink_command(project, plan_autolink(project)).do(project)
    links = {s.key: s.kb_id for s in project.sets_of()[0].spans}
    accept = accept_auto_links(project)
    accept.do(project)
    assert auto_links(project) == 0
    assert {s.key: s.kb_id for s in project.sets_of()[0].spans} == links
    assert all(s.origin == Origin.MANUAL for s in project.sets_of()[0].spans)
    accept.undo(project)
    assert auto_links(project) == len(links)


def test_a_stale_plan_never_overwrites_later_work() -> None:
    project = make_project([RUSSIA])
    plan = plan_autolink(project)
    aset = project.sets_of()[0]
    putin = next(s for s in aset.spans if s.end - s.start == len("Vladimir Putin"))
    aset.spans[aset.spans.index(putin)] = putin.with_(kb_id="by-hand")  # linked meanwhile
    project.kb.add(Entity(plan.new_entities[0].kb_id, "Someone", "PER"))  # id taken meanwhile
    autolink_command(project, plan).do(project)
    spans = {s.key: s for s in project.sets_of()[0].spans}
    assert spans[putin.key].kb_id == "by-hand" and spans[putin.key].origin == Origin.MANUAL
    assert project.kb[plan.new_entities[0].kb_id].name == "Someone"
    assert len(project.kb) == 5


def test_plans_for_another_annotator_edit_their_set() -> None:
    project = make_project([RUSSIA], annotator="budi", owner="ayu")
    plan = plan_autolink(project, "budi")
    assert plan.annotator == "budi" and plan.links
    autolink_command(project, plan).do(project)
    assert auto_links(project, "budi") == len(plan.links) and auto_links(project) == 0


def test_progress_cancel_and_nothing_to_do() -> None:
    project = make_project([RUSSIA, ("Putin pulang.", [("Putin", "PER")])])
    seen: list[tuple[int, int]] = []
    plan_autolink(project, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)
    cancelled = plan_autolink(project, cancelled=lambda: True)
    assert cancelled.cancelled and not cancelled.links
    autolink_command(project, plan_autolink(project)).do(project)
    again = plan_autolink(project)
    assert not again.links and not again.new_entities and not again.cancelled


@pytest.mark.parametrize("n_docs", [1, 60])
def test_every_unlinked_span_gets_exactly_one_link(n_docs: int) -> None:
    docs = [RUSSIA, *[(f"Putin dan Kim bertemu lagi di Vladivostok ({n}).",
                       [("Putin", "PER"), ("Kim", "PER"), ("Vladivostok", "GPE")])
                      for n in range(n_docs)]]
    project = make_project(docs)
    plan = plan_autolink(project)
    keys = [(aid, span.key) for aid, span, _ in plan.links]
    assert len(keys) == len(set(keys)) == sum(len(s.spans) for s in project.sets_of())
    assert {kb_id for _, _, kb_id in plan.links} == {e.kb_id for e in plan.new_entities}


def test_type_words_alone_and_company_suffixes() -> None:
    """A type word alone names nothing by its type ("DKI" is no "City"); "Co." is a company
    suffix like "Tbk"; a name with a type word is no person's name to shorten."""
    got = run(make_project([
        ("DKI menolak usul itu. City menang 2-0.", [("DKI", "ENT"), ("City", "ENT")]),
        ("Acme Co. melapor laba. Acme Widget terjual.", [("Acme Co.", "ENT"),
                                                         ("Acme Widget", "ENT")]),
        ("Acme melapor laba lagi.", [("Acme", "ENT")]),
        ("Universitas Merapi Sleman dibuka. Warga Sleman datang.",
         [("Universitas Merapi Sleman", "ENT"), ("Sleman", "ENT")]),
    ]))
    assert got[(0, "DKI")] != got[(0, "City")]
    assert got[(1, "Acme Co.")] == got[(2, "Acme")]
    assert got[(3, "Sleman")] != got[(3, "Universitas Merapi Sleman")]


def test_without_labels_a_known_place_is_no_short_form_of_a_longer_name() -> None:
    """Head first, modifier after: "Jakarta" in "Bursa Efek Jakarta" is where the exchange is,
    not its short name; "Kota Jakarta" is still Jakarta, and a person's surname still joins."""
    got = run(make_project([
        ("Saham di Bursa Efek Jakarta naik. Garuda Indonesia terbang lagi.",
         [("Bursa Efek Jakarta", "ENT"), ("Garuda Indonesia", "ENT")]),
        ("Hujan turun di Jakarta dan Kota Jakarta. Indonesia berduka. Hartono Wijaya tiba.",
         [("Jakarta", "ENT"), ("Kota Jakarta", "ENT"), ("Indonesia", "ENT"),
          ("Hartono Wijaya", "ENT")]),
        ("Jakarta macet. Indonesia menang. Wijaya tersenyum.",
         [("Jakarta", "ENT"), ("Indonesia", "ENT"), ("Wijaya", "ENT")]),
    ]))
    assert got[(1, "Jakarta")] == got[(2, "Jakarta")] == got[(1, "Kota Jakarta")]
    assert got[(2, "Jakarta")] != got[(0, "Bursa Efek Jakarta")]
    assert got[(2, "Indonesia")] == got[(1, "Indonesia")] != got[(0, "Garuda Indonesia")]
    assert got[(2, "Wijaya")] == got[(1, "Hartono Wijaya")]


def test_a_nickname_that_starts_a_name_joins_it() -> None:
    """"Sulis" is the start of "Sulistyowati": with labels and without, across articles and
    inside one; a full word of another name wins over a prefix, places never shorten."""
    for label in ("PER", "ENT"):
        got = run(make_project([
            ("Ketua Sulistyowati Harjono membuka rapat.", [("Sulistyowati Harjono", label)]),
            ("Sulis menolak usul itu, kata Sulistyowati.", [("Sulis", label),
                                                            ("Sulistyowati", label)]),
            ("Wartawan menunggu Sulis di gedung.", [("Sulis", label)]),
            ("Ratna Wulandari tiba. Ratna tersenyum.", [("Ratna Wulandari", label),
                                                        ("Ratna", label)]),
        ]))
        assert got[(0, "Sulistyowati Harjono")] == got[(1, "Sulis")] == got[
            (1, "Sulistyowati")] == got[(2, "Sulis")]
        assert got[(3, "Ratna")] == got[(3, "Ratna Wulandari")]
    got = run(make_project([("Warga Jakarta pindah.", [("Jakarta", "ENT")]),
                            ("Jaka Santosa tiba.", [("Jaka Santosa", "ENT")]),
                            ("Jakartanto Sulaiman tiba.", [("Jakartanto Sulaiman", "ENT")])]))
    assert got[(0, "Jakarta")] != got[(2, "Jakartanto Sulaiman")]


def test_village_and_district_are_type_words() -> None:
    got = run(make_project([("Desa Karangsari banjir.", [("Desa Karangsari", "GPE")]),
                            ("Warga Karangsari mengungsi.", [("Karangsari", "GPE")]),
                            ("Kecamatan Karangsari rapat.", [("Kecamatan Karangsari", "GPE")])]))
    assert got[(0, "Desa Karangsari")] == got[(1, "Karangsari")]
    assert got[(0, "Desa Karangsari")] != got[(2, "Kecamatan Karangsari")]


def test_a_middle_initial_and_a_bracketed_nickname_hold_across_articles() -> None:
    """"Rudy T Hartanto" is "Rudy Tjokro Hartanto" (T for the old spelling of "Cokro"); the
    nickname given in brackets beside either spelling names him in every other article."""
    for label in ("PER", "ENT"):
        got = run(make_project([
            ("Gubernur Rudy Tjokro Hartanto (Koko) hadir.", [("Rudy Tjokro Hartanto", label),
                                                            ("Koko", label)]),
            ("Rudy T Hartanto (Koko) menolak.", [("Rudy T Hartanto", label), ("Koko", label)]),
            ("Warga mengeluh, Koko diam.", [("Koko", label)]),
            ("Rudy Cokro Hartanto tiba. Rudy A Hartanto pulang.",
             [("Rudy Cokro Hartanto", label), ("Rudy A Hartanto", label)]),
        ]))
        one = got[(0, "Rudy Tjokro Hartanto")]
        assert one == got[(1, "Rudy T Hartanto")] == got[(2, "Koko")] == got[
            (3, "Rudy Cokro Hartanto")]
        assert got[(3, "Rudy A Hartanto")] != one


def test_a_type_word_alone_names_the_one_name_with_it() -> None:
    """"DKI" or "City" alone stands for the name of the project that holds that type word."""
    for label in ("ORG", "ENT"):
        project = make_project([
            ("Pemain Riverton City berlatih. City menang.", [("Riverton City", label),
                                                             ("City", label)]),
            ("City kalah tadi malam.", [("City", label)]),
            ("Rapat di DKI Sukamaju. Kota Sukamaju tenang.", [("DKI Sukamaju", label)]),
            ("Anggaran DKI naik.", [("DKI", label)]),
        ])
        got = run(project)
        assert got[(0, "Riverton City")] == got[(0, "City")] == got[(1, "City")]
        assert got[(2, "DKI Sukamaju")] == got[(3, "DKI")] != got[(1, "City")]
        assert project.kb[got[(1, "City")]].name == "Riverton City"


def test_a_clipped_name_joins_the_name_it_clips() -> None:
    """Indonesian clips the starts of a name's words: "Kemenhut" = "Kementerian Kehutanan"
    (the "ke" of "kehutanan" may go), "Sumteng" = "Sumatra Tengah"; words must be taken in
    order, every word must give letters and every letter must come from a word."""
    for label in ("ORG", "ENT"):
        got = run(make_project([
            ("Kementerian Kehutanan menolak. Sumatra Tengah banjir.",
             [("Kementerian Kehutanan", label), ("Sumatra Tengah", label)]),
            ("Kemenhut membantah. Warga Sumteng mengungsi. Kemenhan diam.",
             [("Kemenhut", label), ("Sumteng", label), ("Kemenhan", label)]),
            ("Sumatra Barat cerah. Kemenhutbun dibentuk.",
             [("Sumatra Barat", label), ("Kemenhutbun", label)]),
        ]))
        assert got[(0, "Kementerian Kehutanan")] == got[(1, "Kemenhut")]
        assert got[(0, "Sumatra Tengah")] == got[(1, "Sumteng")] != got[(2, "Sumatra Barat")]
        assert got[(1, "Kemenhan")] != got[(1, "Kemenhut")]
        assert got[(2, "Kemenhutbun")] != got[(1, "Kemenhut")]  # "bun" clips no word


def test_without_labels_a_subsidiary_marked_in_capitals_stays_apart() -> None:
    """"Sinar Pangan KBP" is a unit of "Sinar Pangan", not a longer name of it; two capitals
    between a person's names are initials and do not keep the short name apart."""
    got = run(make_project([
        ("Sinar Pangan KBP melantai. Sinar Pangan untung.", [("Sinar Pangan KBP", "ENT"),
                                                             ("Sinar Pangan", "ENT")]),
        ("Laba Sinar Pangan naik.", [("Sinar Pangan", "ENT")]),
        ("Menlu Sri LP Wahyuni tiba.", [("Sri LP Wahyuni", "ENT")]),
        ("Sri Wahyuni berpidato.", [("Sri Wahyuni", "ENT")]),
    ]))
    assert got[(0, "Sinar Pangan")] == got[(1, "Sinar Pangan")] != got[(0, "Sinar Pangan KBP")]
    assert got[(2, "Sri LP Wahyuni")] == got[(3, "Sri Wahyuni")]


def test_an_acronym_prefers_its_expansion_to_a_name_holding_it() -> None:
    """"KPN" alone is "Komisi Pangan Nasional" of the project, not "KPN Sentosa" whose first
    word it is."""
    got = run(make_project([
        ("Klub KPN Sentosa menang. Komisi Pangan Nasional rapat.",
         [("KPN Sentosa", "ENT"), ("Komisi Pangan Nasional", "ENT")]),
        ("KPN menolak impor beras.", [("KPN", "ENT")]),
    ]))
    assert got[(1, "KPN")] == got[(0, "Komisi Pangan Nasional")] != got[(0, "KPN Sentosa")]


def test_each_link_has_a_confidence_and_doubtful_ones_come_first() -> None:
    """Same full name: sure; a short form two entities could own, with nothing around it to
    decide: doubtful, listed first; a lone mention: nothing joined, nothing to doubt."""
    from annotator.core.autolink.planner import DOUBTFUL, LARGEST_GUESS

    project = make_project([
        ("Joko Santoso berbicara. Santoso menambahkan.", [("Joko Santoso", "PER"),
                                                        ("Santoso", "PER")]),
        ("Budi Santoso tiba di Bandung. Budi Santoso tersenyum.",
         [("Budi Santoso", "PER"), ("Bandung", "GPE")]),
        ("Budi Santoso pulang.", [("Budi Santoso", "PER")]),
        ("Santoso diam.", [("Santoso", "PER")]),
    ])
    plan = plan_autolink(project)
    assert len(plan.confidence) == len(plan.links)
    assert all(0.0 <= c <= 1.0 for c in plan.confidence)
    text = {aid: project.text(aid) for aid in project.article_ids}
    sure = {(project.article_ids.index(aid), text[aid][s.start : s.end]): c
            for (aid, s, _), c in zip(plan.links, plan.confidence, strict=True)}
    assert sure[(2, "Budi Santoso")] >= 0.9 and sure[(1, "Bandung")] == 1.0
    assert sure[(0, "Santoso")] >= 0.9  # its full name is in the same text
    assert LARGEST_GUESS <= sure[(3, "Santoso")] < DOUBTFUL  # the larger one took it
    doubtful = plan.doubtful()
    assert doubtful and doubtful[0][0] == sure[(3, "Santoso")] == min(plan.confidence)
    assert [c for c, _ in doubtful] == sorted(c for c, _ in doubtful)
    assert all(c < DOUBTFUL for c, _ in doubtful)


def test_without_labels_a_name_with_a_head_noun_is_no_persons() -> None:
    """"Jembatan Kenari" is a bridge named after Kenari, "Nusa Channel" a channel of Nusa:
    neither is a longer form of the one word, though a person's surname still is."""
    got = run(make_project([
        ("Jembatan Kenari ditutup. Nusa Channel menayangkan Hendro Kusumo.",
         [("Jembatan Kenari", "ENT"), ("Nusa Channel", "ENT"), ("Hendro Kusumo", "ENT")]),
        ("Warga Kenari protes. Saham Nusa naik. Kusumo menolak.",
         [("Kenari", "ENT"), ("Nusa", "ENT"), ("Kusumo", "ENT")]),
    ]))
    assert got[(1, "Kenari")] != got[(0, "Jembatan Kenari")]
    assert got[(1, "Nusa")] != got[(0, "Nusa Channel")]
    assert got[(1, "Kusumo")] == got[(0, "Hendro Kusumo")]


def test_clipped_names_with_type_words_and_renamed_countries() -> None:
    """"Partai Demnas" and "Demnas" both clip "Partai Demokrasi Nasional"; "Cina" is the old
    name of "Tiongkok"."""
    for label in ("ORG", "ENT"):
        got = run(make_project([
            ("Partai Demokrasi Nasional menang. Kapal Cina berlayar di Laut Cina Timur.",
             [("Partai Demokrasi Nasional", label), ("Cina", "GPE" if label == "ORG" else label),
              ("Laut Cina Timur", "LOC" if label == "ORG" else label)]),
            ("Partai Demnas menolak. Demnas kalah.", [("Partai Demnas", label),
                                                     ("Demnas", label)]),
            ("Tiongkok protes soal Laut Tiongkok Timur.",
             [("Tiongkok", "GPE" if label == "ORG" else label),
              ("Laut Tiongkok Timur", "LOC" if label == "ORG" else label)]),
        ]))
        assert got[(0, "Partai Demokrasi Nasional")] == got[(1, "Partai Demnas")] == got[
            (1, "Demnas")]
        assert got[(0, "Cina")] == got[(2, "Tiongkok")]
        assert got[(0, "Laut Cina Timur")] == got[(2, "Laut Tiongkok Timur")]


def test_with_labels_the_same_name_of_incompatible_labels_stays_apart() -> None:
    """"Sleman" the regency (GPE) and "Sleman" the club (ORG) are two entities; GPE, LOC and
    FAC are one family of places, so a place labelled LOC once still joins."""
    got = run(make_project([
        ("Hujan deras di Sleman.", [("Sleman", "GPE")]),
        ("Sleman menang 2-0 atas Bantul.", [("Sleman", "ORG"), ("Bantul", "ORG")]),
        ("Banjir melanda Sleman dan Bantul.", [("Sleman", "LOC"), ("Bantul", "GPE")]),
    ]))
    assert got[(0, "Sleman")] == got[(2, "Sleman")] != got[(1, "Sleman")]
    assert got[(1, "Bantul")] != got[(2, "Bantul")]


def test_a_leading_the_is_no_part_of_a_name_and_manual_plans_have_no_doubts() -> None:
    from annotator.core.autolink import AutoLinkPlan

    got = run(make_project([("The Acme Company melapor.", [("The Acme Company", "ORG")]),
                            ("Acme Co. untung.", [("Acme Co.", "ORG")])]))
    assert got[(0, "The Acme Company")] == got[(1, "Acme Co.")]
    plan = AutoLinkPlan("ayu", links=[("a", Span(0, 3, "ORG"), "acme")])
    assert plan.doubtful() == [] and plan.doubtful(below=1.1) == [
        (1.0, ("a", Span(0, 3, "ORG"), "acme"))]


def test_with_labels_an_organisation_short_name_joins_the_organisation() -> None:
    """Both ORG, head first: "Merapi" is "Merapi Sleman" (the club); "Sleman" is its
    modifier, the regency (GPE) or not, nor is an organisation's name with a head noun ("Bank
    Merapi") or a unit ("Merapi KBS") a longer "Merapi"."""
    got = run(make_project([
        ("Merapi Sleman menang. Suporter Merapi bersorak di Sleman.",
         [("Merapi Sleman", "ORG"), ("Merapi", "ORG"), ("Sleman", "GPE")]),
        ("Pemkab Sleman memuji Sleman.", [("Sleman", "ORG")]),
        ("Merapi kalah tadi malam. Bank Merapi dan Merapi KBS untung.",
         [("Merapi", "ORG"), ("Bank Merapi", "ORG"), ("Merapi KBS", "ORG")]),
    ]))
    assert got[(0, "Merapi Sleman")] == got[(0, "Merapi")] == got[(2, "Merapi")]
    assert got[(0, "Sleman")] != got[(0, "Merapi Sleman")] != got[(1, "Sleman")]
    assert got[(2, "Bank Merapi")] != got[(2, "Merapi")] != got[(2, "Merapi KBS")]
    assert got[(2, "Merapi")] == got[(0, "Merapi")]


def test_one_acronym_of_two_names_never_joins_them() -> None:
    """"BPS" abbreviates two bodies of the project: each text's brackets say which, the words
    around a bare "BPS" choose one, and the two bodies stay two entities."""
    for label in ("ORG", "ENT"):
        got = run(make_project([
            ("Badan Pusat Statistik (BPS) mencatat inflasi naik. BPS merilis data inflasi.",
             [("Badan Pusat Statistik", label), ("BPS", label)]),
            ("Bank Pembangunan Sumatra (BPS) menyalurkan kredit. BPS menambah kredit usaha.",
             [("Bank Pembangunan Sumatra", label), ("BPS", label)]),
            ("Menurut BPS, inflasi bulan ini naik tipis.", [("BPS", label)]),
        ]))
        stats, bank = got[(0, "Badan Pusat Statistik")], got[(1, "Bank Pembangunan Sumatra")]
        assert stats != bank
        assert got[(0, "BPS")] == stats and got[(1, "BPS")] == bank
        assert got[(2, "BPS")] == stats


def test_airport_names_without_international_and_bandar_udara() -> None:
    """"Bandar Udara Internasional Sentani" = "Bandara Internasional Sentani" = "Bandara
    Sentani"; "Internasional" stays in names that are no facility's."""
    for label in ("FAC", "ENT"):
        got = run(make_project([
            ("Bandar Udara Internasional Sentani ditutup.",
             [("Bandar Udara Internasional Sentani", label)]),
            ("Bandara Internasional Sentani dibuka. Bandara Sentani ramai.",
             [("Bandara Internasional Sentani", label), ("Bandara Sentani", label)]),
            ("Amnesti Internasional mengecam. Amnesti membantah.",
             [("Amnesti Internasional", label), ("Amnesti", label)]),
        ]))
        assert got[(0, "Bandar Udara Internasional Sentani")] == got[
            (1, "Bandara Internasional Sentani")] == got[(1, "Bandara Sentani")]
        assert got[(2, "Amnesti Internasional")] != got[(1, "Bandara Sentani")]


def test_abbreviated_type_words() -> None:
    got = run(make_project([("Banjir di Kab. Sukamaju meluas.", [("Kab. Sukamaju", "GPE")]),
                            ("Kabupaten Sukamaju siaga.", [("Kabupaten Sukamaju", "GPE")]),
                            ("Kota Sukamaju tenang.", [("Kota Sukamaju", "GPE")])]))
    assert got[(0, "Kab. Sukamaju")] == got[(1, "Kabupaten Sukamaju")] != got[
        (2, "Kota Sukamaju")]


def test_known_places_come_from_the_gazetteers(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from annotator.core.autolink.names import known_places

    assert ("jakarta",) in known_places() and ("amerika", "serikat") in known_places()
    (tmp_path / "gazetteer").mkdir()
    (tmp_path / "gazetteer" / "gpe.jsonl").write_text(
        '{"label": "GPE", "pattern": "Kotabaru Djaya"}\nnot json\n', encoding="utf-8")
    monkeypatch.setenv("ANNOTATOR_RESOURCES", str(tmp_path))
    known_places.cache_clear()
    try:
        assert known_places() == frozenset({("kotabaru", "jaya")})
    finally:
        monkeypatch.delenv("ANNOTATOR_RESOURCES")
        known_places.cache_clear()


def test_unlinked_mentions_of_an_entity_are_found_and_linked_in_one_step() -> None:
    from annotator.core.commands import AddSpan
    from annotator.core.entities import Entity
    from annotator.core.entity_commands import link_mentions, unlinked_mentions
    from annotator.core.labels import LabelScheme
    from annotator.core.model import ArticleInfo, Origin, Span
    from annotator.core.project import Project

    texts = {"a": "Vladimir Putin tiba.", "b": "Putin dan Kim.", "c": "Putin Cup digelar."}
    p = Project("ayu", LabelScheme.default(), texts.__getitem__,
                [ArticleInfo(i, i) for i in texts])
    p.kb.add(Entity("putin", "Vladimir Putin", "PER", aliases=["Putin"]))
    AddSpan("a", Span(0, 14, "PER", Origin.MANUAL)).do(p)
    AddSpan("b", Span(0, 5, "PER", Origin.MANUAL)).do(p)
    AddSpan("c", Span(0, 9, "EVENT", Origin.MANUAL)).do(p)  # another thing
    found = unlinked_mentions(p, p.kb["putin"])
    assert [(a, s.start, s.end) for a, s in found] == [("a", 0, 14), ("b", 0, 5)]
    command = link_mentions(found, p.kb["putin"])
    command.do(p)
    assert [s.kb_id for a in "ab" for s in p.annotation_set(a).spans] == ["putin", "putin"]
    command.undo(p)
    assert [s.kb_id for a in "ab" for s in p.annotation_set(a).spans] == [None, None]
