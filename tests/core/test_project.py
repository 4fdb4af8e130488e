"""The in-memory project: typed settings changed through a command, articles deleted."""

from __future__ import annotations

from annotator.core.labels import LabelScheme
from annotator.core.model import Article, ArticleInfo, Origin, Span
from annotator.core.project import Project


def make_project(texts: tuple[str, ...] = ("Putin di Moskow.", "Kim di Vladivostok.")
                 ) -> Project:
    articles = [Article.from_text(t, t[:8]) for t in texts]
    by_id = {a.id: a.text for a in articles}
    return Project("ayu", LabelScheme.default(), by_id.__getitem__,
                   [ArticleInfo(a.id, a.title, {}) for a in articles])


def test_project_settings_are_typed_and_keep_unknown_keys() -> None:
    from annotator.core.commands import ChangeSettings
    from annotator.core.project import ProjectSettings

    stored = {"token_snapping": False, "suggest_priority": ["learned", "builtin"],
              "retrain_after": "many", "suggest_pipeline": 5, "somebody_elses": {"a": 1}}
    settings = ProjectSettings.from_dict(stored)
    assert not settings.token_snapping and settings.suggest_priority == ("learned", "builtin")
    assert settings.retrain_after == 10 and settings.suggest_pipeline == ""  # wrong types
    assert settings.to_dict()["somebody_elses"] == {"a": 1}
    assert ProjectSettings.from_dict(settings.to_dict()) == settings
    assert "suggest_priority" not in ProjectSettings().to_dict()  # no order chosen

    project = make_project()
    heard: list[bool] = []
    project.subscribe_settings(lambda: heard.append(project.settings.suggest_model))
    command = ChangeSettings(project.settings.with_(suggest_model=True))
    command.do(project)
    command.undo(project)
    assert heard == [True, False] and project.settings == ProjectSettings()



def test_deleting_an_article_takes_every_set_and_undo_puts_it_back_in_place() -> None:
    from annotator.core.commands import AddSpan, DeleteArticle

    project = make_project(("Satu Putin.", "Dua Kim.", "Tiga Xi."))
    first, second, third = project.article_ids
    AddSpan(second, Span(4, 7, "PER", Origin.MANUAL)).do(project)
    project.annotation_set(second, "dewi")
    heard: list[tuple[str, float | None]] = []
    project.subscribe_articles(lambda aid, at: heard.append((aid, at)))
    command = DeleteArticle(second, 5.0)
    command.do(project)
    assert project.article_ids == [first, third] and project.position(third) == 1
    assert project.existing_set(second) is None and project.existing_set(second, "dewi") is None
    command.undo(project)
    assert project.article_ids == [first, second, third]
    assert [s.label for s in project.existing_set(second).spans] == ["PER"]
    assert project.existing_set(second, "dewi") is not None
    assert heard == [(second, 5.0), (second, None)]


def test_a_setting_given_as_an_extra_key_is_refused() -> None:
    import pytest

    from annotator.core.project import ProjectSettings

    with pytest.raises(ValueError, match="suggest_model"):
        ProjectSettings(extra={"suggest_model": True})


def test_a_new_suggestion_pass_replaces_what_the_last_one_suggested() -> None:
    """The learned model switched on (or updated) suggests again: the article shows its
    suggestions, not those plus the stale ones of the pass before; propagated ones stay."""
    project = make_project(("Kemarin Marvolen bertemu Putin di Moskow.",))
    [article_id] = project.article_ids
    heard: list[str] = []
    project.subscribe(heard.append)
    guess, putin = Span(8, 16, "PER", Origin.SUGGESTED), Span(25, 30, "PER", Origin.SUGGESTED)
    moskow = Span(34, 40, "GPE", Origin.SUGGESTED)
    linked = Span(25, 30, "PER", Origin.PROPAGATED, kb_id="putin")
    project.replace_suggestions(article_id, [guess, putin, moskow])
    aset = project.annotation_set(article_id)
    assert aset.suggestions == [guess, putin, moskow] and heard == [article_id]
    aset.insert_span(moskow.with_(origin=Origin.MANUAL))  # accepted by the analyst
    aset.hide_covered()
    project.replace_suggestions(article_id, [linked])  # a live propagation would do this
    later = [putin.with_(origin=Origin.MODEL), moskow.with_(label="LOC", origin=Origin.MODEL)]
    project.replace_suggestions(article_id, later)  # the model's pass: no guess, LOC
    assert [s.key for s in aset.suggestions] == [putin.key]
    assert aset.suggestions[0].kb_id == "putin"  # the propagated one is left alone
    aset.delete_span(moskow)  # the accepted one goes: the model's hidden span comes back ...
    aset.restore_displaced()
    assert moskow.with_(label="LOC") in aset.suggestions
    assert moskow not in aset.suggestions  # ... not the stale pass's GPE
    heard.clear()
    project.replace_suggestions(article_id, later)  # the same again: nothing changes
    assert heard == []
