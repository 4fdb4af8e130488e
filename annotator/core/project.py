"""The in-memory project: article index, annotation sets, settings and change listeners."""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from annotator.core.annotations import AnnotationSet
from annotator.core.entities import KnowledgeBase
from annotator.core.labels import LabelScheme
from annotator.core.model import Article, ArticleInfo, ArticleStatus, Origin, Span

PASS_ORIGINS = frozenset({Origin.SUGGESTED, Origin.MODEL})  # what a suggestion pass sets

TextLoader = Callable[[str], str]
Listener = Callable[[str], None]
KbListener = Callable[[], None]
SettingsListener = Callable[[], None]
ArticlesListener = Callable[[str, "float | None"], None]  # (article id, deleted at / None)


@dataclass
class RemovedArticle:
    """What deleting an article took out of the project, to put back on undo."""

    info: ArticleInfo
    position: int
    sets: list[AnnotationSet]
    deleted_at: float


@dataclass(frozen=True)
class ProjectSettings:
    """Every per-project option (project.json, shared by the annotators); unknown keys are
    kept as they were. Changed only by replacing it through `ChangeSettings`."""

    token_snapping: bool = True
    suggest_builtin: bool = True
    suggest_propagation: bool = True
    suggest_pipeline: str = ""  # an installed spaCy package name or a pipeline folder
    suggest_pipeline_labels: str = ""  # its label map, e.g. PERSON=PER,MISC=-
    suggest_model: bool = False  # the model trained on this project's annotations
    suggest_priority: tuple[str, ...] = ()  # source kinds, first wins; () = the default order
    retrain_after: int = 10  # finished articles before the learned model retrains; 0 never
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        known = [k for k in self.extra if k in _SETTING_NAMES]
        if known:
            raise ValueError(f"{', '.join(known)} are fields of ProjectSettings, not extra keys")

    def to_dict(self) -> dict[str, Any]:
        data = {**self.extra}
        for name in _SETTING_NAMES:
            value = getattr(self, name)
            if name != "suggest_priority" or value:
                data[name] = list(value) if isinstance(value, tuple) else value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProjectSettings:
        """Settings from project.json; a value of the wrong type falls back to the default."""
        defaults, values = cls(), {}
        for name in _SETTING_NAMES:
            if name not in data:
                continue
            value, default = data[name], getattr(defaults, name)
            if isinstance(default, tuple):
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    values[name] = tuple(value)
            elif isinstance(default, bool):
                values[name] = bool(value)
            elif isinstance(default, int):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    values[name] = int(value)
            elif isinstance(value, str):
                values[name] = value
        extra = {k: v for k, v in data.items() if k not in _SETTING_NAMES}
        return cls(**values, extra=extra)

    def with_(self, **changes: Any) -> ProjectSettings:
        """A copy with some settings changed (keys of `to_dict`; unknown ones go to `extra`)."""
        return ProjectSettings.from_dict({**self.to_dict(), **changes})


_SETTING_NAMES = ("token_snapping", "suggest_builtin", "suggest_propagation", "suggest_pipeline",
                  "suggest_pipeline_labels", "suggest_model", "suggest_priority",
                  "retrain_after")


@dataclass
class Project:
    """Everything one annotator works on; storage and views subscribe to changes."""

    annotator: str
    scheme: LabelScheme
    text_loader: TextLoader
    infos: list[ArticleInfo] = field(default_factory=list)
    settings: ProjectSettings = field(default_factory=ProjectSettings)
    read_only: bool = False
    # article id -> why its text cannot be trusted (changed on disk, text file lost): such an
    # article is read-only and must not be exported (its spans would be shifted)
    damaged_articles: dict[str, str] = field(default_factory=dict)
    kb: KnowledgeBase = field(default_factory=KnowledgeBase)
    kbs: dict[str, KnowledgeBase] = field(default_factory=dict)  # other annotators', gold's
    load_warnings: list[str] = field(default_factory=list)  # what opening it found amiss
    _articles_listeners: list[ArticlesListener] = field(default_factory=list)
    _settings_listeners: list[SettingsListener] = field(default_factory=list)
    _kb_listeners: list[KbListener] = field(default_factory=list)
    _sets: dict[tuple[str, str], AnnotationSet] = field(default_factory=dict)
    _listeners: list[Listener] = field(default_factory=list)
    _texts: OrderedDict[str, str] = field(default_factory=OrderedDict)
    _index: dict[str, int] = field(default_factory=dict)
    _text_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._index = {info.id: i for i, info in enumerate(self.infos)}

    # -- articles ---------------------------------------------------------
    @property
    def article_ids(self) -> list[str]:
        return [info.id for info in self.infos]

    def __len__(self) -> int:
        return len(self.infos)

    def info(self, article_id: str) -> ArticleInfo:
        return self.infos[self._index[article_id]]

    def position(self, article_id: str) -> int:
        return self._index[article_id]

    def has_article(self, article_id: str) -> bool:
        return article_id in self._index

    def add_infos(self, infos: Iterable[ArticleInfo]) -> None:
        for info in infos:
            if info.id not in self._index:
                self._index[info.id] = len(self.infos)
                self.infos.append(info)

    def order_like(self, ids: list[str]) -> None:
        """List the articles in the order of `ids` (the store's); any others after them."""
        rank = {article_id: n for n, article_id in enumerate(ids)}
        self.infos.sort(key=lambda info: rank.get(info.id, len(rank)))
        self._index = {i.id: n for n, i in enumerate(self.infos)}

    def remove_article(self, article_id: str, deleted_at: float) -> RemovedArticle:
        """Take an article and every annotator's set of it out of the project."""
        removed = self.forget_article(article_id, deleted_at)
        self._notify_articles(article_id, deleted_at)
        return removed

    def forget_article(self, article_id: str, deleted_at: float = 0.0) -> RemovedArticle:
        """`remove_article` without telling the listeners: another annotator deleted it."""
        position = self._index[article_id]
        info = self.infos.pop(position)
        self._index = {i.id: n for n, i in enumerate(self.infos)}
        sets = [self._sets.pop(key) for key in [k for k in self._sets if k[0] == article_id]]
        with self._text_lock:
            self._texts.pop(article_id, None)
        return RemovedArticle(info, position, sets, deleted_at)

    def restore_article(self, removed: RemovedArticle) -> None:
        """Put a deleted article back where it was, with the sets it had."""
        article_id = removed.info.id
        if article_id not in self._index:
            self.infos.insert(min(removed.position, len(self.infos)), removed.info)
            self._index = {i.id: n for n, i in enumerate(self.infos)}
        self.load_sets(removed.sets)
        self._notify_articles(article_id, None)

    def text(self, article_id: str) -> str:
        """Article text, loaded lazily into a small LRU cache; safe from worker threads."""
        with self._text_lock:
            text = self._texts.get(article_id)
            if text is None:
                text = self.text_loader(article_id)
                self._texts[article_id] = text
                while len(self._texts) > 256:
                    self._texts.popitem(last=False)
            else:
                self._texts.move_to_end(article_id)
            return text

    def article(self, article_id: str) -> Article:
        info = self.info(article_id)
        return Article(info.id, info.title, self.text(article_id), info.meta)

    # -- annotation sets --------------------------------------------------
    def annotation_set(self, article_id: str, annotator: str | None = None) -> AnnotationSet:
        """The set for (article, annotator), created empty when missing."""
        key = (article_id, annotator or self.annotator)
        aset = self._sets.get(key)
        if aset is None:
            aset = AnnotationSet(article_id, key[1])
            self._sets[key] = aset
        return aset

    def existing_set(self, article_id: str, annotator: str | None = None) -> AnnotationSet | None:
        return self._sets.get((article_id, annotator or self.annotator))

    def load_sets(self, sets: Iterable[AnnotationSet]) -> None:
        for aset in sets:
            self._sets[(aset.article_id, aset.annotator)] = aset

    def sets_of(self, annotator: str | None = None) -> list[AnnotationSet]:
        who = annotator or self.annotator
        return [s for (_, a), s in self._sets.items() if a == who]

    def annotators(self) -> list[str]:
        return sorted({a for (_, a) in self._sets})

    def status(self, article_id: str) -> ArticleStatus:
        aset = self.existing_set(article_id)
        return aset.status if aset else ArticleStatus.NEW

    def merge_suggestions(self, article_id: str, spans: list[Span]) -> list[Span]:
        """Add machine suggestions (not edits: no undo) and tell listeners."""
        added = self.annotation_set(article_id).merge_suggestions(spans)
        if added:
            self.notify(article_id)
        return added

    def replace_suggestions(self, article_id: str, spans: list[Span]) -> None:
        """A suggestion pass's spans for the article (rules, pipelines, the learned model):
        pending suggestions of an earlier pass that it no longer makes go, so the article shows
        what the sources now suggest; propagated ones (a live pass of their own) stay."""
        if self.annotation_set(article_id).replace_pass(spans, PASS_ORIGINS):
            self.notify(article_id)

    def replace_propagated(self, article_id: str, scope: set[str], spans: list[Span]) -> None:
        """A propagation pass over `scope` (kb_ids) found `spans` in the article: its earlier
        propagated suggestions of those entities that it no longer finds go (an alias removed
        by an undo, a name learned since), then the new ones are merged."""
        aset = self.existing_set(article_id)
        found = {(s.key, s.kb_id) for s in spans}
        stale = [] if aset is None else [
            s for s in aset.suggestions
            if s.origin == Origin.PROPAGATED and s.kb_id in scope and (s.key, s.kb_id) not in found
        ]
        changed = aset is not None and aset.retire(stale)
        if not self.merge_suggestions(article_id, spans) and changed:
            self.notify(article_id)

    def drop_stale_links(self) -> list[str]:
        """Forget pending suggestions linked to removed entities; the articles changed."""
        valid = set(self.kb.ids())
        changed = [s.article_id for s in self.sets_of() if s.drop_links(valid)]
        for article_id in changed:
            self.notify(article_id)
        return changed

    def progress(self) -> Counter[ArticleStatus]:
        counts: Counter[ArticleStatus] = Counter()
        for info in self.infos:
            counts[self.status(info.id)] += 1
        return counts

    # -- change notification ---------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def notify(self, article_id: str) -> None:
        for listener in list(self._listeners):
            listener(article_id)

    def subscribe_articles(self, listener: ArticlesListener) -> None:
        """`listener(article_id, deleted_at)` after a deletion; `deleted_at` None on undo."""
        self._articles_listeners.append(listener)

    def unsubscribe_articles(self, listener: ArticlesListener) -> None:
        if listener in self._articles_listeners:
            self._articles_listeners.remove(listener)

    def _notify_articles(self, article_id: str, deleted_at: float | None) -> None:
        for listener in list(self._articles_listeners):
            listener(article_id, deleted_at)

    def replace_settings(self, settings: ProjectSettings) -> None:
        """Only `ChangeSettings` calls this: the listeners save and apply the new settings."""
        self.settings = settings
        for listener in list(self._settings_listeners):
            listener()

    def subscribe_settings(self, listener: SettingsListener) -> None:
        self._settings_listeners.append(listener)

    def unsubscribe_settings(self, listener: SettingsListener) -> None:
        if listener in self._settings_listeners:
            self._settings_listeners.remove(listener)

    def kb_of(self, annotator: str | None) -> KnowledgeBase:
        """`annotator`'s knowledge base: ours is `kb`; another's (or gold's) once loaded."""
        if annotator is None or annotator == self.annotator:
            return self.kb
        return self.kbs.setdefault(annotator, KnowledgeBase())

    def subscribe_kb(self, listener: KbListener) -> None:
        self._kb_listeners.append(listener)

    def unsubscribe_kb(self, listener: KbListener) -> None:
        if listener in self._kb_listeners:
            self._kb_listeners.remove(listener)

    def notify_kb(self) -> None:
        """Tell listeners the knowledge base changed."""
        for listener in list(self._kb_listeners):
            listener()

    # -- entity mentions --------------------------------------------------
    def mentions(self, kb_id: str | None = None) -> list[tuple[str, Span]]:
        """(article_id, accepted span) pairs linked to `kb_id` (any entity when None)."""
        found = []
        for info in self.infos:
            aset = self.existing_set(info.id)
            if aset is None:
                continue
            found += [
                (info.id, s) for s in aset.spans if s.kb_id and (kb_id is None or s.kb_id == kb_id)
            ]
        return found

    def linked_suggestions(self, kb_id: str) -> list[tuple[str, Span]]:
        """(article_id, pending suggestion) pairs carrying `kb_id`."""
        found = []
        for info in self.infos:
            aset = self.existing_set(info.id)
            if aset is not None:
                found += [(info.id, s) for s in aset.suggestions if s.kb_id == kb_id]
        return found
