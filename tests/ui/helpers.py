"""Ways a person drives the window: clicks and keys, never private calls."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton

from annotator.core.model import Span
from annotator.ui.main_window import MainWindow


def key(window: MainWindow, key_name: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    """Press a key with the article view focused, as a user typing would."""
    window.view.setFocus()
    QTest.keyClick(window.view, getattr(Qt.Key, f"Key_{key_name}"), modifier)


def click_span(window: MainWindow, span: Span) -> None:
    """Click in the middle of a span in the article text."""
    view = window.view
    pos = view.point_for((span.start + span.end) // 2)
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mouseClick(view.viewport(), left, none, pos)


def select_text(window: MainWindow, start: int, end: int) -> None:
    """Click before `start`, then Shift+Right until `end`, like a keyboard user selecting."""
    view = window.view
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
        view.point_for(start),
    )
    QTest.keyClick(view, Qt.Key.Key_Escape)  # drop any span the click made current
    steps = len(view.text[start:end].encode("utf-16-le")) // 2
    view.setFocus()
    first = view.textCursor().position()
    assert view._map.to_codepoint(first) == start, "click landed elsewhere"  # noqa: SLF001
    for _ in range(steps):
        QTest.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)


def tick(qtbot, button) -> None:  # noqa: ANN001
    """Click a check box or radio button on its indicator, as a person would."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))


def find_span(window: MainWindow, surface: str, pending: bool | None = None) -> Span:
    for span in window.view.spans:
        if window.view.text[span.start : span.end] == surface and (
            pending is None or window.view.is_pending(span) == pending
        ):
            return span
    shown = [window.view.text[s.start : s.end] for s in window.view.spans]
    raise AssertionError(f"no span {surface!r} in {shown}")


def surfaces(window: MainWindow, *, pending: bool) -> list[str]:
    view = window.view
    return [view.text[s.start : s.end] for s in view.spans if view.is_pending(s) == pending]


def choose(qtbot, combo, text: str, *, confirm: bool = True) -> None:  # noqa: ANN001
    """Open the combo's list with a click, arrow to the item showing `text`, press Enter.

    `confirm` checks the combo shows `text` afterwards (off when choosing rebuilds the list).
    """
    target = combo.findText(text)
    assert target >= 0, (
        f"{text!r} is not offered: {[combo.itemText(i) for i in range(combo.count())]}"
    )
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    step = Qt.Key.Key_Down if target > view.currentIndex().row() else Qt.Key.Key_Up
    while view.currentIndex().row() != target:
        QTest.keyClick(view, step)
    QTest.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible())
    if confirm:
        assert combo.currentText() == text


def answer_done_prompt(window, qtbot, text: str) -> None:  # noqa: ANN001
    """Click the button of the "undecided suggestions" question whose text contains `text`."""
    answer_box(window, qtbot, window.done_prompt, text)


def answer_box(window, qtbot, box, text: str) -> None:  # noqa: ANN001
    """Click the button of a question box whose text contains `text`; the window is active
    again afterwards."""
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    button = next(b for b in box.findChildren(QAbstractButton)
                  if text in b.text().replace("&", ""))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible())
    window.activateWindow()  # offscreen activation is asynchronous; shortcuts need it
    qtbot.waitUntil(window.isActiveWindow)


def close_link_review(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    """Close the review Link all opens (Close button, nothing decided); keys reach the window."""
    from PySide6.QtWidgets import QDialogButtonBox

    review = window.linking.review
    if review is None:
        return
    qtbot.waitUntil(review.isVisible)
    close = review.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
