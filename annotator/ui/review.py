"""Review mode: compare annotators, decide each item into the gold set, agreement figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from annotator.core.agreement import AgreementReport, article_agreement
from annotator.core.annotations import AnnotationSet
from annotator.core.model import Span
from annotator.core.review import ReviewItem, diff_article, is_resolved, step
from annotator.core.review_commands import GOLD, AcceptAgreed, ChooseVersion, MarkReviewed
from annotator.jobs.agreement_job import agreement_job, word_tokens
from annotator.store.project_store import ProjectStore, StoreError
from annotator.store.session import attach_gold
from annotator.ui.compare_view import CompareDialog
from annotator.ui.review_panel import KIND_COLOURS, ReviewPanel
from annotator.ui.tasks import BackgroundTask, ProcessTask

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow


class ReviewController(QObject):
    """Owns the review tab, the gold store and the commands that build the gold set."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.project = window.project
        self.panel = ReviewPanel()
        self.active = False
        self.annotators: list[str] = []
        self.items: list[ReviewItem] = []
        self.report: AgreementReport | None = None
        self.gold_store: ProjectStore | None = None
        self._gold_saver = None
        self.task: BackgroundTask | None = None
        self.side: CompareDialog | None = None  # the versions side by side, when open
        self.panel.compareRequested.connect(self.compare)
        self.panel.itemSelected.connect(self._show_item)
        self.panel.versionChosen.connect(self.choose)
        self.panel.reject_button.clicked.connect(self.reject)
        self.panel.agreed_button.clicked.connect(self.accept_agreed)
        self.panel.reviewed_button.clicked.connect(self.mark_reviewed)

    def build_menu(self) -> list[QAction]:
        """The Review menu: start/stop, versions 1–9, reject, agreed, reviewed, stepping."""
        menu = self.window.menuBar().addMenu("Revie&w")
        specs = [
            ("Start / stop review", "Ctrl+R", self.toggle),
            ("Next item", "Alt+Down", lambda: self.step(1)),
            ("Previous item", "Alt+Up", lambda: self.step(-1)),
            ("Reject item in gold", "Alt+X", self.reject),
            ("Accept all agreed", "Alt+A", self.accept_agreed),
            ("Mark article reviewed", "Alt+M", self.mark_reviewed),
            ("Versions side by side", "Alt+S", self.side_by_side),
        ]
        specs += [(f"Use version {i}", f"Alt+{i}",  # triggered(checked) must not fill `i`
                   lambda _checked=False, i=i: self.choose(i - 1)) for i in range(1, 10)]
        actions = []
        for text, keys, slot in specs:
            action = QAction(text, self.window)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            menu.addAction(action)
            self.window.addAction(action)
            actions.append(action)
        return actions

    # -- entering and leaving ------------------------------------------------
    def toggle(self) -> None:
        self.stop() if self.active else self.start()

    def start(self) -> bool:
        """Load every annotator's sets and the gold sets; edits then go to gold."""
        if self.project.read_only:
            self.window.say("Review needs a writable project.")
            return False
        try:
            self.gold_store, self._gold_saver = attach_gold(self.project, self.window.store.root)
        except StoreError as exc:
            self.window.say(str(exc))
            return False
        self.active = True
        names = [
            a for a in self.project.annotators()
            if a != GOLD and any(s.touched for s in self.project.sets_of(a))
        ]
        self.panel.set_annotators(names, names)
        self.window.set_edit_target(GOLD)
        self.window.side_tabs.setCurrentWidget(self.panel)
        self.compare(names)
        return True

    def stop(self) -> None:
        if not self.active:
            return
        self.active = False
        if self.side is not None:
            self.side.close()
        self.window.view.set_marks([])
        self.window.set_edit_target(None)
        if self._gold_saver is not None:
            self.project.unsubscribe(self._gold_saver)
        if self.gold_store is not None:
            self.gold_store.close()
        self.gold_store = self._gold_saver = None
        self.window.say("Review mode ended.")

    def compare(self, annotators: list[str]) -> None:
        if len(annotators) < 2:
            self.window.say("Choose at least two annotators to compare.")
            return
        self.annotators = list(annotators)
        self.refresh()
        self._start_project_figures()

    # -- the current article -------------------------------------------------
    def _sets(self, article_id: str) -> dict[str, AnnotationSet | None]:
        return {a: self.project.existing_set(article_id, a) for a in self.annotators}

    def refresh(self) -> None:
        """Recompute the review items and article figures for the shown article."""
        article_id = self.window.article_id
        if not self.active or article_id is None or not self.annotators:
            return
        sets = self._sets(article_id)
        self.items = diff_article(sets)
        gold = self.project.existing_set(article_id, GOLD)
        gold_of = {row: _gold_text(item, gold) for row, item in enumerate(self.items)}
        self.panel.show_items(self.window.view.text, self.items, self.annotators, gold_of)
        marks = [
            (item.start, item.end, KIND_COLOURS[item.kind])
            for item in self.items
            if item.is_conflict and not is_resolved(item, gold)
        ]
        self.window.view.set_marks(marks)
        if self.side is not None and self.side.isVisible():
            self.side.show_versions(self.window.view.text, [*self.annotators, GOLD],
                                    {**sets, GOLD: gold}, marks)
        text = self.window.view.text
        tokens = word_tokens(text, self.window.tokens.get(article_id).tokens)
        self.panel.show_article_figures(
            article_agreement(article_id, sets, self.annotators, tokens)
        )

    def side_by_side(self) -> CompareDialog | None:
        """Each compared annotator's version and the gold one in columns (Alt+S)."""
        if not self.active or len(self.annotators) < 2:
            self.window.say("Start review mode (Ctrl+R) with two annotators first.")
            return None
        if self.side is None:
            self.side = CompareDialog(self.window.styles, self.window)
            self.side.spanClicked.connect(self._pick)
        self.side.show()
        self.side.raise_()
        self.refresh()
        return self.side

    def _pick(self, span: object) -> None:
        """Select the review item a span clicked in a side-by-side column belongs to."""
        assert isinstance(span, Span)
        for row, item in enumerate(self.items):
            if item.start < span.end and span.start < item.end:
                self.panel.select_row(row)
                return

    def _show_item(self, item: object) -> None:
        if isinstance(item, ReviewItem):
            self.window.view.select_range(item.start, item.end)

    def step(self, direction: int) -> None:
        """Select the next (previous) conflict the gold set has not decided yet."""
        gold = self.project.existing_set(self.window.article_id or "", GOLD)
        current = self.panel.current_item()
        position = current.start if current else -1
        target = step(self.items, position, backwards=direction < 0, gold=gold)
        if target is not None:
            self.panel.select_row(self.items.index(target))

    # -- decisions ------------------------------------------------------------
    def _push(self, command) -> None:  # noqa: ANN001
        self.window.editor.push(command)

    def choose(self, index: int) -> None:
        item, article_id = self.panel.current_item(), self.window.article_id
        if not self.active or item is None or article_id is None:
            return
        if index >= len(self.annotators):
            return
        spans = item.version(self.annotators[index])
        self._push(ChooseVersion(article_id, item, spans if spans else None))
        self.step(1)

    def reject(self) -> None:
        item, article_id = self.panel.current_item(), self.window.article_id
        if self.active and item is not None and article_id is not None:
            self._push(ChooseVersion(article_id, item, None))
            self.step(1)

    def accept_agreed(self) -> None:
        if self.active and self.window.article_id and self.items:
            self._push(AcceptAgreed(self.window.article_id, self.items))

    def mark_reviewed(self) -> None:
        if self.active and self.window.article_id:
            self._push(MarkReviewed(self.window.article_id, self.project.annotator))

    # -- project figures (background) -----------------------------------------
    def _start_project_figures(self) -> None:
        if self.task is not None and self.task.isRunning():
            self.task.cancel()
            self.task.wait(5000)
        args = (str(self.window.store.root), self.project.annotator, list(self.annotators))
        task = ProcessTask("Agreement", agreement_job, args, before=self.window.flush_saves)
        task.succeeded.connect(self._figures_ready)
        task.failed.connect(self.window.say)
        self.task = task
        task.start()

    def _figures_ready(self, report: object) -> None:
        assert isinstance(report, AgreementReport)
        self.report = report
        colours = {label.name: label.color for label in self.project.scheme.labels}
        self.panel.show_project_figures(report, colours)

    def shutdown(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task.wait(5000)
        self.stop()


def _gold_text(item: ReviewItem, gold: AnnotationSet | None) -> str:
    if gold is None:
        return ""
    spans = gold.overlapping(item.start, item.end)
    if spans:
        return " + ".join(f"{s.label} {s.start}-{s.end}" for s in spans)
    keys = item.keys()
    return "rejected" if keys and keys <= gold.rejected else ""

