"""The project's learned model: a CRF (`annotator.nlp.crf`) trained on its accepted spans,
reading the built-in rules' findings and the word classes of the project's texts as features.

Data: finished articles (done or reviewed) are complete annotations (every other token is
outside an entity); of articles in progress only the sentences with an accepted or a rejected
span are used (rejected suggestions are negative evidence there). Held-out: finished
articles whose seeded hash falls below the ratio (stable as the project grows); once the
model is scored there, it is trained again on every article, held-out ones included.
A model that beats the current source is saved to <project>/models/learned/ (the previous
one moves to models/learned-previous/); one that does not goes to models/candidate/.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.model import ArticleStatus, Span, SpanKey
from annotator.nlp.evaluate import GoldDoc, score_predictions
from annotator.nlp.heldout import (
    MIN_SWITCH_SPANS,
    MODEL_FIRST,
    judge,
    should_switch,
    switch_margin,
)
from annotator.nlp.model_store import (
    CANDIDATE,
    candidate_dir,
    learned_dir,
    read_scores,
    retire,
    save_model,
)
from annotator.nlp.sources import LEARNED, SpacyPipelineSource, SuggestionSource

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.core.project import Project, ProjectSettings
    from annotator.nlp import crf
    from annotator.nlp.crf import Features
    from annotator.nlp.wordvec import WordClusters

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Phase = Callable[[str], None]
ALL = "all"
FOLDS = 5
CROSS_CHECK_CHARS = 150_000  # up to about 700 sentences: every finished article checked (5 folds)
FEATURES = "features"  # models/features: the feature cache
FINISHED = (ArticleStatus.DONE, ArticleStatus.REVIEWED)


class TrainError(Exception):
    """Training cannot start (no data, read-only folder); the message says why."""


@dataclass
class TrainItem:
    """One annotation set as training data."""

    article_id: str
    text: str
    spans: list[Span]
    rejected: list[SpanKey]
    complete: bool


@dataclass
class TrainingData:
    train: list[TrainItem] = field(default_factory=list)
    dev: list[TrainItem] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return labels_of(self.train)


def labels_of(items: Sequence[TrainItem]) -> list[str]:
    return sorted({s.label for item in items for s in item.spans})


@dataclass
class TrainResult:
    """Held-out scores (spaCy's keys) of the new model and of the current source."""

    scores: dict[str, Any]
    path: Path | None
    current: dict[str, Any] | None = None
    combined: dict[str, Any] | None = None  # with the current sources, in the better `order`
    order: str = MODEL_FIRST  # or OTHERS_FIRST: the current sources' spans win overlaps
    min_rank: int = 0  # the rules' spans of this rank and above fill its gaps (pick_min_rank)
    switched: bool = False
    steps: int = 0
    n_train: int = 0
    n_dev: int = 0  # finished sets checked: the held-out part, or all of them in `folds`
    folds: int = 0
    cancelled: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def f(self) -> float | None:
        return self.scores.get("ents_f")


def _key(article_id: str, seed: int) -> bytes:
    from annotator.io.formats.split import shuffle_key

    return shuffle_key(article_id, seed)


def _is_dev(article_id: str, seed: int, ratio: float) -> bool:
    """Held out when the article's seeded hash falls below `ratio`: stable as articles come."""
    return int.from_bytes(_key(article_id, seed)[:8], "big") < ratio * 2**64


def training_data(project: Project, annotator: str | None = None, *, seed: int = 0,
                  dev_ratio: float = 0.2) -> TrainingData:
    """Items of `annotator` (None: the project's; "all": everyone's), split by article."""
    who = project.annotators() if annotator == ALL else [annotator or project.annotator]
    data = TrainingData()
    finished: dict[str, list[TrainItem]] = {}
    for info in project.infos:
        for name in who:
            aset = project.existing_set(info.id, name)
            if aset is None or not (aset.spans or aset.rejected):
                continue
            complete = aset.status in FINISHED
            item = TrainItem(info.id, project.text(info.id), list(aset.spans),
                             sorted(aset.rejected), complete)
            (finished.setdefault(info.id, []) if complete else data.train).append(item)
    ids = list(finished)
    dev = {i for i in ids if _is_dev(i, seed, dev_ratio)}
    if len(ids) >= 2 and not dev:  # small projects: hold out the lowest hash anyway
        dev = {min(ids, key=lambda i: _key(i, seed))}
    if ids and dev == set(ids) and not data.train:
        dev.discard(max(ids, key=lambda i: _key(i, seed)))
    for article_id, items in finished.items():
        (data.dev if article_id in dev else data.train).extend(items)
    return data


def _sequences(nlp: Language, item: TrainItem, cache: crf.FeatureCache | None = None,
               ) -> list[tuple[list[Features], list[str]]]:
    """The item as CRF training sequences: a finished article whole; of one in progress only
    the sentences with an accepted or rejected span (their other tokens count as outside).
    The text's features come from `cache` when it has them."""
    from annotator.nlp import crf  # spaCy: only in the worker, never the window
    from annotator.nlp.evaluate import doc_entities
    from annotator.nlp.features import bio_tags, prepare

    doc = nlp.make_doc(item.text)
    features = cache.get(item.text) if cache is not None else None
    if features is None or len(features) != len(doc):
        features = crf.token_features(prepare(nlp, doc))
        if cache is not None:
            cache.put(item.text, features)
    ents, _ = doc_entities(doc, item.spans)
    tags = bio_tags(doc, ents)
    if item.complete:
        return [(features, tags)]
    marked = bytearray(len(doc))
    rejected, _ = doc_entities(doc, [Span(s, e, lab) for s, e, lab in item.rejected
                                     if 0 <= s < e <= len(item.text)])
    for span in [*ents, *rejected]:
        marked[span.start:span.end] = b"\x01" * (span.end - span.start)
    return [(features[a:b], tags[a:b]) for a, b in crf.sentence_ranges(doc) if any(marked[a:b])]


def item_sequences(nlp: Language, items: Sequence[TrainItem], lowercase: float, seed: int,
                    *, read: Callable[[int], None] | None = None,
                    cancelled: Cancelled | None = None, cache: crf.FeatureCache | None = None,
                    ) -> list[list[tuple[list[Features], list[str]]]] | None:
    """Each item's sequences, plus for a seeded `lowercase` share of the finished ones the
    same seen lower-cased (for text without capitals); `read` is told how many items are
    done; None when cancelled."""
    rng = random.Random(seed)
    out: list[list[tuple[list[Features], list[str]]]] = []
    for i, item in enumerate(items):
        if cancelled and cancelled():
            return None
        seqs = _sequences(nlp, item, cache)
        if lowercase and item.complete and rng.random() < lowercase:
            seqs += _sequences(nlp, _lowered(item), cache)
        out.append(seqs)
        if read and (i % 10 == 0 or i == len(items) - 1):
            read(i + 1)
    return out


def _folds(items: Sequence[TrainItem], seed: int) -> list[list[TrainItem]]:
    """The finished items in FOLDS groups by their article's seeded hash (an article's sets
    in one group), for checking a small training set on all of it; [] with too few."""
    finished = [i for i in items if i.complete]
    if len({i.article_id for i in finished}) < 2 * FOLDS:
        return []
    folds: list[list[TrainItem]] = [[] for _ in range(FOLDS)]
    for item in finished:
        folds[int.from_bytes(_key(item.article_id, seed)[:8], "big") % FOLDS].append(item)
    return [f for f in folds if f]


def _lowered(item: TrainItem) -> TrainItem:
    """The item with its text lower-cased (the same item when that changes its length)."""
    text = item.text.lower()
    if len(text) != len(item.text):
        return item
    return TrainItem(item.article_id, text, item.spans, item.rejected, item.complete)


def _gold(items: Sequence[TrainItem]) -> list[GoldDoc]:
    from annotator.nlp.tokens import tokenize

    return [GoldDoc(i.text, [(s, e) for s, e, _ in tokenize(i.text)], i.spans) for i in items]


def _predict(nlp: Language, texts: Sequence[str]) -> list[list[Span]]:
    source = SpacyPipelineSource("", name=LEARNED)
    return [source.spans(doc) for doc in nlp.pipe(texts, batch_size=32)]


def feature_cache(models: Path, features: bool, clusters_key: str | None) -> crf.FeatureCache:
    """The cache of the texts' CRF features in `models`/features, for this feature set."""
    from annotator.nlp import crf  # spaCy: only in the worker, never the window
    from annotator.nlp.sources import BuiltinSource

    rules = BuiltinSource().signature() if features else None
    return crf.FeatureCache(Path(models) / FEATURES, crf.cache_signature(rules, clusters_key))


def _pipeline(features: bool, clusters: WordClusters | None) -> Language:
    """A blank pipeline: the rule features (with `features`), the word classes, the CRF."""
    from annotator.nlp import crf  # spaCy: only in the worker, never the window
    from annotator.nlp.features import CLUSTERS_FACTORY
    from annotator.nlp.features import FACTORY as RULES
    from annotator.nlp.tokens import make_nlp

    nlp = make_nlp()
    if features:
        nlp.add_pipe(RULES)
    if clusters is not None:
        nlp.add_pipe(CLUSTERS_FACTORY).table = clusters
    nlp.add_pipe(crf.FACTORY)
    return nlp


def train(
    project: Project, out_dir: Path, *, annotator: str | None = None,
    progress: Progress | None = None, cancelled: Cancelled | None = None,
    iterations: int | None = None, seed: int = 0, lowercase: float = 0.2,
    dev_ratio: float = 0.2, current: SuggestionSource | None = None,
    data: TrainingData | None = None, features: bool = True,
    clusters: WordClusters | None = None, phase: Phase | None = None,
    algorithm: str | None = None, params: dict[str, Any] | None = None,
) -> TrainResult:
    """Train the CRF, check it and `current` on held-out finished articles, train it again on
    every article, save.

    Small training sets (up to CROSS_CHECK_CHARS) are checked on every finished article in
    FOLDS folds, larger ones on the held-out part of `training_data`. The model's spans are
    combined with `current`'s in both orders (whose spans win overlaps); the better order
    there goes to scores.json, and the model is saved to `out_dir` when that combination
    (what the window suggests with it) beats
    `current` alone (see `should_switch`), else to a `candidate` folder beside it.
    With `features` the built-in suggester's findings are token features (see
    `annotator.nlp.features`), with `clusters` the word classes learned from the project's
    raw text (`annotator.nlp.wordvec`). `lowercase` is the share of finished articles also
    seen lower-cased; `algorithm`, `iterations` and `params` are crfsuite's (by default
    chosen by the size of the training data, see `crf.plan`).
    `progress` counts the articles read, then the CRF's `iterations`; `phase` is told what
    runs. Cancelling saves nothing. TrainError when there is nothing to learn.
    """
    from annotator.nlp import crf  # spaCy: only in the worker, never the window
    data = data if data is not None else training_data(project, annotator, seed=seed,
                                                       dev_ratio=dev_ratio)
    if not data.labels:
        raise TrainError("nothing to train on: no article has accepted spans yet")
    started = time.monotonic()
    nlp = _pipeline(features, clusters)
    tagger = nlp.get_pipe(crf.FACTORY)
    items = [*data.train, *data.dev]
    chars = sum(len(i.text) for i in items)
    folds = _folds(items, seed) if chars <= CROSS_CHECK_CHARS else []
    checked = [i for fold in folds for i in fold] if folds else data.dev
    result = TrainResult(scores={}, path=None, n_train=len(items) - len(checked),
                         n_dev=len(checked), folds=len(folds))
    algorithm, iterations = crf.plan(chars, algorithm, iterations)
    fits = (len(folds) + 1) if folds else (2 if data.dev else 1)
    total = len(items) + iterations * fits

    def report(done: int) -> None:
        if progress:
            progress(done, total)

    if phase:
        phase("Reading the annotated articles…")
    cache = feature_cache(Path(out_dir).parent, features, clusters.key if clusters else None)
    by_item = item_sequences(nlp, items, lowercase, seed, read=report, cancelled=cancelled,
                              cache=cache)
    if by_item is None:
        result.cancelled = True
        return result

    def fit(left_out: Collection[str], run: int) -> bytes | None:
        """A model of every item but those of the `left_out` articles; None when cancelled."""
        def step(done: int, _of: int) -> None:
            result.steps = done
            report(len(items) + run * iterations + done)

        sequences = [s for item, seqs in zip(items, by_item, strict=True)
                     if item.article_id not in left_out for s in seqs]
        try:
            return crf.train_crf(sequences, iterations=iterations, algorithm=algorithm,
                                 params=params, progress=step, cancelled=cancelled, seed=seed)
        except crf.TrainingCancelled:
            return None

    if phase:
        phase("Training…")
    mine: list[list[Span]] = []  # the checked items' spans, in the order of `checked`
    for run, fold in enumerate(folds or [data.dev]):
        model = fit({i.article_id for i in fold}, run)
        if model is None:
            result.cancelled = True
            return result
        tagger.set_model(model, data.labels)
        mine += _predict(nlp, [i.text for i in fold])
    gold = _gold(checked)
    if gold:
        result.scores = score_predictions(gold, mine).scores
        if current is not None:
            check = judge(gold, mine, current, features)
            result.current, result.combined = check.current, check.combined
            result.order, result.min_rank = check.order, check.min_rank
            result.notes += check.notes
    else:
        result.notes.append("no finished article held out: the model has no held-out score")
    shown = result.combined if result.combined is not None else result.scores
    gold_spans = sum(len(g.spans) for g in gold)
    result.switched = should_switch(shown.get("ents_f"), (result.current or {}).get("ents_f"),
                                    switch_margin(gold_spans))
    if result.current is not None:
        result.notes.append(f"switch margin {switch_margin(gold_spans):.3f} ({gold_spans} "
                            "held-out spans)")
    if result.switched and result.current is not None and gold_spans < MIN_SWITCH_SPANS:
        result.switched = False
        result.notes.append(f"kept aside: the held-out check has {gold_spans} spans, fewer than "
                            f"{MIN_SWITCH_SPANS} cannot tell it from the current sources")
    if checked:  # scored: now the model learns from the held-out articles too
        if phase:
            phase("Training on every finished article…")
        model = fit((), fits - 1)
        if model is None:
            result.cancelled = True
            return result
        tagger.set_model(model, labels_of(items))
    report(total)
    if cancelled and cancelled():
        result.cancelled = True
        return result
    dest = Path(out_dir) if result.switched else Path(out_dir).parent / CANDIDATE
    info = {**result.scores, "current": result.current, "combined": result.combined,
            "order": result.order, "min_rank": result.min_rank,
            "current_source": getattr(current, "name", None), "kind": crf.FACTORY,
            "steps": result.steps, "iterations": iterations, "lowercase": lowercase,
            "algorithm": algorithm, "params": params or {}, "folds": len(folds),
            "seconds": round(time.monotonic() - started, 1),
            "n_train": result.n_train, "n_dev": result.n_dev, "labels": labels_of(items),
            "annotator": annotator or project.annotator, "seed": seed, "features": features,
            "clusters": clusters.key if clusters is not None else None,
            "articles": sorted({i.article_id for i in (*data.train, *data.dev) if i.complete}),
            "trained_at": time.time(), "model_id": uuid.uuid4().hex}
    result.path = save_model(nlp, dest, info)
    return result


def promote_candidate(project_root: Path) -> Path:
    """Use the last candidate model anyway: it becomes models/learned."""
    source = candidate_dir(project_root)
    if read_scores(source) is None:
        raise TrainError(f"no candidate model in {source}")
    dest = learned_dir(project_root)
    retire(dest)
    source.rename(dest)
    return dest


def finished_ids(project: Project, annotator: str | None = None) -> set[str]:
    who = project.annotators() if annotator == ALL else [annotator or project.annotator]
    return {info.id for info in project.infos for name in who
            if (s := project.existing_set(info.id, name)) is not None and s.status in FINISHED}


def newly_finished(project: Project, project_root: Path, annotator: str | None = None) -> int:
    """Finished articles that the last trained model (learned or candidate) did not see."""
    runs = [s for s in (read_scores(learned_dir(project_root)),
                        read_scores(candidate_dir(project_root))) if s]
    seen: Collection[str] = max(runs, key=lambda s: s.get("trained_at", 0)).get(
        "articles", []) if runs else ()
    return len(finished_ids(project, annotator) - set(seen))


def retrain_due(project: Project, project_root: Path, every: int,
                annotator: str | None = None) -> bool:
    """True after `every` (> 0) newly finished articles; `every` <= 0 never retrains."""
    return every > 0 and newly_finished(project, project_root, annotator) >= every


def auto_retrain_due(project: Project, project_root: Path, settings: ProjectSettings) -> bool:
    """The window's check after an article is finished: the learned model is on and
    `retrain_after` (0 = never) finished articles are new since the last training."""
    if not settings.suggest_model:
        return False
    return retrain_due(project, project_root, settings.retrain_after)
