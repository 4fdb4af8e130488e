"""How sure the built-in rules are of a span: its rank (spaCy-free, for the window too)."""

from __future__ import annotations

from typing import Any

RANK_GUESS = 0  # a capitalised sequence with nothing to say what it is: called a person
RANK_WEAK = 1  # a capitalised sequence labelled by its shape and context
RANK_RULE = 2  # a title or cue noun vouches for it
RANK_GAZ = 3  # gazetteer or pattern match
# what the rules' spans of rank r and above are, as the window says which fill the model's gaps
RANK_FLOORS = {RANK_GUESS: "all of them",
               RANK_WEAK: "all but their guesses (names with no clue)",
               RANK_RULE: "only names a title, cue word or list vouches for",
               RANK_GAZ: "only names on their lists"}


def rules_min_rank(scores: dict[str, Any]) -> int:
    """The rules' lowest rank that fills the model's gaps, as its training chose (scores.json;
    models saved before "min_rank" said only whether the guesses, rank 0, were kept)."""
    rank = scores.get("min_rank")
    if isinstance(rank, int) and not isinstance(rank, bool):
        return rank
    return 1 if scores.get("guesses") is False else 0


def gaps_note(rank: int, articles: str) -> str:
    """The line saying which of the rules' spans fill the model's gaps (rank > 0), checked on
    `articles` ("your finished articles")."""
    return (f"  (the rules' spans in its gaps: {RANK_FLOORS[rank]}; their other spans were "
            f"mostly wrong on {articles})")
