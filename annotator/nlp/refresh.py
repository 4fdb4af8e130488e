"""Learning in the loop: the saved learned model trained again, within seconds, on the
articles as they are finished (the full, held-out-checked training is `annotator.nlp.learned`)."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.nlp.learned import (
    Cancelled,
    TrainItem,
    feature_cache,
    item_sequences,
    labels_of,
    training_data,
)
from annotator.nlp.model_store import LearnedSource, learned_dir, read_scores, save_model

if TYPE_CHECKING:
    from annotator.core.project import Project

REFRESH_TOKEN_PASSES = 250_000  # tokens times passes an update in the loop may take (~1 s)
REFRESH_CHARS = 300_000  # text an update in the loop trains on (about 50,000 tokens, ~2 s)


def refresh_sample(items: Sequence[TrainItem], fresh: Collection[str], seed: int,
                   budget: int = REFRESH_CHARS) -> list[TrainItem]:
    """What an update in the loop trains on: the `fresh` articles' items, then a seeded sample
    of the others up to `budget` characters in all (every item while they fit), so its time
    stays the same however many articles are annotated; the full training uses them all."""
    new = [i for i in items if i.article_id in fresh]
    old = [i for i in items if i.article_id not in fresh]
    used = sum(len(i.text) for i in new)
    if used + sum(len(i.text) for i in old) <= budget:
        return [*new, *old]
    random.Random(seed).shuffle(old)
    for item in old:
        if used + len(item.text) > budget:
            continue
        new.append(item)
        used += len(item.text)
    return new


def refresh_passes(passes: int, tokens: int) -> int:
    """Passes of an update in the loop: the full training's while its data is small (up to
    25,000 tokens at 10), then fewer, at least 2, so the update stays within seconds."""
    return max(min(2, passes), min(passes, REFRESH_TOKEN_PASSES // max(1, tokens)))


def refresh(project: Project, project_root: Path, article_ids: Collection[str], *,
            annotator: str | None = None, cancelled: Cancelled | None = None) -> Path | None:
    """Learning in the loop: the saved model trained again, with its own settings, on the
    annotated articles now that `article_ids` are finished, so the next article's suggestions
    reflect them within seconds: the texts' features come from the cache the training filled,
    beyond REFRESH_CHARS only a sample of the older articles is used (`refresh_sample`), and a
    large training set gets fewer passes (`refresh_passes`). The full, held-out-checked
    training on every article still comes after `retrain_after` articles.

    The model in models/learned is replaced in place (a new model_id, so cached suggestions
    are recomputed); its held-out scores stay those of its last full training, and
    `refreshed_on` lists the articles it was updated on. None when there is no learned CRF
    model (an older model waits for the next training), when none of the articles has spans,
    or when one brings a label the model does not have.
    """
    from annotator.nlp import crf  # spaCy: only in the worker, never the window

    folder = learned_dir(project_root)
    scores = read_scores(folder)
    if scores is None or scores.get("kind") != crf.FACTORY or not (folder / "config.cfg").is_file():
        return None
    who = annotator or project.annotator
    lowercase, seed = float(scores.get("lowercase", 0.2)), int(scores.get("seed", 0))
    data = training_data(project, who, seed=seed)
    items = [*data.train, *data.dev]
    fresh = {item.article_id for item in items if item.spans} & set(article_ids)
    labels = labels_of(items)
    if not fresh or not set(labels) <= set(scores.get("labels") or []):
        return None
    items = refresh_sample(items, fresh, seed, REFRESH_CHARS)
    nlp = LearnedSource(folder, scores).nlp  # on the shared tokenizer: no second second
    cache = feature_cache(folder.parent, bool(scores.get("features", True)),
                          scores.get("clusters"))
    by_item = item_sequences(nlp, items, lowercase, seed, cancelled=cancelled,
                              cache=cache)  # as the full training did: cached features
    if by_item is None:
        return None
    sequences = [s for seqs in by_item for s in seqs]
    tokens = sum(len(tags) for _, tags in sequences)
    algorithm, passes = crf.plan(sum(len(i.text) for i in items))
    if algorithm == crf.ALGORITHM:
        passes = refresh_passes(passes, tokens)
    try:
        same = algorithm == scores.get("algorithm")  # its params are that algorithm's
        model = crf.train_crf(sequences, iterations=passes, algorithm=algorithm,
                              params=(scores.get("params") or None) if same else None,
                              cancelled=cancelled, seed=seed)
    except crf.TrainingCancelled:
        return None
    nlp.get_pipe(crf.FACTORY).set_model(model, labels)
    done = sorted({*scores.get("refreshed_on", []), *fresh})
    info = {**scores, "model_id": uuid.uuid4().hex, "refreshed_on": done,
            "refreshed_at": time.time()}
    return save_model(nlp, folder, info, keep_previous=False)
