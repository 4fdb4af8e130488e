"""Light and dark themes; "system" (the default) follows the desktop's colour scheme.

Where the platform can switch its own palette (Qt >= 6.8 on Windows, macOS, recent GNOME
and KDE) we ask it to, so native widgets match; elsewhere an explicit palette is set.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette

THEMES = ("system", "light", "dark")
_FORCED = "annotatorForcedPalette"  # app property: the palette is ours, not the platform's
Role = QPalette.ColorRole
Group = QPalette.ColorGroup


def system_scheme(app: QGuiApplication | None = None) -> str:
    """ "dark" or "light" as the desktop reports it ("light" when it cannot tell)."""
    app = app or QGuiApplication.instance()  # type: ignore[assignment]
    if app is None:
        return "light"
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return "dark"
    if scheme == Qt.ColorScheme.Light:
        return "light"
    return "dark" if app.palette().color(Role.Window).lightness() < 128 else "light"


def dark_palette() -> QPalette:
    """A calm dark palette (Fusion-style roles) with readable disabled text and links."""
    p = QPalette()
    colors = {
        Role.Window: "#2B2B2B",
        Role.WindowText: "#E6E6E6",
        Role.Base: "#1F1F1F",
        Role.AlternateBase: "#2A2A2A",
        Role.ToolTipBase: "#3A3A3A",
        Role.ToolTipText: "#F0F0F0",
        Role.PlaceholderText: "#8C8C8C",
        Role.Text: "#E6E6E6",
        Role.Button: "#353535",
        Role.ButtonText: "#E6E6E6",
        Role.BrightText: "#FF6B6B",
        Role.Light: "#4A4A4A",
        Role.Midlight: "#3E3E3E",
        Role.Mid: "#5A5A5A",
        Role.Dark: "#1A1A1A",
        Role.Shadow: "#000000",
        Role.Highlight: "#3D6FB4",
        Role.HighlightedText: "#FFFFFF",
        Role.Link: "#7FB2F0",
        Role.LinkVisited: "#B89AE6",
    }
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        p.setColor(Group.Disabled, role, QColor("#7A7A7A"))
    return p


def light_palette() -> QPalette:
    """The light palette: Qt's standard one, with a placeholder colour that reads well."""
    p = QPalette(QColor("#EFEFEF"), QColor("#EFEFEF"))
    p.setColor(Role.Base, QColor("#FFFFFF"))
    p.setColor(Role.AlternateBase, QColor("#F5F5F5"))
    p.setColor(Role.Text, QColor("#000000"))
    p.setColor(Role.WindowText, QColor("#000000"))
    p.setColor(Role.ButtonText, QColor("#000000"))
    p.setColor(Role.PlaceholderText, QColor("#808080"))
    p.setColor(Role.Highlight, QColor("#308CC6"))
    p.setColor(Role.HighlightedText, QColor("#FFFFFF"))
    return p


class ThemeManager(QObject):
    """Applies a theme to the application and re-applies it when the desktop switches.

    `changed` carries the effective scheme ("light" or "dark") after every change, so the
    window can redraw what it paints itself (span colours, banners).
    """

    changed = Signal(str)

    def __init__(self, app: QGuiApplication | None = None, theme: str = "system") -> None:
        super().__init__()
        self.app = app or QGuiApplication.instance()  # type: ignore[assignment]
        self.theme = theme if theme in THEMES else "system"
        self._effective = ""
        self.app.styleHints().colorSchemeChanged.connect(self._desktop_switched)

    @property
    def effective(self) -> str:
        return self._effective or self._compute()

    def set_theme(self, theme: str) -> str:
        """Apply "system", "light" or "dark"; returns the effective scheme."""
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}; use one of {', '.join(THEMES)}")
        self.theme = theme
        return self.apply()

    def apply(self) -> str:
        hints = self.app.styleHints()
        if self.app.property(_FORCED):  # a palette we set earlier: back to the platform's
            self.app.setPalette(QPalette())
            self.app.setProperty(_FORCED, False)
        if self.theme == "system":
            _unset_scheme(hints)
        else:
            wanted = Qt.ColorScheme.Dark if self.theme == "dark" else Qt.ColorScheme.Light
            if hasattr(hints, "setColorScheme"):
                hints.setColorScheme(wanted)
            if hints.colorScheme() != wanted:  # the platform cannot: paint it ourselves
                self.app.setPalette(dark_palette() if self.theme == "dark" else light_palette())
                self.app.setProperty(_FORCED, True)
        self._effective = self._compute()
        self.changed.emit(self._effective)
        return self._effective

    def _compute(self) -> str:
        return self.theme if self.theme != "system" else system_scheme(self.app)

    def _desktop_switched(self, _scheme: object = None) -> None:
        if self.theme == "system":
            self.apply()

    def detach(self) -> None:
        """Stop following the desktop (tests; a window being closed)."""
        with contextlib.suppress(RuntimeError, TypeError):
            self.app.styleHints().colorSchemeChanged.disconnect(self._desktop_switched)


def _unset_scheme(hints: object) -> None:
    if hasattr(hints, "unsetColorScheme"):
        hints.unsetColorScheme()  # type: ignore[attr-defined]
