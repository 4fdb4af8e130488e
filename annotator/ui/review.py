"""Review mode: compare annotators, decide each item into the gold set, agreement figures."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.core.agreement import AgreementReport, article_agreement
from annotator.core.annotations import AnnotationSet
from annotator.core.model import Span
from annotator.core.review import ReviewItem, diff_article, is_resolved, step
from annotator.core.review_commands import GOLD, AcceptAgreed, ChooseVersion, MarkReviewed
from annotator.jobs.agreement_job import agreement_job, word_tokens
from annotator.store.project_store import ProjectStore, StoreError
from annotator.store.session import attach_gold
from annotator.ui.article_view import ArticleView
from annotator.ui.compare_view import CompareDialog
from annotator.ui.context import WindowContext
from annotator.ui.review_panel import KIND_COLOURS, ReviewPanel
from annotator.ui.style import SpanStyles
from annotator.ui.tasks import BackgroundTask, ProcessTask
from annotator.ui.token_cache import TokenCache


class ReviewController(QObject):
    """Owns the review tab, the gold store and the commands that build the gold set."""

    targetChanged = Signal(object)  # whose set edits go to: "gold" in review, None after
    panelWanted = Signal()  # show the review tab

    def __init__(self, context: WindowContext, view: ArticleView, tokens: TokenCache,
                 styles: SpanStyles) -> None:
        super().__init__(context.parent)
        self.context, self.view, self.tokens, self.styles = context, view, tokens, styles
        self.project = context.project
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

    # -- entering and leaving ------------------------------------------------
    def toggle(self) -> None:
        self.stop() if self.active else self.start()

    def start(self) -> bool:
        """Load every annotator's sets and the gold sets; edits then go to gold."""
        if self.project.read_only:
            self.context.say("Review needs a writable project.")
            return False
        try:
            self.gold_store, self._gold_saver = attach_gold(self.project, self.context.store.root)
        except StoreError as exc:
            self.context.say(str(exc))
            return False
        self.active = True
        names = [
            a for a in self.project.annotators()
            if a != GOLD and any(s.touched for s in self.project.sets_of(a))
        ]
        self.panel.set_annotators(names, names)
        self.targetChanged.emit(GOLD)
        self.panelWanted.emit()
        self.compare(names)
        return True

    def stop(self) -> None:
        if not self.active:
            return
        self.active = False
        if self.side is not None:
            self.side.close()
        self.view.set_marks([])
        self.targetChanged.emit(None)
        if self._gold_saver is not None:
            self.project.unsubscribe(self._gold_saver)
        if self.gold_store is not None:
            self.gold_store.close()
        self.gold_store = self._gold_saver = None
        self.items, self.annotators, self.report = [], [], None
        self.panel.clear()
        self.context.say("Review mode ended.")

    def compare(self, annotators: list[str]) -> None:
        if len(annotators) < 2:
            self.context.say("Choose at least two annotators to compare.")
            return
        self.annotators = list(annotators)
        self.refresh()
        self._start_project_figures()

    # -- the current article -------------------------------------------------
    def _sets(self, article_id: str) -> dict[str, AnnotationSet | None]:
        return {a: self.project.existing_set(article_id, a) for a in self.annotators}

    def refresh(self) -> None:
        """Recompute the review items and article figures for the shown article."""
        article_id = self.context.current_article()
        if not self.active or article_id is None or not self.annotators:
            return
        sets = self._sets(article_id)
        self.items = diff_article(sets)
        gold = self.project.existing_set(article_id, GOLD)
        gold_of = {row: _gold_text(item, gold) for row, item in enumerate(self.items)}
        self.panel.show_items(self.view.text, self.items, self.annotators, gold_of)
        marks = [
            (item.start, item.end, KIND_COLOURS[item.kind])
            for item in self.items
            if item.is_conflict and not is_resolved(item, gold)
        ]
        self.view.set_marks(marks)
        if self.side is not None and self.side.isVisible():
            self.side.show_versions(self.view.text, [*self.annotators, GOLD],
                                    {**sets, GOLD: gold}, marks)
        text = self.view.text
        tokens = word_tokens(text, self.tokens.get(article_id).tokens)
        self.panel.show_article_figures(
            article_agreement(article_id, sets, self.annotators, tokens), self.annotators
        )

    def side_by_side(self) -> CompareDialog | None:
        """Each compared annotator's version and the gold one in columns (Alt+S)."""
        if not self.active or len(self.annotators) < 2:
            self.context.say("Start review mode (Ctrl+R) with two annotators first.")
            return None
        if self.side is None:
            self.side = CompareDialog(self.styles, self.context.parent)
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
            self.view.select_range(item.start, item.end)

    def step(self, direction: int) -> None:
        """Select the next (previous) conflict the gold set has not decided yet."""
        gold = self.project.existing_set(self.context.current_article() or "", GOLD)
        current = self.panel.current_item()
        position = current.start if current else -1
        target = step(self.items, position, backwards=direction < 0, gold=gold)
        if target is not None:
            self.panel.select_row(self.items.index(target))

    # -- decisions ------------------------------------------------------------
    def _push(self, command) -> None:  # noqa: ANN001
        self.context.edits.push(command)

    def choose(self, index: int) -> None:
        item, article_id = self.panel.current_item(), self.context.current_article()
        if not self.active or item is None or article_id is None:
            return
        if index >= len(self.annotators):
            return
        spans = item.version(self.annotators[index])
        self._push(ChooseVersion(article_id, item, spans if spans else None))
        self.step(1)

    def reject(self) -> None:
        item, article_id = self.panel.current_item(), self.context.current_article()
        if self.active and item is not None and article_id is not None:
            self._push(ChooseVersion(article_id, item, None))
            self.step(1)

    def accept_agreed(self) -> None:
        if self.active and self.context.current_article() and self.items:
            self._push(AcceptAgreed(self.context.current_article(), self.items))

    def mark_reviewed(self) -> None:
        if self.active and self.context.current_article():
            self._push(MarkReviewed(self.context.current_article(), self.project.annotator))

    # -- project figures (background) -----------------------------------------
    def _start_project_figures(self) -> None:
        if self.task is not None and self.task.isRunning():
            self.task.cancel()
            self.task.wait(5000)
        args = (str(self.context.store.root), self.project.annotator, list(self.annotators))
        task = ProcessTask("Agreement", agreement_job, args, before=self.context.flush_saves)
        task.succeeded.connect(self._figures_ready)
        task.failed.connect(self.context.say)
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

