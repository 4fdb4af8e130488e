"""File > Import and File > Export: dialogs, background tasks with progress, summaries."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from annotator.core.model import ArticleStatus
from annotator.core.project import Project
from annotator.io.export import (
    ALL,
    ANY,
    FINISHED,
    GOLD,
    ExportError,
    ExportReport,
    check_options,
    default_out,
)
from annotator.io.importer import ImportReport, finish_import, prepare_import, store_texts
from annotator.jobs.export_job import export_job
from annotator.ui.context import WindowContext
from annotator.ui.runtime import settle
from annotator.ui.tasks import BackgroundTask, ProcessTask

EXPORT_FORMATS = ("jsonl", "spacy", "doccano", "conll", "kb")
ALL_ANNOTATORS = "(all annotators: jsonl, doccano)"
STATUS_CHOICES = {"finished (done or reviewed)": FINISHED, "any status": ANY,
                  **{str(s): str(s) for s in ArticleStatus if s != ArticleStatus.IGNORED}}


class ExportDialog(QDialog):
    """Format, file, annotator (gold first), which articles, undecided suggestions, rejections
    and a seeded train/dev split; the defaults are those of `annotator export`."""

    def __init__(
        self, parent: QWidget, project: Project, project_name: str, shown: list[str] | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.shown = set(shown if shown is not None else project.article_ids)
        self.setWindowTitle("Export annotations")
        self.project_name = project_name
        self.format_box = QComboBox()
        self.format_box.setObjectName("exportFormat")
        self.format_box.addItems(EXPORT_FORMATS)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("exportPath")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.annotator_box = QComboBox()
        self.annotator_box.setObjectName("exportAnnotator")
        names = sorted((set(project.annotators()) | {project.annotator}) - {GOLD})
        self.annotator_box.addItems([*names, GOLD, ALL_ANNOTATORS])
        self.annotator_box.setCurrentText(project.annotator)
        self.annotator_box.setToolTip("One version per article; all annotators' versions go "
                                      "only to jsonl or doccano")
        self.gold_box = QCheckBox("Take the reviewed gold version where there is one")
        self.gold_box.setObjectName("exportGoldFirst")
        self.gold_box.setChecked(True)
        self.status_box = QComboBox()
        self.status_box.setObjectName("exportStatus")
        self.status_box.addItems(list(STATUS_CHOICES))
        self.undecided_box = QCheckBox("Also articles with undecided suggestions "
                                       "(written as not entities)")
        self.undecided_box.setObjectName("exportAllowUndecided")
        self.shown_box = QCheckBox("Only the articles shown in the list (current filter)")
        self.shown_box.setObjectName("exportShownOnly")
        self.rejected_box = QCheckBox("Include rejected suggestions as answer \"reject\"")
        self.rejected_box.setObjectName("exportRejected")
        self.split_box = QCheckBox("Split into train / dev")
        self.split_box.setObjectName("exportSplit")
        self.ratio = QDoubleSpinBox()
        self.ratio.setRange(0.05, 0.95)
        self.ratio.setSingleStep(0.05)
        self.ratio.setValue(0.8)
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        split_row = QHBoxLayout()
        parts = (self.split_box, QLabel("train share"), self.ratio, QLabel("seed"), self.seed)
        for widget in parts:
            split_row.addWidget(widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Format", self.format_box)
        form.addRow("Write to", path_row)
        form.addRow("Annotator", self.annotator_box)
        form.addRow("", self.gold_box)
        form.addRow("Articles", self.status_box)
        form.addRow("", self.undecided_box)
        form.addRow("", self.shown_box)
        form.addRow("", self.rejected_box)
        form.addRow("", split_row)
        form.addRow(buttons)
        self.format_box.currentTextChanged.connect(self._suggest_path)
        self.split_box.toggled.connect(self._suggest_path)
        self.annotator_box.currentTextChanged.connect(self._suggest_path)
        self._suggest_path()
        self.resize(620, 320)

    def _suggest_path(self) -> None:
        split = self.ratio.value() if self.split_box.isChecked() else None
        out = default_out(self.project_name, self.format_box.currentText(), split)
        self.path_edit.setText(str(Path.cwd() / out))
        fmt = self.format_box.currentText()
        self.rejected_box.setEnabled(fmt == "jsonl")
        self.split_box.setEnabled(fmt != "kb")
        who = self.annotator_box.currentText()
        self.gold_box.setEnabled(who not in (GOLD, ALL_ANNOTATORS))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path_edit.text())
        if path:
            self.path_edit.setText(path)

    def options(self) -> dict:
        who = self.annotator_box.currentText()
        return {
            "out": Path(self.path_edit.text()).expanduser(),
            "format": self.format_box.currentText(),
            "annotator": ALL if who == ALL_ANNOTATORS else who,
            "gold_first": self.gold_box.isChecked(),
            "status": STATUS_CHOICES[self.status_box.currentText()],
            "allow_undecided": self.undecided_box.isChecked(),
            "include_rejected": self.rejected_box.isEnabled() and self.rejected_box.isChecked(),
            "split": self.ratio.value()
            if self.split_box.isEnabled() and self.split_box.isChecked()
            else None,
            "seed": self.seed.value(),
            "articles": self.shown if self.shown_box.isChecked() else None,
        }


class TransferController(QObject):
    """Runs imports and exports in background tasks and reports what happened."""

    articlesImported = Signal()  # the project lists more articles now

    def __init__(self, context: WindowContext, visible_ids: Callable[[], list[str]]) -> None:
        super().__init__(context.parent)
        self.context, self.visible_ids = context, visible_ids
        self.project, self.store, self.bar = context.project, context.store, context.status
        self.task: BackgroundTask | None = None
        self.last_report: ImportReport | ExportReport | None = None
        self.last_message = ""

    # -- import -----------------------------------------------------------
    def _file_dialog(self, mode: QFileDialog.FileMode, title: str) -> QFileDialog:
        dialog = QFileDialog(self.context.parent, title)
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
            prepared = prepare_import(
                store, paths, progress=ctx.progress, cancelled=lambda: ctx.cancelled
            )
            store_texts(store, prepared)  # the disk work stays off the UI thread
            return prepared

        task = self._run("Importing…", BackgroundTask("Import", body))
        task.succeeded.connect(self._import_done)
        return task

    def _import_done(self, prepared: object) -> None:
        report = finish_import(self.project, self.store, prepared)  # type: ignore[arg-type]
        self.articlesImported.emit()
        settle()  # the new articles out of the collector's way
        self.last_report = report
        lines = [f"Imported {report.added} article(s), {report.spans} span(s)."]
        if report.duplicates:
            lines.append(f"Skipped {len(report.duplicates)} duplicate(s): "
                         + "; ".join(report.duplicates[:5]))
        if report.new_labels:
            lines.append("Labels added to the scheme: " + ", ".join(report.new_labels))
        if report.entities:
            lines.append(f"Entities built for imported links: {report.entities}")
        lines += [str(issue) for issue in report.issues[:20]]
        if len(report.issues) > 20:
            lines.append(f"… and {len(report.issues) - 20} more problem(s)")
        self._summary("Import finished", lines, warn=bool(report.issues))
        if report.added:
            self.context.start_suggestions()

    # -- export -----------------------------------------------------------
    def export(self) -> ExportDialog:
        shown = self.visible_ids()
        dialog = ExportDialog(self.context.parent, self.project, self.store.root.name, shown)
        dialog.accepted.connect(lambda: self.start_export(**dialog.options()))
        dialog.open()
        return dialog

    def start_export(self, **options: object) -> BackgroundTask | None:
        if self.busy():
            return None
        try:
            check_options(
                options["out"], format=options["format"], split=options["split"],  # type: ignore[arg-type]
                include_rejected=bool(options["include_rejected"]),
                annotator=options.get("annotator"),  # type: ignore[arg-type]
                status=options.get("status"),  # type: ignore[arg-type]
                project_root=self.store.root,
            )
        except ExportError as exc:
            self._summary("Cannot export", [str(exc)], warn=True)
            return None
        args = (str(self.store.root), self.project.annotator, options)
        task = self._run("Exporting…", ProcessTask("Export", export_job, args,
                                                   before=self.context.flush_saves))
        task.succeeded.connect(self._export_done)
        return task

    def _export_done(self, report: object) -> None:
        assert isinstance(report, ExportReport)
        self.last_report = report
        per_label = ", ".join(f"{k} {v}" for k, v in report.spans_per_label.items()) or "none"
        lines = [f"Wrote {report.records} record(s) to {report.path}",
                 f"Selected: {report.selection}"]
        if report.versions:
            lines.append("Versions: " + ", ".join(f"{k} {v}" for k, v in report.versions.items()))
        lines.append(f"Spans: {per_label}")
        if report.parts:
            lines.append(", ".join(f"{part}: {n}" for part, n in report.parts.items()))
        reasons: dict[str, int] = {}
        for _title, reason in report.skipped:
            reasons[reason] = reasons.get(reason, 0) + 1
        lines += [f"Skipped {n}: {reason}" for reason, n in sorted(reasons.items())]
        lines += [f"Note: {note}" for note in report.notes]
        self._summary("Export finished", lines, warn=bool(report.notes))

    # -- shared -----------------------------------------------------------
    def busy(self) -> bool:
        if self.task is not None and self.task.isRunning():
            self.bar.showMessage("Another import or export is still running.", 4000)
            return True
        return False

    def _run(self, name: str, task: BackgroundTask) -> BackgroundTask:
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
        box = QMessageBox(self.context.parent)
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
