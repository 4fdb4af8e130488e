"""The project's learned model: a spaCy `ner` trained on its accepted spans, with rejected
suggestions as negative evidence (the ner's `incorrect_spans_key`).

Data: finished articles (done or reviewed) are complete annotations (every other token is
"O"); articles in progress count as partial ones (only their accepted spans are known, the
rest is missing). Rejected suggestions become `doc.spans["incorrect_spans"]`: the ner is
penalised for predicting them. Held-out: finished articles whose seeded hash falls below the
ratio (stable as the project grows). The best checkpoint on the held-out part is kept.
A model that beats the current source is saved to <project>/models/learned/ (the previous
one moves to models/learned-previous/); one that does not goes to models/candidate/.
"""

from __future__ import annotations

import logging
import math
import random
import shutil
import time
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.model import ArticleStatus, Span, SpanKey
from annotator.nlp.evaluate import GoldDoc, score_predictions
from annotator.nlp.model_store import (
    CANDIDATE,
    SCORES,
    candidate_dir,
    learned_dir,
    read_scores,
    retire,
    save_model,
)
from annotator.nlp.sources import (
    LEARNED,
    SpacyPipelineSource,
    SuggestionSource,
    combine,
)
from annotator.store.atomic import write_json_atomic

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.training import Example

    from annotator.core.project import Project, ProjectSettings
    from annotator.nlp.wordvec import WordClusters

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Phase = Callable[[str], None]
NEG_KEY = "incorrect_spans"
ALL = "all"
SELECTION_DOCS = 200
MODEL_FIRST, OTHERS_FIRST = "model-first", "others-first"
MIN_ORDER_SPANS = 200
MIN_SWITCH_SPANS = 50  # fewer held-out spans than this cannot tell (F's error above 0.07)
log = logging.getLogger(__name__)
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
        return sorted({s.label for item in self.train for s in item.spans})


@dataclass
class TrainResult:
    """Held-out scores (spaCy's keys) of the new model and of the current source."""

    scores: dict[str, Any]
    path: Path | None
    current: dict[str, Any] | None = None
    combined: dict[str, Any] | None = None  # with the current sources, in the better `order`
    order: str = "model-first"  # or "others-first": the current sources' spans win overlaps
    drop_others: list[str] = field(default_factory=list)  # labels the model does alone
    switched: bool = False
    steps: int = 0
    n_train: int = 0
    n_dev: int = 0
    cancelled: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def f(self) -> float | None:
        return self.scores.get("ents_f")


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


def pick_order(model_first: float | None, others_first: float | None, gold_spans: int,
               warm: bool = False) -> str:
    """Which spans win overlaps: the model's (MODEL_FIRST) or the other sources'.

    Differences below 0.5 / sqrt(gold spans) (about one standard error of F: 0.035 with 200
    spans, 0.02 with 600) are noise, and the held-out part also chose the model's checkpoint,
    so the model's F there is optimistic. A `warm` model (started on the rules' own
    suggestions, see `_warm_up`) goes first unless the others are clearly better; a cold one
    only when it is clearly better on at least MIN_ORDER_SPANS held-out spans."""
    margin = 0.5 / math.sqrt(max(1, gold_spans))
    mine, theirs = model_first or 0.0, others_first or 0.0
    if warm:
        return OTHERS_FIRST if theirs > mine + margin else MODEL_FIRST
    if gold_spans < MIN_ORDER_SPANS:
        return OTHERS_FIRST
    return MODEL_FIRST if mine > theirs + margin else OTHERS_FIRST


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


def _example(nlp: Language, item: TrainItem) -> Example:
    """Predicted/reference pair: accepted spans as ents, rejected ones as incorrect spans."""
    from spacy.tokens import Span as SpacySpan
    from spacy.training import Example

    from annotator.nlp.evaluate import doc_entities

    reference = nlp.make_doc(item.text)
    ents, _ = doc_entities(reference, item.spans)
    reference.set_ents(ents, default="outside" if item.complete else "missing")
    taken = {(e.start, e.end, e.label_) for e in ents}
    wrong, _ = doc_entities(reference, [Span(s, e, lab) for s, e, lab in item.rejected
                                    if 0 <= s < e <= len(item.text)])
    reference.spans[NEG_KEY] = [SpacySpan(reference, w.start, w.end, w.label_) for w in wrong
                                if (w.start, w.end, w.label_) not in taken]
    return Example(nlp.make_doc(item.text), reference)


SILVER_CHARS = 400_000  # about 60,000 tokens of unannotated text for the warm-up


def unannotated_texts(project: Project, annotator: str | None = None,
                      limit: int = SILVER_CHARS) -> list[str]:
    """Texts of articles nobody (of `annotator`, or "all") has annotated, in project order,
    up to about `limit` characters: the warm-up's silver data."""
    who = project.annotators() if annotator == ALL else [annotator or project.annotator]
    out: list[str] = []
    size = 0
    for info in project.infos:
        if size >= limit:
            break
        if any((s := project.existing_set(info.id, name)) is not None and (s.spans or s.rejected)
               for name in who):
            continue
        text = project.text(info.id)
        out.append(text)
        size += len(text)
    return out


def _warm_up(nlp: Language, texts: Sequence[str], source: SuggestionSource,
             labels: Sequence[str], steps: int, dropout: float, optimizer: Any,
             *, rng: random.Random, cancelled: Cancelled | None,
             progress: Progress | None = None, total: int = 0) -> bool:
    """Before the gold: `steps` updates on `source`'s suggestions for unannotated `texts`
    (silver data), so the model starts out agreeing with the rules. Progress counts the
    texts labelled, then the updates, of `total`; False when cancelled."""
    from spacy.training import Example
    from spacy.training.batchers import minibatch_by_words

    from annotator.nlp.evaluate import doc_entities

    known = set(labels)
    examples = []
    for i, (text, spans) in enumerate(zip(texts, source.suggest_many(texts), strict=True)):
        if cancelled and cancelled():
            return False
        reference = nlp.make_doc(text)
        ents, _ = doc_entities(reference, [s for s in spans if s.label in known])
        reference.set_ents(ents, default="outside")
        examples.append(Example(_feature_docs(nlp, [text])[0], reference))
        if progress and i % 20 == 0:
            progress(i, total)
    done = 0
    while examples and done < steps:
        rng.shuffle(examples)
        for batch in minibatch_by_words(examples, size=1000, get_length=len):
            if done >= steps:
                return True
            if cancelled and cancelled():
                return False
            nlp.update(batch, drop=dropout, sgd=optimizer)
            done += 1
            if progress:
                progress(len(texts) + done, total)
    return True


def _without_learned(current: SuggestionSource) -> SuggestionSource:
    """The current sources without an older learned model (the new one takes its place)."""
    from annotator.nlp.sources import CombinedSource

    if isinstance(current, CombinedSource) and any(s.name == LEARNED for s in current.sources):
        return CombinedSource([s for s in current.sources if s.name != LEARNED])
    return current


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


def train(
    project: Project, out_dir: Path, *, annotator: str | None = None,
    progress: Progress | None = None, cancelled: Cancelled | None = None,
    max_steps: int = 800, max_seconds: float | None = None, eval_every: int | None = None,
    patience: int = 8, batch_words: int | None = None, dropout: float = 0.2, seed: int = 0,
    max_epochs: int = 12, min_steps: int = 300, lowercase: float = 0.2,
    silver: Sequence[str] | None = None, silver_steps: int = 300,
    dev_ratio: float = 0.2, current: SuggestionSource | None = None,
    data: TrainingData | None = None, features: bool = True, width: int = 64, depth: int = 4,
    clusters: WordClusters | None = None, phase: Phase | None = None,
) -> TrainResult:
    """Train, keep the best checkpoint on the held-out part, score `current` there too, save.

    A step is one update on about `batch_words` tokens (default: 500, 1000 from 20,000
    training tokens on). Training stops after `max_steps`,
    `max_epochs` passes over the data (but not before `min_steps`), `max_seconds`, or
    `patience` evaluations without a better held-out F1; it evaluates every `eval_every`
    steps (default: about once a pass, between 5 and 50 steps). The model's spans are
    combined with `current`'s in both orders (whose spans win overlaps); the better order on
    the held-out part goes to scores.json, and the model is saved to `out_dir` when that
    combination (what the window suggests with it) beats `current` alone (see
    `should_switch`), else to a `candidate` folder beside it.
    With `current` and unannotated texts (`silver`, default: the project's unannotated
    articles) the model first makes `silver_steps` updates on `current`'s suggestions for
    them (it starts out agreeing with the rules; see `pick_order`).
    Cancelling saves nothing. TrainError when there is nothing to learn. With `features`
    the built-in suggester's spans are token features of the ner (see
    `annotator.nlp.features`); `width` and `depth` size its tok2vec. `lowercase` is the
    share of training texts seen lower-cased in each pass (for text without capitals).
    With `clusters` (word classes learned from the project's raw text, see
    `annotator.nlp.wordvec`) each word's classes are token features too. `progress` counts
    the warm-up and then the training steps; `phase` is told what runs ("Warming up…").
    """
    from spacy.training.batchers import minibatch_by_words
    from spacy.util import fix_random_seed

    from annotator.nlp.features import CLUSTERS_FACTORY, ner_model_config, prepare
    from annotator.nlp.features import FACTORY as FEATURES
    from annotator.nlp.tokens import make_nlp

    data = data if data is not None else training_data(project, annotator, seed=seed,
                                                       dev_ratio=dev_ratio)
    if not data.labels:
        raise TrainError("nothing to train on: no article has accepted spans yet")
    started = time.monotonic()
    fix_random_seed(seed)
    nlp = make_nlp()
    if features:
        nlp.add_pipe(FEATURES)
    if clusters is not None:
        nlp.add_pipe(CLUSTERS_FACTORY).table = clusters
    ner = nlp.add_pipe("ner", config={"incorrect_spans_key": NEG_KEY, "model": ner_model_config(
        features=features, width=width, depth=depth, clusters=clusters is not None)})
    for label in data.labels:
        ner.add_label(label)
    examples = [_example(nlp, item) for item in data.train]
    lowered = [_example(nlp, _lowered(item)) for item in data.train] if lowercase else []
    for eg in [*examples, *lowered]:  # the features are fixed: computed once
        prepare(nlp, eg.predicted)
    optimizer = nlp.initialize(lambda: examples)
    silver = silver if silver is not None else (
        unannotated_texts(project, annotator) if project is not None else [])
    warm = bool(silver) and current is not None and silver_steps > 0
    warm_steps = min(silver_steps, max_steps) if warm else 0
    warm_total = len(silver) + warm_steps if warm else 0
    words = sum(len(eg) for eg in examples)
    batch_words = batch_words or (500 if words < 20_000 else 1000)
    per_epoch = max(1, -(-words // batch_words))
    budget = max(1, min(max_steps, max(min_steps, max_epochs * per_epoch)))
    result = TrainResult(scores={}, path=None, n_train=len(data.train), n_dev=len(data.dev))
    if warm:
        assert current is not None
        if phase:
            phase("Warming up on the rules' suggestions…")
        if not _warm_up(nlp, silver, _without_learned(current), data.labels, warm_steps,
                        dropout, optimizer, rng=random.Random(seed), cancelled=cancelled,
                        progress=progress, total=warm_total + budget):
            result.cancelled = True
            return result
    if phase:
        phase("Training…")
    gold = _gold(data.dev)
    check = gold[:SELECTION_DOCS]  # checkpoints are chosen on at most this many held-out docs
    check_docs = _feature_docs(nlp, [g.text for g in check])
    warmup = min(budget, min_steps) // 2  # evaluations before it do not count for `patience`
    every = eval_every or max(5, min(50, per_epoch))
    best: tuple[float, bytes] | None = None
    rng, stale, step = random.Random(seed), 0, 0

    def out_of_budget() -> bool:
        late = max_seconds is not None and time.monotonic() - started > max_seconds
        return step >= budget or stale >= patience or late

    while not out_of_budget():
        order = list(range(len(examples)))
        rng.shuffle(order)
        epoch = [lowered[i] if lowered and rng.random() < lowercase else examples[i]
                 for i in order]
        for batch in minibatch_by_words(epoch, size=batch_words, get_length=len):
            if cancelled and cancelled():
                result.cancelled = True
                return result
            nlp.update(batch, drop=dropout, sgd=optimizer)
            step += 1
            if progress:
                progress(warm_total + step, warm_total + budget)
            if check and (step % every == 0 or out_of_budget()):
                f = _score_docs(ner, check, check_docs).get("ents_f") or 0.0
                log.debug("learned model: step %d, held-out F %.3f", step, f)
                if best is None or f > best[0]:
                    best, stale = (f, ner.to_bytes()), 0
                elif step >= warmup:
                    stale += 1
            if out_of_budget():
                break
    if best is not None:
        ner.from_bytes(best[1])
    result.steps = step
    if progress:
        progress(warm_total + budget, warm_total + budget)
    if gold:
        mine = _predict(nlp, [g.text for g in gold])
        result.scores = score_predictions(gold, mine).scores
        if current is not None:
            theirs = list(current.suggest_many([g.text for g in gold]))
            result.current = score_predictions(gold, theirs).scores
            others = _without_learned(current)
            if others is not current:  # the new model replaces the old: combine with the rest
                theirs = list(others.suggest_many([g.text for g in gold]))
            orders, drops = {}, {}
            for order in (MODEL_FIRST, OTHERS_FIRST):
                drops[order] = labels_alone(gold, mine, theirs, order, data.labels)
                orders[order] = score_predictions(
                    gold, _merged(mine, theirs, order, drops[order])).scores
            result.order = pick_order(orders[MODEL_FIRST].get("ents_f"),
                                      orders[OTHERS_FIRST].get("ents_f"),
                                      sum(len(g.spans) for g in gold), warm)
            result.combined = orders[result.order]
            result.drop_others = drops[result.order]
            if result.drop_others:
                result.notes.append(f"the other sources' spans left out for "
                                    f"{', '.join(result.drop_others)} (they do not clearly "
                                    "raise the held-out F there)")
            result.notes.append("held-out F with the model's spans first / the other sources' "
                                f"first: {orders[MODEL_FIRST].get('ents_f') or 0:.3f} / "
                                f"{orders[OTHERS_FIRST].get('ents_f') or 0:.3f}")
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
    dest = Path(out_dir) if result.switched else Path(out_dir).parent / CANDIDATE
    info = {**result.scores, "current": result.current, "combined": result.combined,
            "order": result.order, "drop_others": result.drop_others,
            "current_source": getattr(current, "name", None), "steps": step,
            "seconds": round(time.monotonic() - started, 1),
        "n_train": result.n_train, "n_dev": result.n_dev, "labels": data.labels,
        "annotator": annotator or project.annotator, "seed": seed, "features": features,
        "clusters": clusters.key if clusters is not None else None,
        "articles": sorted({i.article_id for i in (*data.train, *data.dev) if i.complete}),
        "trained_at": time.time(), "model_id": uuid.uuid4().hex}
    result.path = save_model(nlp, dest, info)
    return result


def _merged(mine: Sequence[list[Span]], theirs: Sequence[list[Span]], order: str,
            drop: Collection[str] = ()) -> list[list[Span]]:
    """Each text's spans of the model and of the other sources (without `drop` labels)
    combined, the model's winning overlaps when `order` is MODEL_FIRST."""
    out = []
    for a, b in zip(mine, theirs, strict=True):
        b = [s for s in b if s.label not in drop]
        out.append(combine([a, b] if order == MODEL_FIRST else [b, a]))
    return out


def labels_alone(gold: Sequence[GoldDoc], mine: Sequence[list[Span]],
                 theirs: Sequence[list[Span]], order: str, labels: Collection[str]) -> list[str]:
    """The model's labels for which the other sources' spans are left out.

    The model reads the rules' findings as features, so where it leaves a gap the rules
    filled, it mostly decided against them: their spans of a label the model knows are kept
    only when they clearly raise that label's held-out F (by more than 0.5 / sqrt(its held-out
    spans), about one standard error). Labels the model never learned keep them always."""
    def f_of(label: str, drop: Collection[str]) -> float:
        scores = score_predictions(gold, _merged(mine, theirs, order, drop)).scores
        return ((scores.get("ents_per_type") or {}).get(label) or {}).get("f", 0.0)

    def margin(label: str) -> float:
        return 0.5 / math.sqrt(max(1, sum(s.label == label for g in gold for s in g.spans)))

    return sorted(label for label in labels
                  if f_of(label, ()) <= f_of(label, {label}) + margin(label))


def _feature_docs(nlp: Language, texts: Sequence[str]) -> list[Any]:
    """The texts as docs with the features the model uses (rules, word classes)."""
    from annotator.nlp.features import prepare

    return [prepare(nlp, nlp.make_doc(text)) for text in texts]


def _score_docs(ner: Any, gold: Sequence[GoldDoc], docs: Sequence[Any]) -> dict[str, Any]:
    """Held-out scores of the ner alone on prepared docs (copies: the ner sets their ents)."""
    source = SpacyPipelineSource("", name=LEARNED)
    found = [source.spans(doc) for doc in ner.pipe([d.copy() for d in docs], batch_size=64)]
    return score_predictions(gold, found).scores


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


def refresh(project: Project, project_root: Path, article_ids: Collection[str], *,
            annotator: str | None = None, steps: int = 4, dropout: float = 0.1,
            cancelled: Cancelled | None = None) -> Path | None:
    """Learning in the loop: a few updates of the saved learned model on just-finished
    articles, so the next article's suggestions reflect them within seconds (the full,
    held-out-checked retraining still comes after `retrain_after` articles).

    The model in models/learned is replaced in place (a new model_id, so cached suggestions
    are recomputed); its held-out scores stay those of its last full training, and
    `refreshed_on` lists the articles it was updated on. None when there is no learned
    model or nothing to learn from.
    """
    from annotator.nlp.features import FEATURE_PIPES, prepare  # registers the components
    from annotator.nlp.model_store import LearnedSource

    folder = learned_dir(project_root)
    scores = read_scores(folder)
    if scores is None or not (folder / "config.cfg").is_file():
        return None
    who = annotator or project.annotator
    items = [TrainItem(i, project.text(i), list(aset.spans), sorted(aset.rejected),
                       aset.status in FINISHED)
             for i in article_ids if (aset := project.existing_set(i, who)) is not None
             and aset.spans]
    labels = set(scores.get("labels") or [])
    items = [i for i in items if {s.label for s in i.spans} <= labels]  # no new labels here
    if not items:
        return None
    nlp = LearnedSource(folder, scores).nlp  # on the shared tokenizer: no second second
    examples = [_example(nlp, item) for item in items]
    for eg in examples:
        prepare(nlp, eg.predicted)
    optimizer = nlp.resume_training()
    for _ in range(max(1, steps)):
        if cancelled and cancelled():
            return None
        nlp.update(examples, drop=dropout, sgd=optimizer, exclude=list(FEATURE_PIPES))
    done = sorted({*scores.get("refreshed_on", []), *(i.article_id for i in items)})
    info = {**scores, "model_id": uuid.uuid4().hex, "refreshed_on": done,
            "refreshed_at": time.time()}
    tmp = folder.parent / f".{folder.name}.{uuid.uuid4().hex[:8]}.tmp"
    old = folder.parent / f".{folder.name}.{uuid.uuid4().hex[:8]}.old"
    try:
        nlp.to_disk(tmp)
        from thinc.api import Config

        config = Config().from_disk(tmp / "config.cfg", interpolate=False)
        config["nlp"]["tokenizer"] = {"@tokenizers": "spacy.Tokenizer.v1"}
        config.to_disk(tmp / "config.cfg")
        write_json_atomic(tmp / SCORES, info, indent=True)
        folder.rename(old)
        tmp.rename(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return folder
