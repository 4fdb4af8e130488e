"""What one auto-linking pass knows as it goes: mentions, groups, their entities.

The planner (`planner.Planner`) fills a `PlanState`; the context model (`context.Context`)
reads it to choose among candidate entities. Mentions and groups are numbered by their place
in `PlanState.mentions` and `PlanState.groups`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from annotator.core.autolink.keys import KeyTable
from annotator.core.model import Span
from annotator.core.union_find import LinkedUnionFind


class Mention(NamedTuple):
    """An accepted span to link (or a linked one anchoring its entity) with its name key."""

    article_id: str
    span: Span
    surface: str  # the article's text under the span
    key: int  # canonical name key (`KeyTable.find(raw_key)`)
    raw_key: int  # name key as written, before spelling variants are unified


@dataclass(slots=True)
class Group:
    """A group of mentions of one article (or an existing entity with no article)."""

    article: int  # index into `PlanState.articles`, -1 for an existing entity
    keys: set[int]
    rep: int  # its longest name key
    mentions: list[int] = field(default_factory=list)
    kb_id: str | None = None
    sure: float = 1.0  # how sure its attachment to its entity is (see AutoLinkPlan.confidence)


@dataclass
class PlanState:
    """The articles, mentions and groups of a pass, and which groups are one entity (`uf`)."""

    keys: KeyTable = field(default_factory=KeyTable)
    mentions: list[Mention] = field(default_factory=list)
    local_sure: list[float] = field(default_factory=list)  # per mention: its grouping's
    articles: list[str] = field(default_factory=list)  # article ids, in plan order
    texts: list[str] = field(default_factory=list)  # their texts
    groups: list[Group] = field(default_factory=list)
    by_article: list[list[int]] = field(default_factory=list)  # group numbers per article
    uf: LinkedUnionFind = field(default_factory=LinkedUnionFind)  # over group numbers
