"""A seeded random walk over the real window, checked against a small reference model.

The walker presses the real keys and triggers the real menu actions; the model applies the
documented meaning of the same gesture to its own copy of the data, reading only what a user
sees before the gesture (the article shown, the current span). After every step the window's
project, the saved files and the model must agree. Machine work is not modelled but checked:
after a link (and its redo) propagation may only add linked suggestions of live entities,
displacing unlinked ones they cover; everything else must be equal.
"""

from __future__ import annotations

import copy
import os
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

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
from tests.ui.helpers import click_span
from tests.ui.state import (
    assert_disk_matches_memory,
    memory_state,
    settle,
    span_row,
    state_diff,
)

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier
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


@dataclass
class Model:
    """The reference: every article's set, the knowledge base, undo and redo stacks."""

    texts: dict[str, str]
    order: list[str]
    sets: dict[str, ModelSet] = field(default_factory=dict)
    kb: dict[str, Entity] = field(default_factory=dict)
    undo: list[tuple[Any, Any]] = field(default_factory=list)
    redo: list[tuple[Any, Any]] = field(default_factory=list)

    # -- snapshots and comparison --------------------------------------------
    def snapshot(self) -> tuple[dict[str, ModelSet], dict[str, Entity]]:
        return copy.deepcopy(self.sets), dict(self.kb)

    def restore(self, snap: tuple[dict[str, ModelSet], dict[str, Entity]]) -> None:
        self.sets, self.kb = copy.deepcopy(snap[0]), dict(snap[1])

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
        model = cls({a: project.text(a) for a in project.article_ids}, project.article_ids)
        for aset in project.sets_of():
            model.sets[aset.article_id] = ModelSet(
                {s.key: s for s in aset.spans}, {s.key: s for s in aset.suggestions},
                set(aset.rejected), str(aset.status),
            )
        model.kb = {e.kb_id: e for e in project.kb}
        return model

    # -- edits (the documented meaning of each gesture) -------------------------
    def commit(self, before: Any) -> None:
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


# -- the walker ---------------------------------------------------------------------------
OPS = (
    ("accept", 8), ("reject", 6), ("relabel", 6), ("create", 7), ("nudge", 6), ("link", 4),
    ("unlink", 2), ("accept_all", 2), ("link_all", 1), ("undo", 8), ("redo", 4),
    ("tab", 8), ("click", 10), ("article", 4), ("done", 1), ("restart", 1),
)


class Walker:
    """Drives one window through random steps, checking it against the model after each."""

    def __init__(self, opener: Any, seeds: Path, seed: int) -> None:  # noqa: ANN401
        self.opener, self.qtbot = opener, opener.qtbot
        self.rng = random.Random(seed)
        self.seed = seed
        self.log: list[str] = []
        self.window: MainWindow = opener.open(seeds=seeds)
        settle(self.qtbot, self.window)
        self.model = Model.read(self.window)
        self.keys = {label.name: label.key for label in self.window.project.scheme.labels
                     if label.key}
        self.ops = list(OPS)
        self.edits: Counter[str] = Counter()

    # -- plumbing ----------------------------------------------------------------------
    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = NONE) -> None:
        self.window.view.setFocus()
        QTest.keyClick(self.window.view, key, modifier)

    def digit(self, label: str) -> None:
        self.press(getattr(Qt.Key, f"Key_{self.keys[label]}"))

    @property
    def aid(self) -> str:
        assert self.window.article_id is not None
        return self.window.article_id

    def current(self) -> Span | None:
        """The current span as the model knows it (the view shows which one it is)."""
        span = self.window.view.current_span
        if span is None:
            return None
        m = self.model.aset(self.aid)
        return m.sugg.get(span.key) or m.spans.get(span.key)

    def wait_tokens(self) -> None:
        tokens = self.window.tokens
        tokens.request(self.aid)  # as showing the article does; spaCy's, not the guess
        self.qtbot.waitUntil(lambda: tokens.has(self.aid), timeout=30000)

    # -- one step ----------------------------------------------------------------------
    def step(self, n: int) -> None:
        names, weights = zip(*self.ops, strict=True)
        op = self.rng.choices(names, weights)[0]
        before = self.model.snapshot()
        pushed, absorb = getattr(self, "op_" + op)()
        if pushed and op not in ("undo", "redo"):
            self.model.commit(before)
        self.edits[op] += pushed
        settle(self.qtbot, self.window)
        self.check(n, absorb, op in ("undo", "restart"))
        if pushed and op != "undo":  # redo gives back exactly this
            self.model.undo[-1] = (self.model.undo[-1][0], self.model.snapshot())
        stack = self.window.undo_stack
        assert (stack.index(), stack.count()) == (
            len(self.model.undo), len(self.model.undo) + len(self.model.redo)
        ), self.report(n, "the undo stack moved differently from the model's")

    def check(self, n: int, propagation: bool, exact: bool) -> None:
        window = self.window
        got = memory_state(window.project)
        if not exact:
            problem = self.model.absorb(got, propagation)
            assert not problem, self.report(n, problem)
        diff = state_diff(got, self.model.state())
        assert not diff, self.report(n, diff)
        aset = window.project.annotation_set(self.aid)
        assert [s.key for s in window.view.spans] == [s.key for s in aset.all_spans()], \
            self.report(n, "the view does not show the article's spans")
        assert window.span_model.rowCount() == len(aset.all_spans())
        try:
            assert_disk_matches_memory(window)
        except AssertionError as exc:
            raise AssertionError(self.report(n, f"disk: {exc}")) from exc

    def report(self, n: int, problem: str) -> str:
        steps = "\n".join(self.log[-int(os.environ.get("WALK_LOG", "25")):])
        kb = [(e.kb_id, e.name, e.aliases) for e in self.model.kb.values()]
        return f"walk seed {self.seed}, step {n}: {problem}\nkb: {kb}\nlast steps:\n{steps}"

    def note(self, text: str) -> None:
        where = self.window.article_id or "-"
        self.log.append(f"{len(self.log)} [{where[:4]}]: {text}")

    # -- operations: each returns (pushed an undo step, propagation may follow) ----------
    def op_accept(self) -> tuple[bool, bool]:
        cur = self.current()
        self.note(f"A on {cur and cur.key}")
        pushed = self.model.accept(self.aid, cur)
        self.press(Qt.Key.Key_A)
        return pushed, False

    def op_reject(self) -> tuple[bool, bool]:
        cur = self.current()
        self.note(f"X on {cur and cur.key}")
        pushed = self.model.reject(self.aid, cur)
        self.press(Qt.Key.Key_X)
        return pushed, False

    def label_key(self, label: str) -> bool:
        """Press a label's digit: label the selection (snapped to tokens), else relabel."""
        selection = self.window.view.selection_range()
        cur = self.current()
        key = f"{self.keys[label]} ({label})"
        if selection is not None:
            self.wait_tokens()
            tokens = TokenIndex([(s, e) for s, e, _ in tokenize(self.model.texts[self.aid])])
            snapped = tokens.snap(*selection)
            self.note(f"{key} on the selection {selection} -> {snapped}")
            if snapped is not None:
                self.model.create(self.aid, *snapped, label)
        else:
            self.note(f"{key} on {cur and cur.key}")
            if cur is not None:
                self.model.replace(self.aid, cur.key, lambda old: old.with_(label=label))
        self.digit(label)
        return (snapped is not None) if selection is not None else cur is not None

    def op_relabel(self) -> tuple[bool, bool]:
        return self.label_key(self.rng.choice(list(self.keys))), False

    def op_create(self) -> tuple[bool, bool]:
        text = self.model.texts[self.aid]
        words = [(s, e) for s, e, _ in tokenize(text) if text[s:e].strip()]
        first = self.rng.randrange(len(words))
        last = min(len(words) - 1, first + self.rng.choice((0, 0, 1, 2)))
        start, end = words[first][0], words[last][1]
        if self.rng.random() < 0.3:  # part of a word: snapping takes the whole token
            end = max(start + 1, end - 1)
        view = self.window.view
        self.press(Qt.Key.Key_Escape)
        view.select_range(start, start)  # the text cursor before the first character
        self.note(f"Shift+Right from {start} to {end} {text[start:end]!r}")
        for _ in range(len(text[start:end].encode("utf-16-le")) // 2):
            self.press(Qt.Key.Key_Right, SHIFT)
        assert view.selection_range() == (start, end)
        return self.label_key(self.rng.choice(list(self.keys))), False

    def op_nudge(self) -> tuple[bool, bool]:
        self.wait_tokens()
        cur = self.current()
        edge, step = self.rng.choice((("end", 1), ("end", -1), ("start", 1), ("start", -1)))
        self.note(f"nudge {edge} {step:+d} on {cur and cur.key}")
        pushed = self.model.nudge(self.aid, cur, edge, step)
        key = Qt.Key.Key_Right if step > 0 else Qt.Key.Key_Left
        self.press(key, SHIFT | (ALT if edge == "start" else NONE))
        return pushed, False

    def op_link(self) -> tuple[bool, bool]:
        cur = self.current()
        if cur is not None and not self.model.texts[self.aid][cur.start : cur.end].strip():
            return False, False  # a span of white space only: nothing to name an entity by
        self.note(f"L, Enter on {cur and cur.key}")
        pushed = self.model.link(self.aid, cur)
        self.press(Qt.Key.Key_L)
        if cur is not None:
            picker = self.window.linking.picker
            assert picker is not None
            self.qtbot.waitUntil(picker.isVisible)
            QTest.keyClick(picker.search, Qt.Key.Key_Return)
            self.qtbot.waitUntil(lambda: not picker.isVisible())
        return pushed, pushed

    def op_unlink(self) -> tuple[bool, bool]:
        cur = self.current()
        self.note(f"U on {cur and cur.key}")
        pushed = self.model.unlink(self.aid, cur)
        self.press(Qt.Key.Key_U)
        return pushed, False

    def op_accept_all(self) -> tuple[bool, bool]:
        self.note("Ctrl+Shift+A")
        pushed = self.model.accept_all(self.aid)
        self.press(Qt.Key.Key_A, CTRL | SHIFT)
        return pushed, False

    def op_link_all(self) -> tuple[bool, bool]:
        self.note("Project › Link all")
        project = self.window.project
        pushed = self.model.link_all(project.scheme, project.annotator)
        self.window.findChild(type(self.window.actions_by_id["undo"]),
                              "action_link_all").trigger()
        task = self.window.linking.autolink_task
        self.qtbot.waitUntil(lambda: task.isFinished(), timeout=60000)
        return pushed, pushed

    def op_undo(self) -> tuple[bool, bool]:
        self.note("Ctrl+Z")
        self.press(Qt.Key.Key_Z, CTRL)
        if not self.model.undo:
            return False, False
        before, after = self.model.undo.pop()
        self.model.redo.append((before, after))
        self.model.restore(before)
        return True, False

    def op_redo(self) -> tuple[bool, bool]:
        self.note("Ctrl+Shift+Z")
        self.press(Qt.Key.Key_Z, CTRL | SHIFT)
        if not self.model.redo:
            return False, False
        before, after = self.model.redo.pop()
        self.model.undo.append((before, after))
        self.model.restore(after)
        return True, True

    def op_tab(self) -> tuple[bool, bool]:
        back = self.rng.random() < 0.3
        self.note("Shift+Tab" if back else "Tab")
        self.press(Qt.Key.Key_Backtab if back else Qt.Key.Key_Tab, SHIFT if back else NONE)
        return False, False

    def op_click(self) -> tuple[bool, bool]:
        spans = self.window.view.spans
        if not spans:
            return False, False
        span = self.rng.choice(spans)
        self.note(f"click {span.key}")
        self.press(Qt.Key.Key_Escape)
        click_span(self.window, span)
        return False, False

    def op_article(self) -> tuple[bool, bool]:
        forward = self.rng.random() < 0.6
        self.note("N" if forward else "P")
        self.press(Qt.Key.Key_N if forward else Qt.Key.Key_P)
        return False, False

    def op_done(self) -> tuple[bool, bool]:
        self.note("Ctrl+D")
        pushed = self.model.mark_done(self.aid)
        self.press(Qt.Key.Key_D, CTRL)
        return pushed, False

    def op_restart(self) -> tuple[bool, bool]:
        self.note("restart")
        self.opener.close(self.window)
        self.window = self.opener.open(seeds=None)
        settle(self.qtbot, self.window)
        self.model.undo.clear()
        self.model.redo.clear()
        return False, False

    def run(self, steps: int) -> Counter[str]:
        """Take `steps` steps; return how often each gesture changed the data."""
        for n in range(steps):
            self.step(n)
        return self.edits


def small_seed_folder(target: Path, seeds: Path, articles: int = 3, chars: int = 1400) -> Path:
    """The first `articles` seed articles, each cut after a paragraph near `chars` characters."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(seeds.glob("*.txt"))[:articles]:
        text = path.read_text(encoding="utf-8")
        cut = text.find("\n", chars)
        (target / path.name).write_text(text if cut < 0 else text[: cut + 1], encoding="utf-8")
    return target
