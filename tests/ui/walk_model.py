"""The walk's reference model: what each gesture means, applied to plain Python data.

Each method takes what a user sees before the gesture (the article, the current span) and
returns whether the window pushes an undo step. Machine work (propagation, suggestions that a
linked one hid coming back) is not predicted but checked by `Model.absorb`.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from annotator.core.annotations import AnnotationSet
from annotator.core.autolink import autolink_command, plan_autolink
from annotator.core.entities import Entity, KnowledgeBase, draft_entity
from annotator.core.labels import LabelScheme
from annotator.core.linking import CandidateMatcher
from annotator.core.model import ArticleInfo, Origin, Span, SpanKey
from annotator.core.project import Project
from annotator.core.tokens import TokenIndex
from annotator.nlp.tokens import tokenize
from annotator.ui.main_window import MainWindow
from tests.ui.state import span_row

PRESELECT = 85.0  # the picker pre-selects a candidate this strong


def machine_made(span: Span) -> bool:
    """Proposed by a suggester (accepted as is, or also drawn by hand: `source`)."""
    return span.origin != Origin.MANUAL or bool(span.source)


@dataclass
class ModelSet:
    """One article in the model: accepted spans, pending suggestions, rejections, status."""

    spans: dict[SpanKey, Span] = field(default_factory=dict)
    sugg: dict[SpanKey, Span] = field(default_factory=dict)
    rejected: set[SpanKey] = field(default_factory=set)
    status: str = "new"

    def overlapping(self, start: int, end: int) -> tuple[list[Span], list[Span]]:
        return ([s for s in self.spans.values() if s.overlaps(start, end)],
                [s for s in self.sugg.values() if s.overlaps(start, end)])


class Snapshot(NamedTuple):
    """Everything an undo step puts back: sets, knowledge base, live articles, snapping."""

    sets: dict[str, ModelSet]
    kb: dict[str, Entity]
    order: list[str]
    snapping: bool


@dataclass
class Model:
    """The reference: every live article's set, the knowledge base, the project's token
    snapping, undo and redo stacks (`texts` keeps deleted articles' texts too)."""

    texts: dict[str, str]
    order: list[str]
    sets: dict[str, ModelSet] = field(default_factory=dict)
    kb: dict[str, Entity] = field(default_factory=dict)
    snapping: bool = True
    undo: list[tuple[Snapshot, Snapshot]] = field(default_factory=list)
    redo: list[tuple[Snapshot, Snapshot]] = field(default_factory=list)

    # -- snapshots and comparison --------------------------------------------
    def snapshot(self) -> Snapshot:
        return Snapshot(copy.deepcopy(self.sets), dict(self.kb), list(self.order), self.snapping)

    def restore(self, snap: Snapshot) -> None:
        self.sets, self.kb = copy.deepcopy(snap.sets), dict(snap.kb)
        self.order, self.snapping = list(snap.order), snap.snapping

    def with_articles(self, snap: Snapshot, back: dict[str, ModelSet]) -> Snapshot:
        """`snap` with the articles of `back` listed again (where they were), with those sets."""
        sets = {**copy.deepcopy(snap.sets), **copy.deepcopy(back)}
        order = [a for a in self.texts if a in snap.order or a in back]
        return Snapshot(sets, dict(snap.kb), order, snap.snapping)

    def aset(self, article_id: str) -> ModelSet:
        return self.sets.setdefault(article_id, ModelSet())

    def state(self) -> dict[str, Any]:
        """The same shape as `tests.ui.state.memory_state`."""
        sets = {}
        for article_id, m in self.sets.items():
            if m.spans or m.sugg or m.rejected or m.status != "new":
                sets[article_id] = {
                    "spans": sorted(span_row(s) for s in m.spans.values()),
                    "suggestions": sorted(span_row(s) for s in m.sugg.values()),
                    "rejected": sorted(m.rejected),
                    "status": m.status,
                }
        kb = sorted((e.kb_id, e.name, e.label, tuple(e.aliases)) for e in self.kb.values())
        return {"sets": sets, "kb": kb}

    @classmethod
    def read(cls, window: MainWindow) -> Model:
        """The model of what the window shows now (at the start, after the machine's pass)."""
        project = window.project
        model = cls({a: project.text(a) for a in project.article_ids},
                    list(project.article_ids), snapping=project.settings.token_snapping)
        for aset in project.sets_of():
            model.sets[aset.article_id] = ModelSet(
                {s.key: s for s in aset.spans}, {s.key: s for s in aset.suggestions},
                set(aset.rejected), str(aset.status),
            )
        model.kb = {e.kb_id: e for e in project.kb}
        return model

    # -- edits (the documented meaning of each gesture) -------------------------
    def commit(self, before: Snapshot) -> None:
        self.undo.append((before, self.snapshot()))
        self.redo.clear()

    def _progress(self, m: ModelSet) -> None:
        if m.status == "new":
            m.status = "in progress"

    def _clear(self, m: ModelSet, start: int, end: int, new_key: SpanKey) -> None:
        spans, pending = m.overlapping(start, end)
        for span in spans:
            del m.spans[span.key]
        for span in pending:
            del m.sugg[span.key]
        for span in spans + pending:
            if machine_made(span) and span.key != new_key:
                m.rejected.add(span.key)

    def accept(self, aid: str, cur: Span | None) -> bool:
        m = self.aset(aid)
        if cur is None or cur.key not in m.sugg:
            return False
        span = m.sugg.pop(cur.key)
        m.spans[span.key] = span
        self._progress(m)
        return True

    def reject(self, aid: str, cur: Span | None) -> bool:
        m = self.aset(aid)
        if cur is None:
            return False
        if cur.key in m.sugg:
            del m.sugg[cur.key]
            m.rejected.add(cur.key)
        else:
            span = m.spans.pop(cur.key)
            if machine_made(span) or span.kb_id:
                m.rejected.add(span.key)
        self._progress(m)
        return True

    def replace(self, aid: str, old_key: SpanKey, change: Callable[[Span], Span]) -> Span:
        m = self.aset(aid)
        pending = old_key in m.sugg
        old = (m.sugg if pending else m.spans).pop(old_key)
        new = change(old)
        if (pending or machine_made(old)) and old.key != new.key:
            m.rejected.add(old.key)
        self._clear(m, new.start, new.end, new.key)
        m.rejected.discard(new.key)
        m.spans[new.key] = new
        self._progress(m)
        return new

    def create(self, aid: str, start: int, end: int, label: str) -> bool:
        m = self.aset(aid)
        span = Span(start, end, label, Origin.MANUAL)
        same = m.sugg.get(span.key)
        if same is not None:
            span = span.with_(source=same.source or str(same.origin))
        self._clear(m, start, end, span.key)
        m.rejected.discard(span.key)
        m.spans[span.key] = span
        self._progress(m)
        return True

    def accept_all(self, aid: str) -> bool:
        m = self.aset(aid)
        if not m.sugg:
            return False
        m.spans.update(m.sugg)
        m.sugg.clear()
        self._progress(m)
        return True

    def mark_done(self, aid: str) -> bool:
        m = self.aset(aid)
        if m.status == "done":
            return False
        m.status = "done"
        return True

    def selection_span(self, aid: str, start: int, end: int) -> tuple[int, int] | None:
        """What a label key makes of a selection: whole tokens when the project snaps to
        tokens, else the exact characters without white space at either end."""
        text = self.texts[aid]
        if self.snapping:
            return TokenIndex([(s, e) for s, e, _ in tokenize(text)]).snap(start, end)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if end > start else None

    def delete(self, aid: str) -> str:
        """Article › Delete article…: the article and its set leave; the article now shown
        (the one that took its place, or the new last one)."""
        position = self.order.index(aid)
        self.order.remove(aid)
        self.sets.pop(aid, None)
        return self.order[min(position, len(self.order) - 1)]

    def nudge(self, aid: str, cur: Span | None, edge: str, step: int) -> bool:
        if cur is None:
            return False
        tokens = [(s, e) for s, e, _ in tokenize(self.texts[aid])]
        start, end = cur.start, cur.end
        if edge == "end":
            options = [e for _, e in tokens if (e > end if step > 0 else e < end)]
            if options:
                end = options[0] if step > 0 else options[-1]
        else:
            options = [s for s, _ in tokens if (s > start if step > 0 else s < start)]
            if options:
                start = options[0] if step > 0 else options[-1]
        if end <= start or (start, end) == (cur.start, cur.end):
            return False
        self.replace(aid, cur.key, lambda old: old.with_(start=start, end=end))
        return True

    def link(self, aid: str, cur: Span | None) -> bool:
        """L, Enter: the pre-selected candidate, or the new entity the picker drafts."""
        if cur is None:
            return False
        kb = KnowledgeBase(self.kb.values())
        surface = self.texts[aid][cur.start : cur.end]
        freq = Counter(s.kb_id for m in self.sets.values() for s in m.spans.values() if s.kb_id)
        best = CandidateMatcher(kb).best(surface, cur.label, PRESELECT, frequencies=freq)
        entity, is_new = (best.entity, False) if best else (draft_entity(kb, surface, cur.label),
                                                            True)
        plain = surface.strip()
        learned = entity if entity.has_surface(plain) else entity.with_(
            aliases=[*entity.aliases, plain])
        if is_new or learned is not entity:
            self.kb[learned.kb_id] = learned
        self.replace(aid, cur.key, lambda old: old.with_(kb_id=entity.kb_id))
        return True

    def unlink(self, aid: str, cur: Span | None) -> bool:
        m = self.aset(aid)
        if cur is None or cur.key not in m.spans or not m.spans[cur.key].kb_id:
            return False
        self.replace(aid, cur.key, lambda old: old.with_(kb_id=None))
        return True

    def link_all(self, scheme: LabelScheme, annotator: str) -> bool:
        """Project › Link all, planned by the core planner on the model's own data."""
        project = self.as_project(scheme, annotator)
        plan = plan_autolink(project)
        if not plan.links:
            return False
        autolink_command(project, plan).do(project)
        for aset in project.sets_of():
            self.aset(aset.article_id).spans = {s.key: s for s in aset.spans}
        self.kb = {e.kb_id: e for e in project.kb}
        return True

    def as_project(self, scheme: LabelScheme, annotator: str) -> Project:
        project = Project(annotator, scheme, self.texts.__getitem__,
                          [ArticleInfo(a, a) for a in self.order])
        project.kb = KnowledgeBase(self.kb.values())
        project.load_sets(
            AnnotationSet(a, annotator, sorted(m.spans.values()), sorted(m.sugg.values()),
                          set(m.rejected))
            for a, m in self.sets.items()
        )
        return project

    # -- machine work --------------------------------------------------------------
    def absorb(self, got: dict[str, Any], propagation: bool) -> str:
        """Take the window's suggestions if they differ only by machine work; else say how.

        Always allowed: unlinked suggestions a linked one hid coming back, free and not
        rejected. After a link: propagated suggestions of live entities, hiding unlinked ones.
        """
        problems = []
        for aid in self.order:
            m = self.aset(aid)
            shown = got["sets"].get(aid)
            rows = {tuple(r[:3]): r for r in (shown or {}).get("suggestions", [])}
            mine = {k: span_row(s) for k, s in m.sugg.items()}
            new = [r for k, r in rows.items() if mine.get(k) != r]
            gone = [r for k, r in mine.items() if rows.get(k) != r]
            for r in new:
                clear = not any(o is not r and o[0] < r[1] and r[0] < o[1] for o in rows.values())
                came_back = not r[4] and r[3] != "propagated" and clear
                if not came_back and not (propagation and r[3] == "propagated"
                                          and r[4] in self.kb):
                    problems.append(f"{aid}: unexpected suggestion {r}")
                if any(s.overlaps(r[0], r[1]) for s in m.spans.values()) or r[:3] in m.rejected:
                    problems.append(f"{aid}: suggested on an accepted or rejected span {r}")
            for r in gone:
                covered = any(n[0] < r[1] and r[0] < n[1] and n[4] for n in new)
                retired = r[3] == "propagated" and r[4]  # the pass over all no longer finds it
                if not propagation or not (retired or (not r[4] and covered)):
                    problems.append(f"{aid}: suggestion lost {r}")
            if not problems:
                m.sugg = {(r[0], r[1], r[2]): Span(r[0], r[1], r[2], Origin(r[3]), r[4], r[5])
                          for r in rows.values()}
        return "\n".join(problems)
