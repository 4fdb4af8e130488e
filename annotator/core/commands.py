"""Every edit is a command that records its own changes, so it can be undone and redone."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from weakref import WeakKeyDictionary

from annotator.core.annotations import AnnotationSet
from annotator.core.entities import Entity, KnowledgeBase, entities_for_links
from annotator.core.model import ArticleStatus, Origin, Span, SpanKey
from annotator.core.propagation import AliasFinder, propagate_article

if TYPE_CHECKING:
    from annotator.core.project import Project, ProjectSettings, RemovedArticle

Kind = Literal["span", "sugg", "rej", "status", "reviewer", "comment"]


@dataclass(frozen=True, slots=True)
class Change:
    """One primitive change to an annotation set; `add` False means removal."""

    kind: Kind
    add: bool
    span: Span | None = None
    key: SpanKey | None = None
    old_status: ArticleStatus | None = None
    new_status: ArticleStatus | None = None
    old_text: str = ""
    new_text: str = ""

    def inverse(self) -> Change:
        if self.kind == "status":
            return Change("status", True, old_status=self.new_status, new_status=self.old_status)
        if self.kind in ("reviewer", "comment"):
            return Change(self.kind, True, old_text=self.new_text, new_text=self.old_text)
        return Change(self.kind, not self.add, self.span, self.key)

    def apply(self, aset: AnnotationSet) -> None:
        if self.kind == "status":
            assert self.new_status is not None
            aset.status = self.new_status
        elif self.kind == "reviewer":
            aset.reviewer = self.new_text
        elif self.kind == "comment":
            aset.comment = self.new_text
        elif self.kind == "rej":
            assert self.key is not None
            (aset.rejected.add if self.add else aset.rejected.discard)(self.key)
        else:
            assert self.span is not None
            if self.kind == "span":
                (aset.insert_span if self.add else aset.delete_span)(self.span)
            else:
                (aset.insert_suggestion if self.add else aset.delete_suggestion)(self.span)


class Command(ABC):
    """An undoable edit of the project; `article_id` names the article to show after it."""

    text = "Edit"
    article_id: str | None = None

    @abstractmethod
    def do(self, project: Project) -> None:
        """Apply (or re-apply) the edit."""

    @abstractmethod
    def undo(self, project: Project) -> None:
        """Revert exactly what `do` changed."""


class CompositeCommand(Command):
    """Several commands as one undo step, undone in reverse order."""

    def __init__(self, text: str, children: list[Command]) -> None:
        self.text = text
        self.children = children
        self.article_id = next((c.article_id for c in children if c.article_id), None)

    def do(self, project: Project) -> None:
        for child in self.children:
            child.do(project)

    def undo(self, project: Project) -> None:
        for child in reversed(self.children):
            child.undo(project)


class ArticleCommand(Command):
    """Base for edits of one article's annotation set; plans its changes on first `do`.

    `annotator` None edits the current annotator's set; "gold" edits the reviewed version.
    """

    starts_progress = True
    annotator: str | None = None
    _kb_added: list[Entity] | None = None  # entities `after` put in another annotator's KB

    def __init__(self, article_id: str) -> None:
        self.article_id = article_id
        self._changes: list[Change] | None = None

    @abstractmethod
    def plan(self, aset: AnnotationSet) -> list[Change]:
        """Return the primitive changes this edit makes to the current state."""

    @property
    def changes(self) -> list[Change]:
        return list(self._changes or [])

    def do(self, project: Project) -> None:
        aset = project.annotation_set(self.article_id, self.annotator)
        if self._changes is None:
            planned = self.plan(aset)
            progress = _start_progress(aset) if self.starts_progress and planned else []
            self._changes = planned + progress
            for change in self._changes:
                change.apply(aset)
            # a suggestion a linked one hid comes back once that is gone (as after a restart)
            self._changes += [Change("sugg", True, s) for s in aset.restore_displaced()]
            if self.annotator is None:
                self._changes += _propagate_here(project, aset)
        else:
            for change in self._changes:
                change.apply(aset)
            _settle(aset)
        aset.touch()
        self.after(project, undone=False)
        project.notify(self.article_id)

    def undo(self, project: Project) -> None:
        aset = project.annotation_set(self.article_id, self.annotator)
        for change in reversed(self._changes or []):
            change.inverse().apply(aset)
        _settle(aset)
        aset.touch()
        self.after(project, undone=True)
        project.notify(self.article_id)

    def after(self, project: Project, undone: bool) -> None:
        """After the changes, before listeners: an edit of another's set (gold) gives that
        annotator's KB the entities its new linked spans name (`entities_for_links`)."""
        if self.annotator is None or self.annotator == project.annotator:
            return
        kb = project.kb_of(self.annotator)
        if undone:
            for entity in reversed(self._kb_added or []):
                if entity.kb_id in kb:
                    kb.remove(entity.kb_id)
            return
        if self._kb_added is None:
            spans = [c.span for c in self._changes or []
                     if c.kind == "span" and c.add and c.span is not None and c.span.kb_id]
            text = project.text(self.article_id) if spans else ""
            linked = [(s.kb_id or "", text[s.start : s.end], s.label) for s in spans]
            self._kb_added = entities_for_links(kb, linked, self.entity_sources(project))
        for entity in self._kb_added:
            if entity.kb_id not in kb:
                kb.add(entity)

    def entity_sources(self, project: Project) -> list[KnowledgeBase]:
        """Where `after` copies entities from, first match wins: ours, then the others'."""
        return [project.kb, *(kb for who, kb in project.kbs.items() if who != self.annotator)]


_FINDERS: WeakKeyDictionary[KnowledgeBase, tuple[int, AliasFinder]] = WeakKeyDictionary()


def alias_finder(kb: KnowledgeBase) -> AliasFinder:
    """The alias finder of `kb` as it is now (built once per version of the KB)."""
    cached = _FINDERS.get(kb)
    if cached is None or cached[0] != kb.version:
        cached = (kb.version, AliasFinder.from_kb(kb))
        _FINDERS[kb] = cached
    return cached[1]


def alias_entities(kb: KnowledgeBase) -> dict[str, tuple[str, list[str]]]:
    """What an alias finder is built from (a snapshot: the KB may change meanwhile)."""
    return {e.kb_id: (e.label, list(e.surfaces())) for e in kb}


def keep_alias_finder(kb: KnowledgeBase, version: int, finder: AliasFinder) -> bool:
    """Cache a finder built elsewhere (a background thread) if the KB is still at `version`."""
    if kb.version != version:
        return False
    _FINDERS[kb] = (version, finder)
    return True


def _propagate_here(project: Project, aset: AnnotationSet) -> list[Change]:
    """Propagation over the edited article, as part of the edit (so undo takes it back too).

    A range the edit freed gets the entity suggestions the next propagation pass (or a
    restart) would put there; the window's background pass does the other articles.
    """
    kb = project.kb
    if not len(kb) or not project.settings.suggest_propagation:
        return []
    found = propagate_article(project.text(aset.article_id), alias_finder(kb), aset.spans,
                              aset.rejected)
    before = {_ident(s): s for s in aset.suggestions}
    keep = {_ident(s) for s in found}
    aset.retire([s for s in aset.suggestions
                 if s.origin == Origin.PROPAGATED and s.kb_id and _ident(s) not in keep])
    aset.merge_suggestions(found)
    after = {_ident(s): s for s in aset.suggestions}
    return [Change("sugg", False, s) for i, s in before.items() if i not in after] + [
        Change("sugg", True, s) for i, s in after.items() if i not in before
    ]


def _ident(span: Span) -> tuple[SpanKey, str, str | None]:
    return span.key, str(span.origin), span.kb_id


def _settle(aset: AnnotationSet) -> None:
    """After an undo or redo: suggestions that machine work added since are hidden under a
    span put back, or come back where a span went, as a restart would show them."""
    aset.hide_covered()
    aset.restore_displaced()


def _start_progress(aset: AnnotationSet) -> list[Change]:
    if aset.status != ArticleStatus.NEW:
        return []
    return [Change("status", True, old_status=aset.status, new_status=ArticleStatus.IN_PROGRESS)]


def _clear_overlaps(
    aset: AnnotationSet, start: int, end: int, keep: Span | None, new_key: SpanKey
) -> list[Change]:
    """Remove accepted spans and suggestions overlapping a range (NER spans never overlap).

    A machine-made span or suggestion pushed aside is remembered as rejected (unless it has
    the key of the span taking its place): otherwise the next suggestion pass, after a restart,
    would bring it back although the analyst overrode it.
    """
    spans = [s for s in aset.overlapping(start, end) if s is not keep]
    pending = [s for s in aset.overlapping(start, end, suggestions=True) if s is not keep]
    changes = [Change("span", False, s) for s in spans]
    changes += [Change("sugg", False, s) for s in pending]
    return changes + _remember_rejected(aset, spans + pending, new_key)


def machine_made(span: Span) -> bool:
    """A span some suggester proposed (accepted as is, or also drawn by hand: `source`)."""
    return span.origin != Origin.MANUAL or bool(span.source)


def _remember_rejected(
    aset: AnnotationSet, removed: list[Span], new_key: SpanKey | None = None
) -> list[Change]:
    """Rejections for machine-made spans leaving the set (once per key, not the kept key)."""
    keys = dict.fromkeys(
        s.key for s in removed
        if machine_made(s) and s.key != new_key and s.key not in aset.rejected
    )
    return [Change("rej", True, key=k) for k in keys]


class AddSpan(ArticleCommand):
    """Create an accepted span, replacing whatever overlapped it."""

    text = "Add span"

    def __init__(self, article_id: str, span: Span) -> None:
        super().__init__(article_id)
        self.span = span

    def plan(self, aset: AnnotationSet) -> list[Change]:
        span = self.span
        same = next((s for s in aset.suggestions if s == span), None)
        if same is not None and not span.source:  # a suggester proposed it too: say which
            span = span.with_(source=same.source or str(same.origin))
        changes = _clear_overlaps(aset, span.start, span.end, keep=None, new_key=span.key)
        if span.key in aset.rejected:
            changes.append(Change("rej", False, key=span.key))
        return changes + [Change("span", True, span)]


class AcceptSuggestion(ArticleCommand):
    """Turn one pending suggestion into an accepted span."""

    text = "Accept suggestion"

    def __init__(self, article_id: str, span: Span) -> None:
        super().__init__(article_id)
        self.span = span

    def plan(self, aset: AnnotationSet) -> list[Change]:
        current = _find(aset.suggestions, self.span)
        return [Change("sugg", False, current), Change("span", True, current)]


class RejectSuggestion(ArticleCommand):
    """Drop a pending suggestion and remember it is wrong."""

    text = "Reject suggestion"

    def __init__(self, article_id: str, span: Span) -> None:
        super().__init__(article_id)
        self.span = span

    def plan(self, aset: AnnotationSet) -> list[Change]:
        current = _find(aset.suggestions, self.span)
        return [Change("sugg", False, current), Change("rej", True, key=current.key)]


class RemoveSpan(ArticleCommand):
    """Delete an accepted span; a machine-made or linked one is also remembered as rejected."""

    text = "Delete span"

    def __init__(self, article_id: str, span: Span) -> None:
        super().__init__(article_id)
        self.span = span

    def plan(self, aset: AnnotationSet) -> list[Change]:
        current = _find(aset.spans, self.span)
        changes = [Change("span", False, current)]
        # a linked one too: else propagation would suggest it again from its entity's names
        if (machine_made(current) or current.kb_id) and current.key not in aset.rejected:
            changes.append(Change("rej", True, key=current.key))
        return changes


class ReplaceSpan(ArticleCommand):
    """Relabel or resize a span or suggestion; the result is an accepted span."""

    text = "Change span"

    def __init__(self, article_id: str, old: Span, new: Span) -> None:
        super().__init__(article_id)
        self.old, self.new = old, new

    def plan(self, aset: AnnotationSet) -> list[Change]:
        was_suggestion = self.old in aset.suggestions
        pool = aset.suggestions if was_suggestion else aset.spans
        old = _find(pool, self.old)
        changes = [Change("sugg" if was_suggestion else "span", False, old)]
        wrong = was_suggestion or machine_made(old)  # the machine's version was not right
        if wrong and old.key != self.new.key and old.key not in aset.rejected:
            changes.append(Change("rej", True, key=old.key))
        changes += _clear_overlaps(aset, self.new.start, self.new.end, keep=old,
                                   new_key=self.new.key)
        if self.new.key in aset.rejected:
            changes.append(Change("rej", False, key=self.new.key))
        return changes + [Change("span", True, self.new)]


class AcceptAll(ArticleCommand):
    """Accept every pending suggestion of the article."""

    text = "Accept all suggestions"

    def plan(self, aset: AnnotationSet) -> list[Change]:
        pending = list(aset.suggestions)
        return [Change("sugg", False, s) for s in pending] + [
            Change("span", True, s) for s in pending
        ]


class RejectAll(ArticleCommand):
    """Reject every pending suggestion of the article (each remembered as rejected)."""

    text = "Reject all suggestions"

    def plan(self, aset: AnnotationSet) -> list[Change]:
        pending = list(aset.suggestions)
        rejected = {s.key for s in pending if s.key not in aset.rejected}
        return [Change("sugg", False, s) for s in pending] + [
            Change("rej", True, key=k) for k in sorted(rejected)
        ]


class SetStatus(ArticleCommand):
    """Mark the article new, in progress, done or reviewed."""

    text = "Set status"
    starts_progress = False

    def __init__(self, article_id: str, status: ArticleStatus) -> None:
        super().__init__(article_id)
        self.status = status
        self.text = f"Mark {status}"

    def plan(self, aset: AnnotationSet) -> list[Change]:
        return [Change("status", True, old_status=aset.status, new_status=self.status)]



class SetSpanNote(ArticleCommand):
    """Mark a span unsure (or sure) and set its comment; a suggestion is accepted with it."""

    text = "Note on span"

    def __init__(self, article_id: str, span: Span, *, unsure: bool, comment: str) -> None:
        super().__init__(article_id)
        self.span, self.unsure, self.comment = span, unsure, comment.strip()

    def plan(self, aset: AnnotationSet) -> list[Change]:
        was_suggestion = self.span in aset.suggestions
        old = _find(aset.suggestions if was_suggestion else aset.spans, self.span)
        new = old.with_(unsure=self.unsure, comment=self.comment)
        return [Change("sugg" if was_suggestion else "span", False, old),
                Change("span", True, new)]


class SetArticleComment(ArticleCommand):
    """Set the annotator's comment on the whole article."""

    text = "Comment on article"
    starts_progress = False

    def __init__(self, article_id: str, comment: str) -> None:
        super().__init__(article_id)
        self.comment = comment.strip()

    def plan(self, aset: AnnotationSet) -> list[Change]:
        return [Change("comment", True, old_text=aset.comment, new_text=self.comment)]


class RelinkSuggestion(ArticleCommand):
    """Change the entity a pending suggestion points to, leaving it pending."""

    text = "Relink suggestion"
    starts_progress = False

    def __init__(self, article_id: str, span: Span, kb_id: str | None) -> None:
        super().__init__(article_id)
        self.span, self.kb_id = span, kb_id

    def plan(self, aset: AnnotationSet) -> list[Change]:
        current = _find(aset.suggestions, self.span)
        return [
            Change("sugg", False, current),
            Change("sugg", True, current.with_(kb_id=self.kb_id)),
        ]


class ChangeSettings(Command):
    """Replace the project settings (`project.settings.with_(...)`); the one way they change."""

    text = "Change project settings"

    def __init__(self, settings: ProjectSettings) -> None:
        self.new = settings
        self.old: ProjectSettings | None = None

    def do(self, project: Project) -> None:
        self.old = project.settings
        project.replace_settings(self.new)

    def undo(self, project: Project) -> None:
        if self.old is not None:
            project.replace_settings(self.old)


class DeleteArticle(Command):
    """Take an article out of the project with every annotator's work on it (undoable)."""

    text = "Delete article"

    def __init__(self, article_id: str, deleted_at: float) -> None:
        self.deleted_id = article_id  # not `article_id`: there is no article to show after it
        self.deleted_at = deleted_at
        self.removed: RemovedArticle | None = None

    def do(self, project: Project) -> None:
        self.removed = project.remove_article(self.deleted_id, self.deleted_at)

    def undo(self, project: Project) -> None:
        if self.removed is not None:
            project.restore_article(self.removed)


def retarget(command: Command, annotator: str | None) -> Command:
    """Point every article edit inside `command` at `annotator`'s set (e.g. "gold")."""
    if isinstance(command, ArticleCommand):
        command.annotator = annotator
    elif isinstance(command, CompositeCommand):
        for child in command.children:
            retarget(child, annotator)
    return command


def _find(pool: list[Span], span: Span) -> Span:
    for candidate in pool:
        if candidate == span:
            return candidate
    raise KeyError(f"span {span.key} is not in this annotation set")
