"""annotator.core must stay free of Qt, spaCy and TinyDB."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "annotator" / "core"
FORBIDDEN = {"PySide6", "shiboken6", "spacy", "tinydb", "thinc"}


def test_core_sources_import_nothing_forbidden() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_importing_core_loads_no_forbidden_module() -> None:
    code = (
        "import sys, pkgutil, importlib, annotator.core as c\n"
        "for m in pkgutil.iter_modules(c.__path__):\n"
        "    importlib.import_module('annotator.core.' + m.name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {sorted(FORBIDDEN)!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_worker_jobs_import_no_qt_and_load_spacy_only_when_run() -> None:
    """annotator.jobs runs in worker processes: no Qt there, and importing a job (as the
    window does to name it) must not load spaCy into the window."""
    code = (
        "import sys, pkgutil, importlib, annotator.jobs as j\n"
        "for m in pkgutil.iter_modules(j.__path__):\n"
        "    importlib.import_module('annotator.jobs.' + m.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'PySide6', 'shiboken6', 'spacy', 'thinc'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
