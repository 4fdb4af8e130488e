"""The held-out check of a trained model: whether it replaces the current sources, and how
its spans combine with theirs (which win overlaps, which of the rules' spans fill its gaps).
Differences are weighed against the noise of F on the checked articles."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.model import Span
from annotator.nlp.evaluate import GoldDoc, score_predictions
from annotator.nlp.ranks import RANK_FLOORS, RANK_GUESS
from annotator.nlp.sources import (
    LEARNED,
    CombinedSource,
    SuggestionSource,
    combine,
    with_min_rank,
)

MODEL_FIRST, OTHERS_FIRST = "model-first", "others-first"
MIN_ORDER_SPANS = 200
MIN_SWITCH_SPANS = 50  # fewer held-out spans than this cannot tell (F's error above 0.07)


def should_switch(new_f: float | None, current_f: float | None, margin: float = 0.0) -> bool:
    """True when the new model's held-out F1 beats the current source's (by `margin`)."""
    if new_f is None:
        return False
    return current_f is None or new_f > current_f + margin


def switch_margin(gold_spans: int) -> float:
    """How much higher the held-out F of the model (with the others) must be than the current
    sources' to replace them: about one standard error of F, 0.5 / sqrt(held-out spans)
    (0.07 on 50 spans, 0.035 on 200), so the window does not switch on noise."""
    return 0.5 / math.sqrt(max(1, gold_spans))


def pick_min_rank(by_rank: Mapping[int, float | None]) -> int:
    """Which of the built-in rules' spans fill the model's gaps: those from the rank
    (ranks.RANK_*) whose combination scores the highest held-out F; of ranks that tie, the
    lowest (the rules find names in kinds of text the model has not seen)."""
    scored = {rank: f for rank, f in by_rank.items() if f is not None}
    if not scored:
        return min(by_rank, default=0)
    best = max(scored.values())
    return min(rank for rank, f in scored.items() if f >= best)


def pick_order(model_first: float | None, others_first: float | None, gold_spans: int,
               reads_rules: bool = False) -> str:
    """Which spans win overlaps: the model's (MODEL_FIRST) or the other sources'.

    Differences below 0.5 / sqrt(gold spans) (about one standard error of F: 0.035 with 200
    spans, 0.02 with 600) are noise. A model that `reads_rules` (their findings are its
    features) goes first unless the others are clearly better; one that does not only when
    it is clearly better on at least MIN_ORDER_SPANS held-out spans."""
    margin = switch_margin(gold_spans)
    mine, theirs = model_first or 0.0, others_first or 0.0
    if reads_rules:
        return OTHERS_FIRST if theirs > mine + margin else MODEL_FIRST
    if gold_spans < MIN_ORDER_SPANS:
        return OTHERS_FIRST
    return MODEL_FIRST if mine > theirs + margin else OTHERS_FIRST


def without_learned(current: SuggestionSource) -> SuggestionSource:
    """The current sources without an older learned model (the new one takes its place)."""
    if isinstance(current, CombinedSource) and any(s.name == LEARNED for s in current.sources):
        return CombinedSource([s for s in current.sources if s.name != LEARNED])
    return current


@dataclass
class Check:
    """What the held-out check found: the current sources' scores, the combination's (in the
    chosen order, with the chosen rules' rank in the model's gaps) and why."""

    current: dict[str, Any]
    combined: dict[str, Any]
    order: str = MODEL_FIRST
    min_rank: int = 0
    notes: list[str] = field(default_factory=list)


def judge(gold: Sequence[GoldDoc], mine: Sequence[list[Span]], current: SuggestionSource,
          reads_rules: bool) -> Check:
    """Score the current sources on the checked articles, and choose how the model's spans
    (`mine`) combine with theirs: which win overlaps (the order), and from which rank the
    rules' spans fill the model's gaps."""
    texts, gold_spans = [g.text for g in gold], sum(len(g.spans) for g in gold)
    theirs = list(current.suggest_many(texts))
    current_scores = score_predictions(gold, theirs).scores
    # the new model replaces the old: it is combined with the rest, all the rules' spans back
    # in (an earlier model may have left some out; they are weighed again below)
    others = with_min_rank(without_learned(current), RANK_GUESS)
    if others.signature() != current.signature():
        theirs = list(others.suggest_many(texts))
    orders = {order: score_predictions(gold, merged(mine, theirs, order)).scores
              for order in (MODEL_FIRST, OTHERS_FIRST)}
    order = pick_order(orders[MODEL_FIRST].get("ents_f"), orders[OTHERS_FIRST].get("ents_f"),
                       gold_spans, reads_rules)
    check = Check(current_scores, orders[order], order)
    check.notes.append("held-out F with the model's spans first / the other sources' "
                       f"first: {orders[MODEL_FIRST].get('ents_f') or 0:.3f} / "
                       f"{orders[OTHERS_FIRST].get('ents_f') or 0:.3f}")
    by_rank = {RANK_GUESS: check.combined}
    for rank in RANK_FLOORS:
        fewer = with_min_rank(others, rank)
        if rank and fewer.signature() != others.signature():  # the rules are among them
            by_rank[rank] = score_predictions(gold, merged(
                mine, list(fewer.suggest_many(texts)), order)).scores
    if len(by_rank) > 1:
        check.min_rank = pick_min_rank({rank: s.get("ents_f") for rank, s in by_rank.items()})
        check.combined = by_rank[check.min_rank]
        check.notes.append(
            f"held-out F with the rules' spans from rank {' / '.join(map(str, by_rank))} in "
            "the model's gaps: " + " / ".join(f"{s.get('ents_f') or 0:.3f}"
                                              for s in by_rank.values()))
    return check


def merged(mine: Sequence[list[Span]], theirs: Sequence[list[Span]], order: str,
           ) -> list[list[Span]]:
    """Each text's spans of the model and of the other sources combined, the model's
    winning overlaps when `order` is MODEL_FIRST."""
    out = []
    for a, b in zip(mine, theirs, strict=True):
        out.append(combine([a, b] if order == MODEL_FIRST else [b, a]))
    return out
