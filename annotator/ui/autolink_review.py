"""After Link all: its links listed least sure first, to accept or unlink in bulk."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.autolink import DOUBTFUL, AutoLinkPlan, Link, RelinkSpans
from annotator.core.commands import Command, CompositeCommand
from annotator.core.model import Origin
from annotator.core.project import Project

COLUMNS = ("Sure", "Mention", "Entity", "Article")
LINK_ROLE = Qt.ItemDataRole.UserRole + 20


def ranked_links(plan: AutoLinkPlan) -> list[tuple[float, Link]]:
    """Every link of the plan with its confidence, least sure first (stable)."""
    sure = plan.confidence + [1.0] * (len(plan.links) - len(plan.confidence))
    return sorted(zip(sure, plan.links, strict=False), key=lambda pair: pair[0])


def still_linked(project: Project, links: list[Link]) -> list[Link]:
    """The links whose span still carries that link (the analyst may have changed it since)."""
    out = []
    for article_id, span, kb_id in links:
        aset = project.existing_set(article_id)
        current = next((s for s in aset.spans if s == span), None) if aset else None
        if current is not None and current.kb_id == kb_id:
            out.append((article_id, current, kb_id))
    return out


def decide_links(links: list[Link], *, accept: bool) -> Command:
    """One undo step: confirm the auto links (origin manual) or take them off the spans."""
    per_article: dict[str, list[tuple]] = {}
    for article_id, span, kb_id in links:
        per_article.setdefault(article_id, []).append((span, kb_id if accept else ""))
    steps: list[Command] = [RelinkSpans(a, items, Origin.MANUAL, only_unlinked=False)
                            for a, items in per_article.items()]
    what = "Accept" if accept else "Unlink"
    command = CompositeCommand(f"{what} {len(links)} auto link(s)", steps)
    command.article_id = None
    return command


class AutoLinkReview(QDialog):
    """Links of one Link all run, doubtful first; check rows, accept or unlink them."""

    def __init__(self, parent: QWidget, project: Project, plan: AutoLinkPlan,
                 push: Callable[[Command], bool]) -> None:
        super().__init__(parent)
        self.setObjectName("autoLinkReview")
        self.setWindowTitle("Review auto links (least sure first)")
        self.project, self.push = project, push
        self.rows = ranked_links(plan)
        names = {e.kb_id: e.name for e in [*project.kb, *plan.new_entities]}
        self.table = QTableWidget(len(self.rows), len(COLUMNS))
        self.table.setObjectName("autoLinkTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        texts: dict[str, str] = {}
        for row, (sure, link) in enumerate(self.rows):
            article_id, span, kb_id = link
            if article_id not in texts:
                texts[article_id] = project.text(article_id)
            mention = texts[article_id][span.start : span.end]
            cells = (f"{sure:.2f}", mention, names.get(kb_id, kb_id),
                     project.info(article_id).title)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)  # plain text
                if col == 0:
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Checked if sure < DOUBTFUL
                                       else Qt.CheckState.Unchecked)
                    item.setData(LINK_ROLE, link)
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        doubtful = sum(1 for sure, _ in self.rows if sure < DOUBTFUL)
        self.summary = QLabel(f"{len(self.rows)} link(s) made, {doubtful} doubtful (checked). "
                              "Accept confirms the checked links; Unlink takes them off.")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.accept_button = QPushButton("&Accept checked")
        self.accept_button.setObjectName("acceptCheckedLinks")
        self.unlink_button = QPushButton("&Unlink checked")
        self.unlink_button.setObjectName("unlinkCheckedLinks")
        self.accept_button.clicked.connect(lambda: self._decide(accept=True))
        self.unlink_button.clicked.connect(lambda: self._decide(accept=False))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.unlink_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(820, 520)

    def checked(self) -> list[Link]:
        out = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(LINK_ROLE))
        return out

    def _decide(self, *, accept: bool) -> None:
        links = still_linked(self.project, self.checked())
        if not links:
            self.summary.setText("Check the links to accept or unlink first.")
            return
        if self.push(decide_links(links, accept=accept)):
            for row in reversed(range(self.table.rowCount())):
                if self.table.item(row, 0).checkState() == Qt.CheckState.Checked:
                    self.table.removeRow(row)
            verb = "Accepted" if accept else "Unlinked"
            self.summary.setText(f"{verb} {len(links)} link(s); {self.table.rowCount()} left.")
