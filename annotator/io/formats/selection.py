"""Which annotation sets an export takes: by annotator (one, gold or all), status and article.

An article is skipped, with a reason, when none of the chosen annotators touched it ("not
annotated") or when none of their sets has the wanted status. Untouched sets (only machine
suggestions, no decision) are never exported. Articles come in project order and an article's
sets in annotator-name order, so the same data always gives the same output.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from annotator.core.annotations import AnnotationSet
from annotator.core.model import ArticleInfo, ArticleStatus
from annotator.core.project import Project


@dataclass
class Chosen:
    """One article to export and its chosen annotation sets (at least one)."""

    info: ArticleInfo
    sets: list[AnnotationSet]


@dataclass
class Selection:
    """The articles to export, in project order, and the (title, reason) of those skipped."""

    chosen: list[Chosen] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def select_sets(
    project: Project,
    *,
    annotator: str | None = None,
    status: ArticleStatus | None = None,
    articles: Collection[str] | None = None,
) -> Selection:
    """The sets of `annotator` (None: every annotator, "gold": the gold versions) to export.

    `articles` limits the export to those article ids (a selection in the window); articles
    outside it are not reported as skipped. Only sets already loaded into `project` count
    (see `store.session.load_all_sets`).
    """
    who_all = [annotator] if annotator else project.annotators()
    wanted = set(articles) if articles is not None else None
    selection = Selection()
    for info in project.infos:
        if wanted is not None and info.id not in wanted:
            continue
        if info.id in project.damaged_articles:  # its spans would be shifted
            selection.skipped.append((info.title, "text damaged: "
                                      + project.damaged_articles[info.id]))
            continue
        sets = [s for s in (project.existing_set(info.id, w) for w in who_all) if s is not None]
        sets = [s for s in sets if s.touched]
        chosen = [s for s in sets if status is None or s.status == status]
        if chosen:
            selection.chosen.append(Chosen(info, chosen))
        else:
            reason = "not annotated" if not sets else f"status is not {status}"
            selection.skipped.append((info.title, reason))
    return selection
