"""Undoable edits of the label scheme: add, edit, rename (relabelling spans), delete.

Each command replaces `project.scheme` with a new LabelScheme (LabelScheme itself has no
rename or remove), so anything holding the old object must re-read `project.scheme`: pass
`on_changed`, called with the new scheme after every do and undo.

A rename or a delete changes spans in every loaded annotation set, of every annotator,
without touching their `updated` time (a scheme edit is not annotation work).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from annotator.core.annotations import AnnotationSet
from annotator.core.commands import Change, Command
from annotator.core.entities import Entity
from annotator.core.labels import Label, LabelScheme, label_name_problem

if TYPE_CHECKING:
    from annotator.core.project import Project

SchemeListener = Callable[[LabelScheme], None]
KEYS = tuple(str(k) for k in range(1, 10))
UNDERLINES = ("solid", "dash", "dot", "dashdot", "wave")
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-.]{0,31}$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class LabelInUse(ValueError):
    """Raised when deleting a label that spans still use, without confirmation."""

    def __init__(self, name: str, usage: Usage) -> None:
        super().__init__(f"{name} is used by {usage.describe()}")
        self.usage = usage


@dataclass(frozen=True, slots=True)
class Usage:
    """How much data carries one label, over every loaded annotator."""

    spans: int = 0
    suggestions: int = 0
    articles: int = 0
    entities: int = 0

    @property
    def unused(self) -> bool:
        return self.spans == 0 and self.suggestions == 0

    def describe(self) -> str:
        parts = [f"{self.spans} span(s)", f"{self.suggestions} suggestion(s)"]
        text = " and ".join(parts) + f" in {self.articles} article(s)"
        if self.entities:
            text += f"; {self.entities} entit{'y' if self.entities == 1 else 'ies'} in the KB"
        return text


def loaded_sets(project: Project) -> list[AnnotationSet]:
    """Every annotation set in memory, of every annotator."""
    return [s for who in project.annotators() for s in project.sets_of(who)]


def label_usage(project: Project, name: str) -> Usage:
    spans = suggestions = 0
    articles: set[str] = set()
    for aset in loaded_sets(project):
        here = sum(s.label == name for s in aset.spans)
        pending = sum(s.label == name for s in aset.suggestions)
        spans, suggestions = spans + here, suggestions + pending
        if here or pending:
            articles.add(aset.article_id)
    entities = sum(e.label == name for e in project.kb)
    return Usage(spans, suggestions, len(articles), entities)


def label_problems(scheme: LabelScheme, label: Label, replacing: str | None = None) -> list[str]:
    """Why `label` cannot go into `scheme` (in place of `replacing`); empty when it can."""
    problems = []
    problem = label_name_problem(label.name)  # what any label must be (also imported ones)
    if problem is not None:
        problems.append(problem[0].upper() + problem[1:] + ".")
    elif not _NAME.match(label.name):
        problems.append("A label name is 1-32 letters, digits, '_', '-' or '.', with no spaces.")
    elif label.name != replacing and label.name in scheme:
        problems.append(f"There is already a label {label.name}.")
    if not _COLOR.match(label.color):
        problems.append(f"Colour {label.color!r} is not of the form #RRGGBB.")
    if label.key not in ("", *KEYS):
        problems.append("A key is one of 1-9, or none.")
    if label.underline not in UNDERLINES:
        problems.append(f"Underline is one of {', '.join(UNDERLINES)}.")
    if "\n" in label.description:
        problems.append("The description is one line.")
    return problems


def free_key(scheme: LabelScheme) -> str:
    used = {label.key for label in scheme.labels}
    return next((k for k in KEYS if k not in used), "")


class SchemeCommand(Command):
    """Base: swaps `project.scheme` and tells `on_changed`."""

    def __init__(self, on_changed: SchemeListener | None = None) -> None:
        self.on_changed = on_changed
        self._old: LabelScheme | None = None
        self._new: LabelScheme | None = None

    def _swap(self, project: Project, scheme: LabelScheme) -> None:
        project.scheme = scheme
        if self.on_changed is not None:
            self.on_changed(scheme)

    def prepare(self, project: Project) -> SchemeCommand:
        """Plan the change against the current project without applying it; raises
        ValueError (or LabelInUse, KeyError) when it cannot be made. Call it before pushing
        the command on an undo stack, which cannot report errors from `do`."""
        if self._new is None:
            self._old = project.scheme
            self._new = LabelScheme.from_list(self.build(project.scheme.labels))
        return self

    def do(self, project: Project) -> None:
        self.prepare(project)
        assert self._new is not None
        self._swap(project, self._new)

    def undo(self, project: Project) -> None:
        assert self._old is not None
        self._swap(project, self._old)

    def build(self, labels: list[Label]) -> list[dict]:
        """The new scheme as `to_list()` items, from the current labels."""
        raise NotImplementedError


class AddLabel(SchemeCommand):
    """Append a new label (or insert it at `index`)."""

    def __init__(
        self, label: Label, index: int | None = None, on_changed: SchemeListener | None = None
    ) -> None:
        super().__init__(on_changed)
        self.label, self.index = label, index
        self.text = f"Add label {label.name}"

    def build(self, labels: list[Label]) -> list[dict]:
        problems = label_problems(LabelScheme(labels), self.label)
        if problems:
            raise ValueError(" ".join(problems))
        if self.label.key:
            labels = [replace(x, key="") if x.key == self.label.key else x for x in labels]
        index = len(labels) if self.index is None else self.index
        labels.insert(index, self.label)
        return LabelScheme(labels).to_list()


class EditLabel(SchemeCommand):
    """Change colour, underline, key, description or examples; a key taken from another label
    moves."""

    def __init__(
        self,
        name: str,
        *,
        color: str | None = None,
        underline: str | None = None,
        key: str | None = None,
        description: str | None = None,
        examples: str | None = None,
        on_changed: SchemeListener | None = None,
    ) -> None:
        super().__init__(on_changed)
        self.name = name
        self.fields = {
            k: v
            for k, v in (
                ("color", color),
                ("underline", underline),
                ("key", key),
                ("description", description),
                ("examples", examples),
            )
            if v is not None
        }
        self.text = f"Edit label {name}"

    def build(self, labels: list[Label]) -> list[dict]:
        scheme = LabelScheme(labels)
        old = scheme.get(self.name)
        if old is None:
            raise KeyError(f"no label {self.name}")
        new = replace(old, **self.fields)
        problems = label_problems(scheme, new, replacing=self.name)
        if problems:
            raise ValueError(" ".join(problems))
        out = []
        for label in labels:
            if label.name == self.name:
                out.append(new)
            elif new.key and label.key == new.key:
                out.append(replace(label, key=""))  # the key moves to the edited label
            else:
                out.append(label)
        return LabelScheme(out).to_list()


class _SetsCommand(SchemeCommand):
    """A scheme change that also changes spans: planned once, then replayed exactly."""

    def __init__(self, on_changed: SchemeListener | None = None) -> None:
        super().__init__(on_changed)
        self._plan: list[tuple[AnnotationSet, list[Change]]] | None = None
        self._entities: list[tuple[Entity, Entity]] = []  # (old, new)

    def plan_set(self, aset: AnnotationSet) -> list[Change]:
        raise NotImplementedError

    def plan_entities(self, project: Project) -> list[tuple[Entity, Entity]]:
        return []

    def prepare(self, project: Project) -> SchemeCommand:
        if self._plan is None:
            super().prepare(project)
            self._plan = [(s, c) for s in loaded_sets(project) if (c := self.plan_set(s))]
            self._entities = self.plan_entities(project)
        return self

    def do(self, project: Project) -> None:
        self.prepare(project)
        assert self._new is not None and self._plan is not None
        for aset, changes in self._plan:
            for change in changes:
                change.apply(aset)
        for _old, new in self._entities:
            project.kb.replace(new)
        self._swap(project, self._new)
        self._tell(project)

    def undo(self, project: Project) -> None:
        for aset, changes in reversed(self._plan or []):
            for change in reversed(changes):
                change.inverse().apply(aset)
        for old, _new in reversed(self._entities):
            project.kb.replace(old)
        super().undo(project)
        self._tell(project)

    def _tell(self, project: Project) -> None:
        for article_id in sorted({aset.article_id for aset, _ in self._plan or []}):
            project.notify(article_id)
        if self._entities:
            project.notify_kb()

    @property
    def articles(self) -> list[str]:
        """Articles whose spans this command changes (known after the first `do`)."""
        return sorted({aset.article_id for aset, _ in self._plan or []})


class RenameLabel(_SetsCommand):
    """Rename a label everywhere: scheme, spans, suggestions, rejections and KB entities."""

    def __init__(self, old: str, new: str, on_changed: SchemeListener | None = None) -> None:
        super().__init__(on_changed)
        self.old, self.new = old, new.strip()
        self.text = f"Rename label {old} to {self.new}"

    def build(self, labels: list[Label]) -> list[dict]:
        scheme = LabelScheme(labels)
        current = scheme.get(self.old)
        if current is None:
            raise KeyError(f"no label {self.old}")
        renamed = replace(current, name=self.new)
        problems = label_problems(scheme, renamed, replacing=self.old)
        if problems or self.new == self.old:
            raise ValueError(" ".join(problems) or f"{self.old} already has that name.")
        return LabelScheme([renamed if x.name == self.old else x for x in labels]).to_list()

    def plan_set(self, aset: AnnotationSet) -> list[Change]:
        changes: list[Change] = []
        for kind, pool in (("span", aset.spans), ("sugg", aset.suggestions)):
            old = [s for s in pool if s.label == self.old]
            changes += [Change(kind, False, s) for s in old]  # type: ignore[arg-type]
            changes += [Change(kind, True, s.with_(label=self.new)) for s in old]  # type: ignore[arg-type]
        for key in sorted(k for k in aset.rejected if k[2] == self.old):
            changes.append(Change("rej", False, key=key))
            if (renamed := (key[0], key[1], self.new)) not in aset.rejected:
                changes.append(Change("rej", True, key=renamed))
        return changes

    def plan_entities(self, project: Project) -> list[tuple[Entity, Entity]]:
        return [(e, e.with_(label=self.new)) for e in project.kb if e.label == self.old]


class DeleteLabel(_SetsCommand):
    """Remove a label; when spans or suggestions still use it, only with `confirmed`, and then
    those spans and suggestions go too (one undo step brings everything back). Rejections and
    knowledge-base entities with the label are kept."""

    def __init__(
        self, name: str, *, confirmed: bool = False, on_changed: SchemeListener | None = None
    ) -> None:
        super().__init__(on_changed)
        self.name, self.confirmed = name, confirmed
        self.text = f"Delete label {name}"

    def prepare(self, project: Project) -> SchemeCommand:
        if self._plan is None and not self.confirmed:
            usage = label_usage(project, self.name)
            if not usage.unused:
                raise LabelInUse(self.name, usage)
        return super().prepare(project)

    def build(self, labels: list[Label]) -> list[dict]:
        if not any(x.name == self.name for x in labels):
            raise KeyError(f"no label {self.name}")
        return LabelScheme([x for x in labels if x.name != self.name]).to_list()

    def plan_set(self, aset: AnnotationSet) -> list[Change]:
        name = self.name
        changes = [Change("span", False, s) for s in aset.spans if s.label == name]
        return changes + [Change("sugg", False, s) for s in aset.suggestions if s.label == name]
