"""Statistics dialog: charts of real edits, annotator switch, PNG and CSV export by click."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from annotator.core.annotations import AnnotationSet
from annotator.core.model import ArticleStatus, Span
from annotator.ui.stats_view import BarChart, LineChart, StatisticsDialog
from tests.ui.helpers import key, select_text

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier
CLOSE = QDialogButtonBox.StandardButton.Close


def bars(chart: BarChart) -> dict[str, float]:
    return {name: value for name, value, _ in chart.bars}


def colours_in(image: QImage) -> set[str]:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    step = 3
    return {
        image.pixelColor(x, y).name().upper()
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    }


def save_through_dialog(qtbot, dialog: StatisticsDialog, button, path: Path) -> None:  # noqa: ANN001
    qtbot.mouseClick(button, LEFT)
    files = dialog.file_dialog
    assert isinstance(files, QFileDialog) and files.isVisible()
    files.selectFile(str(path))
    files.accept()
    qtbot.waitUntil(path.exists)


def open_active(opener, qtbot):  # noqa: ANN001, ANN201
    """A window that takes keyboard shortcuts (offscreen activation is asynchronous)."""
    window = opener.open(suggest=False)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_statistics_of_real_edits_and_export(opener, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    window = open_active(opener, qtbot)
    text = window.view.text
    start = text.index("Vladimir Putin")
    select_text(window, start, start + len("Vladimir Putin"))
    key(window, "1")  # PER
    key(window, "D", CTRL)  # done
    dialog = StatisticsDialog(window.project, parent=window, export_dir=tmp_path)
    dialog.open()
    qtbot.waitExposed(dialog)
    assert bars(dialog.status_chart) == {"new": 4, "in progress": 0, "done": 1, "reviewed": 0,
                                         "ignored": 0}
    assert bars(dialog.label_chart)["PER"] == 1
    assert list(bars(dialog.label_chart))[:7] == window.project.scheme.names
    assert list(dialog.progress_chart.series) == ["ayu"]
    assert dialog.summary.text() == "5 articles · 1 finished · 1 spans"

    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(CLOSE), LEFT)
    assert not dialog.isVisible()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    key(window, "N")  # next article, label one more
    second = window.view.text.index("Kim")
    select_text(window, second, second + 3)
    key(window, "1")
    dialog.open()  # shown again: counted again
    assert bars(dialog.label_chart)["PER"] == 2
    assert bars(dialog.status_chart)["in progress"] == 1
    window.project.annotation_set(window.article_id).insert_span(Span(0, 2, "LOC"))
    qtbot.mouseClick(dialog.refresh_button, LEFT)
    assert bars(dialog.label_chart)["LOC"] == 1

    csv_path = tmp_path / "stats.csv"
    save_through_dialog(qtbot, dialog, dialog.csv_button, csv_path)
    rows = list(csv.reader(csv_path.open(encoding="utf-8", newline="")))
    assert rows[0] == ["table", "key", "name", "annotator", "value"]
    assert ["label", "PER", "", "ayu", "2"] in rows and ["label", "LOC", "", "ayu", "1"] in rows
    assert ["status", "done", "", "ayu", "1"] in rows
    assert "Saved" in dialog.summary.text()

    png_path = tmp_path / "stats.png"
    save_through_dialog(qtbot, dialog, dialog.png_button, png_path)
    image = QImage(str(png_path))
    assert not image.isNull() and image.width() >= dialog.charts.width()
    assert "#E69F00" in colours_in(image)  # the PER bar in its label colour
    assert "#2E7D32" in colours_in(image)  # the done bar


def test_switching_annotator_and_everyones_progress(opener, qtbot) -> None:  # noqa: ANN001
    window = opener.open(suggest=False)
    ids = window.project.article_ids
    day = 86400
    now = time.time()
    theirs = []
    for i, article_id in enumerate(ids[:3]):
        aset = AnnotationSet(article_id, "budi", status=ArticleStatus.DONE, updated=now - i * day)
        aset.insert_span(Span(0, 4, "ORG"))
        theirs.append(aset)
    sets = theirs + window.project.sets_of()
    dialog = StatisticsDialog(window.project, sets=sets, parent=window)
    dialog.open()
    qtbot.waitExposed(dialog)
    assert [dialog.annotator.itemText(i) for i in range(dialog.annotator.count())] == [
        "ayu",
        "budi",
    ]
    assert bars(dialog.status_chart)["done"] == 0
    dialog.annotator.setFocus()
    QTest.keyClick(dialog.annotator, Qt.Key.Key_Down)  # to "budi"
    assert dialog.stats.annotator == "budi"
    assert bars(dialog.status_chart)["done"] == 3 and bars(dialog.label_chart)["ORG"] == 3
    series = dialog.progress_chart.series["budi"]
    assert [v for _, v in series] == [1, 2, 3]  # running total over three days


def test_charts_draw_bars_lines_and_empty_state(qtbot) -> None:  # noqa: ANN001
    from datetime import date

    chart = BarChart("Spans")
    qtbot.addWidget(chart)
    chart.resize(300, 160)
    empty = colours_in(chart.grab().toImage())
    chart.set_bars([("PER", 5, "#E69F00"), ("<b>ORG</b>", 2, "#56B4E9")])
    drawn = colours_in(chart.grab().toImage())
    assert {"#E69F00", "#56B4E9"} <= drawn and "#E69F00" not in empty
    lines = LineChart("Progress")
    qtbot.addWidget(lines)
    lines.resize(300, 160)
    lines.set_series({"ayu": [(date(2023, 9, 1), 1), (date(2023, 9, 4), 3)], "none": []})
    assert list(lines.series) == ["ayu"]
    assert QColor(lines.colors()["ayu"]).name().upper() in colours_in(lines.grab().toImage())
