"""Applying auto-links: a plan as one undoable step, and confirming auto links.

`autolink_command` makes a plan one CompositeCommand: new entities, aliases learned by
existing ones, and the links with origin "auto"; `accept_auto_links` turns them "manual".
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from annotator.core.autolink.planner import AutoLinkPlan
from annotator.core.commands import ArticleCommand, Change, Command, CompositeCommand
from annotator.core.entities import Entity
from annotator.core.model import Origin, Span

if TYPE_CHECKING:
    from annotator.core.annotations import AnnotationSet
    from annotator.core.project import Project


class ChangeEntities(Command):
    """Add new entities and store changed versions of others, with one KB notification."""

    text = "Change entities"

    def __init__(self, added: list[Entity], replaced: list[Entity]) -> None:
        self.added, self.replaced = added, replaced
        self._old: list[Entity] = []

    def do(self, project: Project) -> None:
        for entity in self.added:
            project.kb.add(entity)
        self._old = [project.kb.replace(e) for e in self.replaced]
        project.notify_kb()

    def undo(self, project: Project) -> None:
        for entity in reversed(self._old):
            project.kb.replace(entity)
        for entity in reversed(self.added):
            project.kb.remove(entity.kb_id)
        project.notify_kb()


class RelinkSpans(ArticleCommand):
    """Give accepted spans of one article new links and origin (skips spans since changed)."""

    text = "Link spans"
    starts_progress = False

    def __init__(self, article_id: str, links: list[tuple[Span, str]], origin: Origin,
                 annotator: str | None = None, only_unlinked: bool = True) -> None:
        super().__init__(article_id)
        self.links, self.origin, self.annotator = links, origin, annotator
        self.only_unlinked = only_unlinked

    def plan(self, aset: AnnotationSet) -> list[Change]:
        current = {s.key: s for s in aset.spans}
        changes = []
        for span, kb_id in self.links:
            old = current.get(span.key)
            if old is None or (self.only_unlinked and old.kb_id):
                continue
            new = old.with_(origin=self.origin, kb_id=kb_id or None)  # notes stay
            changes += [Change("span", False, old), Change("span", True, new)]
        return changes

    def do(self, project: Project) -> None:
        aset = project.annotation_set(self.article_id, self.annotator)
        if self._changes is None:
            self._changes = self.plan(aset)
        self._swap(aset, self._changes)
        project.notify(self.article_id)

    def undo(self, project: Project) -> None:
        aset = project.annotation_set(self.article_id, self.annotator)
        self._swap(aset, [c.inverse() for c in reversed(self._changes or [])])
        project.notify(self.article_id)

    @staticmethod
    def _swap(aset: AnnotationSet, changes: list[Change]) -> None:
        """Apply span removals and insertions at once (accepted spans never share a key)."""
        gone = {c.span.key for c in changes if c.span is not None and not c.add}
        added = [c.span for c in changes if c.span is not None and c.add]
        aset.spans = sorted([s for s in aset.spans if s.key not in gone] + added)
        aset.touch()


def autolink_command(project: Project, plan: AutoLinkPlan) -> CompositeCommand:
    """The plan as one undoable step: add entities, teach aliases, link with origin "auto"."""
    rename: dict[str, str] = {}
    fresh = []
    for entity in plan.new_entities:  # the KB may have changed since planning
        if entity.kb_id in project.kb:
            rename[entity.kb_id] = project.kb.new_kb_id(entity.name)
            entity = entity.with_(kb_id=rename[entity.kb_id])
        fresh.append(entity)
    updated = [e for e in plan.updated_entities if e.kb_id in project.kb]
    steps: list[Command] = [ChangeEntities(fresh, updated)] if fresh or updated else []
    per_article: dict[str, list[tuple[Span, str]]] = defaultdict(list)
    for article_id, span, kb_id in plan.links:
        per_article[article_id].append((span, rename.get(kb_id, kb_id)))
    steps += [RelinkSpans(a, links, Origin.AUTO, plan.annotator)
              for a, links in per_article.items()]
    command = CompositeCommand(f"Auto-link {len(plan.links)} mentions", steps)
    command.article_id = None
    return command


def accept_auto_links(project: Project, annotator: str | None = None) -> CompositeCommand:
    """Confirm every auto link of the annotator at once: origin "auto" becomes "manual"."""
    who = annotator or project.annotator
    steps: list[Command] = []
    for aset in project.sets_of(who):
        auto = [(s, s.kb_id or "") for s in aset.spans if s.origin == Origin.AUTO and s.kb_id]
        if auto:
            steps.append(RelinkSpans(aset.article_id, auto, Origin.MANUAL, who, False))
    command = CompositeCommand(f"Accept {sum(len(s.links) for s in steps)} auto links", steps)
    command.article_id = None
    return command


def auto_links(project: Project, annotator: str | None = None) -> int:
    """How many accepted spans of the annotator carry an auto link not yet accepted."""
    return sum(1 for aset in project.sets_of(annotator) for s in aset.spans
               if s.origin == Origin.AUTO and s.kb_id)
