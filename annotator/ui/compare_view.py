"""Review, side by side: each compared annotator's version of the article and the gold one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QDialog, QLabel, QPlainTextEdit, QSplitter, QVBoxLayout, QWidget

from annotator.core.annotations import AnnotationSet
from annotator.core.model import Span
from annotator.core.review_commands import GOLD
from annotator.ui.article_view import ArticleView
from annotator.ui.style import SpanStyles

Marks = list[tuple[int, int, str]]


class VersionView(ArticleView):
    """One annotator's version: read-only, a click makes a span current, no edge dragging."""

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        QPlainTextEdit.mousePressEvent(self, event)


class CompareDialog(QDialog):
    """Columns that scroll together, one per version, with the undecided conflicts marked.

    A click on a span in any column emits `spanClicked` (the review selects that item).
    """

    spanClicked = Signal(object)  # Span

    def __init__(self, styles: SpanStyles, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setWindowTitle("Review: versions side by side")
        self.styles = styles
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self.views: dict[str, VersionView] = {}
        self.headers: dict[str, QLabel] = {}
        self._syncing = False
        self.resize(1280, 720)

    def show_versions(self, text: str, names: list[str],
                      sets: dict[str, AnnotationSet | None], marks: Marks) -> None:
        """Show `text` once per name (annotators, then gold) with that version's spans."""
        if list(self.views) != names:
            self._build(names)
        for name in names:
            view, aset = self.views[name], sets.get(name)
            spans: list[Span] = list(aset.spans) if aset is not None else []
            if view.text != text:
                view.set_article(text)
            view.set_spans(spans, set())
            view.set_marks(marks)
            status = f", {aset.status}" if aset is not None else ", not annotated"
            title = "gold (your decisions)" if name == GOLD else name
            self.headers[name].setText(f"{title}: {len(spans)} span(s){status}")

    def _build(self, names: list[str]) -> None:
        for index in reversed(range(self.splitter.count())):
            widget = self.splitter.widget(index)
            widget.setParent(None)
            widget.deleteLater()
        self.views.clear()
        self.headers.clear()
        for name in names:
            column = QWidget()
            box = QVBoxLayout(column)
            box.setContentsMargins(0, 0, 0, 0)
            header = QLabel()
            header.setObjectName(f"compareHeader:{name}")
            header.setTextFormat(Qt.TextFormat.PlainText)
            view = VersionView(self.styles)
            view.setObjectName(f"compareView:{name}")
            view.currentSpanChanged.connect(self._clicked)
            view.verticalScrollBar().valueChanged.connect(
                lambda _v, source=view: self._scroll_others(source))
            box.addWidget(header)
            box.addWidget(view, 1)
            self.splitter.addWidget(column)
            self.views[name], self.headers[name] = view, header

    def _clicked(self, span: object) -> None:
        if isinstance(span, Span):
            self.spanClicked.emit(span)

    def _scroll_others(self, source: VersionView) -> None:
        """Keep the columns at the same place in the text (same share of their length)."""
        if self._syncing:
            return
        self._syncing = True
        try:
            bar = source.verticalScrollBar()
            share = bar.value() / bar.maximum() if bar.maximum() else 0.0
            for view in self.views.values():
                if view is not source:
                    other = view.verticalScrollBar()
                    other.setValue(round(share * other.maximum()))
        finally:
            self._syncing = False
