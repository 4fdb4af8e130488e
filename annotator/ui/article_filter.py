"""Filter and sort the article list: a proxy model over ArticleListModel and its filter bar."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from annotator.core.model import ArticleStatus
from annotator.core.project import Project
from annotator.core.search import ArticleFilter, article_matches, date_key, status_rank
from annotator.ui.models import ArticleListModel

Index = QModelIndex | QPersistentModelIndex
SORT_KEYS = ("position", "title", "date", "entities", "status")
SORT_NAMES = ("Import order", "Title", "Date", "Entities", "Status")
COLUMN_KEYS = {0: "title", 1: "status", 2: "entities"}  # what a header click sorts by


class ArticleFilterProxy(QSortFilterProxyModel):
    """ArticleListModel rows that pass an ArticleFilter, sorted by a chosen key.

    Rows of this proxy are not project positions: map them with `article_id_at` and
    `row_of`. A click on a header sorts by that column (title, status, entities).
    """

    def __init__(
        self, project: Project, source: ArticleListModel | None = None, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self._filter = ArticleFilter()
        self._pinned: str | None = None
        self._key = "position"
        self._by_sort_by = False
        self.setDynamicSortFilter(True)
        if source is not None:
            self.setSourceModel(source)

    # -- filtering --------------------------------------------------------
    @property
    def article_filter(self) -> ArticleFilter:
        return self._filter

    def set_filter(self, flt: ArticleFilter) -> None:
        if flt == self._filter:
            return
        self._begin_change()
        self._filter = flt
        self._end_change()

    def pin(self, article_id: str | None) -> None:
        """Keep this article listed whatever the filter (the one being edited), so an
        edit that makes it fail the filter does not pull it from under the analyst."""
        if article_id == self._pinned:
            return
        if not self._filter.active:
            self._pinned = article_id
            return
        self._begin_change()
        self._pinned = article_id
        self._end_change()

    def refresh(self) -> None:
        """Re-apply filter and sort after changes the source model did not signal
        (knowledge base edits, another annotator's sets loaded, scheme renames)."""
        self._begin_change()
        self._end_change()
        if self.sortColumn() >= 0:
            self.sort(self.sortColumn(), self.sortOrder())

    def _begin_change(self) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()

    def _end_change(self) -> None:
        if hasattr(self, "endFilterChange"):
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if source_parent.isValid() or source_row >= len(self.project.infos):
            return False
        article_id = self.project.infos[source_row].id
        if not self._filter.active or article_id == self._pinned:
            return True
        return article_matches(self.project, article_id, self._filter)

    # -- sorting ----------------------------------------------------------
    @property
    def sort_key(self) -> str:
        return self._key

    def sort_by(self, key: str, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by "position" (import order), "title", "date", "entities" or "status"."""
        if key not in SORT_KEYS:
            raise ValueError(f"cannot sort articles by {key!r}")
        same = self.sortColumn() == 0 and self.sortOrder() == order
        self._key = key
        self._by_sort_by = True
        try:
            if same:  # Qt skips a sort on the same column and order: re-sort explicitly
                self.invalidate()
            else:
                self.sort(0, order)
        finally:
            self._by_sort_by = False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not self._by_sort_by:
            self._key = COLUMN_KEYS.get(column, "position")
        super().sort(column, order)

    def sort_value(self, source_row: int) -> tuple:
        """The key one source row sorts by (ties keep import order)."""
        info = self.project.infos[source_row]
        if self._key == "title":
            return ((info.title or "").casefold(), source_row)
        if self._key == "date":
            return (*date_key(info.meta), source_row)
        aset = self.project.existing_set(info.id)
        if self._key == "entities":
            return (len(aset.spans) if aset else 0, source_row)
        if self._key == "status":
            return (status_rank(aset.status if aset else ArticleStatus.NEW), source_row)
        return (source_row,)

    def lessThan(self, left: Index, right: Index) -> bool:
        return self.sort_value(left.row()) < self.sort_value(right.row())

    # -- mapping ----------------------------------------------------------
    def article_id_at(self, row: int) -> str:
        source = self.mapToSource(self.index(row, 0))
        return self.project.infos[source.row()].id

    def row_of(self, article_id: str) -> int:
        """Row of the article in this proxy, or -1 when filtered out or unknown."""
        if not self.project.has_article(article_id):
            return -1
        source = self.sourceModel().index(self.project.position(article_id), 0)
        return self.mapFromSource(source).row()

    def visible_ids(self) -> list[str]:
        return [self.article_id_at(row) for row in range(self.rowCount())]


class FilterBar(QWidget):
    """Combo boxes for status, label, entity and annotator, a title box and a sort choice."""

    filterChanged = Signal(object)  # ArticleFilter

    def __init__(
        self, project: Project, proxy: ArticleFilterProxy, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self.project, self.proxy = project, proxy
        self.title = QLineEdit()
        self.title.setObjectName("filterTitle")
        self.title.setPlaceholderText("Filter titles…")
        self.title.setClearButtonEnabled(True)
        self.status = self._combo("filterStatus", "Status")
        self.status.addItem("Any status", None)
        for status in ArticleStatus:
            self.status.addItem(str(status), str(status))
        self.label = self._combo("filterLabel", "Articles with an accepted span of this label")
        self.entity = self._combo("filterEntity", "Articles that mention this entity")
        self.annotator = self._combo(
            "filterAnnotator", "Whose annotations the other filters look at"
        )
        self.sort_key = self._combo("sortKey", "Sort the list")
        for key, name in zip(SORT_KEYS, SORT_NAMES, strict=True):
            self.sort_key.addItem(name, key)
        self.order = QToolButton()
        self.order.setObjectName("sortOrder")
        self.order.setCheckable(True)
        self.order.setToolTip("Descending")
        self.order.setText("↑")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setObjectName("filterClear")
        self.summary = QLabel()
        self.summary.setObjectName("filterSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(3)
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(self.clear_button, 0, 2)
        grid.addWidget(self.status, 1, 0)
        grid.addWidget(self.label, 1, 1, 1, 2)
        grid.addWidget(self.entity, 2, 0)
        grid.addWidget(self.annotator, 2, 1, 1, 2)
        grid.addWidget(self.sort_key, 3, 0)
        grid.addWidget(self.order, 3, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.summary, 3, 2)

        self.refresh_choices()
        self.title.textChanged.connect(lambda _t: self.apply())
        for combo in (self.status, self.label, self.entity, self.annotator):
            combo.currentIndexChanged.connect(lambda _i: self.apply())
        self.sort_key.currentIndexChanged.connect(lambda _i: self._sort())
        self.order.toggled.connect(lambda _on: self._sort())
        self.clear_button.clicked.connect(self.clear)
        for signal in (
            proxy.rowsInserted,
            proxy.rowsRemoved,
            proxy.modelReset,
            proxy.layoutChanged,
        ):
            signal.connect(self._count)
        self._count()

    def _combo(self, name: str, tip: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setToolTip(tip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        return combo

    # -- public -----------------------------------------------------------
    def current_filter(self) -> ArticleFilter:
        status = self.status.currentData()
        return ArticleFilter(
            status=ArticleStatus(status) if status else None,
            label=self.label.currentData(),
            entity=self.entity.currentData(),
            annotator=self.annotator.currentData(),
            title=self.title.text(),
        )

    def state(self) -> dict[str, object]:
        """The choices as plain values (for remembering them between sessions)."""
        combos = {"status": self.status, "label": self.label, "entity": self.entity,
                  "annotator": self.annotator, "sort": self.sort_key}
        return {"title": self.title.text(), "descending": self.order.isChecked(),
                **{name: combo.currentData() or "" for name, combo in combos.items()}}

    def restore(self, state: dict[str, object]) -> None:
        """Choose what `state()` gave (choices no longer offered are left at "any")."""
        combos = {"status": self.status, "label": self.label, "entity": self.entity,
                  "annotator": self.annotator, "sort": self.sort_key}
        for name, combo in combos.items():
            index = combo.findData(state.get(name)) if state.get(name) else -1
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
        self.title.blockSignals(True)
        self.title.setText(str(state.get("title") or ""))
        self.title.blockSignals(False)
        self.order.blockSignals(True)
        self.order.setChecked(str(state.get("descending")).lower() in ("true", "1"))
        self.order.blockSignals(False)
        self._sort()
        self.apply()

    def apply(self) -> None:
        flt = self.current_filter()
        self.proxy.set_filter(flt)
        self._count()
        self.filterChanged.emit(flt)

    def clear(self) -> None:
        """Show every article again (sorting is kept)."""
        for combo in (self.status, self.label, self.entity, self.annotator):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.title.blockSignals(True)
        self.title.clear()
        self.title.blockSignals(False)
        self.apply()

    def refresh_choices(self) -> None:
        """Re-read labels, entities and annotators (call after scheme, KB or import changes)."""
        labels = [(name, name) for name in self.project.scheme.names]
        entities = sorted(
            ((f"{e.name} ({e.label})", e.kb_id) for e in self.project.kb),
            key=lambda item: item[0].casefold(),
        )
        annotators = [(name, name) for name in self.project.annotators()]
        changed = False
        changed |= _fill(self.label, "Any label", labels)
        changed |= _fill(self.entity, "Any entity", entities)
        changed |= _fill(self.annotator, "Any annotator", annotators)
        if changed:
            self.apply()
        else:
            self.proxy.refresh()
            self._count()

    # -- internals --------------------------------------------------------
    def _sort(self) -> None:
        descending = self.order.isChecked()
        self.order.setText("↓" if descending else "↑")
        self.order.setToolTip("Ascending" if descending else "Descending")
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.proxy.sort_by(self.sort_key.currentData(), order)

    def _count(self, *_args: object) -> None:
        total = self.proxy.sourceModel().rowCount() if self.proxy.sourceModel() else 0
        shown = self.proxy.rowCount()
        self.summary.setText(f"{shown} of {total}" if shown != total else f"{total} articles")


def _fill(combo: QComboBox, any_text: str, items: list[tuple[str, str]]) -> bool:
    """Replace a combo's choices, keeping the chosen one; True when that choice is gone."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(any_text, None)
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
    return current is not None and index < 0
