"""User-level settings shared by the GUI and the CLI (default project, annotator name)."""

from __future__ import annotations

import json
import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "annotator"


def default_project_dir() -> Path:
    """Where the default project lives (seeded from `seeds/` on first start)."""
    override = os.environ.get("ANNOTATOR_HOME")
    base = Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))
    return base / "default-project"


def _config_path() -> Path:
    override = os.environ.get("ANNOTATOR_CONFIG")
    if override:
        return Path(override)
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "user.json"


def load_user_config() -> dict[str, object]:
    try:
        data = json.loads(_config_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remembered_annotator() -> str | None:
    name = load_user_config().get("annotator")
    return name if isinstance(name, str) and name.strip() else None


def remember_annotator(name: str) -> None:
    """Store the annotator's name so it is asked only once."""
    path = _config_path()
    data = load_user_config()
    data["annotator"] = name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def seeds_dir() -> Path:
    """The demo corpus shipped with the repository."""
    return Path(__file__).resolve().parents[1] / "seeds"


def log_file() -> Path:
    """Where problems are logged: <user data folder>/logs/annotator.log."""
    override = os.environ.get("ANNOTATOR_HOME")
    base = Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))
    return base / "logs" / "annotator.log"


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send this process's log (warnings, failed jobs with their tracebacks) to `log_file()`
    instead of the console; once per process (and per log file). None when it cannot."""
    path = log_file()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "annotator_log", False):
            if Path(handler.baseFilename) == path.absolute():  # type: ignore[attr-defined]
                return path
            root.removeHandler(handler)  # another user folder (tests): one log at a time
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: "
                                           "%(message)s"))
    handler.annotator_log = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return path
