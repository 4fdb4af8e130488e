"""Review tab: compared annotators, the article's review items with their kinds, figures."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import AgreementReport, ArticleAgreement
from annotator.core.review import Kind, ReviewItem
from annotator.ui.stats_view import BarChart

KIND_COLOURS = {
    Kind.AGREED: "#C8E6C9",
    Kind.LABEL: "#FFCC80",
    Kind.BOUNDARY: "#EF9A9A",
    Kind.LINK: "#CE93D8",
    Kind.ONLY_ONE: "#B3E5FC",
    Kind.UNSURE: "#FFF59D",
}
KIND_TEXT = {
    Kind.AGREED: "agreed",
    Kind.LABEL: "label conflict",
    Kind.BOUNDARY: "boundary conflict",
    Kind.LINK: "link conflict",
    Kind.ONLY_ONE: "not everyone",
    Kind.UNSURE: "unsure",
}
_ITEM_ROLE = Qt.ItemDataRole.UserRole + 4


def item_text(item: ReviewItem) -> str:
    """What the Kind column says: "2 of 3" when only some annotators marked the item."""
    if item.kind != Kind.ONLY_ONE:
        return KIND_TEXT[item.kind]
    have = [a for a in item.annotators if item.version(a)]
    return f"{len(have)} of {len(item.annotators)}: {', '.join(have)}"


def pair_names(annotators: list[str]) -> str:
    """Which annotators the pairwise figures compare, e.g. "A = ayu, B = budi"."""
    return f"A = {annotators[0]}, B = {annotators[1]}" if len(annotators) >= 2 else ""


def _fmt(x: float | None) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


class ReviewPanel(QWidget):
    """Pick annotators, step through review items, decide them, read agreement figures."""

    compareRequested = Signal(list)
    itemSelected = Signal(object)  # ReviewItem | None
    versionChosen = Signal(int)  # index of the compared annotator

    def __init__(self) -> None:
        super().__init__()
        self.annotator_list = QListWidget()
        self.annotator_list.setObjectName("reviewAnnotators")
        self.annotator_list.setMaximumHeight(64)
        self.compare_button = QPushButton("Compare")
        self.compare_button.setObjectName("compareButton")
        self.compare_button.clicked.connect(
            lambda: self.compareRequested.emit(self.checked_annotators())
        )
        legend = QGridLayout()
        for i, (kind, colour) in enumerate(KIND_COLOURS.items()):
            swatch = QLabel(KIND_TEXT[kind])
            swatch.setStyleSheet(f"background:{colour};color:#000;padding:1px 4px;")
            legend.addWidget(swatch, i // 3, i % 3)
        self.items_table = QTableWidget(0, 2)
        self.items_table.setObjectName("reviewItems")
        self.items_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.items_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items_table.verticalHeader().setVisible(False)
        self.items_table.setWordWrap(False)
        self.items_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.items_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.items_table.currentCellChanged.connect(
            lambda *_: self.itemSelected.emit(self.current_item())
        )
        self.version_buttons: list[QPushButton] = []
        self.versions_row = QHBoxLayout()
        self.reject_button = QPushButton("Reject (Alt+X)")
        self.agreed_button = QPushButton("Accept all agreed (Alt+A)")
        self.reviewed_button = QPushButton("Mark reviewed (Alt+M)")
        for name, button in (
            ("rejectItemButton", self.reject_button),
            ("acceptAgreedButton", self.agreed_button),
            ("markReviewedButton", self.reviewed_button),
        ):
            button.setObjectName(name)
        actions = QGridLayout()
        actions.addWidget(self.reject_button, 0, 0)
        actions.addWidget(self.reviewed_button, 0, 1)
        actions.addWidget(self.agreed_button, 1, 0, 1, 2)
        self.article_figures = QLabel()
        self.article_figures.setObjectName("articleFigures")
        self.article_figures.setTextFormat(Qt.TextFormat.PlainText)
        self.project_figures = QLabel("Project: press Compare")
        self.project_figures.setObjectName("projectFigures")
        self.project_figures.setTextFormat(Qt.TextFormat.PlainText)
        self.project_figures.setWordWrap(True)
        self.chart = BarChart("F1 per label (A against B)")
        self.chart.setMinimumSize(200, 90)  # the side panel must not force a tall window
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.annotator_list, 1)
        top.addWidget(self.compare_button)
        layout.addLayout(top)
        layout.addLayout(legend)
        layout.addWidget(self.items_table, 1)
        layout.addLayout(self.versions_row)
        layout.addLayout(actions)
        layout.addWidget(self.article_figures)
        layout.addWidget(self.project_figures)
        layout.addWidget(self.chart)

    def clear(self) -> None:
        """Empty the tab (review ended): no items, no buttons, no figures."""
        self.items_table.setRowCount(0)
        self.items_table.setColumnCount(0)
        self._version_buttons([])
        self.article_figures.setText("")
        self.project_figures.setText("Project: press Compare")
        self.chart.set_bars([], maximum=1.0, digits=2)
        self.annotator_list.clear()

    # -- annotators ---------------------------------------------------------
    def set_annotators(self, names: list[str], checked: list[str]) -> None:
        self.annotator_list.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked
            )
            self.annotator_list.addItem(item)

    def checked_annotators(self) -> list[str]:
        rows = range(self.annotator_list.count())
        return [
            self.annotator_list.item(i).text()
            for i in rows
            if self.annotator_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    # -- items --------------------------------------------------------------
    def show_items(self, text: str, items: list[ReviewItem], annotators: list[str],
                   gold_of: dict[int, str]) -> None:
        """One row per item: kind, surface, each annotator's version, what gold holds."""
        current = self.items_table.currentRow()
        table = self.items_table
        table.blockSignals(True)
        table.setColumnCount(3 + len(annotators))
        table.setHorizontalHeaderLabels(["Kind", "Gold", "Text", *annotators])
        table.setRowCount(len(items))
        for row, item in enumerate(items):
            cells = [item_text(item), gold_of.get(row, "") or "undecided",
                     text[item.start : item.end].replace("\n", " ")]
            for who in annotators:
                cells.append(" + ".join(_describe(s) for s in item.version(who)) or "—")
            brush = QBrush(QColor(KIND_COLOURS[item.kind]))
            for col, value in enumerate(cells):
                cell = QTableWidgetItem(value)
                cell.setData(_ITEM_ROLE, item)
                if col == 0:
                    cell.setBackground(brush)
                    cell.setForeground(QBrush(QColor("#000000")))
                table.setItem(row, col, cell)
        header = table.horizontalHeader()  # Kind and Gold whole, the rest share what is left
        for col in range(table.columnCount()):
            mode = (QHeaderView.ResizeMode.ResizeToContents if col < 2
                    else QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(col, mode)
        table.blockSignals(False)
        if items:
            table.selectRow(max(0, min(current, len(items) - 1)))
        self.itemSelected.emit(self.current_item())
        self._version_buttons(annotators)

    def _version_buttons(self, annotators: list[str]) -> None:
        names = [b.property("annotator") for b in self.version_buttons]
        if names == annotators:
            return
        for button in self.version_buttons:
            self.versions_row.removeWidget(button)
            button.deleteLater()
        self.version_buttons = []
        for i, who in enumerate(annotators[:9], start=1):
            button = QPushButton(f"Use {who} (Alt+{i})")
            button.setObjectName(f"useVersion{i}")
            button.setProperty("annotator", who)
            button.clicked.connect(lambda _=False, i=i: self.versionChosen.emit(i - 1))
            self.versions_row.addWidget(button)
            self.version_buttons.append(button)

    def current_item(self) -> ReviewItem | None:
        cell = self.items_table.item(self.items_table.currentRow(), 0)
        return cell.data(_ITEM_ROLE) if cell is not None else None

    def select_row(self, row: int) -> None:
        if 0 <= row < self.items_table.rowCount():
            self.items_table.selectRow(row)

    # -- figures ------------------------------------------------------------
    def show_article_figures(self, figures: ArticleAgreement | None,
                             annotators: list[str] | None = None) -> None:
        if figures is None:
            self.article_figures.setText("Article: fewer than two annotators worked on it.")
            return
        prf = figures.spans.overall if figures.spans else None
        counts = ", ".join(f"{KIND_TEXT[k]} {n}" for k, n in figures.conflicts.items() if n)
        pair = pair_names(annotators or figures.compared)
        self.article_figures.setText(
            f"Article ({pair}; alpha over {len(figures.compared)}): "
            f"P {_fmt(prf.p if prf else None)} R {_fmt(prf.r if prf else None)} "
            f"F {_fmt(prf.f if prf else None)} · kappa {_fmt(figures.kappa)} · "
            f"alpha {_fmt(figures.alpha)}\n{counts}"
        )

    def show_project_figures(self, report: AgreementReport, colours: dict[str, str]) -> None:
        overall = report.spans.overall
        counts = ", ".join(f"{KIND_TEXT[k]} {n}" for k, n in report.conflicts.items())
        links = getattr(report, "links", None) or {}
        link_text = ""
        if links.get("conll") is not None:
            link_text = (
                f"\nLinks: CoNLL {_fmt(links['conll'])} (MUC {_fmt(links['muc']['f'])}, "
                f"B³ {_fmt(links['b_cubed']['f'])}, CEAF-e {_fmt(links['ceaf_e']['f'])}) · "
                f"linked by one only: {links['linked']['only_a'] + links['linked']['only_b']}"
            )
        names = list(report.annotators)
        pair = pair_names(names)
        self.chart.set_title(f"F1 per label ({names[0]} against {names[1]})"
                             if len(names) >= 2 else "F1 per label")
        alpha = f"; alpha over all {len(names)}" if len(names) > 2 else ""
        self.project_figures.setText(
            f"Project ({report.pairs_compared} articles; {pair}{alpha}): "
            f"P {_fmt(overall.p)} R {_fmt(overall.r)} F {_fmt(overall.f)} · "
            f"kappa {_fmt(report.kappa)} · alpha {_fmt(report.alpha)}\n{counts}{link_text}"
        )
        bars = [
            (label, prf.f if not math.isnan(prf.f) else 0.0, colours.get(label, "#999999"))
            for label, prf in sorted(report.spans.per_label.items())
        ]
        self.chart.set_bars(bars, maximum=1.0, digits=2)


def _describe(span) -> str:  # noqa: ANN001
    link = f" → {span.kb_id}" if span.kb_id else ""
    unsure = " (unsure)" if span.unsure else ""
    comment = f" “{span.comment}”" if span.comment else ""
    return f"{span.label} {span.start}-{span.end}{link}{unsure}{comment}"
