"""Test setup shared by every suite: headless Qt and an isolated user folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep the default project and remembered name out of the real home folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ANNOTATOR_HOME", str(home / "data"))
    monkeypatch.setenv("ANNOTATOR_CONFIG", str(home / "config" / "user.json"))
    from PySide6.QtCore import QSettings  # the window's own settings (recent projects, places)

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(home / "qt"))
    return home


@pytest.fixture(autouse=True)
def exports_pass_the_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every JSONL file an export writes in a test (records or doccano; not the KB) must pass
    the checks of `annotator validate` when read back from disk (labels: the exporter's own
    check); a problem fails the test that wrote it, naming file and line."""
    from annotator.io import export as export_module
    from annotator.io.validate import validate_file

    def is_kb(path: Path) -> bool:
        first = Path(path).read_bytes().split(b"\n", 1)[0]
        return b'"kb_id"' in first and b'"text"' not in first

    def check(path: Path) -> None:
        name = Path(path).name
        if name.endswith(".jsonl") and not is_kb(path):
            problems = validate_file(Path(path))
            assert not problems, [p.at(path) for p in problems]

    one, many = export_module.write_bytes_atomic, export_module.write_many_atomic

    def write_one(path: Path, data: bytes, *args: bool, **kwargs: bool) -> None:
        one(path, data, *args, **kwargs)
        check(path)

    def write_many(files: list[tuple[Path, bytes]]) -> None:
        files = list(files)
        many(files)
        for path, _ in files:
            check(path)

    monkeypatch.setattr(export_module, "write_bytes_atomic", write_one)
    monkeypatch.setattr(export_module, "write_many_atomic", write_many)


@pytest.fixture()
def cli_in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Command tests: user config and default project inside tmp_path; run from tmp_path."""
    monkeypatch.setenv("ANNOTATOR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ANNOTATOR_CONFIG", str(tmp_path / "config" / "user.json"))
    monkeypatch.chdir(tmp_path)
    return tmp_path
