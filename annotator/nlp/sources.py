"""Suggestion sources (built-in, any spaCy pipeline, the learned model, propagation) and how
their suggestions combine: by priority, a lower source's span never overlaps a higher one's.

Project settings (ProjectSettings fields and `extra` keys) that choose the sources:
`suggest_builtin` (bool), `suggest_pipeline` (package name or folder, "" for none),
`suggest_pipeline_labels` ("PERSON=PER,MISC=-"), `suggest_model` (the learned model, bool),
`suggest_propagation` (bool) and `suggest_priority` (kinds, highest first; DEFAULT_PRIORITY).
The origin tells the sources apart: SUGGESTED (built-in), MODEL (pipeline or learned model),
PROPAGATED; `combine_named` also returns each span's source name.
"""

from __future__ import annotations

import bisect
import hashlib
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from annotator.core.model import Origin, Span
from annotator.nlp.ranks import RANK_GUESS, rules_min_rank

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from annotator.core.entities import KnowledgeBase
    from annotator.core.project import ProjectSettings

BUILTIN, PIPELINE, LEARNED, PROPAGATION = "builtin", "pipeline", "learned", "propagation"
SPACY_PREFIX = "spacy:"
DEFAULT_PRIORITY = (PROPAGATION, LEARNED, PIPELINE, BUILTIN)
EXPECTED = "expected builtin, learned, propagation or spacy:NAME_OR_PATH"
LabelMap = Mapping[str, str | None]  # source label -> ours; None drops the label
_BUILTIN_CODE = ("builtin.py", "cues.py", "docview.py", "lexicon.py", "names.py", "resources.py",
                 "rules.py", "tokens.py")


class SourceError(Exception):
    """A source cannot be built or loaded; the message says which and why."""


@runtime_checkable
class SuggestionSource(Protocol):
    """Suggests spans for texts, one list per text in order; `signature()` changes whenever
    the suggestions may change (the cache key); `cacheable` says if they may be cached."""

    name: str
    origin: Origin
    cacheable: bool

    def signature(self) -> str: ...

    def suggest_many(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Span]]: ...


def signature_hash(*parts: object) -> str:
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


@lru_cache(maxsize=8)
def _builtin_signature(resources: str | None, labels: tuple[str, ...] | None) -> str:
    """Hash of the suggester's code, its resources and spaCy's version."""
    import spacy

    here = Path(__file__).resolve().parent
    files = [here / name for name in _BUILTIN_CODE]
    if resources:
        files += sorted(p for p in Path(resources).rglob("*") if p.is_file())
    parts: list[object] = [BUILTIN, spacy.__version__, labels]
    for path in files:
        try:
            parts += [path.name, path.read_bytes()]
        except OSError:
            parts += [path.name, None]
    return signature_hash(*parts)


class _Lazy:
    """Pickles without its loaded model (`_heavy`) and lock: worker processes load their own."""

    _heavy = "_nlp"

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, self._heavy: None, "_lock": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _lock=threading.Lock())


class BuiltinSource(_Lazy):
    """The built-in Indonesian suggester (rules and gazetteers); built on first use."""

    _heavy = "_suggester"
    origin = Origin.SUGGESTED
    cacheable = True

    def __init__(self, resources: Path | None = None, labels: Collection[str] | None = None,
                 min_rank: int = RANK_GUESS):
        self.name = BUILTIN
        self.resources = resources
        self.labels = tuple(sorted(labels)) if labels is not None else None
        self.min_rank = min_rank
        self._suggester: Any = None
        self._lock = threading.Lock()

    @property
    def suggester(self) -> Any:
        with self._lock:
            if self._suggester is None:
                from annotator.nlp.builtin import BuiltinSuggester

                self._suggester = BuiltinSuggester(self.resources, self.labels, self.min_rank)
            return self._suggester

    def signature(self) -> str:
        from annotator.nlp.resources import resources_dir

        root = self.resources if self.resources is not None else resources_dir()
        full = _builtin_signature(str(root) if root else None, self.labels)
        return full if not self.min_rank else signature_hash(full, f"from rank {self.min_rank}")

    def with_min_rank(self, rank: int) -> BuiltinSource:
        """The same suggester keeping only its spans of `rank` and above (ranks.RANK_*)."""
        return self if rank == self.min_rank else BuiltinSource(self.resources, self.labels, rank)

    def suggest_many(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Span]]:
        return self.suggester.suggest_many(texts, batch_size=batch_size)


def resolve_pipeline(spec: str) -> Path | str:
    """The folder (when `spec` names one) or the installed package name; SourceError else."""
    import spacy.util

    if not spec.strip():
        raise SourceError("no spaCy pipeline named")
    path = Path(spec).expanduser()
    if path.exists():
        if not (path / "config.cfg").is_file():
            raise SourceError(f"{path} is not a spaCy pipeline folder (it has no config.cfg)")
        return path.resolve()
    if spacy.util.is_package(spec):
        return spec
    raise SourceError(f"spaCy pipeline {spec!r} not found: no such folder and no installed "
                      "package of that name")


class SpacyPipelineSource(_Lazy):
    """Entities of any spaCy pipeline (package or folder), labels mapped to ours."""

    origin = Origin.MODEL
    cacheable = True

    def __init__(self, name_or_path: str | Path, label_map: LabelMap | None = None,
                 labels: Collection[str] | None = None, name: str | None = None) -> None:
        self.spec = str(name_or_path)
        self.name = name or f"{SPACY_PREFIX}{self.spec}"
        self.label_map = dict(label_map or {})
        self.labels = frozenset(labels) if labels is not None else None
        self._nlp: Language | None = None
        self._lock = threading.Lock()

    def _load(self) -> Language:
        """spacy.load the pipeline; SourceError when it cannot be loaded or sets no entities."""
        import spacy

        where = resolve_pipeline(self.spec)
        try:
            nlp = spacy.load(where)
        except Exception as exc:  # spaCy raises OSError, ValueError, KeyError, ...
            raise SourceError(f"cannot load spaCy pipeline {self.spec}: {exc}") from exc
        _check_sets_entities(nlp, self.spec)
        return nlp

    @property
    def nlp(self) -> Language:
        with self._lock:
            if self._nlp is None:
                self._nlp = self._load()
            return self._nlp

    def signature(self) -> str:
        where = resolve_pipeline(self.spec)
        if isinstance(where, Path):
            stamp = sorted((str(p.relative_to(where)), p.stat().st_size, p.stat().st_mtime_ns)
                           for p in where.rglob("*") if p.is_file())
        else:
            import spacy.util

            stamp = [spacy.util.get_package_version(where)]
        return signature_hash(PIPELINE, str(where), stamp, sorted(self.label_map.items()),
                    sorted(self.labels) if self.labels is not None else None)

    def map_label(self, label: str) -> str | None:
        """Our label for one of the pipeline's, None to drop it."""
        if label in self.label_map:
            return self.label_map[label]
        return label if self.labels is None or label in self.labels else None

    def spans(self, doc: Doc) -> list[Span]:
        """The doc's entities as our spans (whitespace at the edges trimmed)."""
        out = []
        for ent in doc.ents:
            label = self.map_label(ent.label_)
            text = ent.text
            start = ent.start_char + (len(text) - len(text.lstrip()))
            end = ent.end_char - (len(text) - len(text.rstrip()))
            if label and start < end:
                out.append(Span(start, end, label, self.origin))
        return out

    def suggest_many(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Span]]:
        nlp = self.nlp
        it = iter(texts)
        while batch := list(islice(it, max(1, batch_size))):
            with self._lock:
                docs = list(nlp.pipe(batch, batch_size=batch_size))
            yield from (self.spans(doc) for doc in docs)


def _check_sets_entities(nlp: Language, spec: str) -> None:
    """SourceError when no component of the pipeline is known to set `doc.ents`."""
    for factory in nlp.pipe_factories.values():
        try:
            if "doc.ents" in nlp.get_factory_meta(factory).assigns:
                return
        except ValueError:
            return  # a component without meta may set them: give it the benefit of the doubt
    raise SourceError(f"spaCy pipeline {spec} has no component that sets entities "
                      f"(it has: {', '.join(nlp.pipe_names) or 'none'})")


class PropagationSource:
    """Every occurrence of a linked entity's aliases, with the link (see core.propagation)."""

    name = PROPAGATION
    origin = Origin.PROPAGATED
    cacheable = False  # the knowledge base changes with every link: computed live, it is fast

    def __init__(self, kb: KnowledgeBase) -> None:
        from annotator.core.propagation import AliasFinder

        self.kb = kb
        self.finder = AliasFinder.from_kb(kb)
        self._signature = signature_hash(PROPAGATION, sorted(
            (e.kb_id, e.label, sorted(e.surfaces())) for e in kb))

    def signature(self) -> str:
        return self._signature

    def suggest_many(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Span]]:
        from annotator.core.propagation import propagate_article

        for text in texts:
            yield propagate_article(text, self.finder)


class CombinedSource:
    """Several sources as one: each text's suggestions combined by priority (first wins)."""

    origin = Origin.SUGGESTED  # each span keeps its own source's origin
    cacheable = False

    def __init__(self, sources: Sequence[SuggestionSource]) -> None:
        self.sources = list(sources)
        self.name = "+".join(s.name for s in self.sources) or "none"

    def signature(self) -> str:
        return signature_hash("combined", [s.signature() for s in self.sources])

    def with_min_rank(self, rank: int) -> CombinedSource:
        return CombinedSource([with_min_rank(s, rank) for s in self.sources])

    def suggest_many(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Span]]:
        it = iter(texts)
        while batch := list(islice(it, max(1, batch_size))):
            per_source = [list(s.suggest_many(batch, batch_size)) for s in self.sources]
            for i in range(len(batch)):
                yield combine([found[i] for found in per_source])


def with_min_rank(source: SuggestionSource, rank: int) -> SuggestionSource:
    """The source keeping only the built-in rules' spans of `rank` and above (ranks.RANK_*),
    if it has rules (BuiltinSource); other sources as they are."""
    choose = getattr(source, "with_min_rank", None)
    return choose(rank) if choose is not None else source


def with_learned_choice(sources: Sequence[SuggestionSource],
                        keep_order: bool = False) -> list[SuggestionSource]:
    """The sources as the learned model's training chose to combine them (its scores.json):
    the model after the others when "order" is "others-first" (unless `keep_order`: the
    analyst set a priority), and only the rules' spans of "min_rank" and above (the held-out
    check found the lower ranks mostly wrong on this project's text). The other sources'
    spans always fill the model's gaps: a model trained on one kind of text misses names in
    another kind that they find."""
    learned = [s for s in sources if s.name == LEARNED]
    if not learned:
        return list(sources)
    scores = getattr(learned[0], "scores", None) or {}
    out = list(sources)
    rank = rules_min_rank(scores)
    if rank:
        out = [s if s.name == LEARNED else with_min_rank(s, rank) for s in out]
    if not keep_order and scores.get("order") == "others-first":
        out = [s for s in out if s.name != LEARNED] + [s for s in out if s.name == LEARNED]
    return out


def combine_named(named: Sequence[tuple[str, Sequence[Span]]]) -> list[tuple[str, Span]]:
    """(source name, span) pairs kept from lists in priority order, sorted by position.

    A span is kept unless it overlaps a span kept before it: all of a higher source's spans
    first, then a lower source's spans in the gaps. Within one list, longer spans go first.
    """
    starts: list[int] = []
    ends: list[int] = []  # kept ranges, sorted and disjoint
    kept: list[tuple[str, Span]] = []
    for name, spans in named:
        for span in sorted(spans, key=lambda s: (s.start - s.end, s.start, s.label)):
            i = bisect.bisect_right(ends, span.start)
            if i < len(starts) and starts[i] < span.end:
                continue
            starts.insert(i, span.start)
            ends.insert(i, span.end)
            kept.append((name, span))
    kept.sort(key=lambda pair: pair[1])
    return kept


def combine(lists: Sequence[Sequence[Span]]) -> list[Span]:
    """Spans of lists given in priority order, overlaps resolved for the higher list."""
    return [span for _, span in combine_named([(str(i), spans) for i, spans in enumerate(lists)])]


def parse_label_map(text: str) -> dict[str, str | None]:
    """`PERSON=PER,MISC=-` as a dict (None drops); ValueError when malformed."""
    from annotator.io.formats.remap import parse_label_map as parse

    return parse(text)


def format_label_map(mapping: LabelMap) -> str:
    return ",".join(f"{k}={v if v is not None else '-'}" for k, v in mapping.items())


def priority_of(settings: ProjectSettings) -> list[str]:
    """The source kinds, highest priority first: the setting's order, then the default's."""
    chosen = [k for k in settings.suggest_priority if k in DEFAULT_PRIORITY]
    return list(dict.fromkeys([*chosen, *DEFAULT_PRIORITY]))


def enabled_kinds(settings: ProjectSettings) -> list[str]:
    """The kinds switched on in the settings, highest priority first."""
    on = {
        BUILTIN: settings.suggest_builtin,
        PIPELINE: bool(settings.suggest_pipeline.strip()),
        LEARNED: settings.suggest_model,
        PROPAGATION: settings.suggest_propagation,
    }
    return [kind for kind in priority_of(settings) if on[kind]]


def sources_from_settings(
    settings: ProjectSettings, project_root: Path | None, *, kb: KnowledgeBase | None = None,
    labels: Collection[str] | None = None, problems: list[str] | None = None,
    kinds: Collection[str] | None = None,
) -> list[SuggestionSource]:
    """The project's sources in priority order (propagation only when `kb` is given).

    `labels` (the scheme) drops a pipeline's unmapped labels that are not ours. A source that
    cannot be used is reported in `problems` and left out; without `problems` it raises
    SourceError. `kinds` limits the result (e.g. without PROPAGATION). Unless the settings
    give a priority, the learned model goes last when its training found that the other
    sources' spans should win overlaps (scores.json "order": "others-first").
    """
    out: list[SuggestionSource] = []
    for kind in enabled_kinds(settings):
        if kinds is not None and kind not in kinds:
            continue
        try:
            source = _make(kind, settings, project_root, kb, labels)
        except (SourceError, ValueError) as exc:
            if problems is None:
                raise SourceError(str(exc)) from exc
            problems.append(str(exc))
            continue
        if source is not None:
            out.append(source)
    return with_learned_choice(out, keep_order=bool(settings.suggest_priority))


def _make(kind: str, settings: ProjectSettings, root: Path | None, kb: KnowledgeBase | None,
          labels: Collection[str] | None) -> SuggestionSource | None:
    if kind == PROPAGATION and kb is None:
        return None
    if kind != PIPELINE:
        return source_from_spec(kind, root, kb=kb, labels=labels)
    text = settings.suggest_pipeline_labels.strip()
    spec = SPACY_PREFIX + settings.suggest_pipeline.strip()
    return source_from_spec(spec, root, label_map=parse_label_map(text) if text else {},
                            labels=labels)


def source_from_spec(
    spec: str, project_root: Path | None = None, *, kb: KnowledgeBase | None = None,
    label_map: LabelMap | None = None, labels: Collection[str] | None = None,
) -> SuggestionSource:
    """A source from `builtin`, `learned`, `propagation` or `spacy:NAME_OR_PATH`."""
    if spec == BUILTIN:
        return BuiltinSource(labels=labels)
    if spec.startswith(SPACY_PREFIX):
        target = spec[len(SPACY_PREFIX):]
        resolve_pipeline(target)  # fail now, not in the worker
        return SpacyPipelineSource(target, label_map, labels)
    if spec == LEARNED:
        from annotator.nlp.model_store import load_learned

        source = load_learned(project_root) if project_root is not None else None
        if source is None:
            raise SourceError(f"no learned model in {project_root or 'the project'} yet: train "
                              "one first (annotator train)")
        return source
    if spec == PROPAGATION:
        if kb is None:
            raise SourceError("propagation needs a project (its linked entities)")
        return PropagationSource(kb)
    raise SourceError(f"unknown source {spec!r} ({EXPECTED})")
