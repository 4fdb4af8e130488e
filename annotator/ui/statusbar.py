"""Status bar: project progress, save state and background-task progress with cancel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton

from annotator.core.model import ArticleStatus
from annotator.core.project import Project
from annotator.store.project_store import ProjectStore


class ProjectStatusBar(QStatusBar):
    """Shows done/in-progress counts, entity totals, save state and task progress."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("statusBar")
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progressLabel")
        self.save_label = QLabel("All changes saved")
        self.save_label.setObjectName("saveLabel")
        # A save error names a file path and can be long: wrap it rather than widen the window
        # past the screen; paths and names are shown as they are, never read as markup.
        self.save_label.setWordWrap(True)
        for label in (self.progress_label, self.save_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.task_label = QLabel()
        self.task_label.setTextFormat(Qt.TextFormat.PlainText)
        self.task_bar = QProgressBar()
        self.task_bar.setObjectName("taskProgress")
        self.task_bar.setMaximumWidth(160)
        self.task_cancel = QToolButton()
        self.task_cancel.setObjectName("taskCancel")
        self.task_cancel.setText("Cancel")
        self.model_label = QLabel()
        self.model_label.setObjectName("modelLabel")
        self.model_label.setTextFormat(Qt.TextFormat.PlainText)
        self.addWidget(self.progress_label, 1)
        self.addPermanentWidget(self.model_label)
        for widget in (self.task_label, self.task_bar, self.task_cancel):
            self.addPermanentWidget(widget)
            widget.hide()
        self.addPermanentWidget(self.save_label)
        self._cancel: Callable[[], None] | None = None
        self.task_cancel.clicked.connect(self._on_cancel)

    def show_progress(self, project: Project) -> None:
        counts = project.progress()
        ignored = counts[ArticleStatus.IGNORED]
        total = len(project) - ignored
        entities = sum(len(s.spans) for s in project.sets_of())
        pending = sum(len(s.suggestions) for s in project.sets_of())
        self.progress_label.setText(
            f"{counts[ArticleStatus.DONE]}/{total} done · "
            f"{counts[ArticleStatus.IN_PROGRESS]} in progress · "
            f"{f'{ignored} ignored · ' if ignored else ''}"
            f"{entities} entities · {pending} suggestions waiting · annotator {project.annotator}"
        )

    def show_save_state(self, text: str, error: bool = False) -> None:
        self.save_label.setText(text)
        self.save_label.setStyleSheet("color: #C62828; font-weight: bold;" if error else "")

    def show_store_state(self, store: ProjectStore) -> None:
        """"Saving…", "All changes saved", or why the pending edits are not saved yet."""
        writer = store.writer
        pending = writer.pending if writer else 0
        if pending and store.last_error:
            self.show_save_state(f"Not saved yet: {store.last_error}", error=True)
        else:
            self.show_save_state("Saving…" if pending else "All changes saved")

    def show_model(self, text: str, tooltip: str = "") -> None:
        """Which sources suggest, and the learned model's latest held-out F1."""
        self.model_label.setText(text)
        self.model_label.setToolTip(tooltip)

    def task_phase(self, name: str) -> None:
        """A long task's current phase ("Reading the annotated articles…", "Training…")."""
        self.task_label.setText(name)

    def task_started(self, name: str, cancel: Callable[[], None]) -> None:
        self._cancel = cancel
        self.task_label.setText(name)
        self.task_bar.setRange(0, 0)
        for widget in (self.task_label, self.task_bar, self.task_cancel):
            widget.show()

    def task_progress(self, done: int, total: int) -> None:
        self.task_bar.setRange(0, max(total, 1))
        self.task_bar.setValue(done)

    def task_finished(self, message: str) -> None:
        self._cancel = None
        for widget in (self.task_label, self.task_bar, self.task_cancel):
            widget.hide()
        self.showMessage(message, 5000)

    def _on_cancel(self) -> None:
        if self._cancel:
            self._cancel()
