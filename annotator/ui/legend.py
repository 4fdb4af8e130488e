"""The highlight legend: every style the article view draws, drawn by the same code."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from annotator.core.labels import LabelScheme
from annotator.core.model import Origin
from annotator.ui.review_panel import KIND_COLOURS, KIND_TEXT
from annotator.ui.style import SpanStyles


def legend_rows(styles: SpanStyles, label: str) -> list[tuple[str, QTextCharFormat, str]]:
    """(sample, its format, what it means) for each state a span can be shown in."""
    rows = [
        ("Vladimir Putin", styles.for_span(label, Origin.MANUAL, pending=False),
         "accepted span: filled in the label's colour"),
        ("Vladimir Putin", styles.suggested(label, Origin.SUGGESTED),
         "suggestion of the rules and gazetteers: faint fill, dashed underline"),
        ("Vladimir Putin", styles.suggested(label, Origin.MODEL),
         "suggestion of the learned model: dash-dot underline"),
        ("Vladimir Putin", styles.suggested(label, Origin.PROPAGATED),
         "propagated from a confirmed entity (carries its link): dotted underline"),
        ("Vladimir Putin", styles.for_span(label, Origin.AUTO, pending=False),
         "linked by Link all, not yet confirmed: a line above"),
        ("Vladimir Putin", styles.current(label),
         "the current span (Tab moves, keys act on it): solid colour"),
    ]
    for kind, colour in KIND_COLOURS.items():
        if KIND_TEXT[kind] != "agreed":
            rows.append(("Vladimir Putin", styles.mark(colour),
                         f"review: {KIND_TEXT[kind]} (wavy underline in its colour)"))
    return rows


def label_rows(styles: SpanStyles, scheme: LabelScheme) -> list[tuple[str, QTextCharFormat, str]]:
    """One accepted-style sample per label, with its key and description."""
    return [(f" {label.name} ", styles.accepted(label.name),
             f"key {label.key or '—'}: {label.description}") for label in scheme.labels]


class LegendDialog(QDialog):
    """View › Highlight legend (F2): what the fills, underlines and lines in the text mean."""

    def __init__(self, styles: SpanStyles, scheme: LabelScheme,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("legendDialog")
        self.setWindowTitle("Highlight legend")
        self.text = QPlainTextEdit()
        self.text.setObjectName("legendText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        first = scheme.labels[0].name if scheme.labels else "?"
        self.rows = legend_rows(styles, first) + label_rows(styles, scheme)
        cursor = self.text.textCursor()
        plain = QTextCharFormat()
        for i, (sample, fmt, meaning) in enumerate(self.rows):
            if i == len(self.rows) - len(scheme.labels):
                cursor.insertText("\nLabels\n", plain)
            cursor.insertText(sample, fmt)
            cursor.insertText(f"   {meaning}\n", plain)
        self.text.moveCursor(QTextCursor.MoveOperation.Start)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.setWindowFlag(Qt.WindowType.Tool)
        self.resize(680, 440)
