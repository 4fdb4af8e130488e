"""A seeded random walk over the real window, checked against a small reference model.

The walker presses the real keys and triggers the real menu actions; the model applies the
documented meaning of the same gesture to its own copy of the data, reading only what a user
sees before the gesture (the article shown, the current span). After every step the window's
project, the saved files and the model (`walk_model.py`) must agree, and a restart or an
undo must give exactly the state expected.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox

from annotator.core.model import Origin, Span
from annotator.nlp.tokens import tokenize
from annotator.ui.main_window import MainWindow
from tests.ui.helpers import answer_box, answer_done_prompt, click_span, tick
from tests.ui.state import assert_disk_matches_memory, memory_state, settle, state_diff
from tests.ui.walk_model import Model, ModelSet

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier


# -- the walker ---------------------------------------------------------------------------
OPS = (
    ("accept", 8), ("reject", 6), ("relabel", 6), ("create", 7), ("nudge", 6), ("link", 4),
    ("unlink", 2), ("accept_all", 2), ("link_all", 1), ("undo", 8), ("redo", 4),
    ("tab", 8), ("click", 10), ("article", 4), ("done", 1), ("restart", 1),
    ("delete", 2), ("snapping", 2), ("import", 1),
)
DELETIONS = 3  # confirmed Article › Delete article… per walk; the last article is never deleted


class Walker:
    """Drives one window through random steps, checking it against the model after each."""

    def __init__(self, opener: Any, seeds: Path, seed: int) -> None:  # noqa: ANN401
        self.opener, self.qtbot = opener, opener.qtbot
        self.rng = random.Random(seed)
        self.seeds = seeds
        self.seed = seed
        self.log: list[str] = []
        self.window: MainWindow = opener.open(seeds=seeds)
        settle(self.qtbot, self.window)
        self.model = Model.read(self.window)
        self.keys = {label.name: label.key for label in self.window.project.scheme.labels
                     if label.key}
        self.ops = list(OPS)
        self.edits: Counter[str] = Counter()
        self.deletions = 0
        self.deleted_here: set[str] = set()  # deleted since the window opened, not undone
        self.events: Counter[str] = Counter()  # the new gestures' cases the walk went through
        self.n = 0  # the step being taken

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
        self.n = n
        before = self.model.snapshot()
        pushed, _links = getattr(self, "op_" + op)()
        if pushed and op not in ("undo", "redo"):
            self.model.commit(before)
        self.edits[op] += pushed
        settle(self.qtbot, self.window)
        self.check(n, True, op in ("undo", "restart"))  # an edit propagates in its article
        if pushed and op != "undo":  # redo gives back exactly this
            self.model.undo[-1] = (self.model.undo[-1][0], self.model.snapshot())
        stack = self.window.undo_stack
        got = (stack.index(), stack.count(), stack.undoText())
        want = (len(self.model.undo), len(self.model.undo) + len(self.model.redo))
        assert got[:2] == want, self.report(
            n, f"the undo stack moved differently from the model's: {got} != {want}")

    def check(self, n: int, propagation: bool, exact: bool) -> None:
        window = self.window
        got = memory_state(window.project)
        model = self.model
        assert window.project.article_ids == model.order, self.report(
            n, f"articles: got {window.project.article_ids} want {model.order}")
        assert window.article_model.rowCount() == len(model.order), \
            self.report(n, "the article list does not show the project's articles")
        assert window.project.settings.token_snapping == model.snapping, \
            self.report(n, f"token snapping is {window.project.settings.token_snapping}")
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
        """Press a label's digit: label the selection (snapped as the project says), else
        relabel the current span."""
        selection = self.window.view.selection_range()
        cur = self.current()
        key = f"{self.keys[label]} ({label})"
        if selection is not None:
            self.wait_tokens()
            snapped = self.model.selection_span(self.aid, *selection)
            how = "tokens" if self.model.snapping else "characters"
            self.events[f"label a selection ({how})"] += 1
            self.note(f"{key} on the selection {selection} -> {snapped} ({how})")
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
            self._decline_more()
        return pushed, pushed

    def _decline_more(self) -> None:
        """After a link the window may offer the entity's other accepted mentions: No."""
        linking = self.window.linking
        task = linking.more_task
        if task is None:
            return
        self.qtbot.waitUntil(task.isFinished, timeout=20000)
        self.qtbot.wait(20)  # its result reaches the window
        box = linking.more_box
        if box is not None and box.isVisible():
            no = box.button(QMessageBox.StandardButton.No)
            self.qtbot.mouseClick(no, Qt.MouseButton.LeftButton)
            self.window.activateWindow()
            self.qtbot.waitUntil(self.window.isActiveWindow)

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
        self.window.findChild(QAction, "action_link_all").trigger()
        task = self.window.linking.autolink_task
        self.qtbot.waitUntil(lambda: task.isFinished(), timeout=60000)
        self.qtbot.wait(50)  # the plan reaches the window, which opens its review
        review = self.window.linking.review
        if review is not None and review.isVisible():  # closed, nothing decided
            close = review.findChild(QDialogButtonBox).button(
                QDialogButtonBox.StandardButton.Close)
            self.qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
            self.window.activateWindow()
            self.qtbot.waitUntil(self.window.isActiveWindow)
        return pushed, pushed

    def op_undo(self) -> tuple[bool, bool]:
        self.note("Ctrl+Z")
        self.press(Qt.Key.Key_Z, CTRL)
        if not self.model.undo:
            return False, False
        before, after = self.model.undo.pop()
        self.model.redo.append((before, after))
        self.model.restore(before)
        back = [a for a in before.order if a not in after.order]
        self.events["undo deletion"] += bool(back)
        self.deleted_here -= set(back)
        self.events["undo snapping"] += before.snapping != after.snapping
        if back:  # an undone deletion shows the article again
            assert self.window.article_id == back[0], self.report(
                self.n, f"shows {self.window.article_id}, not {back[0]}")
        return True, False

    def op_redo(self) -> tuple[bool, bool]:
        self.note("Ctrl+Shift+Z")
        shown = self.window.article_id
        self.press(Qt.Key.Key_Z, CTRL | SHIFT)
        if not self.model.redo:
            return False, False
        before, after = self.model.redo.pop()
        self.model.undo.append((before, after))
        self.model.restore(after)
        gone = [a for a in before.order if a not in after.order]
        self.events["redo deletion"] += bool(gone)
        self.deleted_here |= set(gone)
        self.events["redo snapping"] += before.snapping != after.snapping
        if gone:  # a deletion again: its article's place is shown if it was shown
            position = before.order.index(gone[0])
            want = after.order[min(position, len(after.order) - 1)] if shown == gone[0] else shown
            assert self.window.article_id == want, self.report(
            self.n, f"shows {self.window.article_id}, not {want}")
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
        """Ctrl+D; with undecided suggestions the window asks, and the walk answers."""
        m = self.model.aset(self.aid)
        if not m.sugg:
            self.note("Ctrl+D")
            pushed = self.model.mark_done(self.aid)
            self.press(Qt.Key.Key_D, CTRL)
            return pushed, False
        answer = self.rng.choice(["Accept them", "Reject them", "Mark done anyway", "Cancel"])
        self.note(f"Ctrl+D, answered {answer}")
        self.press(Qt.Key.Key_D, CTRL)
        answer_done_prompt(self.window, self.qtbot, answer)
        if answer == "Cancel":
            return False, False
        if answer == "Accept them":
            self.model.accept_all(self.aid)
        elif answer == "Reject them":
            m.rejected.update(m.sugg)
            m.sugg.clear()
        marked = self.model.mark_done(self.aid)  # an article done already stays as it is
        return marked or answer != "Mark done anyway", False

    def op_delete(self) -> tuple[bool, bool]:
        """Ctrl+Shift+Del; the confirmation is answered Delete (within the walk's budget,
        never for the last article) or Cancel."""
        allowed = len(self.model.order) > 1 and self.deletions < DELETIONS
        answer = "Delete article" if allowed and self.rng.random() < 0.7 else "Cancel"
        self.note(f"Ctrl+Shift+Del, answered {answer}")
        aid, earlier = self.aid, self.window.deleter.prompt
        self.press(Qt.Key.Key_Delete, CTRL | SHIFT)
        box = self.window.deleter.prompt
        assert box is not None and box is not earlier
        answer_box(self.window, self.qtbot, box, answer)
        if answer == "Cancel":
            return False, False
        self.deletions += 1
        self.deleted_here.add(aid)
        want = self.model.delete(aid)
        assert self.window.article_id == want, self.report(
            self.n, f"shows {self.window.article_id}, not {want}")
        return True, False

    def op_snapping(self) -> tuple[bool, bool]:
        """Ctrl+, then the other of "Snap spans to whole tokens" / "Character-level spans",
        and OK (or, now and then, Cancel)."""
        ok = self.rng.random() < 0.8
        snapping = not self.model.snapping
        self.note(f"Ctrl+, snapping to {'tokens' if snapping else 'characters'}, "
                  f"{'OK' if ok else 'Cancel'}")
        self.press(Qt.Key.Key_Comma, CTRL)
        dialog = self.window.desk.settings_dialog
        assert dialog is not None
        self.qtbot.waitUntil(dialog.isVisible)
        tick(self.qtbot, dialog.snap_tokens if snapping else dialog.snap_chars)
        assert dialog.snap_tokens.isChecked() == snapping
        button = QDialogButtonBox.StandardButton
        self.qtbot.mouseClick(dialog.buttons.button(button.Ok if ok else button.Cancel),
                              Qt.MouseButton.LeftButton)
        self.qtbot.waitUntil(lambda: not dialog.isVisible())
        self.window.activateWindow()
        self.qtbot.waitUntil(self.window.isActiveWindow)
        if not ok:
            return False, False
        self.model.snapping = snapping
        return True, False

    def op_import(self) -> tuple[bool, bool]:
        """File › Import folder… the seeds again: deleted articles come back where they were,
        without their annotations (the suggestion pass suggests in them again); when one was
        deleted in this window the undo history goes, as after a restart, else every undo
        step keeps them as they came back."""
        gone = [a for a in self.model.texts if a not in self.model.order]
        if not gone:
            return False, False
        self.note(f"File › Import folder… the seeds again, {len(gone)} deleted come back")
        self.window.findChild(QAction, "action_import_folder").trigger()
        dialog = next(w for w in self.window.findChildren(QFileDialog) if w.isVisible())
        dialog.selectFile(str(self.seeds))
        dialog.accept()
        self.qtbot.waitUntil(lambda: any(
            b.isVisible() for b in self.window.findChildren(QMessageBox, "summaryBox")),
            timeout=30000)
        box = next(b for b in self.window.findChildren(QMessageBox, "summaryBox")
                   if b.isVisible())
        assert f"Imported {len(gone)} article(s)" in box.text(), box.text()
        answer_box(self.window, self.qtbot, box, "OK")
        settle(self.qtbot, self.window)
        model = self.model
        got = memory_state(self.window.project)["sets"]
        fresh = {}
        for aid in gone:  # back clean: only the machine's suggestions
            rows = got.get(aid) or {"spans": [], "rejected": [], "status": "new",
                                    "suggestions": []}
            assert not rows["spans"] and not rows["rejected"] and rows["status"] == "new", \
                self.report(self.n, f"{aid} came back with its old annotations: {rows}")
            fresh[aid] = ModelSet(sugg={(r[0], r[1], r[2]): Span(
                r[0], r[1], r[2], Origin(r[3]), r[4], r[5]) for r in rows["suggestions"]})
        model.restore(model.with_articles(model.snapshot(), fresh))
        if self.deleted_here & set(gone):
            model.undo.clear()
            model.redo.clear()
            self.deleted_here.clear()
        else:  # deleted before a restart: the steps since stay, and keep them
            for stack in (model.undo, model.redo):
                stack[:] = [(model.with_articles(before, fresh),
                             model.with_articles(after, fresh)) for before, after in stack]
        self.events["import of deleted articles"] += 1
        return False, False

    def op_restart(self) -> tuple[bool, bool]:
        self.note("restart")
        self.events["restart with a deletion"] += len(self.model.order) < len(self.model.texts)
        self.events["restart with character spans"] += not self.model.snapping
        self.deleted_here.clear()
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
