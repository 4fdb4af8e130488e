"""The main window: wires the article list, article view, span panel and workers together."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from annotator.core.project import Project
from annotator.store.project_store import ProjectStore, StoreError
from annotator.ui.actions import build_actions, window_slots
from annotator.ui.article_delete import ArticleDeleter
from annotator.ui.article_filter import ArticleFilterProxy
from annotator.ui.article_view import ArticleView
from annotator.ui.close_guard import CloseGuard
from annotator.ui.context import EditGateway, WindowContext
from annotator.ui.desk import DeskController
from annotator.ui.dialogs import PENDING_CHOICES, pending_on_done_prompt
from annotator.ui.editor import EditController
from annotator.ui.elided_label import ElidedLabel
from annotator.ui.entities_panel import EntitiesPanel
from annotator.ui.guidelines import GuidelinesPanel
from annotator.ui.linking import LinkingController
from annotator.ui.live import LiveProject
from annotator.ui.models import ArticleListModel, SpanTableModel
from annotator.ui.panels import ArticleListPanel, SpanPanel
from annotator.ui.projects import Place, PlaceMemory, ProjectMenu
from annotator.ui.review import ReviewController
from annotator.ui.runtime import settle, tune_interpreter
from annotator.ui.statusbar import ProjectStatusBar
from annotator.ui.style import SpanStyles
from annotator.ui.suggestions import SuggestionRunner
from annotator.ui.token_cache import TokenCache
from annotator.ui.training import TrainingController
from annotator.ui.transfer import TransferController
from annotator.ui.typing_guard import TypingGuard

_DAMAGED = "Read-only article: "


class SaveBridge(QObject):
    """Carries the store's writer-thread callbacks onto the UI thread."""

    saved = Signal()
    failed = Signal(str)


class MainWindow(QMainWindow):
    """Hand-annotation window for one project and one annotator."""

    def __init__(
        self,
        project: Project,
        store: ProjectStore,
        settings: QSettings | None = None,
        *,
        suggest: bool = True,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.project, self.store = project, store
        self.settings = settings or QSettings()
        self.setWindowTitle(f"{store.root.name} — {store.root} — {project.annotator} — Annotator")
        self.undo_stack = QUndoStack(self)
        self.done_prompt: QMessageBox | None = None  # "undecided suggestions" question, when open
        self.close_guard = CloseGuard(self, project, self._stores, self.close)
        self.styles = SpanStyles(project.scheme)
        self.tokens = TokenCache(project)

        self.article_model = ArticleListModel(project)
        self.article_proxy = ArticleFilterProxy(project, self.article_model)
        self.article_panel = ArticleListPanel(self.article_proxy)
        self.view = ArticleView(self.styles)
        self.span_model = SpanTableModel()
        self.span_panel = SpanPanel(self.span_model)
        self.title_label = ElidedLabel()
        self.title_label.setObjectName("articleTitle")
        self.banner = QLabel()
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setStyleSheet("background:#FFF3CD;color:#5C4400;padding:6px;")
        self.banner.setVisible(project.read_only)
        self.banner.setText(getattr(store, "lock_message", "") or "Read-only project")
        self.status = ProjectStatusBar()
        self.setStatusBar(self.status)
        self.edits = EditGateway(project, self.undo_stack, self.say, lambda: self.article_id)
        self.edits.on_applied = self._edit_applied
        self.context = WindowContext(
            project=project, store=store, edits=self.edits, status=self.status,
            settings=self.settings, parent=self, say=self.say,
            current_article=lambda: self.article_id, show_article=self.show_article,
            flush_saves=self.flush_saves, start_suggestions=self.start_suggestions)
        self.editor = EditController(project, self.edits, self.view, self.tokens, self.say)
        self.suggestions = SuggestionRunner(project, store.root)
        self.entities_panel = EntitiesPanel(project)
        self.linking = LinkingController(self.context, self.view)
        self.transfer = TransferController(self.context, self.article_proxy.visible_ids)
        self.live = LiveProject(project, store, self.transfer.start_import, self)
        self.deleter = ArticleDeleter(self.context)
        self.switch_annotator: Callable[[str], None] | None = None  # set by the GUI session
        self.switch_project: Callable[[Path, bool], object] | None = None  # likewise
        self.project_menu = ProjectMenu(
            self, self.settings, store.root,
            lambda root, create: self.switch_project and self.switch_project(root, create))
        self.places = PlaceMemory(self.settings, store.root)
        self._span_to_restore: tuple[str, tuple[int, int]] | None = None

        self.label_bar = QToolBar("Labels")
        self.review = ReviewController(self.context, self.view, self.tokens, self.styles)
        self._build_layout()
        tune_interpreter()
        self.training = TrainingController(self.context)
        self.typing_guard = TypingGuard(self)
        QApplication.instance().installEventFilter(self.typing_guard)
        self.desk = DeskController(self.context, self.view, self.label_bar,
                                   self.editor.apply_label)
        self.side_tabs.addTab(self.desk.find_panel, "Find")
        self.actions_by_id, menus = build_actions(self, window_slots(self))
        menus["&File"].insertMenu(self.actions_by_id["import_files"],
                                  self.project_menu.recent_menu)
        self.desk.labels_menu = menus["&Labels"]
        self.desk.legend_action = self.actions_by_id["legend"]
        self.label_actions: list[QAction] = self.desk.rebuild_label_actions()
        self._connect()
        self._restore_settings()
        self.status.show_progress(project)
        self.training.show_model()
        if project.read_only:
            self.status.show_save_state("Read-only: edits are not possible, nothing is saved")
        self._return_to_place()
        if project.load_warnings:  # e.g. a deleted KB rebuilt from the linked spans
            self.status.showMessage("; ".join(project.load_warnings), 20000)
        settle()
        self.suggest = suggest  # False: no suggestion pass at all (tests, benchmarks)
        if suggest:  # after the first paint, so the article shows before spaCy loads
            QTimer.singleShot(0, self.start_suggestions)

    # -- construction -----------------------------------------------------
    def _build_layout(self) -> None:
        self.label_bar.setObjectName("labelBar")
        self.label_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.title_label)
        layout.addWidget(self.label_bar)
        layout.addWidget(self.view, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.article_panel)
        self.splitter.addWidget(centre)
        self.side_tabs = QTabWidget()
        self.side_tabs.setObjectName("sideTabs")
        self.side_tabs.addTab(self.span_panel, "Spans")
        self.side_tabs.addTab(self.entities_panel, "Entities")
        self.guidelines = GuidelinesPanel(self.project.scheme)
        self.side_tabs.addTab(self.guidelines, "Guidelines")
        self.side_tabs.addTab(self.review.panel, "Review")
        self.splitter.addWidget(self.side_tabs)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)  # the article stays readable
        self.splitter.setSizes([280, 680, 460])
        self.setCentralWidget(self.splitter)

    def label_keys(self) -> list[tuple[str, str]]:
        """(key, label) of every label with a key, for the Help table."""
        return [(label.key, label.name) for label in self.project.scheme.labels if label.key]

    def _connect(self) -> None:
        self.project.subscribe(self._article_changed)
        self.live.articlesAdded.connect(self._articles_added)
        self.live.articlesRemoved.connect(self._articles_removed)
        self.live.colleaguesSaved.connect(self._colleagues_saved)
        self.deleter.deleted.connect(self._article_deleted)
        self.deleter.restored.connect(self._article_restored)
        self.transfer.articlesImported.connect(self._article_list_changed)
        self.transfer.articlesImported.connect(self.deleter.imported)
        self.review.targetChanged.connect(self.set_edit_target)
        self.review.panelWanted.connect(lambda: self.side_tabs.setCurrentWidget(self.review.panel))
        self.desk.labelActionsChanged.connect(self._label_actions_changed)
        self.desk.schemeChanged.connect(self._scheme_changed)
        self.desk.findWanted.connect(
            lambda: self.side_tabs.setCurrentWidget(self.desk.find_panel))
        self.desk.annotatorChosen.connect(
            lambda name: self.switch_annotator and self.switch_annotator(name))
        self.article_panel.articleActivated.connect(self.show_article)
        self.view.currentSpanChanged.connect(self.span_panel.show_current)
        self.view.contextMenuAt.connect(self._context_menu)
        self.span_panel.spanActivated.connect(self._span_clicked)
        self.span_panel.accept_button.clicked.connect(self.editor.accept_current)
        self.span_panel.reject_button.clicked.connect(self.editor.reject_current)
        self.span_panel.accept_all_button.clicked.connect(self.editor.accept_all)
        self.span_panel.done_button.clicked.connect(self.mark_done)
        self.suggestions.itemReady.connect(self._suggestions_ready)
        self.suggestions.progressed.connect(self.status.task_progress)
        self.suggestions.problems.connect(lambda found: self.say("; ".join(found)))
        self.suggestions.finished.connect(self.status.task_finished)
        self.suggestions.finished.connect(lambda _msg: self.linking.propagate(None))
        self.linking.propagation.batchReady.connect(self.linking.apply_batch)
        self.linking.propagation.swept.connect(self.linking.sweep)
        self.linking.propagation.finished.connect(self.say)
        self.project.subscribe_kb(self._kb_changed)
        self.entities_panel.jumpRequested.connect(self.jump_to)
        panel = self.entities_panel
        panel.edit_button.clicked.connect(lambda: self._with_entity(self.linking.edit_entity))
        panel.merge_button.clicked.connect(lambda: self._with_entity(self.linking.merge_entity))
        panel.accept_button.clicked.connect(
            lambda: self._with_entity(self.linking.accept_for_entity)
        )
        self._entities_timer = QTimer(self)
        self._entities_timer.setSingleShot(True)
        self._entities_timer.setInterval(100)
        self._entities_timer.timeout.connect(self.entities_panel.refresh)
        self._progress_timer = QTimer(self)  # recounting a 10k project costs ms: once per 250
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(250)
        self._progress_timer.timeout.connect(lambda: self.status.show_progress(self.project))
        self.entities_panel.refresh()
        self.bridge = SaveBridge()
        self.bridge.saved.connect(lambda: self.status.show_store_state(self.store))
        self.bridge.failed.connect(lambda msg: self.status.show_save_state(msg, error=True))
        self.store.on_saved = lambda *_: self.bridge.saved.emit()
        self.store.on_error = self.bridge.failed.emit
        self.store.on_recovered = lambda *_: self.bridge.saved.emit()
        if self.project.read_only:
            for action in self.label_actions:
                action.setEnabled(False)
            for name in _EDIT_ACTIONS:
                self.actions_by_id[name].setEnabled(False)

    # -- navigation -------------------------------------------------------
    @property
    def article_id(self) -> str | None:
        return self.editor.article_id

    def show_article(self, article_id: str) -> None:
        if article_id == self.editor.article_id:
            return
        try:
            text = self.project.text(article_id)
        except StoreError as exc:  # a text file damaged or deleted underneath the app
            self.say(str(exc))
            self.banner.setText(f"Cannot show this article: {exc}")
            self.banner.setVisible(True)
            return
        self.editor.article_id = article_id
        damaged = self.project.damaged_articles.get(article_id)
        if damaged or self.banner.text().startswith(_DAMAGED):
            self.banner.setText(f"{_DAMAGED}{damaged}." if damaged else self.store.lock_message)
            self.banner.setVisible(bool(damaged) or self.project.read_only)
        info = self.project.info(article_id)
        position = self.project.position(article_id) + 1
        self.title_label.setText(f"{info.title}    ({position} / {len(self.project)})")
        self.view.set_article(text)
        self.tokens.request(article_id)  # spaCy's tokens for snapping, from a worker
        self._refresh_spans()
        self.review.refresh()
        self.desk.find_panel.set_article(article_id)
        self.article_proxy.pin(article_id)
        self.article_panel.select_article(article_id)
        self.view.render_now()
        self.view.setFocus()

    def _return_to_place(self) -> None:
        """Open where the analyst left this project: filter, article and span."""
        place = self.places.load()
        if place.filter:
            self.article_panel.filter_bar.restore(place.filter)
        if not len(self.project):
            return
        known = place.article_id is not None and self.project.has_article(place.article_id)
        target = place.article_id if known else self.project.article_ids[0]
        self.article_panel.select_article(target)
        if target != self.article_id:
            self.show_article(target)
        if known and place.span is not None:
            self._span_to_restore = (target, place.span)  # may be a suggestion arriving later
            self._restore_span()

    def _restore_span(self) -> None:
        """Make the remembered span current once it is shown (unless the analyst moved on)."""
        if self._span_to_restore is None:
            return
        article_id, wanted = self._span_to_restore
        if article_id != self.article_id or self.view.current_span is not None:
            self._span_to_restore = None
            return
        span = next((s for s in self.view.spans if (s.start, s.end) == wanted), None)
        if span is not None:
            self.view.set_current_span(span)
            self._span_to_restore = None

    def remember_place(self) -> None:
        current = self.view.current_span
        self.places.save(Place(
            self.article_id, (current.start, current.end) if current else None,
            self.article_panel.filter_bar.state()))

    def step_article(self, step: int) -> None:
        """N / P: the next or previous article of the list as filtered and sorted."""
        target = self.article_panel.neighbour(self.article_id, step)
        if target is not None:
            self.show_article(target)

    def jump_to(self, article_id: str, span: object) -> None:
        """Open an article with a span made current (from the entities panel)."""
        self.show_article(article_id)
        self.view.set_current_span(span)  # type: ignore[arg-type]
        self.view.setFocus()

    def _with_entity(self, action) -> None:  # noqa: ANN001
        entity = self.entities_panel.current_entity()
        if entity is None:
            self.say("Choose an entity in the list first.")
        else:
            action(entity.kb_id)

    def _kb_changed(self) -> None:
        self._entities_timer.start()
        if self.article_id:
            self._refresh_spans()

    def set_edit_target(self, annotator: str | None) -> None:
        """Show and edit another set of the article: "gold" in review mode, None for mine."""
        self.edits.target = annotator
        self.view.set_current_span(None, reveal=False)
        self._refresh_spans()
        mode = "Reviewing: edits go to the gold version" if annotator else ""
        self.banner.setText(mode or self.banner.text())
        self.banner.setVisible(bool(annotator) or self.project.read_only)

    def mark_done(self) -> None:
        """Ctrl+D: ask first when suggestions are undecided (unless the settings decide)."""
        rule = self.desk.pending_on_done
        pending = self.editor.pending_count()
        if pending and rule not in PENDING_CHOICES:
            self.done_prompt = pending_on_done_prompt(self, pending, self._finish_done)
            return
        self._finish_done(rule if rule in PENDING_CHOICES else "keep")

    def _finish_done(self, pending: str) -> None:
        if not self.editor.mark_done(pending):
            return
        self.training.after_done()
        if self.desk.auto_advance:
            self.step_article(1)

    def refresh_article(self) -> None:
        """Redraw the shown article's spans (after a scheme or settings change)."""
        self._refresh_spans()

    def zoom(self, step: int) -> None:
        self.view.zoomIn(step)
        level = int(self.settings.value("view/zoom", 0) or 0) + step
        self.settings.setValue("view/zoom", level)

    def start_suggestions(self) -> None:
        """Built-in suggestions in the background (propagation follows), as the settings say."""
        settings = self.project.settings
        self.training.show_model()
        if not (settings.suggest_builtin or settings.suggest_pipeline or settings.suggest_model):
            self.linking.propagate(None)
            return
        task = self.suggestions.start(first=self.article_id)
        if self.article_id is not None:
            self.tokens.provided(self.article_id)  # the pass sends the first article's tokens
        self.status.task_started("Suggesting…", task.cancel)

    # -- reactions --------------------------------------------------------
    def _articles_added(self, count: int) -> None:
        """Another program (a command-line import) added articles: list them, suggest."""
        self.article_model.reset()
        self.status.show_progress(self.project)
        self.say(f"{count} article(s) added to the project by another program.")
        if self.suggest:
            self.start_suggestions()

    def _article_deleted(self, article_id: str, position: int) -> None:
        """The list and the counts follow a deletion; the article now at the deleted one's
        position (else the last) replaces it."""
        self._article_list_changed()
        if article_id != self.article_id:
            return
        self.editor.article_id = None
        infos = self.project.infos
        if infos:
            self.show_article(infos[min(position, len(infos) - 1)].id)
            return
        self.view.set_article("")
        self.view.set_spans([], set())
        self.span_model.set_spans("", [], set(), {})
        self.title_label.setText("No articles: File › Import files… adds some")

    def _articles_removed(self, removed: list) -> None:
        """A colleague deleted articles: they leave the list; the shown one is replaced."""
        for article_id, position in removed:
            self._article_deleted(article_id, position)
        self.say(f"{len(removed)} article(s) deleted by a colleague.")

    def _article_restored(self, article_id: str) -> None:
        """An undone deletion: the article is listed and shown again."""
        self._article_list_changed()
        self.show_article(article_id)

    def _article_list_changed(self) -> None:
        """Articles were added (an import) or deleted: the list and the counts follow."""
        self.article_model.reset()
        self.status.show_progress(self.project)
        self._entities_timer.start()

    def _label_actions_changed(self, actions: list) -> None:
        self.label_actions = actions

    def _scheme_changed(self, scheme: object) -> None:
        """A scheme command was done or undone: styles, spans, filter and guidelines follow."""
        self.styles.scheme = scheme  # type: ignore[assignment]
        self.refresh_article()
        self.article_panel.filter_bar.refresh_choices()
        self.guidelines.show_scheme(scheme)  # type: ignore[arg-type]

    def _colleagues_saved(self, article_ids: list) -> None:
        """A colleague's window saved: the review and the list show their latest work."""
        self.article_panel.filter_bar.refresh_choices()
        if self.review.active:
            self.review.refresh()
        self.status.showMessage(
            f"Colleagues' work updated in {len(article_ids)} article(s).", 4000)

    def _stores(self) -> list[ProjectStore]:
        gold = self.review.gold_store
        return [self.store, *([gold] if gold is not None else [])]

    def flush_saves(self) -> None:
        """Wait until every edit is on disk (own and gold store); for workers that read it."""
        gold = self.review.gold_store
        for store in (self.store, *([gold] if gold is not None else [])):
            if not store.flush(10.0):
                raise StoreError(store.last_error or "saving did not finish", store.root)

    def say(self, message: str) -> None:
        self.status.showMessage(message, 6000)

    def clear_selection(self) -> None:
        """Esc: close the side-by-side versions if open, else drop selection and span."""
        side = self.review.side
        if side is not None and side.isVisible():
            side.close()
            return
        self.view.clear_selection()
        self.view.set_current_span(None)

    def _edit_applied(self, article_id: str) -> None:
        if article_id != self.article_id:
            self.show_article(article_id)

    def _article_changed(self, article_id: str) -> None:
        self.article_model.article_changed(article_id)
        if article_id == self.article_id:
            self._refresh_spans()
            self.review.refresh()
        self._progress_timer.start()
        self._entities_timer.start()
        if not self.project.read_only:
            self.status.show_store_state(self.store)

    def _refresh_spans(self) -> None:
        if self.article_id is None:
            return
        aset = self.project.annotation_set(self.article_id, self.editor.target)
        current = self.view.current_span
        pending = {s.key for s in aset.suggestions}
        spans = aset.all_spans()
        self.view.set_spans(spans, pending)
        colors = {label.name: label.color for label in self.project.scheme.labels}
        names = {e.kb_id: e.name for e in self.project.kb}
        self.view.entity_names = names
        self.span_model.set_spans(self.view.text, spans, pending, colors, names)
        self.span_panel.show_current(self.view.current_span or current)
        if self._span_to_restore is not None:
            self._restore_span()
        accepted, waiting = len(aset.spans), len(aset.suggestions)
        note = f" · note “{aset.comment}”" if aset.comment else ""
        self.span_panel.summary.setText(
            f"{accepted} accepted · {waiting} suggested · status {aset.status}{note}"
        )

    def _suggestions_ready(self, batch: object) -> None:
        for article_id, spans, tokens in batch:  # type: ignore[attr-defined]
            if article_id == self.article_id:
                self.tokens.put(article_id, tokens)
            if self.project.has_article(article_id):
                self.project.replace_suggestions(article_id, spans)
        settle()  # the merged spans live as long as the project: out of the collector's way

    def _span_clicked(self, span: object) -> None:
        self.view.set_current_span(span)  # type: ignore[arg-type]
        self.view.setFocus()

    def _context_menu(self, pos) -> None:  # noqa: ANN001
        from annotator.ui.dialogs import span_context_menu

        span_context_menu(self, pos).exec(self.view.viewport().mapToGlobal(pos))

    # -- persistence of the window ----------------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1360, 820)
        sizes = self.settings.value("window/splitter")
        if sizes is not None:
            self.splitter.restoreState(sizes)
        zoom = int(self.settings.value("view/zoom", 0) or 0)
        if zoom:
            self.view.zoomIn(zoom)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.close_guard.may_close():  # some edits are not on disk: the analyst decides
            event.ignore()
            return
        self.remember_place()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.sync()
        self.suggestions.stop()
        self.tokens.stop()
        self.training.stop()
        self.transfer.stop()
        self.live.stop()
        self.linking.stop()
        self.review.shutdown()
        self.desk.stop()
        self.deleter.stop()
        self._entities_timer.stop()
        self._progress_timer.stop()
        self.project.unsubscribe(self._article_changed)
        self.project.unsubscribe_kb(self._kb_changed)
        self.store.on_saved = self.store.on_error = self.store.on_recovered = None
        if self.close_guard.discarded:
            self.store.close(timeout=0.1)  # the analyst discarded what could not be saved
        else:
            self.store.flush()
        QApplication.instance().removeEventFilter(self.typing_guard)
        super().closeEvent(event)


_EDIT_ACTIONS = (
    "import_files", "import_folder", "undo", "redo", "accept", "reject", "accept_all",
    "mark_done", "mark_open", "ignore_article", "delete_article", "toggle_unsure", "comment_span",
    "comment_article",
)
