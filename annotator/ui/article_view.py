"""The article text: plain text with spans drawn as extra selections, and span gestures."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QTextCursor, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from annotator.core.model import Span
from annotator.core.offsets import Utf16Map
from annotator.ui.style import SpanStyles

_EDGE_SLACK = 1  # code points either side of a boundary that start an edge drag


READABLE_CHARS = 20  # the narrowest the article pane gets, in average characters


class ArticleView(QPlainTextEdit):
    """Read-only article text; reports span clicks, boundary nudges and edge drags."""

    currentSpanChanged = Signal(object)  # Span | None
    boundaryNudged = Signal(str, int)  # edge ("start" | "end"), direction (-1 | +1)
    boundaryDragged = Signal(object, int, int)  # span, new start, new end (code points)
    contextMenuAt = Signal(QPoint)

    def __init__(self, styles: SpanStyles, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WordWrap)  # never inside a word
        # a scroll bar that comes and goes with the article's length would resize the text
        # area, so the next article would be laid out twice
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.document().setDocumentMargin(14)
        self.setUndoRedoEnabled(False)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.setFont(font)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * READABLE_CHARS + 48)
        self.customContextMenuRequested.connect(self.contextMenuAt)
        self.styles = styles
        self._text = ""
        self._map = Utf16Map("")
        self._spans: list[Span] = []
        self._pending: set[tuple[int, int, str]] = set()
        self._current: Span | None = None
        self._drag: tuple[Span, str] | None = None
        self._preview: tuple[int, int] | None = None
        self.entity_names: dict[str, str] = {}
        self._render_pending = False
        self.marks: list[tuple[int, int, str]] = []  # review: undecided conflicts, by colour

    # -- content ----------------------------------------------------------
    def set_article(self, text: str) -> None:
        self._text = text
        self._map = Utf16Map(text)
        self._current = None
        self.setPlainText(text)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    @property
    def text(self) -> str:
        return self._text

    def set_spans(self, spans: list[Span], pending: set[tuple[int, int, str]]) -> None:
        """Show accepted spans and pending suggestions (keys in `pending`)."""
        self._spans = sorted(spans)
        self._pending = pending
        if self._current is not None:  # keep the same span current, as its fresh object
            self._current = next((s for s in self._spans if s == self._current), None)
        self.schedule_render()

    @property
    def spans(self) -> list[Span]:
        return list(self._spans)

    @property
    def current_span(self) -> Span | None:
        return self._current

    def set_current_span(self, span: Span | None, *, reveal: bool = True) -> None:
        found = next((s for s in self._spans if s == span), None) if span else None
        changed = found is not self._current
        self._current = found
        if found and reveal:
            self._reveal(found)
        if changed:
            self.schedule_render()
            self.currentSpanChanged.emit(found)

    def span_at(self, cp: int) -> Span | None:
        return next((s for s in self._spans if s.start <= cp < s.end), None)

    def is_pending(self, span: Span) -> bool:
        return span.key in self._pending

    # -- offsets ----------------------------------------------------------
    def selection_range(self) -> tuple[int, int] | None:
        """The selected text as code points, or None when nothing is selected."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        a = self._map.to_codepoint(cursor.selectionStart())
        b = self._map.to_codepoint(cursor.selectionEnd())
        return (a, b) if b > a else None

    def select_range(self, start: int, end: int) -> None:
        """Select code points [start, end) as if dragged with the mouse."""
        cursor = self.textCursor()
        cursor.setPosition(self._map.to_utf16(start))
        cursor.setPosition(self._map.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def point_for(self, cp: int) -> QPoint:
        """Viewport position of the character at code point `cp` (for tests and menus)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_utf16(cp))
        rect = self.cursorRect(cursor)
        return QPoint(rect.left() + 2, rect.center().y())

    def codepoint_at(self, pos: QPoint) -> int:
        return self._map.to_codepoint(self.cursorForPosition(pos).position())

    # -- drawing ----------------------------------------------------------
    def _reveal(self, span: Span) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        cursor.setPosition(self._map.to_utf16(span.start))
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def _selection(self, start: int, end: int, fmt) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_utf16(start))
        cursor.setPosition(self._map.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cursor
        sel.format = fmt
        return sel

    def set_marks(self, marks: list[tuple[int, int, str]]) -> None:
        """Wavy underlines in a colour per range (review mode marks undecided conflicts)."""
        if marks != self.marks:
            self.marks = list(marks)
            self.schedule_render()

    def schedule_render(self) -> None:
        """Redraw the highlights once, after every change made in this turn of the event loop."""
        if not self._render_pending:
            self._render_pending = True
            QTimer.singleShot(0, self._render)

    def render_now(self) -> None:
        """Apply a scheduled redraw at once (a new article: paint it once, with its spans)."""
        if self._render_pending:
            self._render()

    def _render(self) -> None:
        if not self._render_pending:
            return  # already applied by render_now
        self._render_pending = False
        selections = []
        for span in self._spans:
            if self._preview and span is self._current:
                continue
            if span is self._current:
                fmt = self.styles.current(span.label)
            else:
                fmt = self.styles.for_span(span.label, span.origin,
                                           pending=span.key in self._pending)
            selections.append(self._selection(span.start, span.end, fmt))
        for start, end, colour in self.marks:
            selections.append(self._selection(start, end, self.styles.mark(colour)))
        if self._preview:
            selections.append(self._selection(*self._preview, self.styles.preview()))
        self.setExtraSelections(selections)

    # -- gestures ---------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        arrows = (Qt.Key.Key_Left, Qt.Key.Key_Right)
        shift = Qt.KeyboardModifier.ShiftModifier
        alt = Qt.KeyboardModifier.AltModifier
        if self._current is not None and key in arrows and mods & shift:
            direction = 1 if key == Qt.Key.Key_Right else -1
            self.boundaryNudged.emit("start" if mods & alt else "end", direction)
            return
        if key == Qt.Key.Key_Escape:
            self.clear_selection()
            self.set_current_span(None)
            return
        if self._current is not None and key in (*arrows, Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.set_current_span(None, reveal=False)
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._current is not None:
            cp = self.codepoint_at(event.position().toPoint())
            span = self._current
            if abs(cp - span.start) <= _EDGE_SLACK and cp < span.end - _EDGE_SLACK:
                self._drag = (span, "start")
            elif abs(cp - span.end) <= _EDGE_SLACK and cp > span.start + _EDGE_SLACK:
                self._drag = (span, "end")
            if self._drag:
                self.viewport().setCursor(Qt.CursorShape.SizeHorCursor)
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag:
            span, edge = self._drag
            cp = self.codepoint_at(event.position().toPoint())
            start, end = (cp, span.end) if edge == "start" else (span.start, cp)
            self._preview = (min(start, end), max(start, end)) if start != end else None
            self.schedule_render()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag:
            span, _ = self._drag
            preview = self._preview
            self._drag, self._preview = None, None
            self.viewport().unsetCursor()
            self.schedule_render()
            if preview and preview != (span.start, span.end):
                self.boundaryDragged.emit(span, *preview)
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            cp = self.codepoint_at(event.position().toPoint())
            self.set_current_span(self.span_at(cp), reveal=False)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            span = self.span_at(self.codepoint_at(event.pos()))
            if span is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_for(span), self.viewport())
            return True
        return super().viewportEvent(event)

    def tooltip_for(self, span: Span) -> str:
        """Rich-text tooltip with every piece of article text escaped."""
        label = self.styles.label(span.label)
        state = "suggestion" if span.key in self._pending else "accepted"
        parts = [
            f"<b>{html.escape(self._text[span.start:span.end])}</b>",
            f"{html.escape(span.label)}: {html.escape(label.description)}",
            f"{state}, origin {html.escape(str(span.origin))}"
            + (f" from {html.escape(span.source)}" if span.source else ""),
        ]
        if span.kb_id:
            name = self.entity_names.get(span.kb_id, span.kb_id)
            parts.append(f"entity {html.escape(name)} ({html.escape(span.kb_id)})")
        return "<br>".join(parts)
