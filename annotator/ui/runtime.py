"""Interpreter settings for a responsive window: thread switching and garbage collection."""

from __future__ import annotations

import gc
import sys

GEN0_THRESHOLD = 20_000  # young collections rarer than the default 700 allocations


def tune_interpreter() -> None:
    """Hand the interpreter to the UI thread often and keep collections short.

    Relay threads are cheap now, but a switch every 0.5 ms (default 5 ms) keeps painting
    from waiting behind any of them. A full collection walks every object of the project
    (80 ms with 5,000 articles), so `settle` moves what is loaded out of its reach.
    """
    sys.setswitchinterval(0.0005)
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)


def settle() -> None:
    """After a bulk load (project opened, suggestions merged): freeze what is alive now.

    Frozen objects are never walked by the collector again; they are still freed by
    reference counting, so only cycles among them would be kept (the project has none).
    No collection first: on the UI thread that would be the very pause this avoids.
    """
    gc.freeze()
