"""Settings dialog (QSettings and project settings) and the light / dark / system theme."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from annotator.ui.settings_dialog import (
    PROJECT_DEFAULTS,
    UI_DEFAULTS,
    SettingsDialog,
    project_values,
    read_ui_settings,
    view_font,
)
from annotator.ui.theme import ThemeManager, dark_palette, system_scheme
from tests.ui.helpers import choose, tick

LEFT = Qt.MouseButton.LeftButton
OK = QDialogButtonBox.StandardButton.Ok
APPLY = QDialogButtonBox.StandardButton.Apply
CANCEL = QDialogButtonBox.StandardButton.Cancel




def retype(qtbot, edit, text: str) -> None:  # noqa: ANN001
    edit.setFocus()
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


@pytest.fixture()
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture()
def restore_palette():  # noqa: ANN201
    app = QApplication.instance()
    before = QPalette(app.palette())
    yield app
    manager = ThemeManager(app, "system")
    manager.apply()
    manager.detach()
    app.setPalette(before)


def open_dialog(qtbot, settings: QSettings, project: dict | None = None, **kw) -> SettingsDialog:  # noqa: ANN001, ANN003
    dialog = SettingsDialog(settings, project, **kw)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def test_defaults_when_nothing_is_stored(qtbot, settings: QSettings) -> None:  # noqa: ANN001
    assert read_ui_settings(settings) == UI_DEFAULTS
    assert project_values(None) == PROJECT_DEFAULTS
    dialog = open_dialog(qtbot, settings, {"token_snapping": True}, annotator="ayu")
    assert dialog.name_edit.text() == "ayu"
    assert dialog.theme_combo.currentText() == "Follow the system"
    assert dialog.snap_tokens.isChecked() and not dialog.auto_advance.isChecked()
    assert dialog.project_settings() == PROJECT_DEFAULTS
    assert not dialog.retrain.isEnabled()  # only with the learned model


def test_change_everything_by_hand_and_ok_persists(qtbot, settings: QSettings) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, settings, {"token_snapping": True}, annotator="ayu")
    emitted: list[tuple[dict, dict]] = []
    dialog.applied.connect(lambda ui, project: emitted.append((ui, project)))
    retype(qtbot, dialog.name_edit, "Budi Santoso")
    retype(qtbot, dialog.size_spin.lineEdit(), "15")
    choose(qtbot, dialog.theme_combo, "Dark")
    tick(qtbot, dialog.auto_advance)
    retype(qtbot, dialog.interval_spin.lineEdit(), "500")
    tick(qtbot, dialog.snap_chars)
    tick(qtbot, dialog.model)
    assert dialog.retrain.isEnabled()
    retype(qtbot, dialog.retrain.lineEdit(), "25")
    tick(qtbot, dialog.propagation)
    retype(qtbot, dialog.pipeline, "xx_ent_wiki_sm")
    retype(qtbot, dialog.pipeline_labels, "PER=PER,MISC=-")
    qtbot.mouseClick(dialog.buttons.button(OK), LEFT)
    assert not dialog.isVisible()

    ui, project = emitted[-1]
    assert ui["annotator/name"] == "Budi Santoso" and ui["view/font_size"] == 15
    assert project == {
        "token_snapping": False,
        "suggest_builtin": True,
        "suggest_pipeline": "xx_ent_wiki_sm",
        "suggest_pipeline_labels": "PER=PER,MISC=-",
        "suggest_model": True,
        "suggest_propagation": False,
        "retrain_after": 25,
    }
    stored = read_ui_settings(QSettings(settings.fileName(), QSettings.Format.IniFormat))
    assert stored["annotator/name"] == "Budi Santoso"
    assert stored["view/theme"] == "dark" and stored["view/font_size"] == 15
    assert stored["edit/auto_advance"] is True and stored["save/interval_ms"] == 500
    assert stored["view/font_family"] == dialog.font_combo.currentFont().family()

    again = open_dialog(qtbot, settings, project)  # reopened: shows what was saved
    assert again.name_edit.text() == "Budi Santoso" and again.size_spin.value() == 15
    assert again.theme_combo.currentData() == "dark" and again.auto_advance.isChecked()
    assert again.snap_chars.isChecked() and again.pipeline.text() == "xx_ent_wiki_sm"


def test_empty_name_blocks_ok_and_cancel_keeps_settings(qtbot, settings: QSettings) -> None:  # noqa: ANN001
    settings.setValue("annotator/name", "ayu")
    dialog = open_dialog(qtbot, settings)
    retype(qtbot, dialog.name_edit, "   ")
    assert not dialog.buttons.button(OK).isEnabled()
    assert "cannot be empty" in dialog.message.text()
    retype(qtbot, dialog.name_edit, "dewi")
    assert dialog.buttons.button(OK).isEnabled() and dialog.message.text() == ""
    qtbot.mouseClick(dialog.buttons.button(CANCEL), LEFT)
    assert settings.value("annotator/name") == "ayu"


def test_apply_keeps_the_dialog_open(qtbot, settings: QSettings) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, settings, annotator="ayu")
    with qtbot.waitSignal(dialog.applied):
        qtbot.mouseClick(dialog.buttons.button(APPLY), LEFT)
    assert dialog.isVisible() and settings.value("annotator/name") == "ayu"


def test_ini_strings_are_typed_and_clamped(settings: QSettings) -> None:
    for key, value in {
        "edit/auto_advance": "true",
        "view/font_size": "500",
        "save/interval_ms": "abc",
        "view/theme": "purple",
    }.items():
        settings.setValue(key, value)
    values = read_ui_settings(settings)
    assert values["edit/auto_advance"] is True and values["view/font_size"] == 48
    assert values["save/interval_ms"] == 25 and values["view/theme"] == "system"
    font = view_font({"view/font_family": "", "view/font_size": 12}, zoom=2)
    assert font.pointSize() == 14


def test_theme_dark_light_and_following_the_system(restore_palette) -> None:  # noqa: ANN001
    app = restore_palette
    manager = ThemeManager(app)
    seen: list[str] = []
    manager.changed.connect(seen.append)
    assert manager.set_theme("dark") == "dark"
    assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert app.palette().color(QPalette.ColorRole.Text).lightness() > 180
    assert manager.set_theme("light") == "light"
    assert app.palette().color(QPalette.ColorRole.Window).lightness() > 200
    assert manager.set_theme("system") == system_scheme(app)
    assert seen == ["dark", "light", system_scheme(app)]
    with pytest.raises(ValueError):
        manager.set_theme("purple")
    manager.detach()
    assert dark_palette().color(QPalette.ColorRole.Base).lightness() < 60


def test_dialog_theme_choice_applied_by_the_window_hook(
    qtbot,
    settings: QSettings,
    restore_palette,  # noqa: ANN001
) -> None:
    app = restore_palette
    manager = ThemeManager(app)
    dialog = open_dialog(qtbot, settings, annotator="ayu")
    dialog.applied.connect(lambda ui, _project: manager.set_theme(ui["view/theme"]))
    choose(qtbot, dialog.theme_combo, "Dark")
    qtbot.mouseClick(dialog.buttons.button(OK), LEFT)
    assert manager.effective == "dark"
    assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
    manager.detach()
