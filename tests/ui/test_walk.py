"""The model-based walk over the real window (a few hundred steps; `make soak-walk` for more).

WALK_SEED picks the seed (printed on failure), WALK_STEPS the number of steps.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import SEEDS
from tests.ui.walk import Walker, small_seed_folder


def test_random_walk_agrees_with_the_model(opener, tmp_path: Path) -> None:  # noqa: ANN001
    seed = int(os.environ.get("WALK_SEED", "1"))
    steps = int(os.environ.get("WALK_STEPS", "250"))
    print(f"walk seed {seed}, {steps} steps")  # noqa: T201
    walker = Walker(opener, small_seed_folder(tmp_path / "seeds", SEEDS), seed)
    edits = walker.run(steps)
    print(f"edits by gesture: {dict(edits)}")  # noqa: T201
    print(f"cases: {dict(walker.events)}")  # noqa: T201
    assert sum(edits.values()) > steps // 4  # the walk edits, not only moves around
