"""User-level settings shared by the GUI and the CLI (default project, annotator name)."""

from __future__ import annotations

import json
import os
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
