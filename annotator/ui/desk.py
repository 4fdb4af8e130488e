"""The analyst's desk: find, statistics, label scheme, settings and theme, wired to the window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QApplication, QMenu

from annotator.core.commands import ChangeSettings
from annotator.core.labels import LabelScheme
from annotator.store.project_store import StoreError
from annotator.ui.actions import on_triggered
from annotator.ui.find import FindPanel
from annotator.ui.scheme_editor import LabelSchemeDialog
from annotator.ui.settings_dialog import SettingsDialog, read_ui_settings, view_font
from annotator.ui.stats_view import StatisticsDialog
from annotator.ui.tasks import BackgroundTask
from annotator.ui.theme import ThemeManager
from annotator.ui.undo import CoreUndoCommand

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow


class DeskController(QObject):
    """Owns the find tab and the desk dialogs; applies scheme and settings changes."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.project = window.project
        self.find_panel = FindPanel(self.project)
        self.find_panel.jumpRequested.connect(self._jump)
        self.find_panel.closeRequested.connect(lambda: window.view.setFocus())
        self.labels_menu: QMenu | None = None  # the window's Labels menu, handed over later
        self.label_actions: list[QAction] = []
        self.stats: StatisticsDialog | None = None
        self.stats_task: BackgroundTask | None = None
        self.scheme_dialog: LabelSchemeDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.ui = read_ui_settings(window.settings)
        app = QApplication.instance()
        self.theme = ThemeManager(app, self.ui["view/theme"]) if app is not None else None
        if self.theme is not None and self.ui["view/theme"] != "system":
            self.theme.apply()

    # -- labels ---------------------------------------------------------------
    def rebuild_label_actions(self) -> list[QAction]:
        """Labels menu and toolbar from the current scheme: key 1–9 labels or relabels."""
        window = self.window
        for action in self.label_actions:
            window.removeAction(action)
            action.deleteLater()
        if self.labels_menu is not None:
            self.labels_menu.clear()
        window.label_bar.clear()
        self.label_actions = []
        for label in self.project.scheme.labels:
            action = QAction(f"{label.key}  {label.name}" if label.key else label.name, window)
            action.setObjectName(f"label_{label.name}")
            action.setToolTip(label.description)
            if label.key:
                action.setShortcut(QKeySequence(label.key))
            on_triggered(action, lambda n=label.name: window.editor.apply_label(n))
            swatch = QPixmap(14, 14)
            swatch.fill(QColor(label.color))
            action.setIcon(QIcon(swatch))
            action.setEnabled(not self.project.read_only)
            if self.labels_menu is not None:
                self.labels_menu.addAction(action)
            window.addAction(action)
            window.label_bar.addAction(action)
            self.label_actions.append(action)
        legend = getattr(window, "actions_by_id", {}).get("legend")
        if legend is not None:  # the legend, one click away, first on the label bar
            first = self.label_actions[0] if self.label_actions else None
            legend.setIconText("Legend")
            window.label_bar.insertAction(first, legend)
            window.label_bar.insertSeparator(first)
        window.label_actions = self.label_actions
        return self.label_actions

    def scheme_changed(self, scheme: LabelScheme) -> None:
        """After a scheme command (do, undo or redo): save it and redraw with it."""
        window = self.window
        window.styles.scheme = scheme
        self.rebuild_label_actions()
        if not self.project.read_only:
            try:
                window.store.save_meta(scheme.to_list(), self.project.settings.to_dict())
            except StoreError as exc:
                window.say(str(exc))
        window.refresh_article()
        window.article_panel.filter_bar.refresh_choices()
        window.guidelines.show_scheme(scheme)

    # -- dialogs -------------------------------------------------------------
    def find(self) -> None:
        window = self.window
        window.side_tabs.setCurrentWidget(self.find_panel)
        selection = window.view.selection_range()
        text = window.view.text[selection[0] : selection[1]] if selection else None
        self.find_panel.set_article(window.article_id)
        self.find_panel.focus_query(text)

    def _jump(self, article_id: str, start: int, end: int) -> None:
        self.window.show_article(article_id)
        self.window.view.select_range(start, end)
        self.window.view.ensureCursorVisible()

    def statistics(self) -> StatisticsDialog:
        """Open with the sets the window holds at once; colleagues' shards are read in the
        background (the latest saved) and replace them."""
        held = [s for who in self.project.annotators() for s in self.project.sets_of(who)]
        self.stats = dialog = StatisticsDialog(self.project, held, self.window)
        dialog.show()
        store, me = self.window.store, self.project.annotator
        self.stats_task = task = BackgroundTask("Statistics",
                                                lambda _ctx: store.load_other_sets(me))
        task.succeeded.connect(lambda others: others and dialog.add_sets(others))
        task.failed.connect(self.window.say)
        task.start()
        return dialog

    def stop(self) -> None:
        """Background work of the desk ends with the window."""
        self.find_panel.stop()
        if self.stats_task is not None:
            self.stats_task.wait(10000)

    def edit_scheme(self) -> LabelSchemeDialog:
        self.scheme_dialog = LabelSchemeDialog(
            self.project, self.window.undo_stack, self.window, self.scheme_changed
        )
        self.scheme_dialog.open()
        return self.scheme_dialog

    def edit_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(
            self.window.settings, self.project.settings.to_dict(), self.window,
            annotator=self.project.annotator, read_only_project=self.project.read_only,
        )
        dialog.applied.connect(self.apply_settings)
        dialog.open()
        self.settings_dialog = dialog
        return dialog

    def apply_settings(self, ui: dict[str, Any], project_settings: dict[str, Any]) -> None:
        """Font, theme, auto-advance and save interval now; project settings into the project."""
        window = self.window
        self.ui = ui
        zoom = int(window.settings.value("view/zoom", 0) or 0)
        window.view.setFont(view_font(ui, zoom))
        if self.theme is not None:
            self.theme.set_theme(ui["view/theme"])
        if window.store.writer is not None:
            window.store.writer.window = max(0, int(ui["save/interval_ms"])) / 1000
        chosen = self.project.settings.with_(**project_settings)
        if not self.project.read_only and chosen != self.project.settings:
            window.undo_stack.push(CoreUndoCommand(self.project, ChangeSettings(chosen)))
        name = (ui.get("annotator/name") or "").strip()
        if name and name != self.project.annotator and window.switch_annotator is not None:
            window.switch_annotator(name)

    @property
    def auto_advance(self) -> bool:
        return bool(self.ui.get("edit/auto_advance"))

    @property
    def pending_on_done(self) -> str:
        """ask, accept, reject or keep: what Ctrl+D does with undecided suggestions."""
        return str(self.ui.get("edit/pending_on_done") or "ask")
