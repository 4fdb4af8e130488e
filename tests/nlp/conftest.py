"""Shared fixtures for the spaCy layer tests: one suggester, the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.nlp.builtin import BuiltinSuggester

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def suggester() -> BuiltinSuggester:
    """The built-in suggester over the repository's resources (built once: ~1 s)."""
    return BuiltinSuggester()


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    """Seed article texts by file name, read from the repository's seeds/ folder."""
    files = sorted((REPO / "seeds").glob("*.txt"))
    assert files, "no seed articles in seeds/"
    return {p.name: p.read_text(encoding="utf-8") for p in files}
