"""Keeps single-key shortcuts (A, X, N, 1–9, Enter…) from firing while the user types text."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QPlainTextEdit, QTextEdit

_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


def is_text_input(widget: QObject) -> bool:
    if isinstance(widget, (QLineEdit, QAbstractSpinBox)):
        return True
    return isinstance(widget, (QPlainTextEdit, QTextEdit)) and not widget.isReadOnly()


class TypingGuard(QObject):
    """Application event filter: a text field gets its plain keys before any shortcut."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and is_text_input(watched):
            assert isinstance(event, QKeyEvent)
            if not event.modifiers() & _COMMAND_MODIFIERS and event.key() != Qt.Key.Key_Escape:
                event.accept()  # the field wants this key: no shortcut fires
                return True
        return False
