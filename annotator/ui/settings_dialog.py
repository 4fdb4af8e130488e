"""Settings: who annotates, how text looks, how editing and saving behave, suggestion sources.

User-interface choices live in QSettings (per user and machine); project choices are
returned by `project_settings()` for the window to store with the project.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFontComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.project import ProjectSettings
from annotator.ui.theme import THEMES

UI_DEFAULTS: dict[str, Any] = {
    "annotator/name": "",
    "view/font_family": "",  # "" = the system's default font
    "view/font_size": 12,
    "view/theme": "system",
    "edit/auto_advance": False,  # today Ctrl+D stays on the article; N moves on
    "edit/pending_on_done": "ask",  # Ctrl+D with undecided suggestions: ask/accept/reject/keep
    "save/interval_ms": 25,  # how long the writer gathers a burst of edits into one write
}
PROJECT_FIELDS = ("token_snapping", "suggest_builtin", "suggest_pipeline",
                  "suggest_pipeline_labels", "suggest_model", "suggest_propagation",
                  "retrain_after")  # what the dialog shows of ProjectSettings
PROJECT_DEFAULTS: dict[str, Any] = {k: getattr(ProjectSettings(), k) for k in PROJECT_FIELDS}
PENDING_RULES = (
    ("ask", "Ask each time"),
    ("accept", "Accept them"),
    ("reject", "Reject them"),
    ("keep", "Leave them undecided"),
)
FONT_SIZES = (6, 48)
INTERVALS_MS = (0, 10_000)
NAME_MAX = 40


def _group(title: str, rows: list[tuple[str, QWidget]]) -> QGroupBox:
    """A titled box of labelled rows."""
    form = QFormLayout()
    for label, widget in rows:
        form.addRow(label, widget)
    box = QGroupBox(title)
    box.setLayout(form)
    return box


def _spin(name: str, bounds: tuple[int, int], value: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(*bounds)
    spin.setSuffix(suffix)
    spin.setValue(value)
    return spin


def _combo(name: str, items: Iterable[tuple[str, Any]], current: Any) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def _check(name: str, text: str, checked: bool) -> QCheckBox:
    box = QCheckBox(text)
    box.setObjectName(name)
    box.setChecked(checked)
    return box


def _line(name: str, text: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def _typed(value: Any, default: Any) -> Any:
    """QSettings (INI) hands back strings: convert to the default's type."""
    if value is None:
        return default
    if isinstance(default, bool):
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on")
        return bool(value)
    if isinstance(default, int):
        try:
            return int(value)
        except (TypeError, ValueError):
            return default
    return str(value)


def read_ui_settings(settings: QSettings) -> dict[str, Any]:
    """Every UI setting with its type, defaults filled in and out-of-range values clamped."""
    values = {key: _typed(settings.value(key), default) for key, default in UI_DEFAULTS.items()}
    values["view/font_size"] = min(max(values["view/font_size"], FONT_SIZES[0]), FONT_SIZES[1])
    values["save/interval_ms"] = min(
        max(values["save/interval_ms"], INTERVALS_MS[0]), INTERVALS_MS[1]
    )
    if values["view/theme"] not in THEMES:
        values["view/theme"] = "system"
    return values


def project_values(current: dict[str, Any] | None) -> dict[str, Any]:
    """Project settings with defaults for fields the project does not store yet."""
    current = current or {}
    return {key: _typed(current.get(key), default) for key, default in PROJECT_DEFAULTS.items()}


def view_font(values: dict[str, Any], zoom: int = 0) -> QFont:
    """The article font: chosen family (or the system's) at size + zoom steps."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    if values.get("view/font_family"):
        font.setFamily(values["view/font_family"])
    size = int(values.get("view/font_size", UI_DEFAULTS["view/font_size"])) + zoom
    font.setPointSize(min(max(size, FONT_SIZES[0]), FONT_SIZES[1] * 2))
    return font


class SettingsDialog(QDialog):
    """Settings in three groups; OK (or Apply) writes QSettings and emits `applied`.

    `applied(ui_values, project_settings)` is what the window reacts to: rename the
    annotator, set the font and theme, store the project settings. `annotator` (the name
    the window runs as) wins over a name stored in QSettings.
    """

    applied = Signal(dict, dict)

    def __init__(
        self,
        settings: QSettings,
        project_settings: dict[str, Any] | None = None,
        parent: QWidget | None = None,
        *,
        annotator: str = "",
        read_only_project: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.settings = settings
        self.message = QLabel()
        self.message.setObjectName("settingsMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setStyleSheet("color:#B00020;")
        user_box = self._user_box(read_ui_settings(settings), annotator)
        project_box = self._project_box(project_values(project_settings))
        project_box.setEnabled(not read_only_project)
        self.buttons = self._buttons()
        layout = QVBoxLayout(self)
        layout.addWidget(user_box)
        layout.addWidget(project_box)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.name_edit.textChanged.connect(lambda _t: self._validate())
        self._validate()

    # -- construction -----------------------------------------------------
    def _user_box(self, ui: dict[str, Any], annotator: str) -> QGroupBox:
        """Settings of this computer: name, font, theme, marking done, save interval."""
        self.name_edit = QLineEdit(annotator or ui["annotator/name"])
        self.name_edit.setObjectName("settingsName")
        self.name_edit.setMaxLength(NAME_MAX)
        self.font_combo = QFontComboBox()
        self.font_combo.setObjectName("settingsFont")
        if ui["view/font_family"]:
            self.font_combo.setCurrentFont(QFont(ui["view/font_family"]))
        self.size_spin = _spin("settingsFontSize", FONT_SIZES, ui["view/font_size"], " pt")
        self.theme_combo = _combo("settingsTheme", zip(
            ("Follow the system", "Light", "Dark"), THEMES, strict=True), ui["view/theme"])
        self.auto_advance = _check("settingsAutoAdvance", "After “Mark done”, open the next "
                                   "article", ui["edit/auto_advance"])
        self.pending_combo = _combo("settingsPendingOnDone", ((text, rule) for rule, text
                                    in PENDING_RULES), ui["edit/pending_on_done"])
        self.interval_spin = _spin("settingsSaveInterval", INTERVALS_MS,
                                   ui["save/interval_ms"], " ms")
        self.interval_spin.setSingleStep(25)
        self.interval_spin.setToolTip(
            "Edits arriving within this time are written together; each is on disk after it."
        )
        return _group("You (this computer)", [
            ("Annotator name", self.name_edit), ("Text font", self.font_combo),
            ("Text size", self.size_spin), ("Theme", self.theme_combo),
            ("", self.auto_advance), ("Undecided when done", self.pending_combo),
            ("Save edits within", self.interval_spin)])

    def _project_box(self, project: dict[str, Any]) -> QGroupBox:
        """Settings every annotator of the project shares: spans and suggestion sources."""
        self.snap_tokens = QRadioButton("Snap spans to whole tokens")
        self.snap_tokens.setObjectName("settingsSnapTokens")
        self.snap_chars = QRadioButton("Character-level spans")
        self.snap_chars.setObjectName("settingsSnapChars")
        (self.snap_tokens if project["token_snapping"] else self.snap_chars).setChecked(True)
        self.builtin = _check("settingsSuggestBuiltin", "Built-in Indonesian suggester (rules "
                              "and gazetteers)", project["suggest_builtin"])
        self.pipeline = _line("settingsSuggestPipeline", project["suggest_pipeline"],
                              "spaCy package or folder, e.g. xx_ent_wiki_sm")
        self.pipeline_labels = _line("settingsPipelineLabels",
                                     project["suggest_pipeline_labels"],
                                     "PERSON=PER,GPE=GPE,LOC=LOC,ORG=ORG,MISC=-")
        self.model = _check("settingsSuggestModel", "Model trained on this project's "
                            "annotations", project["suggest_model"])
        self.retrain = _spin("settingsRetrainAfter", (1, 1000),
                             max(1, project["retrain_after"]), " finished articles")
        self.propagation = _check("settingsSuggestPropagation", "Propagate confirmed entities "
                                  "to their other mentions", project["suggest_propagation"])
        self.model.toggled.connect(self.retrain.setEnabled)
        self.retrain.setEnabled(self.model.isChecked())
        box = _group("This project (shared with every annotator)", [
            ("Spans", self.snap_tokens), ("", self.snap_chars), ("Suggestions", self.builtin),
            ("spaCy pipeline", self.pipeline), ("Its label map", self.pipeline_labels),
            ("", self.model), ("Retrain after", self.retrain), ("", self.propagation)])
        box.setObjectName("settingsProjectBox")
        return box

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        return buttons

    # -- public -----------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The UI settings as chosen in the dialog (QSettings keys)."""
        return {
            "annotator/name": self.name_edit.text().strip(),
            "view/font_family": self.font_combo.currentFont().family(),
            "view/font_size": self.size_spin.value(),
            "view/theme": self.theme_combo.currentData(),
            "edit/auto_advance": self.auto_advance.isChecked(),
            "edit/pending_on_done": self.pending_combo.currentData(),
            "save/interval_ms": self.interval_spin.value(),
        }

    def project_settings(self) -> dict[str, Any]:
        """The project settings as chosen (keys of PROJECT_DEFAULTS)."""
        return {
            "token_snapping": self.snap_tokens.isChecked(),
            "suggest_builtin": self.builtin.isChecked(),
            "suggest_pipeline": self.pipeline.text().strip(),
            "suggest_pipeline_labels": self.pipeline_labels.text().strip(),
            "suggest_model": self.model.isChecked(),
            "suggest_propagation": self.propagation.isChecked(),
            "retrain_after": self.retrain.value(),
        }

    def apply(self) -> bool:
        """Write the UI settings to QSettings and emit `applied`; False when invalid."""
        if not self._validate():
            return False
        for key, value in self.values().items():
            self.settings.setValue(key, value)
        self.settings.sync()
        self.applied.emit(self.values(), self.project_settings())
        return True

    def accept(self) -> None:
        if self.apply():
            super().accept()

    # -- internals --------------------------------------------------------
    def _validate(self) -> bool:
        name = self.name_edit.text().strip()
        problem = ""
        if not name:
            problem = "The annotator name cannot be empty."
        elif not name.isprintable():
            problem = "The annotator name cannot contain line breaks or control characters."
        self.message.setText(problem)
        ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok_button.setEnabled(not problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).setEnabled(not problem)
        return not problem
