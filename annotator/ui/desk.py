"""The analyst's desk: find, statistics, label scheme, settings and theme, wired to the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QApplication, QMenu, QToolBar

from annotator.core.commands import ChangeSettings
from annotator.core.labels import LabelScheme
from annotator.store.project_store import StoreError
from annotator.ui.actions import on_triggered
from annotator.ui.article_view import ArticleView
from annotator.ui.context import WindowContext
from annotator.ui.find import FindPanel
from annotator.ui.scheme_editor import LabelSchemeDialog
from annotator.ui.settings_dialog import SettingsDialog, read_ui_settings, view_font
from annotator.ui.stats_view import StatisticsDialog
from annotator.ui.tasks import BackgroundTask
from annotator.ui.theme import ThemeManager


class DeskController(QObject):
    """Owns the find tab and the desk dialogs; applies scheme and settings changes."""

    labelActionsChanged = Signal(list)  # the label actions, rebuilt from the scheme
    schemeChanged = Signal(object)  # the scheme after a scheme command (do, undo or redo)
    findWanted = Signal()  # show the find tab
    annotatorChosen = Signal(str)  # the settings name another annotator: switch to them

    def __init__(self, context: WindowContext, view: ArticleView, label_bar: QToolBar,
                 apply_label: Callable[[str], None]) -> None:
        super().__init__(context.parent)
        self.context, self.view, self.label_bar = context, view, label_bar
        self.apply_label = apply_label
        self.project = context.project
        self.find_panel = FindPanel(self.project)
        self.find_panel.jumpRequested.connect(self._jump)
        self.find_panel.closeRequested.connect(lambda: view.setFocus())
        self.labels_menu: QMenu | None = None  # the window's Labels menu, handed over later
        self.legend_action: QAction | None = None  # first on the label bar, handed over later
        self.label_actions: list[QAction] = []
        self.stats: StatisticsDialog | None = None
        self.stats_task: BackgroundTask | None = None
        self.scheme_dialog: LabelSchemeDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.ui = read_ui_settings(context.settings)
        app = QApplication.instance()
        self.theme = ThemeManager(app, self.ui["view/theme"]) if app is not None else None
        if self.theme is not None and self.ui["view/theme"] != "system":
            self.theme.apply()

    # -- labels ---------------------------------------------------------------
    def rebuild_label_actions(self) -> list[QAction]:
        """Labels menu and toolbar from the current scheme: key 1–9 labels or relabels."""
        owner = self.context.parent
        for action in self.label_actions:
            owner.removeAction(action)
            action.deleteLater()
        if self.labels_menu is not None:
            self.labels_menu.clear()
        self.label_bar.clear()
        self.label_actions = []
        for label in self.project.scheme.labels:
            action = QAction(f"{label.key}  {label.name}" if label.key else label.name, owner)
            action.setObjectName(f"label_{label.name}")
            action.setToolTip(label.description)
            if label.key:
                action.setShortcut(QKeySequence(label.key))
            on_triggered(action, lambda n=label.name: self.apply_label(n))
            swatch = QPixmap(14, 14)
            swatch.fill(QColor(label.color))
            action.setIcon(QIcon(swatch))
            action.setEnabled(not self.project.read_only)
            if self.labels_menu is not None:
                self.labels_menu.addAction(action)
            owner.addAction(action)
            self.label_bar.addAction(action)
            self.label_actions.append(action)
        if self.legend_action is not None:  # the legend, one click away, first on the bar
            first = self.label_actions[0] if self.label_actions else None
            self.legend_action.setIconText("Legend")
            self.label_bar.insertAction(first, self.legend_action)
            self.label_bar.insertSeparator(first)
        self.labelActionsChanged.emit(self.label_actions)
        return self.label_actions

    def scheme_changed(self, scheme: LabelScheme) -> None:
        """After a scheme command (do, undo or redo): save it and redraw with it."""
        self.rebuild_label_actions()
        if not self.project.read_only:
            try:
                self.context.store.save_meta(scheme.to_list(), self.project.settings.to_dict())
            except StoreError as exc:
                self.context.say(str(exc))
        self.schemeChanged.emit(scheme)

    # -- dialogs -------------------------------------------------------------
    def find(self) -> None:
        self.findWanted.emit()
        selection = self.view.selection_range()
        text = self.view.text[selection[0] : selection[1]] if selection else None
        self.find_panel.set_article(self.context.current_article())
        self.find_panel.focus_query(text)

    def _jump(self, article_id: str, start: int, end: int) -> None:
        self.context.show_article(article_id)
        self.view.select_range(start, end)
        self.view.ensureCursorVisible()

    def statistics(self) -> StatisticsDialog:
        """Open with the sets the window holds at once; colleagues' shards are read in the
        background (the latest saved) and replace them."""
        held = [s for who in self.project.annotators() for s in self.project.sets_of(who)]
        self.stats = dialog = StatisticsDialog(self.project, held, self.context.parent)
        dialog.show()
        store, me = self.context.store, self.project.annotator
        self.stats_task = task = BackgroundTask("Statistics",
                                                lambda _ctx: store.load_other_sets(me))
        task.succeeded.connect(lambda others: others and dialog.add_sets(others))
        task.failed.connect(self.context.say)
        task.start()
        return dialog

    def stop(self) -> None:
        """Background work of the desk ends with the window."""
        self.find_panel.stop()
        if self.stats_task is not None:
            self.stats_task.wait(10000)

    def edit_scheme(self) -> LabelSchemeDialog:
        self.scheme_dialog = LabelSchemeDialog(
            self.project, self.context.undo_stack, self.context.parent, self.scheme_changed
        )
        self.scheme_dialog.open()
        return self.scheme_dialog

    def edit_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(
            self.context.settings, self.project.settings.to_dict(), self.context.parent,
            annotator=self.project.annotator, read_only_project=self.project.read_only,
        )
        dialog.applied.connect(self.apply_settings)
        dialog.open()
        self.settings_dialog = dialog
        return dialog

    def apply_settings(self, ui: dict[str, Any], project_settings: dict[str, Any]) -> None:
        """Font, theme, auto-advance and save interval now; project settings into the project."""
        context = self.context
        self.ui = ui
        zoom = int(context.settings.value("view/zoom", 0) or 0)
        self.view.setFont(view_font(ui, zoom))
        if self.theme is not None:
            self.theme.set_theme(ui["view/theme"])
        if context.store.writer is not None:
            context.store.writer.window = max(0, int(ui["save/interval_ms"])) / 1000
        chosen = self.project.settings.with_(**project_settings)
        if not self.project.read_only and chosen != self.project.settings:
            context.edits.push(ChangeSettings(chosen), of_article=False)
        name = (ui.get("annotator/name") or "").strip()
        if name and name != self.project.annotator:
            self.annotatorChosen.emit(name)

    @property
    def auto_advance(self) -> bool:
        return bool(self.ui.get("edit/auto_advance"))

    @property
    def pending_on_done(self) -> str:
        """ask, accept, reject or keep: what Ctrl+D does with undecided suggestions."""
        return str(self.ui.get("edit/pending_on_done") or "ask")
