"""Find panel (Ctrl+F): search this article or all articles, list hits in context, jump."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.project import Project
from annotator.core.search import (
    DEFAULT_LIMIT,
    FindOptions,
    Hit,
    SearchResult,
    context,
    project_texts,
    search,
)
from annotator.ui.models import plain_tooltip

HIT_ROLE = Qt.ItemDataRole.UserRole + 10
THIS_ARTICLE, ALL_ARTICLES = 0, 1
_LEFT, _RIGHT, _TITLE = 24, 48, 28  # keep the match visible in a narrow panel


class _QueryEdit(QLineEdit):
    """The query box: Down moves into the results, Escape hands focus back."""

    down = Signal()
    escape = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
        elif event.key() == Qt.Key.Key_Escape:
            self.escape.emit()
        else:
            super().keyPressEvent(event)


class FindPanel(QWidget):
    """Query, scope, options and a result list; activating a hit emits `jumpRequested`.

    Enter in the query box searches (if needed) and jumps to the next hit; Enter or a
    double-click on a result jumps to that hit. Typing searches after a short pause.
    """

    jumpRequested = Signal(str, int, int)  # article_id, start, end (code points)
    closeRequested = Signal()  # Escape in the query box

    def __init__(
        self, project: Project, parent: QWidget | None = None, limit: int = DEFAULT_LIMIT
    ) -> None:
        super().__init__(parent)
        self.setObjectName("findPanel")
        self.project = project
        self.limit = limit
        self.article_id: str | None = None
        self.result = SearchResult([], False, 0)
        self._searched: tuple | None = None  # what `result` was computed for
        self._cursor = -1

        self.query = _QueryEdit()
        self.query.setObjectName("findQuery")
        self.query.setPlaceholderText("Find… (Enter: next hit)")
        self.query.setClearButtonEnabled(True)
        self.scope = QComboBox()
        self.scope.setObjectName("findScope")
        self.scope.addItems(["This article", "All articles"])
        self.match_case = QCheckBox("Match case")
        self.match_case.setObjectName("findMatchCase")
        self.diacritics = QCheckBox("Ignore accents")
        self.diacritics.setObjectName("findIgnoreDiacritics")
        self.diacritics.setChecked(True)
        self.whole_word = QCheckBox("Whole words")
        self.whole_word.setObjectName("findWholeWord")
        self.results = QListWidget()
        self.results.setObjectName("findResults")
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setUniformItemSizes(True)
        self.summary = QLabel()
        self.summary.setObjectName("findSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(self.scope)
        options = QHBoxLayout()
        for box in (self.match_case, self.diacritics, self.whole_word):
            options.addWidget(box)
        options.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(options)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.summary)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.search)
        self.query.textEdited.connect(lambda _text: self._timer.start())
        self.query.returnPressed.connect(self.find_next)
        self.query.down.connect(self._focus_results)
        self.query.escape.connect(self.closeRequested)
        self.scope.currentIndexChanged.connect(lambda _i: self.search())
        for box in (self.match_case, self.diacritics, self.whole_word):
            box.toggled.connect(lambda _on: self.search())
        self.results.itemActivated.connect(self._activated)  # Enter or double-click

    # -- public -----------------------------------------------------------
    def options(self) -> FindOptions:
        return FindOptions(
            match_case=self.match_case.isChecked(),
            ignore_diacritics=self.diacritics.isChecked(),
            whole_word=self.whole_word.isChecked(),
        )

    def set_article(self, article_id: str | None) -> None:
        """The article "This article" means; re-searches when that scope is shown."""
        if article_id == self.article_id:
            return
        self.article_id = article_id
        if self.scope.currentIndex() == THIS_ARTICLE and self.query.text().strip():
            self.search()

    def set_scope(self, scope: int) -> None:
        self.scope.setCurrentIndex(scope)

    def focus_query(self, text: str | None = None) -> None:
        """What Ctrl+F does: show the panel, optionally with the selected text, query selected."""
        if text and "\n" not in text and text.strip():
            self.query.setText(text.strip())
            self.search()
        self.show()
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    def search(self) -> SearchResult:
        """Run the query now in the chosen scope and fill the result list."""
        self._timer.stop()
        query = self.query.text()
        self.result = search(self._texts(), query, self.options(), self.limit)
        self._searched = self._key()
        self._cursor = -1
        self._fill()
        return self.result

    def find_next(self) -> Hit | None:
        """Jump to the hit after the current one (first after a new search); wraps around."""
        return self._step(1)

    def find_previous(self) -> Hit | None:
        return self._step(-1)

    def hits(self) -> list[Hit]:
        return list(self.result.hits)

    def refresh_titles(self) -> None:
        """Re-read article titles after an import (hits stay valid: texts never change)."""
        self._fill()

    # -- internals --------------------------------------------------------
    def _key(self) -> tuple:
        return (self.query.text(), self.options(), self.scope.currentIndex(), self.article_id)

    def _texts(self) -> Iterable[tuple[str, str]]:
        if self.scope.currentIndex() == ALL_ARTICLES:
            return project_texts(self.project)
        if self.article_id is None or not self.project.has_article(self.article_id):
            return []
        return project_texts(self.project, [self.article_id])

    def _fill(self) -> None:
        self.results.clear()
        all_scope = self.scope.currentIndex() == ALL_ARTICLES
        texts: dict[str, str] = {}
        for hit in self.result.hits:
            text = texts.get(hit.article_id)
            if text is None:
                text = texts[hit.article_id] = self.project.text(hit.article_id)
            left, match, _ = context(text, hit.start, hit.end, _LEFT)
            right = context(text, hit.start, hit.end, _RIGHT)[2]
            line = f"…{left}«{match}»{right}…"
            title = self.project.info(hit.article_id).title or "(untitled)"
            short = title if len(title) <= _TITLE else title[: _TITLE - 1] + "…"
            item = QListWidgetItem(f"{short}: {line}" if all_scope else line)
            item.setData(HIT_ROLE, (hit.article_id, hit.start, hit.end))
            item.setToolTip(plain_tooltip(f"{title}\ncharacters {hit.start}–{hit.end}"))
            self.results.addItem(item)
        self.summary.setText(self._summary())

    def _summary(self) -> str:
        if not self.query.text().strip():
            return ""
        n = len(self.result.hits)
        if n == 0:
            return "No matches"
        text = f"{n} match{'es' if n != 1 else ''}"
        if self.scope.currentIndex() == ALL_ARTICLES:
            text += f" in {self.result.articles} article(s)"
        if self.result.truncated:
            text += f" (first {self.limit} shown; refine the query)"
        return text

    def _step(self, step: int) -> Hit | None:
        if self._searched != self._key():
            self.search()
        if not self.result.hits:
            return None
        count = len(self.result.hits)
        self._cursor = (
            (self._cursor + step) % count if self._cursor >= 0 else (0 if step > 0 else count - 1)
        )
        self.results.setCurrentRow(self._cursor)
        hit = self.result.hits[self._cursor]
        self.jumpRequested.emit(hit.article_id, hit.start, hit.end)
        return hit

    def _focus_results(self) -> None:
        if self._searched != self._key():
            self.search()
        if self.results.count():
            self.results.setFocus()
            if self.results.currentRow() < 0:
                self.results.setCurrentRow(0)

    def _activated(self, item: QListWidgetItem) -> None:
        article_id, start, end = item.data(HIT_ROLE)
        self._cursor = self.results.row(item)
        self.jumpRequested.emit(article_id, start, end)
