"""The project knowledge base: entities with a canonical name, a label and aliases."""

from __future__ import annotations

import dataclasses
import re
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from annotator.core.linking import fold, strip_titles, surface_key


@dataclass(frozen=True)
class Entity:
    """One real-world thing; a value: change it with `with_` and `KnowledgeBase.replace`."""

    kb_id: str
    name: str
    label: str
    aliases: list[str] = field(default_factory=list)
    note: str = ""
    external_ids: dict[str, str] = field(default_factory=dict)
    created: float = field(default_factory=time.time)

    def __post_init__(self) -> None:
        # Own copies, so a caller's list or dict never changes a stored entity behind the KB.
        object.__setattr__(self, "aliases", list(self.aliases))
        object.__setattr__(self, "external_ids", dict(self.external_ids))

    def __hash__(self) -> int:
        return hash(self.kb_id)

    def surfaces(self) -> list[str]:
        """Name and aliases, without duplicates under `surface_key`."""
        seen: set[str] = set()
        out = []
        for surface in (self.name, *self.aliases):
            key = surface_key(surface)
            if key and key not in seen:
                seen.add(key)
                out.append(surface)
        return out

    def has_surface(self, surface: str) -> bool:
        key = surface_key(surface)
        return any(surface_key(s) == key for s in (self.name, *self.aliases))

    def with_(self, **changes: Any) -> Entity:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kb_id": self.kb_id,
            "name": self.name,
            "label": self.label,
            "aliases": list(self.aliases),
            "note": self.note,
            "external_ids": dict(self.external_ids),
            "created": self.created,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            kb_id=str(data["kb_id"]),
            name=str(data["name"]),
            label=str(data["label"]),
            aliases=[str(a) for a in data.get("aliases", [])],
            note=str(data.get("note", "")),
            external_ids={str(k): str(v) for k, v in data.get("external_ids", {}).items()},
            created=float(data.get("created", 0.0)),
        )


def slugify(name: str) -> str:
    """Readable id part: ASCII, lowercase, words joined by hyphens ("kim-jong-un")."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name).casefold()).strip("-")
    return slug[:60].rstrip("-") or "entity"


class KnowledgeBase:
    """Entities by kb_id with small primitive mutations, each bumping `version`."""

    JOURNAL = 512

    def __init__(self, entities: Iterable[Entity] = ()) -> None:
        self._entities: dict[str, Entity] = {}
        self.version = 0
        self._journal: deque[tuple[int, str]] = deque(maxlen=self.JOURNAL)
        for entity in entities:
            self.add(entity)

    # -- queries ----------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entities)

    def __contains__(self, kb_id: object) -> bool:
        return kb_id in self._entities

    def __iter__(self) -> Iterator[Entity]:
        return iter(list(self._entities.values()))

    def __getitem__(self, kb_id: str) -> Entity:
        return self._entities[kb_id]

    def get(self, kb_id: str | None) -> Entity | None:
        return self._entities.get(kb_id) if kb_id else None

    def ids(self) -> list[str]:
        return list(self._entities)

    def new_kb_id(self, name: str) -> str:
        """A readable slug of `name` not used yet: "kim-jong-un", then "kim-jong-un-2"."""
        base = slugify(name)
        kb_id, n = base, 1
        while kb_id in self._entities:
            n += 1
            kb_id = f"{base}-{n}"
        return kb_id

    def changes_since(self, version: int) -> set[str] | None:
        """kb_ids changed after `version`, or None when the journal no longer reaches back."""
        if version == self.version:
            return set()
        if version > self.version or not self._journal or self._journal[0][0] > version + 1:
            return None
        return {kb_id for v, kb_id in self._journal if v > version}

    # -- primitive mutations (wrap these in undoable commands) ----------------
    def add(self, entity: Entity) -> None:
        """Insert a new entity; undo with `remove`."""
        if entity.kb_id in self._entities:
            raise ValueError(f"kb_id {entity.kb_id!r} already exists")
        self._entities[entity.kb_id] = entity
        self._changed(entity.kb_id)

    def remove(self, kb_id: str) -> Entity:
        """Delete an entity and return it; undo with `add`."""
        entity = self._entities.pop(kb_id)
        self._changed(kb_id)
        return entity

    def replace(self, entity: Entity) -> Entity:
        """Store a changed version of an existing entity and return the old one (undo: replace)."""
        old = self._entities[entity.kb_id]
        self._entities[entity.kb_id] = entity
        self._changed(entity.kb_id)
        return old

    def _changed(self, kb_id: str) -> None:
        self.version += 1
        self._journal.append((self.version, kb_id))

    # -- serialisation ----------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"entities": [e.to_dict() for e in self._entities.values()]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KnowledgeBase:
        return cls(Entity.from_dict(item) for item in data.get("entities", []))


_SURNAME_FIRST = frozenset(
    [
        "kim", "lee", "ri", "park", "pak", "choi", "choe", "jung", "jang", "kang", "cho",
        "yoon", "lim", "han", "oh", "seo", "shin", "kwon", "hwang", "ahn", "song", "moon", "xi",
        "li", "wang", "zhang", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu", "hu",
        "deng", "mao",
    ]
)


def person_short_form(name: str) -> str | None:
    """How news refers to a person on second mention: "Kim" of "Kim Jong-un", "Putin"."""
    words = name.split()
    if len(words) < 2:
        return None
    if words[0].casefold() in _SURNAME_FIRST:
        return words[0]
    return words[-1] if len(words[-1]) > 2 else None


def draft_entity(kb: KnowledgeBase, surface: str, label: str) -> Entity:
    """The "new entity" choice for a span: titles stripped from the name, surface kept as alias.

    A person also gets the short form used on second mention ("Kim", "Putin") as an alias.
    """
    name = strip_titles(surface) or surface.strip()
    aliases = [surface.strip()] if surface_key(surface) != surface_key(name) else []
    short = person_short_form(name) if label == "PER" else None
    if short and surface_key(short) not in {surface_key(a) for a in (name, *aliases)}:
        aliases.append(short)
    return Entity(kb.new_kb_id(name), name, label, aliases)


def merged(target: Entity, source: Entity) -> Entity:
    """`target` absorbing `source`: its name and aliases, external ids and note."""
    aliases = list(target.aliases)
    known = {surface_key(s) for s in target.surfaces()}
    for surface in source.surfaces():
        key = surface_key(surface)
        if key not in known:
            known.add(key)
            aliases.append(surface)
    note = "\n".join(n for n in dict.fromkeys([target.note, source.note]) if n)
    ids = {**source.external_ids, **target.external_ids}
    return target.with_(aliases=aliases, note=note, external_ids=ids)


Mention = tuple[str, str, str]  # (kb_id, surface text, label) of one linked span


def entities_from_mentions(
    kb: KnowledgeBase, mentions: Iterable[Mention]
) -> tuple[list[Entity], list[Entity]]:
    """(new, changed) entities: an unknown kb_id is named by its most frequent mention (ties:
    first seen), other mentions are aliases, majority label; a known one learns aliases."""
    surfaces: dict[str, Counter[str]] = {}
    labels: dict[str, Counter[str]] = {}
    for kb_id, surface, label in mentions:
        surface = " ".join(surface.split())
        if kb_id and surface_key(surface):
            surfaces.setdefault(kb_id, Counter())[surface] += 1
            labels.setdefault(kb_id, Counter())[label] += 1
    new, changed = [], []
    for kb_id, counts in surfaces.items():
        ranked = [s for s, _ in counts.most_common()]  # stable: ties keep first-seen order
        entity = kb.get(kb_id)
        if entity is None:
            name = ranked[0]
            label = labels[kb_id].most_common(1)[0][0]
            new.append(_with_aliases(Entity(kb_id, name, label, []), ranked[1:]))
        elif (learned := _with_aliases(entity, ranked)) is not entity:
            changed.append(learned)
    return new, changed


def learn_entities(kb: KnowledgeBase, mentions: Iterable[Mention]) -> tuple[int, int]:
    """Apply `entities_from_mentions` to `kb`; (entities added, entities given new aliases)."""
    new, changed = entities_from_mentions(kb, mentions)
    for entity in new:
        kb.add(entity)
    for entity in changed:
        kb.replace(entity)
    return len(new), len(changed)


def _with_aliases(entity: Entity, surfaces: Iterable[str]) -> Entity:
    """`entity` with the surfaces it does not know yet appended to its aliases."""
    known = {surface_key(s) for s in (entity.name, *entity.aliases)}
    extra = []
    for surface in surfaces:
        key = surface_key(surface)
        if key and key not in known:
            known.add(key)
            extra.append(surface)
    return entity.with_(aliases=[*entity.aliases, *extra]) if extra else entity


def entities_for_links(
    target: KnowledgeBase, linked: Iterable[Mention], sources: Iterable[KnowledgeBase]
) -> list[Entity]:
    """Entities `target` lacks for the kb_ids of `linked`: each copied from the first source
    knowing it, else built from the linked mentions (as `entities_from_mentions` builds)."""
    missing = [m for m in linked if m[0] not in target]
    found: dict[str, Entity] = {}
    for source in sources:
        for kb_id, _, _ in missing:
            entity = source.get(kb_id)
            if entity is not None and kb_id not in found:
                found[kb_id] = entity
    built, _ = entities_from_mentions(target, [m for m in missing if m[0] not in found])
    return [*found.values(), *built]
