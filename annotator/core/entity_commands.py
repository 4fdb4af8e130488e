"""Undoable edits of the knowledge base and of the links between spans and entities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.autolink import RelinkSpans
from annotator.core.commands import (
    AcceptSuggestion,
    Command,
    CompositeCommand,
    RelinkSuggestion,
    ReplaceSpan,
)
from annotator.core.entities import Entity, merged
from annotator.core.model import Origin, Span
from annotator.core.propagation import AliasFinder

if TYPE_CHECKING:
    from annotator.core.project import Project


class AddEntity(Command):
    """Put a new entity into the knowledge base."""

    text = "New entity"

    def __init__(self, entity: Entity) -> None:
        self.entity = entity

    def do(self, project: Project) -> None:
        project.kb.add(self.entity)
        project.notify_kb()

    def undo(self, project: Project) -> None:
        project.kb.remove(self.entity.kb_id)
        project.notify_kb()


class ReplaceEntity(Command):
    """Store a changed version of an entity (name, label, aliases, note, external ids)."""

    text = "Edit entity"

    def __init__(self, entity: Entity) -> None:
        self.entity = entity
        self._old: Entity | None = None

    def do(self, project: Project) -> None:
        self._old = project.kb.replace(self.entity)
        project.notify_kb()

    def undo(self, project: Project) -> None:
        assert self._old is not None
        project.kb.replace(self._old)
        project.notify_kb()


class RemoveEntity(Command):
    """Drop an entity from the knowledge base (its mentions are re-linked first)."""

    text = "Remove entity"

    def __init__(self, kb_id: str) -> None:
        self.kb_id = kb_id
        self._old: Entity | None = None

    def do(self, project: Project) -> None:
        self._old = project.kb.remove(self.kb_id)
        project.notify_kb()

    def undo(self, project: Project) -> None:
        assert self._old is not None
        project.kb.add(self._old)
        project.notify_kb()


def link_span(
    project: Project, article_id: str, span: Span, entity: Entity, *, is_new: bool
) -> Command:
    """Link a span (accepting it if it was a suggestion); learn its surface as an alias."""
    surface = project.text(article_id)[span.start : span.end].strip()
    learned = entity if entity.has_surface(surface) else entity.with_(
        aliases=[*entity.aliases, surface]
    )
    steps: list[Command] = []
    if is_new:
        steps.append(AddEntity(learned))
    elif learned is not entity:
        steps.append(ReplaceEntity(learned))
    steps.append(ReplaceSpan(article_id, span, span.with_(kb_id=entity.kb_id)))
    text = f"Link to {entity.name}"
    return CompositeCommand(text, steps)


def unlink_span(article_id: str, span: Span) -> Command:
    """Remove the entity link of an accepted span."""
    command = ReplaceSpan(article_id, span, span.with_(kb_id=None))
    command.text = "Unlink span"
    return command


def edit_entity(entity: Entity) -> Command:
    return ReplaceEntity(entity)


def merge_entities(project: Project, target_id: str, source_id: str) -> Command:
    """`source` folds into `target`: aliases joined, every mention and suggestion re-linked."""
    target, source = project.kb[target_id], project.kb[source_id]
    steps: list[Command] = [ReplaceEntity(merged(target, source))]
    for article_id, span in project.mentions(source_id):
        steps.append(ReplaceSpan(article_id, span, span.with_(kb_id=target_id)))
    for article_id, span in project.linked_suggestions(source_id):
        steps.append(RelinkSuggestion(article_id, span, target_id))
    steps.append(RemoveEntity(source_id))
    command = CompositeCommand(f"Merge {source.name} into {target.name}", steps)
    command.article_id = None
    return command


def accept_entity_suggestions(project: Project, kb_id: str) -> Command:
    """Accept every pending suggestion that carries `kb_id`, in every article."""
    steps: list[Command] = [
        AcceptSuggestion(article_id, span) for article_id, span in project.linked_suggestions(kb_id)
    ]
    entity = project.kb.get(kb_id)
    command = CompositeCommand(f"Accept all for {entity.name if entity else kb_id}", steps)
    command.article_id = None
    return command


def unlinked_mentions(project: Project, entity: Entity,
                      annotator: str | None = None) -> list[tuple[str, Span]]:
    """Accepted spans without a link, in every article, whose text is one of `entity`'s
    names and whose label is its label: the mentions linking it should reach too."""
    finder = AliasFinder.from_kb(project.kb, only=[entity.kb_id])
    found = []
    for aset in project.sets_of(annotator):
        loose = [s for s in aset.spans if not s.kb_id and s.label == entity.label]
        if not loose:
            continue
        text = project.text(aset.article_id)
        found += [(aset.article_id, s) for s in loose
                  if (finder.owner(text[s.start : s.end]) or ("",))[0] == entity.kb_id]
    return found


def link_mentions(mentions: list[tuple[str, Span]], entity: Entity) -> Command:
    """Link accepted, unlinked spans of several articles to `entity`, as one undo step."""
    per_article: dict[str, list[tuple[Span, str]]] = {}
    for article_id, span in mentions:
        per_article.setdefault(article_id, []).append((span, entity.kb_id))
    steps: list[Command] = [RelinkSpans(a, links, Origin.MANUAL)
                            for a, links in per_article.items()]
    command = CompositeCommand(f"Link {len(mentions)} more mention(s) to {entity.name}", steps)
    command.article_id = None
    return command
