"""A small bar chart drawn with QPainter: labels on the left, one bar per value (0..1 or counts)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget


class BarChart(QWidget):
    """Horizontal bars with their values written at the end; colours per bar are optional."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("barChart")
        self.bars: list[tuple[str, float, str]] = []
        self.maximum = 1.0
        self.value_format = "{:.2f}"
        self.setMinimumHeight(60)

    def set_bars(
        self, bars: list[tuple[str, float, str]], maximum: float | None = None,
        value_format: str = "{:.2f}",
    ) -> None:
        """(label, value, colour) per bar; `maximum` is the full-width value."""
        self.bars = bars
        self.maximum = maximum or max((v for _, v, _ in bars), default=1.0) or 1.0
        self.value_format = value_format
        self.setMinimumHeight(18 * len(bars) + 8)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(260, 18 * max(len(self.bars), 1) + 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        label_w = max((metrics.horizontalAdvance(b[0]) for b in self.bars), default=0) + 8
        value_w = metrics.horizontalAdvance("0.000") + 8
        width = max(self.width() - label_w - value_w - 4, 10)
        text = self.palette().windowText().color()
        for i, (label, value, colour) in enumerate(self.bars):
            top = 4 + i * 18
            painter.setPen(text)
            painter.drawText(QRectF(0, top, label_w - 4, 16), Qt.AlignmentFlag.AlignRight, label)
            share = max(0.0, min(value / self.maximum, 1.0)) if self.maximum else 0.0
            painter.fillRect(QRectF(label_w, top + 2, width * share, 12), QColor(colour))
            painter.drawText(
                QRectF(label_w + width * share + 4, top, value_w, 16),
                Qt.AlignmentFlag.AlignLeft, self.value_format.format(value),
            )
        painter.end()
