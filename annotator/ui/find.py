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

from annotator.core.model import Origin
from annotator.core.project import Project
from annotator.core.search import (
    DEFAULT_LIMIT,
    SPAN_STATES,
    FindOptions,
    Hit,
    SearchResult,
    SpanQuery,
    context,
    find_spans,
    project_texts,
    search,
)
from annotator.ui.models import plain_tooltip
from annotator.ui.tasks import BackgroundTask, TaskCancelled, TaskContext

HIT_ROLE = Qt.ItemDataRole.UserRole + 10
LINE_ROLE = Qt.ItemDataRole.UserRole + 11
THIS_ARTICLE, ALL_ARTICLES = 0, 1
TEXT, SPANS = 0, 1  # find text, or find annotations
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
    searched = Signal()  # new results are listed

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
        self.task: BackgroundTask | None = None  # an all-articles search running
        self._then_step = 0  # a step (Enter) asked for while that search runs

        self.query = _QueryEdit()
        self.query.setObjectName("findQuery")
        self.query.setPlaceholderText("Find… (Enter: next hit)")
        self.query.setClearButtonEnabled(True)
        self.scope = QComboBox()
        self.scope.setObjectName("findScope")
        self.scope.addItems(["This article", "All articles"])
        self.mode = QComboBox()
        self.mode.setObjectName("findMode")
        self.mode.addItems(["Text", "Spans"])
        self.mode.setToolTip("Find text, or find spans by label, entity, origin and state")
        self.span_label = self._span_combo("findSpanLabel", "Any label")
        self.span_entity = self._span_combo("findSpanEntity", "Any entity")
        self.span_origin = self._span_combo("findSpanOrigin", "Any origin")
        for origin in Origin:
            self.span_origin.addItem(str(origin), str(origin))
        self.span_state = self._span_combo("findSpanState", "accepted or suggested")
        for state in SPAN_STATES[1:]:
            self.span_state.addItem(state, state)
        self.span_row = QWidget()
        self.span_row.setObjectName("findSpanFilters")
        span_layout = QHBoxLayout(self.span_row)
        span_layout.setContentsMargins(0, 0, 0, 0)
        for combo in (self.span_label, self.span_entity, self.span_origin, self.span_state):
            span_layout.addWidget(combo, 1)
        self.span_row.setVisible(False)
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
        row.addWidget(self.mode)
        row.addWidget(self.query, 1)
        row.addWidget(self.scope)
        options = QHBoxLayout()
        for box in (self.match_case, self.diacritics, self.whole_word):
            options.addWidget(box)
        options.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.span_row)
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
        self.mode.currentIndexChanged.connect(self._mode_changed)
        for combo in (self.span_label, self.span_entity, self.span_origin, self.span_state):
            combo.currentIndexChanged.connect(lambda _i: self.search())
        for box in (self.match_case, self.diacritics, self.whole_word):
            box.toggled.connect(lambda _on: self.search())
        self.results.itemActivated.connect(self._activated)  # Enter or double-click

    def _span_combo(self, name: str, any_text: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(any_text, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        return combo

    def _mode_changed(self, mode: int) -> None:
        self.span_row.setVisible(mode == SPANS)
        self.query.setPlaceholderText("Part of the span's text (optional)" if mode == SPANS
                                      else "Find… (Enter: next hit)")
        if mode == SPANS:
            self.refresh_choices()
        self.search()

    def refresh_choices(self) -> None:
        """Re-read labels and entities for the span filters, keeping the chosen ones."""
        for combo, items in (
            (self.span_label, [(n, n) for n in self.project.scheme.names]),
            (self.span_entity, sorted(((f"{e.name} ({e.label})", e.kb_id)
                                       for e in self.project.kb),
                                      key=lambda item: item[0].casefold())),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
            combo.blockSignals(False)

    def span_query(self) -> SpanQuery:
        origin = self.span_origin.currentData()
        return SpanQuery(
            label=self.span_label.currentData(), kb_id=self.span_entity.currentData(),
            origin=Origin(origin) if origin else None,
            state=self.span_state.currentData() or "any", text=self.query.text(),
        )

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
        if self.mode.currentIndex() == SPANS:
            self.refresh_choices()
        if text and "\n" not in text and text.strip():
            self.query.setText(text.strip())
            self.search()
        self.show()
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    def search(self) -> SearchResult:
        """Run the query in the chosen scope and list the hits.

        All articles are searched in a background thread (10,000 texts take a second), so
        the result comes later (`searched`); this article is searched at once.
        """
        self._timer.stop()
        self.stop()
        key, query, options = self._key(), self.query.text(), self.options()
        spans = self.span_query() if self.mode.currentIndex() == SPANS else None
        if spans is not None and not spans.active:
            self._show(key, SearchResult([], False, 0), [])
            return self.result
        if self.scope.currentIndex() != ALL_ARTICLES:
            ids = [self.article_id] if self.article_id and self.project.has_article(
                self.article_id) else []
            self._show(key, *find_lines(self.project, ids, query, spans, options, self.limit))
            return self.result
        project, limit = self.project, self.limit

        def body(ctx: TaskContext) -> tuple:
            return find_lines(project, project.article_ids, query, spans, options, limit, ctx)

        task = BackgroundTask("Find", body)
        task.succeeded.connect(lambda found: self._show(key, *found))
        task.failed.connect(self.summary.setText)
        self.task = task
        self.summary.setText("Searching all articles…")
        task.start()
        return self.result

    @property
    def searching(self) -> bool:
        return self.task is not None and self.task.isRunning()

    def find_next(self) -> Hit | None:
        """Jump to the hit after the current one (first after a new search); wraps around."""
        return self._step(1)

    def find_previous(self) -> Hit | None:
        return self._step(-1)

    def hits(self) -> list[Hit]:
        return list(self.result.hits)

    # -- internals --------------------------------------------------------
    def _key(self) -> tuple:
        spans = self.span_query() if self.mode.currentIndex() == SPANS else None
        return (self.query.text(), self.options(), self.scope.currentIndex(), self.article_id,
                spans)

    def stop(self) -> None:
        """Cancel an all-articles search still running (a new query, or the window closes)."""
        if self.task is not None:
            self.task.cancel()
            self.task.wait(2000)  # it stops at the next article
            self.task = None

    def _show(self, key: tuple, result: SearchResult, lines: list[str]) -> None:
        """List a search's hits (with their context lines) unless the query changed since."""
        if key != self._key():
            return
        self.result, self._searched, self._cursor = result, key, -1
        self.results.clear()
        all_scope = self.scope.currentIndex() == ALL_ARTICLES
        for hit, line in zip(result.hits, lines, strict=True):
            title = self.project.info(hit.article_id).title or "(untitled)"
            short = title if len(title) <= _TITLE else title[: _TITLE - 1] + "…"
            item = QListWidgetItem(f"{short}: {line}" if all_scope else line)
            item.setData(HIT_ROLE, (hit.article_id, hit.start, hit.end))
            item.setData(LINE_ROLE, line)
            item.setToolTip(plain_tooltip(f"{title}\ncharacters {hit.start}–{hit.end}"))
            self.results.addItem(item)
        self.summary.setText(self._summary())
        self.searched.emit()
        step, self._then_step = self._then_step, 0
        if step:
            self._step(step)

    def _summary(self) -> str:
        spans = self.mode.currentIndex() == SPANS
        if not (self.span_query().active if spans else self.query.text().strip()):
            return "Choose a label, entity, origin or state" if spans else ""
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
            if self.searching:
                self._then_step = step  # taken when the results arrive
                return None
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
        if self._searched != self._key() and not self.searching:
            self.search()
        if self.results.count():
            self.results.setFocus()
            if self.results.currentRow() < 0:
                self.results.setCurrentRow(0)

    def _activated(self, item: QListWidgetItem) -> None:
        article_id, start, end = item.data(HIT_ROLE)
        self._cursor = self.results.row(item)
        self.jumpRequested.emit(article_id, start, end)


def hit_line(text: str, hit: Hit) -> str:
    """A hit in its context, on one line: "…left«match»right…"."""
    left, match, _ = context(text, hit.start, hit.end, _LEFT)
    right = context(text, hit.start, hit.end, _RIGHT)[2]
    return f"…{left}«{match}»{right}…"


def find_lines(
    project: Project, article_ids: Iterable[str], query: str, spans: SpanQuery | None,
    options: FindOptions, limit: int, ctx: TaskContext | None = None,
) -> tuple[SearchResult, list[str]]:
    """Search these articles for text (or spans, when `spans` is given); the hits and their
    context lines (stops when cancelled)."""

    def ids() -> Iterable[str]:
        for article_id in article_ids:
            if ctx is not None and ctx.cancelled:
                raise TaskCancelled
            yield article_id

    if spans is not None:
        result = find_spans(project, ids(), spans, options, limit)
    else:
        result = search(project_texts(project, ids()), query, options, limit)
    hit_texts = {aid: project.text(aid) for aid in dict.fromkeys(h.article_id
                                                                 for h in result.hits)}
    return result, [hit_line(hit_texts[h.article_id], h) for h in result.hits]
