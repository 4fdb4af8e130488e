"""File > Import and File > Export: dialogs, background tasks with progress, summaries."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from annotator.core.annotations import AnnotationSet
from annotator.core.model import ArticleStatus
from annotator.core.project import Project
from annotator.io.importer import ImportReport, finish_import, prepare_import
from annotator.io.jsonl_export import ExportReport, export_jsonl
from annotator.store.project_store import ProjectStore
from annotator.ui.statusbar import ProjectStatusBar
from annotator.ui.tasks import BackgroundTask

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow


def export_dir() -> Path:
    """Default output folder: `exports/` in the working directory."""
    return Path.cwd() / "exports"


def snapshot(project: Project) -> Project:
    """A frozen copy of the project's annotations for a background reader."""
    copy = Project(project.annotator, project.scheme, project.text, list(project.infos))
    copy.load_sets(
        AnnotationSet.from_dict(s.to_dict())
        for who in project.annotators()
        for s in project.sets_of(who)
    )
    return copy


class ExportDialog(QDialog):
    """Where to write, which annotator, which articles, with or without rejections."""

    def __init__(self, parent: QWidget, project: Project, default_path: Path) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export JSONL")
        self.path_edit = QLineEdit(str(default_path))
        self.path_edit.setObjectName("exportPath")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.annotator_box = QComboBox()
        self.annotator_box.setObjectName("exportAnnotator")
        names = sorted(set(project.annotators()) | {project.annotator})
        self.annotator_box.addItems([*names, "(all annotators)"])
        self.annotator_box.setCurrentText(project.annotator)
        self.status_box = QComboBox()
        self.status_box.setObjectName("exportStatus")
        self.status_box.addItems(["(any status)", *[str(s) for s in ArticleStatus]])
        self.rejected_box = QCheckBox("Include rejected suggestions as answer \"reject\"")
        self.rejected_box.setObjectName("exportRejected")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("File", path_row)
        form.addRow("Annotator", self.annotator_box)
        form.addRow("Articles", self.status_box)
        form.addRow("", self.rejected_box)
        form.addRow(buttons)
        self.resize(560, 200)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path_edit.text(), "*.jsonl")
        if path:
            self.path_edit.setText(path)

    def options(self) -> dict:
        who = self.annotator_box.currentText()
        status = self.status_box.currentText()
        return {
            "out": Path(self.path_edit.text()).expanduser(),
            "annotator": None if who.startswith("(") else who,
            "status": None if status.startswith("(") else ArticleStatus(status),
            "include_rejected": self.rejected_box.isChecked(),
        }


class TransferController:
    """Runs imports and exports in background tasks and reports what happened."""

    def __init__(
        self, window: MainWindow, project: Project, store: ProjectStore, bar: ProjectStatusBar
    ) -> None:
        self.window, self.project, self.store, self.bar = window, project, store, bar
        self.task: BackgroundTask | None = None
        self.last_report: ImportReport | ExportReport | None = None
        self.last_message = ""

    # -- import -----------------------------------------------------------
    def _file_dialog(self, mode: QFileDialog.FileMode, title: str) -> QFileDialog:
        dialog = QFileDialog(self.window, title)
        dialog.setObjectName("importDialog")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setFileMode(mode)
        if mode != QFileDialog.FileMode.Directory:
            dialog.setNameFilter("Articles (*.txt *.jsonl *.json)")
        dialog.accepted.connect(
            lambda: self.start_import([Path(p) for p in dialog.selectedFiles()])
        )
        dialog.open()
        return dialog

    def import_files(self) -> QFileDialog:
        return self._file_dialog(QFileDialog.FileMode.ExistingFiles, "Import articles")

    def import_folder(self) -> QFileDialog:
        return self._file_dialog(QFileDialog.FileMode.Directory, "Import a folder of articles")

    def start_import(self, paths: list[Path]) -> BackgroundTask | None:
        if self.busy() or not paths:
            return None
        store = self.store

        def body(ctx):  # noqa: ANN001, ANN202
            return prepare_import(
                store, paths, progress=ctx.progress, cancelled=lambda: ctx.cancelled
            )

        task = self._run("Importing…", body)
        task.succeeded.connect(self._import_done)
        return task

    def _import_done(self, prepared: object) -> None:
        report = finish_import(self.project, self.store, prepared)  # type: ignore[arg-type]
        self.window.article_model.reset()
        self.window.status.show_progress(self.project)
        self.last_report = report
        lines = [f"Imported {report.added} article(s), {report.spans} span(s)."]
        if report.duplicates:
            lines.append(f"Skipped {len(report.duplicates)} duplicate(s): "
                         + "; ".join(report.duplicates[:5]))
        if report.new_labels:
            lines.append("Labels added to the scheme: " + ", ".join(report.new_labels))
        lines += [str(issue) for issue in report.issues[:20]]
        if len(report.issues) > 20:
            lines.append(f"… and {len(report.issues) - 20} more problem(s)")
        self._summary("Import finished", lines, warn=bool(report.issues))
        if report.added:
            self.window.start_suggestions()

    # -- export -----------------------------------------------------------
    def export(self) -> ExportDialog:
        name = f"{self.store.root.name}-{self.project.annotator}.jsonl"
        dialog = ExportDialog(self.window, self.project, export_dir() / name)
        dialog.accepted.connect(lambda: self.start_export(**dialog.options()))
        dialog.open()
        return dialog

    def start_export(self, **options: object) -> BackgroundTask | None:
        if self.busy():
            return None
        frozen = snapshot(self.project)

        def body(ctx):  # noqa: ANN001, ANN202
            Path(options["out"]).parent.mkdir(parents=True, exist_ok=True)  # type: ignore[arg-type]
            return export_jsonl(
                frozen, progress=ctx.progress, cancelled=lambda: ctx.cancelled, **options
            )

        task = self._run("Exporting…", body)
        task.succeeded.connect(self._export_done)
        return task

    def _export_done(self, report: object) -> None:
        assert isinstance(report, ExportReport)
        self.last_report = report
        per_label = ", ".join(f"{k} {v}" for k, v in report.spans_per_label.items()) or "none"
        lines = [f"Wrote {report.records} record(s) to {report.path}", f"Spans: {per_label}"]
        reasons: dict[str, int] = {}
        for _title, reason in report.skipped:
            reasons[reason] = reasons.get(reason, 0) + 1
        lines += [f"Skipped {n} article(s): {reason}" for reason, n in reasons.items()]
        self._summary("Export finished", lines)

    # -- shared -----------------------------------------------------------
    def busy(self) -> bool:
        if self.task is not None and self.task.isRunning():
            self.bar.showMessage("Another import or export is still running.", 4000)
            return True
        return False

    def _run(self, name: str, body) -> BackgroundTask:  # noqa: ANN001
        task = BackgroundTask(name.rstrip("…"), body)
        self.bar.task_started(name, task.cancel)
        task.progressed.connect(self.bar.task_progress)
        task.succeeded.connect(lambda _r: self.bar.task_finished(f"{name.rstrip('…')} done"))
        task.cancelled.connect(lambda: self.bar.task_finished(f"{name.rstrip('…')} cancelled"))
        task.failed.connect(self._failed)
        self.task = task
        task.start()
        return task

    def _failed(self, message: str) -> None:
        self.bar.task_finished(message)
        self._summary("Something went wrong", [message], warn=True)

    def _summary(self, title: str, lines: list[str], warn: bool = False) -> None:
        self.last_message = "\n".join(lines)
        box = QMessageBox(self.window)
        box.setObjectName("summaryBox")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setIcon(QMessageBox.Icon.Warning if warn else QMessageBox.Icon.Information)
        box.setWindowTitle(title)
        box.setText(self.last_message)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.bar.showMessage(lines[0], 8000)

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task.wait(10000)
