"""Turns keyboard and mouse gestures on the article view into undoable core commands."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog

from annotator.core.commands import (
    AcceptAll,
    AcceptSuggestion,
    AddSpan,
    Command,
    CompositeCommand,
    RejectAll,
    RejectSuggestion,
    RemoveSpan,
    ReplaceSpan,
    SetArticleComment,
    SetSpanNote,
    SetStatus,
)
from annotator.core.model import ArticleStatus, Origin, Span
from annotator.core.project import Project
from annotator.ui.article_view import ArticleView
from annotator.ui.context import EditGateway
from annotator.ui.token_cache import TokenCache


class EditController:
    """Edits of the shown article; every change is pushed on the undo stack."""

    def __init__(
        self,
        project: Project,
        edits: EditGateway,
        view: ArticleView,
        tokens: TokenCache,
        on_message: Callable[[str], None],
    ) -> None:
        self.project = project
        self.edits = edits
        self.view = view
        self.tokens = tokens
        self.on_message = on_message
        self.article_id: str | None = None
        self.comment_dialog: QInputDialog | None = None
        view.boundaryNudged.connect(self.nudge)
        view.boundaryDragged.connect(self.drag)

    # -- plumbing ---------------------------------------------------------
    @property
    def target(self) -> str | None:
        """Whose set edits go to: None = mine, "gold" in review (the gateway's)."""
        return self.edits.target

    def push(self, command: Command) -> bool:
        return self.edits.push(command)

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

    def toggle_unsure(self) -> None:
        """? : flag the current span unsure, or sure again (a suggestion is accepted)."""
        current = self.view.current_span
        if current is None or self.article_id is None:
            self.on_message("Choose a span first (Tab), then press ? to mark it unsure.")
            return
        new = current.with_(unsure=not current.unsure)
        if self.push(SetSpanNote(self.article_id, current, unsure=new.unsure,
                                 comment=current.comment)):
            self.view.set_current_span(new)

    def comment_span(self) -> QInputDialog | None:
        """C: ask for a note on the current span (empty removes it)."""
        current, article_id = self.view.current_span, self.article_id
        if current is None or article_id is None:
            self.on_message("Choose a span first (Tab), then press C to comment on it.")
            return None

        def chosen(text: str) -> None:
            new = current.with_(comment=text.strip())
            if self.push(SetSpanNote(article_id, current, unsure=current.unsure,
                                     comment=new.comment)):
                self.view.set_current_span(new)

        return self._ask("Comment on span", self.view.text[current.start:current.end],
                         current.comment, chosen)

    def comment_article(self) -> QInputDialog | None:
        """Shift+C: ask for a note on the whole article."""
        article_id = self.article_id
        if article_id is None:
            return None
        aset = self.project.existing_set(article_id, self.target)
        return self._ask("Comment on article", "the whole article",
                         aset.comment if aset else "",
                         lambda text: self.push(SetArticleComment(article_id, text)))

    def _ask(self, title: str, about: str, current: str,
             chosen: Callable[[str], object]) -> QInputDialog:
        dialog = QInputDialog(self.view.window())
        dialog.setObjectName("commentDialog")
        dialog.setWindowTitle(title)
        dialog.setLabelText(f"Note on {about} (shown in review, exported; empty removes it):")
        dialog.setTextValue(current)
        dialog.textValueSelected.connect(chosen)
        dialog.open()
        self.comment_dialog = dialog
        return dialog

    def pending_count(self) -> int:
        """Undecided suggestions of the shown article in the set edits go to."""
        if self.article_id is None:
            return 0
        aset = self.project.existing_set(self.article_id, self.target)
        return len(aset.suggestions) if aset else 0

    def mark_done(self, pending: str = "keep") -> bool:
        """Mark the article done in one undo step; undecided suggestions: accept, reject or keep."""
        if self.article_id is None:
            return False
        steps: list[Command] = []
        if self.pending_count() and pending in ("accept", "reject"):
            steps.append((AcceptAll if pending == "accept" else RejectAll)(self.article_id))
        aset = self.project.existing_set(self.article_id, self.target)
        if (aset.status if aset else None) != ArticleStatus.DONE:
            steps.append(SetStatus(self.article_id, ArticleStatus.DONE))
        if not steps:
            return False
        return self.push(steps[0] if len(steps) == 1 else CompositeCommand("Mark done", steps))

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
