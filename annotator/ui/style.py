"""How labels and span states look: fill for accepted, dashed underline for suggestions."""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat

from annotator.core.labels import Label, LabelScheme

_UNDERLINES = {
    "solid": QTextCharFormat.UnderlineStyle.SingleUnderline,
    "dash": QTextCharFormat.UnderlineStyle.DashUnderline,
    "dot": QTextCharFormat.UnderlineStyle.DotLine,
    "dashdot": QTextCharFormat.UnderlineStyle.DashDotLine,
    "wave": QTextCharFormat.UnderlineStyle.WaveUnderline,
}
_FALLBACK = Label("?", "#999999", "dot")


class SpanStyles:
    """Builds the text formats for each label in the accepted, suggested and current states."""

    def __init__(self, scheme: LabelScheme) -> None:
        self.scheme = scheme

    def label(self, name: str) -> Label:
        return self.scheme.get(name) or _FALLBACK

    def color(self, name: str) -> QColor:
        return QColor(self.label(name).color)

    def accepted(self, name: str) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fill = self.color(name)
        fill.setAlpha(110)
        fmt.setBackground(fill)
        fmt.setUnderlineStyle(_UNDERLINES.get(self.label(name).underline, _UNDERLINES["solid"]))
        fmt.setUnderlineColor(self.color(name).darker(150))
        return fmt

    def suggested(self, name: str) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fill = self.color(name)
        fill.setAlpha(28)
        fmt.setBackground(fill)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
        fmt.setUnderlineColor(self.color(name).darker(130))
        return fmt

    def current(self, name: str) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setBackground(self.color(name))
        fmt.setForeground(QColor("#000000"))
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(QColor("#000000"))
        return fmt

    def mark(self, colour: str) -> QTextCharFormat:
        """A thick wavy underline, drawn over whatever span is there (review conflicts)."""
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(QColor(colour).darker(260))
        return fmt

    def preview(self) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(120, 120, 120, 90))
        return fmt
