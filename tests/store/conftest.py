"""Shared helpers for store tests."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest


@contextmanager
def _holding(root: Path, annotator: str) -> Iterator[None]:
    """Another process (a second window) keeps the project open for `annotator`."""
    code = textwrap.dedent(
        f"""
        import sys
        from annotator.store.project_store import ProjectStore
        store = ProjectStore({str(root)!r}, {annotator!r})
        print("ready", flush=True)
        sys.stdin.read()
        store.close()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(10)


@pytest.fixture
def other_window() -> Callable[[Path, str], AbstractContextManager[None]]:
    """Open the project in a separate process for the duration of a `with` block."""
    return _holding
