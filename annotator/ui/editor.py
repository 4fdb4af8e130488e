"""Turns keyboard and mouse gestures on the article view into undoable core commands."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoStack

from annotator.core.commands import (
    AcceptAll,
    AcceptSuggestion,
    AddSpan,
    Command,
    RejectSuggestion,
    RemoveSpan,
    ReplaceSpan,
    SetStatus,
    retarget,
)
from annotator.core.model import ArticleStatus, Origin, Span
from annotator.core.project import Project
from annotator.ui.article_view import ArticleView
from annotator.ui.token_cache import TokenCache
from annotator.ui.undo import CoreUndoCommand


class EditController:
    """Edits of the shown article; every change is pushed on the undo stack."""

    def __init__(
        self,
        project: Project,
        undo_stack: QUndoStack,
        view: ArticleView,
        tokens: TokenCache,
        on_message: Callable[[str], None],
    ) -> None:
        self.project = project
        self.undo_stack = undo_stack
        self.view = view
        self.tokens = tokens
        self.on_message = on_message
        self.article_id: str | None = None
        self.target: str | None = None  # whose set edits go to: None = mine, "gold" in review
        self.on_applied: Callable[[str], None] | None = None
        view.boundaryNudged.connect(self.nudge)
        view.boundaryDragged.connect(self.drag)

    # -- plumbing ---------------------------------------------------------
    def push(self, command: Command) -> bool:
        if self.project.read_only:
            self.on_message("This project is open read-only; edits are not possible.")
            return False
        damaged = self.project.damaged_articles.get(self.article_id or "")
        if damaged:
            self.on_message(f"This article is read-only: {damaged}.")
            return False
        retarget(command, self.target)
        self.undo_stack.push(CoreUndoCommand(self.project, command, self.on_applied))
        return True

    def _snap(self, start: int, end: int) -> tuple[int, int] | None:
        text = self.view.text
        if self.project.settings.token_snapping and self.article_id:
            return self.tokens.get(self.article_id).snap(start, end)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if end > start else None

    # -- gestures ---------------------------------------------------------
    def apply_label(self, label: str) -> None:
        """Label the selection as a new span, or relabel the current span."""
        if self.article_id is None:
            return
        selection = self.view.selection_range()
        current = self.view.current_span
        if selection:
            snapped = self._snap(*selection)
            if snapped is None:
                self.on_message("The selection holds no token to label.")
                return
            span = Span(snapped[0], snapped[1], label, Origin.MANUAL)
            if self.push(AddSpan(self.article_id, span)):
                self.view.clear_selection()
                self.view.set_current_span(span)
        elif current is not None:
            new = current.with_(label=label)
            if self.push(ReplaceSpan(self.article_id, current, new)):
                self.view.set_current_span(new)
        else:
            self.on_message("Select text or a span first, then press a label key.")

    def accept_current(self) -> None:
        current = self.view.current_span
        if current is None or self.article_id is None:
            self.next_span(1, pending_only=True)
            return
        if self.view.is_pending(current):
            self.push(AcceptSuggestion(self.article_id, current))
            self.next_span(1, pending_only=True, after=current)

    def reject_current(self) -> None:
        current = self.view.current_span
        if current is None or self.article_id is None:
            return
        pending = self.view.is_pending(current)
        command = (
            RejectSuggestion(self.article_id, current)
            if pending
            else RemoveSpan(self.article_id, current)
        )
        if self.push(command):
            self.next_span(1, pending_only=pending, after=current)

    def accept_all(self) -> None:
        if self.article_id is None:
            return
        if self.project.annotation_set(self.article_id, self.target).suggestions:
            self.push(AcceptAll(self.article_id))

    def set_status(self, status: ArticleStatus) -> None:
        aset = self.project.existing_set(self.article_id, self.target) if self.article_id else None
        if self.article_id and (aset.status if aset else None) != status:
            self.push(SetStatus(self.article_id, status))

    def next_span(
        self, step: int, *, pending_only: bool = False, after: Span | None = None
    ) -> None:
        """Move the current span forward or back, optionally only over suggestions."""
        spans = [s for s in self.view.spans if not pending_only or self.view.is_pending(s)]
        if not spans:
            if not pending_only:
                self.view.set_current_span(None)
            return
        anchor = after or self.view.current_span
        if anchor is None:
            target = spans[0] if step > 0 else spans[-1]
        elif step > 0:
            target = next((s for s in spans if s.start >= anchor.end), None)
            target = target or next((s for s in spans if s > anchor), spans[0])
        else:
            before = [s for s in spans if s.end <= anchor.start]
            target = before[-1] if before else spans[-1]
        self.view.set_current_span(target)

    def nudge(self, edge: str, direction: int) -> None:
        """Shift+arrows: move one boundary of the current span by one token."""
        span = self.view.current_span
        if span is None or self.article_id is None:
            return
        tokens = self.tokens.get(self.article_id).tokens
        start, end = span.start, span.end
        if edge == "end":
            ends = [e for _, e in tokens]
            if direction > 0:
                options = [e for e in ends if e > end]
            else:
                options = [e for e in ends if e < end]
            if options:
                end = options[0] if direction > 0 else options[-1]
        else:
            starts = [s for s, _ in tokens]
            forward = [s for s in starts if s > start]
            backward = [s for s in starts if s < start]
            if direction > 0 and forward:
                start = forward[0]
            elif direction < 0 and backward:
                start = backward[-1]
        if end > start and (start, end) != (span.start, span.end):
            self._resize(span, start, end)

    def drag(self, span: Span, start: int, end: int) -> None:
        snapped = self._snap(start, end)
        if snapped and snapped != (span.start, span.end):
            self._resize(span, *snapped)

    def _resize(self, span: Span, start: int, end: int) -> None:
        assert self.article_id is not None
        new = span.with_(start=start, end=end)
        if self.push(ReplaceSpan(self.article_id, span, new)):
            self.view.set_current_span(new)
