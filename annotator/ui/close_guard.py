"""Closing with edits that are not on disk: retry, save a copy elsewhere, or discard — asked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from annotator.core.annotations import AnnotationSet
from annotator.core.project import Project
from annotator.store.atomic import write_bytes_atomic
from annotator.store.kb_store import kb_file
from annotator.store.project_store import ProjectStore

FIRST_WAIT_S = 1.0  # how long closing waits for the writer before it asks
RETRY_WAIT_S = 3.0


def unsaved_sets(project: Project, store: ProjectStore) -> list[AnnotationSet]:
    """The annotation sets of `store`'s annotator whose latest state is not on disk."""
    unsaved = set(store.unsaved())
    return [s for s in project.sets_of(store.annotator)
            if store.shard_file(s.article_id) in unsaved]


def copy_records(project: Project, sets: list[AnnotationSet]) -> bytes:
    """The sets as JSONL records that `annotator import` takes back (text, spans, annotator)."""
    lines = []
    for aset in sets:
        text = project.text(aset.article_id)
        info = project.info(aset.article_id)
        record = {
            "text": text,
            "meta": {"title": info.title if info else "", "article_id": aset.article_id,
                     "status": str(aset.status)},
            "spans": [{"start": s.start, "end": s.end, "label": s.label,
                       "text": text[s.start:s.end],
                       **({"kb_id": s.kb_id} if s.kb_id else {})} for s in aset.spans],
            "answer": "accept",
            "_annotator_id": aset.annotator,
        }
        lines.append(orjson.dumps(record, option=orjson.OPT_SORT_KEYS))
    return b"\n".join(lines) + b"\n" if lines else b""


class CloseGuard(QObject):
    """Decides whether the window may close; asks when some edits could not be saved."""

    def __init__(
        self, parent: QWidget, project: Project, stores: Callable[[], list[ProjectStore]],
        close_window: Callable[[], object],
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.project = project
        self.stores = stores
        self.close_window = close_window
        self.decided = False  # the analyst chose (or nothing was unsaved): close for real
        self.discarded = False
        self.prompt: QMessageBox | None = None
        self.file_dialog: QFileDialog | None = None

    def unsaved(self, wait: float) -> list[tuple[ProjectStore, list[AnnotationSet], bool]]:
        """Per store: its unsaved sets and whether its KB is unsaved (empty when all is saved)."""
        found = []
        for store in self.stores():
            if store.read_only or store.writer is None:
                continue
            if store.last_error is not None:
                store.writer.retry_now()
            if store.flush(wait):
                continue
            paths = set(store.unsaved())
            if not paths:
                continue
            sets = unsaved_sets(self.project, store)
            found.append((store, sets, kb_file(store) in paths))
        return found

    def may_close(self) -> bool:
        """True when everything is on disk or the analyst decided; else ask and return False."""
        if self.decided:
            return True
        if self.prompt is not None and self.prompt.isVisible():
            return False
        found = self.unsaved(FIRST_WAIT_S)
        if not found:
            return True
        self.ask(found)
        return False

    def ask(self, found: list[tuple[ProjectStore, list[AnnotationSet], bool]]) -> None:
        count = sum(len(sets) for _, sets, _ in found)
        kbs = [store.annotator for store, _, kb in found if kb]
        errors = sorted({store.last_error or "saving did not finish" for store, _, _ in found})
        box = QMessageBox(self.parent_widget)
        box.setObjectName("unsavedOnCloseDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Edits not saved")
        box.setTextFormat(Qt.TextFormat.PlainText)
        what = f"{count} article(s)" + (f" and the knowledge base of {', '.join(kbs)}"
                                         if kbs else "")
        box.setText(f"The latest edits of {what} are not on disk.")
        box.setInformativeText("\n".join(errors) + "\n\nRetry saving, save a copy elsewhere "
                               "(JSONL that `annotator import` takes back), or discard them.")
        actions = {
            box.addButton("&Retry", QMessageBox.ButtonRole.AcceptRole): self.retry,
            box.addButton("&Save a copy…", QMessageBox.ButtonRole.ActionRole): self.save_copy,
            box.addButton("&Discard and close", QMessageBox.ButtonRole.DestructiveRole):
                self.discard,
        }
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(next(iter(actions)))
        box.buttonClicked.connect(lambda button: button in actions and actions[button]())
        self.prompt = box
        box.open()

    def retry(self) -> None:
        found = self.unsaved(RETRY_WAIT_S)
        if found:
            self.ask(found)
        else:
            self._close()

    def save_copy(self) -> None:
        dialog = QFileDialog(self.parent_widget, "Save a copy of the unsaved edits")
        dialog.setObjectName("unsavedCopyDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setNameFilter("JSONL (*.jsonl)")
        dialog.setDefaultSuffix("jsonl")
        dialog.selectFile(str(Path.home() / "annotator-unsaved.jsonl"))
        dialog.fileSelected.connect(self._write_copy)
        self.file_dialog = dialog
        dialog.open()

    def _write_copy(self, chosen: str) -> None:
        found = self.unsaved(0.0)
        sets = [aset for _, store_sets, _ in found for aset in store_sets]
        try:
            write_bytes_atomic(Path(chosen), copy_records(self.project, sets))
        except OSError as exc:
            self.ask(found)
            assert self.prompt is not None
            self.prompt.setInformativeText(
                f"The copy could not be written to {chosen}: {exc.strerror or exc}.")
            return
        self.discard()

    def discard(self) -> None:
        self.discarded = True
        self._close()

    def _close(self) -> None:
        self.decided = True
        self.close_window()
