"""Statistics dialog: status, labels, top entities and progress, drawn with QPainter.

No plotting library: two small chart widgets (horizontal bars, lines over days) are enough,
and `export_png` / `export_csv` write what is shown.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.annotations import AnnotationSet
from annotator.core.project import Project
from annotator.core.stats import Statistics, compute, cumulative, to_csv
from annotator.store.atomic import write_bytes_atomic

Bar = tuple[str, float, str]  # label, value, colour (#RRGGBB)
_SERIES_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
_NEUTRAL = "#7F8C9A"
_STATUS_COLORS = {  # as in the article list
    "new": "#777777",
    "in progress": "#B8860B",
    "done": "#2E7D32",
    "reviewed": "#1565C0",
}


class _Chart(QWidget):
    """Common frame: a title line and an empty-state message, in palette colours."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.empty_text = "Nothing yet"
        self.setMinimumSize(260, 160)

    def sizeHint(self) -> QSize:
        return QSize(380, 230)

    def set_title(self, title: str) -> None:
        self.title = title
        self.update()

    def _begin(self, painter: QPainter) -> QRectF:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        painter.setPen(self.palette().text().color())
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        painter.drawText(QRectF(8, 4, self.width() - 16, metrics.height()), self.title)
        font.setBold(False)
        painter.setFont(font)
        return QRectF(
            8, 8 + metrics.height(), self.width() - 16, self.height() - 14 - metrics.height()
        )

    def _empty(self, painter: QPainter, area: QRectF) -> None:
        painter.setPen(self.palette().placeholderText().color())
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.empty_text)


class BarChart(_Chart):
    """Horizontal bars with their label on the left and value on the right."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.bars: list[Bar] = []
        self.maximum: float | None = None  # the value of a full-width bar (default: the largest)
        self.digits = 1

    def set_bars(self, bars: Iterable[Bar], maximum: float | None = None, digits: int = 1) -> None:
        self.bars, self.maximum, self.digits = list(bars), maximum, digits
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = self._begin(painter)
        if not self.bars or not any(v for _, v, _ in self.bars):
            self._empty(painter, area)
            painter.end()
            return
        metrics = painter.fontMetrics()
        label_w = min(
            max(metrics.horizontalAdvance(n) for n, _, _ in self.bars) + 8, area.width() / 2
        )
        value_w = max(metrics.horizontalAdvance(_fmt(v, self.digits)) for _, v, _ in self.bars) + 8
        top = self.maximum or max(v for _, v, _ in self.bars) or 1
        row_h = min(area.height() / len(self.bars), metrics.height() * 1.8)
        text = self.palette().text().color()
        for i, (name, value, color) in enumerate(self.bars):
            y = area.top() + i * row_h
            painter.setPen(text)
            label_rect = QRectF(area.left(), y, label_w - 6, row_h)
            elided = metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(label_rect.width()))
            painter.drawText(
                label_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, elided
            )
            span = max(area.width() - label_w - value_w, 1)
            bar = QRectF(area.left() + label_w, y + row_h * 0.15, span * value / top, row_h * 0.7)
            painter.fillRect(bar, QColor(color))
            painter.drawText(
                QRectF(bar.right() + 4, y, value_w, row_h),
                Qt.AlignmentFlag.AlignVCenter,
                _fmt(value, self.digits),
            )
        painter.end()


class LineChart(_Chart):
    """One line per series over calendar days, with a legend; values are running totals."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.series: dict[str, list[tuple[date, float]]] = {}

    def set_series(self, series: dict[str, Sequence[tuple[date, float]]]) -> None:
        self.series = {name: list(points) for name, points in series.items() if points}
        self.update()

    def colors(self) -> dict[str, str]:
        return {n: _SERIES_COLORS[i % len(_SERIES_COLORS)] for i, n in enumerate(self.series)}

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = self._begin(painter)
        if not self.series:
            self._empty(painter, area)
            painter.end()
            return
        metrics = painter.fontMetrics()
        days = [d for points in self.series.values() for d, _ in points]
        first, last = min(days), max(days)
        top = max(v for points in self.series.values() for _, v in points) or 1
        legend_h = metrics.height() + 4
        left = metrics.horizontalAdvance(_fmt(top)) + 8
        plot = QRectF(
            area.left() + left,
            area.top() + legend_h,
            area.width() - left - 4,
            area.height() - legend_h - metrics.height() - 6,
        )
        text = self.palette().text().color()
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.setPen(text)
        painter.drawText(
            QRectF(area.left(), plot.top() - metrics.height() / 2, left - 4, metrics.height()),
            Qt.AlignmentFlag.AlignRight,
            _fmt(top),
        )
        painter.drawText(
            QRectF(area.left(), plot.bottom() - metrics.height() / 2, left - 4, metrics.height()),
            Qt.AlignmentFlag.AlignRight,
            "0",
        )
        below = QRectF(plot.left(), plot.bottom() + 3, plot.width(), metrics.height())
        painter.drawText(below, Qt.AlignmentFlag.AlignLeft, first.isoformat())
        if last != first:
            painter.drawText(below, Qt.AlignmentFlag.AlignRight, last.isoformat())
        width_days = max((last - first).days, 1)

        def point(day: date, value: float) -> QPointF:
            x = plot.left() + plot.width() * ((day - first).days / width_days)
            if last == first:
                x = plot.center().x()
            return QPointF(x, plot.bottom() - plot.height() * value / top)

        x = area.left()
        for name, color in self.colors().items():
            points = [point(d, v) for d, v in self.series[name]]
            path = QPainterPath(points[0])
            for p in points[1:]:
                path.lineTo(QPointF(p.x(), path.currentPosition().y()))  # a step per day
                path.lineTo(p)
            painter.setPen(QPen(QColor(color), 2))
            painter.drawPath(path)
            painter.setBrush(QColor(color))
            for p in points:
                painter.drawEllipse(p, 2.5, 2.5)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.fillRect(QRectF(x, area.top() + 3, 10, 10), QColor(color))
            painter.setPen(text)
            painter.drawText(QPointF(x + 14, area.top() + metrics.ascent() + 1), name)
            x += 14 + metrics.horizontalAdvance(name) + 16
        painter.end()


def _fmt(value: float, digits: int = 1) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.{digits}f}"


class StatisticsDialog(QDialog):
    """Charts of one annotator's work plus everyone's progress; PNG and CSV export.

    `sets`: the annotation sets to count (default: those loaded in the project; pass the
    store's `load_sets()` to include every annotator's saved work).
    """

    def __init__(
        self,
        project: Project,
        sets: Iterable[AnnotationSet] | None = None,
        parent: QWidget | None = None,
        export_dir: Path | None = None,
        top: int = 10,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statisticsDialog")
        self.setWindowTitle("Statistics")
        self.project = project
        self.sets = list(sets) if sets is not None else None
        self.export_dir = export_dir or Path.cwd()
        self.top = top
        self.stats: Statistics | None = None
        self.file_dialog: QFileDialog | None = None
        self.last_export: Path | None = None

        self.annotator = QComboBox()
        self.annotator.setObjectName("statsAnnotator")
        self.summary = QLabel()
        self.summary.setObjectName("statsSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.status_chart = BarChart("Articles by status")
        self.label_chart = BarChart("Accepted spans per label")
        self.mentions_chart = BarChart(f"Top {top} entities by mentions")
        self.articles_chart = BarChart(f"Top {top} entities by articles")
        self.progress_chart = LineChart("Articles finished over time (done or reviewed)")
        self.charts = QWidget()
        self.charts.setObjectName("statsCharts")
        self.charts.setAutoFillBackground(True)
        grid = QGridLayout(self.charts)
        grid.addWidget(self.status_chart, 0, 0)
        grid.addWidget(self.label_chart, 0, 1)
        grid.addWidget(self.mentions_chart, 1, 0)
        grid.addWidget(self.articles_chart, 1, 1)
        grid.addWidget(self.progress_chart, 2, 0, 1, 2)

        self.png_button = QPushButton("Export PNG…")
        self.png_button.setObjectName("statsExportPng")
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.setObjectName("statsExportCsv")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setObjectName("statsRefresh")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        top_row = QHBoxLayout()
        top_row.addWidget(QLabel("Annotator:"))
        top_row.addWidget(self.annotator)
        top_row.addWidget(self.summary, 1)
        bottom = QHBoxLayout()
        for button in (self.refresh_button, self.png_button, self.csv_button):
            bottom.addWidget(button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top_row)
        layout.addWidget(self.charts, 1)
        layout.addLayout(bottom)

        self.png_button.clicked.connect(lambda: self._ask_path("png"))
        self.csv_button.clicked.connect(lambda: self._ask_path("csv"))
        self.refresh_button.clicked.connect(self.refresh)
        self.annotator.currentIndexChanged.connect(lambda _i: self.refresh())
        self._fill_annotators()
        self.refresh()
        self.resize(860, 720)

    # -- public -----------------------------------------------------------
    def refresh(self) -> Statistics:
        """Recount and redraw (cheap: one pass over the annotation sets)."""
        who = self.annotator.currentData() or self.project.annotator
        stats = compute(self.project, self.sets, who, top=self.top)
        self.stats = stats
        colors = {label.name: label.color for label in self.project.scheme.labels}
        self.status_chart.set_bars(
            (name, n, _STATUS_COLORS.get(name, _NEUTRAL)) for name, n in stats.statuses.items()
        )
        self.label_chart.set_bars((n, c, colors.get(n, _NEUTRAL)) for n, c in stats.labels.items())
        self.mentions_chart.set_bars(
            (e.name, e.mentions, colors.get(e.label, _NEUTRAL)) for e in stats.by_mentions
        )
        self.articles_chart.set_bars(
            (e.name, e.articles, colors.get(e.label, _NEUTRAL)) for e in stats.by_articles
        )
        self.progress_chart.set_series({who: cumulative(s) for who, s in stats.progress.items()})
        done = stats.statuses.get("done", 0) + stats.statuses.get("reviewed", 0)
        self.summary.setText(
            f"{stats.total_articles} articles · {done} finished · {stats.total_spans} spans"
        )
        return stats

    def export_png(self, path: str | os.PathLike[str]) -> Path:
        """Save the charts as shown (at the screen's pixel ratio) as a PNG image."""
        target = Path(path)
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not self.charts.grab().save(buffer, "PNG"):
            raise OSError(f"could not write PNG to {target}")
        write_bytes_atomic(target, bytes(data), create_dirs=False)
        self.last_export = target
        return target

    def export_csv(self, path: str | os.PathLike[str]) -> Path:
        """Save every figure as long-format CSV (table, key, name, annotator, value)."""
        target = Path(path)
        stats = self.stats or self.refresh()
        write_bytes_atomic(target, to_csv(stats).encode("utf-8"), create_dirs=False)
        self.last_export = target
        return target

    def add_sets(self, sets: Iterable[AnnotationSet]) -> None:
        """More annotators' sets (loaded in the background after the dialog opened); a set
        already held (same article and annotator) is replaced by the one given."""
        merged = {(s.article_id, s.annotator): s for s in [*(self.sets or []), *sets]}
        self.sets = list(merged.values())
        self.annotator.clear()
        self._fill_annotators()
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """Count again whenever the dialog is shown (it may be kept and reopened)."""
        if self.stats is not None:
            self.refresh()
        super().showEvent(event)

    # -- internals --------------------------------------------------------
    def _fill_annotators(self) -> None:
        names = {s.annotator for s in self.sets} if self.sets is not None else set()
        names |= set(self.project.annotators()) | {self.project.annotator}
        self.annotator.blockSignals(True)
        for name in sorted(names):
            self.annotator.addItem(name, name)
        self.annotator.setCurrentIndex(self.annotator.findData(self.project.annotator))
        self.annotator.blockSignals(False)

    def _ask_path(self, kind: str) -> QFileDialog:
        dialog = QFileDialog(self, f"Export statistics as {kind.upper()}")
        dialog.setObjectName(f"statsFileDialog_{kind}")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix(kind)
        dialog.setNameFilter(f"{kind.upper()} files (*.{kind})")
        dialog.setDirectory(str(self.export_dir))
        dialog.selectFile(f"statistics-{self.annotator.currentData()}.{kind}")
        dialog.fileSelected.connect(lambda path: self._export_to(kind, path))
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def _export_to(self, kind: str, path: str) -> None:
        try:
            saved = self.export_png(path) if kind == "png" else self.export_csv(path)
        except OSError as exc:
            self.summary.setText(f"Export failed: {exc}")
        else:
            self.summary.setText(f"Saved {saved}")
