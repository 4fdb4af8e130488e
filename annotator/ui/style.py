"""How labels and span states look: fill for accepted, dashed underline for suggestions."""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat

from annotator.core.labels import Label, LabelScheme
from annotator.core.model import Origin

_UNDERLINES = {
    "solid": QTextCharFormat.UnderlineStyle.SingleUnderline,
    "dash": QTextCharFormat.UnderlineStyle.DashUnderline,
    "dot": QTextCharFormat.UnderlineStyle.DotLine,
    "dashdot": QTextCharFormat.UnderlineStyle.DashDotLine,
    "wave": QTextCharFormat.UnderlineStyle.WaveUnderline,
}
SUGGESTION_UNDERLINES = {
    Origin.SUGGESTED: _UNDERLINES["dash"],
    Origin.MODEL: _UNDERLINES["dashdot"],
    Origin.PROPAGATED: _UNDERLINES["dot"],
    Origin.AUTO: _UNDERLINES["dot"],
}
_FALLBACK = Label("?", "#999999", "dot")


class SpanStyles:
    """Builds the text formats for each label in the accepted, suggested and current states."""

    def __init__(self, scheme: LabelScheme) -> None:
        self.scheme = scheme
        self._cache: dict[tuple[str, Origin, bool], QTextCharFormat] = {}
        self._cached_scheme: LabelScheme | None = None

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

    def suggested(self, name: str, origin: Origin = Origin.SUGGESTED) -> QTextCharFormat:
        """Faint fill; the underline says the source: dashes rules, dash-dots the learned
        model, dots a propagated link; an auto link is overlined."""
        fmt = QTextCharFormat()
        fill = self.color(name)
        fill.setAlpha(28)
        fmt.setBackground(fill)
        fmt.setUnderlineStyle(SUGGESTION_UNDERLINES.get(origin, _UNDERLINES["dash"]))
        fmt.setUnderlineColor(self.color(name).darker(130))
        if origin == Origin.AUTO:  # a font property only where needed: it slows the layout
            fmt.setFontOverline(True)
        return fmt

    def for_span(self, name: str, origin: Origin, *, pending: bool) -> QTextCharFormat:
        """The format of a span that is not the current one (cached per scheme)."""
        if self._cached_scheme is not self.scheme:
            self._cache.clear()
            self._cached_scheme = self.scheme
        key = (name, origin, pending)
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self._span_format(name, origin, pending=pending)
        return fmt

    def _span_format(self, name: str, origin: Origin, *, pending: bool) -> QTextCharFormat:
        if pending:
            return self.suggested(name, origin)
        fmt = self.accepted(name)
        if origin == Origin.AUTO:  # an auto link still to be confirmed
            fmt.setFontOverline(True)
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
