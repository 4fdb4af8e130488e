"""Find in articles and article filters: pure logic."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.commands import AddSpan, SetStatus
from annotator.core.labels import LabelScheme
from annotator.core.model import ArticleInfo, ArticleStatus, Span
from annotator.core.project import Project
from annotator.core.search import (
    ArticleFilter,
    FindOptions,
    Hit,
    article_matches,
    base_letter,
    context,
    date_key,
    find_in_text,
    parse_date,
    project_texts,
    search,
    status_rank,
)

TEXT = "Presiden Vladimir Putin bertemu KIM Jong\nUn. Menhan Šojgu (Shoigu) ikut; café cafe\u0301."


def surfaces(text: str, query: str, **options) -> list[str]:  # noqa: ANN003
    return [text[s:e] for s, e in find_in_text(text, query, FindOptions(**options))]


def test_case_insensitive_by_default_and_across_line_breaks() -> None:
    assert surfaces(TEXT, "kim jong un") == ["KIM Jong\nUn"]
    assert surfaces(TEXT, "kim jong un", match_case=True) == []
    assert surfaces(TEXT, "  putin ") == ["Putin"]


def test_diacritics_ignored_by_default_and_optionally_kept() -> None:
    assert surfaces(TEXT, "sojgu") == ["Šojgu"]
    assert surfaces(TEXT, "Šojgu", ignore_diacritics=False) == ["Šojgu"]
    assert surfaces(TEXT, "sojgu", ignore_diacritics=False) == []
    # precomposed and decomposed "é" both match, the combining mark inside the hit
    assert surfaces(TEXT, "CAFE") == ["café", "cafe\u0301"]
    assert surfaces(TEXT, "café", match_case=True) == ["café", "cafe\u0301"]


def test_offsets_are_code_points_of_the_original_text() -> None:
    text = "😀 Ayu bertemu Ayu"
    assert find_in_text(text, "ayu") == [(2, 5), (14, 17)]


def test_whole_word_and_regex_characters_are_literal() -> None:
    assert surfaces(TEXT, "put", whole_word=True) == []
    assert surfaces(TEXT, "putin", whole_word=True) == ["Putin"]
    assert surfaces(TEXT, "(Shoigu)") == ["(Shoigu)"]
    assert surfaces(TEXT, ".*") == []
    assert find_in_text(TEXT, "") == [] and find_in_text(TEXT, "   ") == []


def test_search_is_bounded_and_lazy() -> None:
    loaded: list[str] = []

    def texts():  # noqa: ANN202
        for i in range(100):
            loaded.append(str(i))
            yield str(i), "ayu ayu ayu"

    result = search(texts(), "ayu", limit=7)
    assert len(result) == 7 and result.truncated
    assert result.hits[0] == Hit("0", 0, 3)
    assert len(loaded) == 3  # stopped after the third article
    full = search([("a", "ayu"), ("b", "x"), ("c", "Ayu")], "AYU")
    assert not full.truncated and full.articles == 2
    assert [h.article_id for h in full.hits] == ["a", "c"]
    assert search([("a", "ayu")], "").hits == []


def test_kwic_context_is_one_line() -> None:
    start = TEXT.index("KIM")
    assert context(TEXT, start, start + 11, width=9) == (" bertemu ", "KIM Jong Un", ". Menhan ")
    assert context("ab\n\ncd", 4, 5, width=5) == ("ab ", "c", "d")


def test_base_letter() -> None:
    assert [base_letter(c) for c in "éŠøxß1"] == ["e", "S", "o", "x", "ß", "1"]


@given(
    st.text(alphabet="abcdeé É\u0301x", max_size=40),
    st.text(alphabet="abcdeé", min_size=1, max_size=3),
)
def test_every_hit_folds_to_the_query(text: str, query: str) -> None:
    def fold(s: str) -> str:
        return "".join(base_letter(c) for c in s if c != "\u0301").casefold()

    for start, end in find_in_text(text, query):
        assert fold(" ".join(text[start:end].split())) == fold(query)


# -- article filters ------------------------------------------------------------------
@pytest.fixture()
def project() -> Project:
    infos = [
        ArticleInfo("a1", "Kim tiba di Rusia", {"date": "2023-09-12"}),
        ArticleInfo("a2", "Putin bertemu Kim", {"date": "13/09/2023"}),
        ArticleInfo("a3", "Pabrik pesawat", {}),
    ]
    p = Project("ayu", LabelScheme.default(), lambda i: f"text of {i}", infos)
    AddSpan("a1", Span(0, 3, "PER", kb_id="kim")).do(p)
    AddSpan("a2", Span(0, 5, "PER", kb_id="putin")).do(p)
    AddSpan("a2", Span(6, 10, "GPE")).do(p)
    SetStatus("a2", ArticleStatus.DONE).do(p)
    other = p.annotation_set("a3", "budi")
    other.insert_span(Span(0, 4, "FAC"))
    other.status = ArticleStatus.DONE
    return p


def filter_articles(project: Project, flt: ArticleFilter) -> list[str]:
    """Ids of the articles passing `flt`, in project order (as the article list shows them)."""
    return [i for i in project.article_ids if article_matches(project, i, flt)]


def test_filters_by_status_label_entity_title(project: Project) -> None:
    assert filter_articles(project, ArticleFilter()) == ["a1", "a2", "a3"]
    assert filter_articles(project, ArticleFilter(status=ArticleStatus.DONE)) == ["a2"]
    assert filter_articles(project, ArticleFilter(status=ArticleStatus.NEW)) == ["a3"]
    assert filter_articles(project, ArticleFilter(label="PER")) == ["a1", "a2"]
    assert filter_articles(project, ArticleFilter(label="GPE", entity="putin")) == ["a2"]
    assert filter_articles(project, ArticleFilter(entity="kim")) == ["a1"]
    assert filter_articles(project, ArticleFilter(title="KIM")) == ["a1", "a2"]
    assert not ArticleFilter().active and ArticleFilter(label="PER").active


def test_annotator_filter_reads_that_annotators_sets(project: Project) -> None:
    assert filter_articles(project, ArticleFilter(annotator="budi")) == ["a3"]
    assert filter_articles(project, ArticleFilter(annotator="budi", label="FAC")) == ["a3"]
    assert filter_articles(project, ArticleFilter(annotator="budi", label="PER")) == []
    assert filter_articles(project, ArticleFilter(annotator="ayu")) == ["a1", "a2"]
    assert filter_articles(project, ArticleFilter(annotator="nobody")) == []


def test_project_texts_loads_in_order(project: Project) -> None:
    assert [i for i, _ in project_texts(project)] == ["a1", "a2", "a3"]
    assert search(project_texts(project), "of a2").hits == [Hit("a2", 5, 10)]


def test_sort_keys() -> None:
    assert [status_rank(s) for s in ArticleStatus] == [0, 1, 2, 3, 4]
    assert status_rank("bogus") == 5
    assert parse_date("2023-09-12") == date(2023, 9, 12)
    assert parse_date("2023-09-12T08:30:00Z") == date(2023, 9, 12)
    assert parse_date("13/09/2023") == date(2023, 9, 13)
    assert parse_date("Selasa, 12 September 2023") == date(2023, 9, 12)
    assert parse_date("15 Agu 2023") == date(2023, 8, 15)
    assert parse_date("kemarin") is None and parse_date(None) is None
    assert parse_date(True) is None
    dated = sorted([{"date": "2023-09-13"}, {}, {"date": "12/09/2023"}], key=date_key)
    assert dated == [{"date": "12/09/2023"}, {"date": "2023-09-13"}, {}]


def test_find_spans_by_label_entity_origin_state_and_text() -> None:
    from annotator.core.model import Origin
    from annotator.core.search import SpanQuery, find_spans

    texts = {"a": "Putin bertemu Kim di Kremlin, Moskow.", "b": "Kremlin membantah."}
    p = Project("ayu", LabelScheme.default(), texts.__getitem__,
                [ArticleInfo(i, i) for i in texts])
    AddSpan("a", Span(0, 5, "PER", Origin.MANUAL, kb_id="putin")).do(p)
    AddSpan("a", Span(21, 28, "ORG", Origin.MANUAL)).do(p)
    p.merge_suggestions("a", [Span(30, 36, "GPE", Origin.SUGGESTED)])
    p.merge_suggestions("b", [Span(0, 7, "ORG", Origin.PROPAGATED)])

    def found(**kw) -> list[tuple[str, int]]:  # noqa: ANN003
        return [(h.article_id, h.start) for h in find_spans(p, ["a", "b"], SpanQuery(**kw)).hits]

    assert found(label="ORG") == [("a", 21), ("b", 0)]
    assert found(label="ORG", state="accepted") == [("a", 21)]
    assert found(state="suggested") == [("a", 30), ("b", 0)]
    assert found(kb_id="putin") == [("a", 0)]
    assert found(origin=Origin.PROPAGATED) == [("b", 0)]
    assert found(text="kreml") == [("a", 21), ("b", 0)]
    assert not SpanQuery().active and SpanQuery(state="accepted").active
