"""Find and read the suggester's resources: spaCy patterns (JSONL) and word lists."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import srsly

log = logging.getLogger(__name__)

ENV_VAR = "ANNOTATOR_RESOURCES"


def resources_dir() -> Path | None:
    """The resources folder: $ANNOTATOR_RESOURCES, else repo_root/resources, else None."""
    candidates: list[Path] = []
    if os.environ.get(ENV_VAR):
        candidates.append(Path(os.environ[ENV_VAR]))
    here = Path(__file__).resolve()
    candidates += [here.parents[2] / "resources", Path.cwd() / "resources"]
    for path in candidates:
        if (path / "gazetteer").is_dir() or (path / "patterns.jsonl").is_file():
            return path
    return None


@dataclass
class PatternSet:
    """Patterns read from JSONL files plus the problems met on the way."""

    patterns: list[dict[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # "file:line" of each pattern
    problems: list[str] = field(default_factory=list)


def _valid(record: Any) -> str | None:
    """Why a pattern record is unusable, or None if it is fine."""
    if not isinstance(record, dict):
        return "not a JSON object"
    if not isinstance(record.get("label"), str) or not record["label"]:
        return 'missing "label"'
    pattern = record.get("pattern")
    if isinstance(pattern, str):
        return None if pattern.strip() else 'empty "pattern"'
    if isinstance(pattern, list) and pattern and all(isinstance(p, dict) for p in pattern):
        return None
    return '"pattern" must be a string or a list of token objects'


def read_patterns(path: Path, into: PatternSet) -> None:
    """Append the usable records of one JSONL file; note bad lines with file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        into.problems.append(f"{path}: cannot read ({exc})")
        return
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            record = srsly.json_loads(line)
        except ValueError as exc:
            into.problems.append(f"{path}:{number}: invalid JSON ({exc})")
            continue
        reason = _valid(record)
        if reason:
            into.problems.append(f"{path}:{number}: {reason}")
            continue
        into.patterns.append({k: record[k] for k in ("label", "pattern", "id") if k in record})
        into.sources.append(f"{path}:{number}")


def load_patterns(root: Path | None) -> PatternSet:
    """All patterns under `root`: patterns.jsonl and gazetteer/*.jsonl, in name order."""
    found = PatternSet()
    if root is None:
        found.problems.append("resources folder not found: only the built-in rules run")
        return found
    files = [root / "patterns.jsonl"] + sorted((root / "gazetteer").glob("*.jsonl"))
    for path in files:
        if path.is_file():
            read_patterns(path, found)
    for problem in found.problems:
        log.warning("suggester resources: %s", problem)
    return found


def load_words(root: Path | None, name: str) -> frozenset[str]:
    """A lower-cased word list from resources/lexicon/<name>; '#' starts a comment line."""
    if root is None:
        return frozenset()
    path = root / "lexicon" / name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("suggester resources: %s: cannot read (%s)", path, exc)
        return frozenset()
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )
