"""Planning auto-links: which entity each unlinked accepted span joins, and how surely.

`plan_autolink` is pure (`progress`/`cancelled` suit a worker thread):
1. accepted spans without a kb_id are the mentions; linked spans anchor their entity;
2. within an article, mentions group by name key (see `keys`); a short form joins the
   article's longer name containing it, the most mentioned one ("Kim" -> "Kim Jong Un"
   beside one "Kim Jong-il"); an acronym joins its expansion, "X (Y)" joins Y to X;
3. a group whose longest name `CandidateMatcher.best` links confidently joins that entity;
4. across articles, groups sharing a full name are one entity, and then join the one other
   group holding that name beside its own ("Ahok" given in brackets elsewhere); a group known
   only by a short form, acronym, clipped name or nickname joins the entity whose names
   contain it; when several do, the words around its mentions and the other names of its
   article decide (`context.Context`), else the larger one;
5. each new group becomes an entity named by its commonest full name, its surfaces aliases.
Every link gets a confidence (`AutoLinkPlan.confidence`, 0..1): the same name or evidence in
the same text is sure, a short form less so by how it matched (`keys.KIND_CONFIDENCE`), a
short form several entities could own least, above all when the larger one took it on a
guess; `AutoLinkPlan.doubtful` lists the links to review first.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, count
from typing import TYPE_CHECKING

from annotator.core.autolink.context import Context
from annotator.core.autolink.keys import KIND_CONFIDENCE
from annotator.core.autolink.names import KNOWN_FAMILIES, known_places
from annotator.core.autolink.state import Group, Mention, PlanState
from annotator.core.entities import Entity
from annotator.core.linking import CandidateMatcher, strip_titles, surface_key
from annotator.core.model import Span
from annotator.core.union_find import UnionFind

if TYPE_CHECKING:
    from annotator.core.annotations import AnnotationSet
    from annotator.core.project import Project

Link = tuple[str, Span, str]  # (article_id, span, kb_id)
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
DEFAULT_THRESHOLD = 85.0
# Confidence of a group's link across articles (short forms: keys.KIND_CONFIDENCE).
SAME_NAME = 0.95  # the same full name (spelling variants pooled) in another article
OTHER_HOLDER = 0.9  # a full name that another article's group holds beside its own name
CONTEXT_CHOICE = 0.6  # a short form of several entities, chosen by the words around it
LARGEST_GUESS = 0.35  # ... the words around it did not decide: the larger entity took it
# (up to 0.25 more as the largest dominates the next one)
BRACKETS = 0.95  # "Badan Pusat Statistik (BPS)": the text says so
DOUBTFUL = 0.65  # links below this are the ones to review first
MAX_CANDIDATES = 50  # largest candidate entities considered for one short name
MAX_ALIASES = 20  # aliases of a new entity
MAX_NEW_ALIASES = 10  # aliases an existing entity learns in one pass
OPEN_BRACKET = re.compile(r"\s*\(\s*")
CLOSE_BRACKET = re.compile(r"\s*\)")
NAME_WORD = re.compile(r"[^\W_]+")


@dataclass
class AutoLinkPlan:
    """What auto-linking would do: links to make, entities to create or teach new aliases."""

    annotator: str
    links: list[Link] = field(default_factory=list)
    new_entities: list[Entity] = field(default_factory=list)
    updated_entities: list[Entity] = field(default_factory=list)
    cancelled: bool = False
    confidence: list[float] = field(default_factory=list)  # 0..1 per link, parallel to links

    def doubtful(self, below: float = DOUBTFUL) -> list[tuple[float, Link]]:
        """(confidence, link) of the links less sure than `below`, least sure first: the
        ones to review first."""
        sure = self.confidence + [1.0] * (len(self.links) - len(self.confidence))
        pairs = zip(sure, self.links, strict=False)
        return sorted(((c, link) for c, link in pairs if c < below), key=lambda x: x[0])

    def clusters(self) -> dict[str, list[tuple[str, Span]]]:
        """Mentions per kb_id, in plan order."""
        out: dict[str, list[tuple[str, Span]]] = defaultdict(list)
        for article_id, span, kb_id in self.links:
            out[kb_id].append((article_id, span))
        return dict(out)

    @property
    def to_existing(self) -> int:
        """How many links go to entities that were already in the knowledge base."""
        new = {e.kb_id for e in self.new_entities}
        return sum(1 for _, _, kb_id in self.links if kb_id not in new)


def plan_autolink(
    project: Project,
    annotator: str | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> AutoLinkPlan:
    """Plan links for every unlinked accepted span of `annotator` (default: the project's)."""
    who = annotator or project.annotator
    by_id = {aset.article_id: aset for aset in project.sets_of(who)}
    sets = [by_id[a] for a in project.article_ids if a in by_id and by_id[a].spans]
    if not any(not s.kb_id for aset in sets for s in aset.spans):
        return AutoLinkPlan(who)
    planner = Planner(project, who, threshold)
    if not planner.gather(sets, progress, cancelled):
        return AutoLinkPlan(who, cancelled=True)
    planner.link_existing()
    if not planner.cluster(cancelled):
        return AutoLinkPlan(who, cancelled=True)
    if progress:
        progress(len(sets), len(sets))
    return planner.plan()


class Planner:
    """One planning pass over an annotator's sets (the steps of the module docstring)."""

    def __init__(self, project: Project, annotator: str, threshold: float) -> None:
        self.project, self.annotator, self.threshold = project, annotator, threshold
        self.state = PlanState()

    def gather(self, sets: list[AnnotationSet], progress: Progress | None,
               cancelled: Cancelled | None) -> bool:
        """Steps 1-2: read mentions and name keys, then group each article's mentions."""
        state, keys = self.state, self.state.keys
        raw: list[list[tuple[Span, int]]] = []  # per article: (span, raw name key)
        for done, aset in enumerate(sets):
            if cancelled and cancelled():
                return False
            if progress:
                progress(done, len(sets))
            text = self.project.text(aset.article_id)
            state.articles.append(aset.article_id)
            state.texts.append(text)
            known = [s for s in aset.spans if not s.kb_id or s.kb_id in self.project.kb]
            raw.append([(s, keys.add(text[s.start : s.end], s.label)) for s in known])
        entities = [(e, [keys.add(s, e.label) for s in e.surfaces()]) for e in self.project.kb]
        if not any(fam & KNOWN_FAMILIES for fam in keys.families):
            keys.places = known_places()
        keys.canonicalise()
        for entity, ids in entities:
            found = {keys.find(k) for k in ids}
            if not found:  # a name without letters or digits (e.g. a linked ","): nothing to match
                continue
            state.groups.append(Group(-1, found, max(found, key=keys.length),
                                      kb_id=entity.kb_id))
        for article, spans in enumerate(raw):
            self._group_article(article, spans)
        return True

    def _group_article(self, article: int, spans: list[tuple[Span, int]]) -> None:
        """Groups of one article: its mentions grouped by name, short forms with full names."""
        state, keys = self.state, self.state.keys
        text = state.texts[article]
        local: dict[int, list[int]] = defaultdict(list)
        order: list[tuple[Span, int]] = []
        anchors: dict[int, Counter[str]] = defaultdict(Counter)
        for span, raw_key in spans:
            key = keys.find(raw_key)
            idx = len(state.mentions)
            state.mentions.append(Mention(state.articles[article], span,
                                          text[span.start : span.end], key, raw_key))
            state.local_sure.append(1.0)
            if span.kb_id:
                anchors[key][span.kb_id] += 1
            local[key].append(idx)
            order.append((span, key))
        uf = UnionFind()
        counts = {k: len(v) for k, v in local.items()}
        sure = dict.fromkeys(local, 1.0)
        for key in local:
            sup = keys.supersets(key)
            containers = [h for h in sup if h in local] if len(sup) < len(local) else [
                h for h in local if h in sup]
            if containers:
                uf.union(key, max(containers, key=lambda h: (counts[h], -local[h][0])))
                kind = KIND_CONFIDENCE[keys.kind[key]]  # the same text vouches for it
                sure[key] = min(1.0, kind + 0.1) - 0.1 * (len(containers) > 1)
        for (a, ka), (b, kb) in zip(order, order[1:], strict=False):
            paren = OPEN_BRACKET.fullmatch(text, a.end, b.start) and CLOSE_BRACKET.match(
                text, b.end)
            if paren and keys.paren_alias(ka, kb):
                uf.union(kb, ka)
                sure[kb] = max(sure[kb], BRACKETS)
        members_of: dict[int, list[int]] = defaultdict(list)
        for key in local:
            members_of[uf.find(key)].append(key)
        state.by_article.append([])
        for key, ids in local.items():
            for m in ids:
                state.local_sure[m] = sure[key]
        for members in members_of.values():
            rep = max(members, key=lambda k: (keys.length(k), counts[k]))
            group = Group(article, set(members), rep, [m for k in members for m in local[k]])
            votes = sum((anchors[k] for k in members), Counter())
            group.kb_id = votes.most_common(1)[0][0] if votes else None
            state.by_article[-1].append(len(state.groups))
            state.groups.append(group)

    def link_existing(self) -> None:
        """Step 3: groups with a linked mention or a confident candidate join that entity."""
        state = self.state
        for g, group in enumerate(state.groups):
            state.uf.add(g, group.kb_id, len(group.mentions))
        matcher = CandidateMatcher(self.project.kb) if len(self.project.kb) else None
        best = lru_cache(maxsize=None)(
            lambda surface, label: matcher.best(surface, label, self.threshold) if matcher else None
        )
        for group in state.groups:
            if group.kb_id is None and group.mentions:
                longest = max((state.mentions[m] for m in group.mentions),
                              key=lambda x: len(x.surface))
                found = best(longest.surface, longest.span.label)
                group.kb_id = found.entity.kb_id if found else None
                group.sure = found.score / 100.0 if found else 1.0
        first: dict[str, int] = {}
        for g, group in enumerate(state.groups):
            if group.kb_id:
                state.uf.set_kb(g, group.kb_id)
                state.uf.union(first.setdefault(group.kb_id, g), g)

    def cluster(self, cancelled: Cancelled | None) -> bool:
        """Step 4: full names across articles, then short forms, longest first."""
        state, keys, uf, groups = self.state, self.state.keys, self.state.uf, self.state.groups
        holders: dict[int, list[int]] = defaultdict(list)
        for g, group in enumerate(groups):
            for key in group.keys:
                holders[key].append(g)
        free = [g for g, group in enumerate(groups) if group.kb_id is None and group.mentions]
        by_rep: dict[int, list[int]] = defaultdict(list)
        for g in free:
            by_rep[groups[g].rep].append(g)
        supers = {k: keys.supersets(k) for k in by_rep}
        full = [(key, same) for key, same in by_rep.items() if not supers[key]]
        for _key, same in full:  # a full name: one entity ...
            for g in same[1:]:
                uf.union(same[0], g)
                groups[g].sure = min(groups[g].sure, SAME_NAME)
        for key, same in full:  # ... joining the one other holder of it
            others = {uf.find(h) for h in holders[key]} - {uf.find(same[0])}
            if len(others) == 1:  # an existing entity, or "X (Y)" seen elsewhere
                uf.union(others.pop(), same[0])
                for g in same:
                    groups[g].sure = min(groups[g].sure, OTHER_HOLDER)
        context = Context(state)
        longest_first = sorted((k for k in by_rep if supers[k]),
                               key=lambda k: (-keys.length(k), -len(keys.types[k])))
        for key in longest_first:
            if cancelled and cancelled():
                return False
            found = {uf.find(h) for sup in supers[key] for h in holders[sup]}
            ranked = sorted(found, key=lambda r: (-uf.size[r], r))
            for g in by_rep[key]:
                own = uf.find(g)  # its group may hold a longer name too ("Mega", "Megawati")
                roots = tuple(r for r in ranked if r != own)[:MAX_CANDIDATES]
                if roots:
                    kind = KIND_CONFIDENCE[keys.kind[key]]
                    if len(roots) == 1:
                        target, sure = roots[0], kind
                    else:  # the words around it decided, or the larger entity took it
                        target = context.choose(g, roots)
                        sizes = sorted((uf.size[uf.find(r)] for r in roots), reverse=True)
                        share = 1.0 - sizes[1] / sizes[0]  # how much the largest dominates
                        sure = min(kind, CONTEXT_CHOICE + min(context.last, 0.2)) if (
                            context.last) else LARGEST_GUESS + 0.25 * share
                    uf.union(target, g)
                    groups[g].sure = min(groups[g].sure, sure)
        return True

    def plan(self) -> AutoLinkPlan:
        """Step 5: links per entity, new entities, aliases learned by existing ones."""
        state, groups = self.state, self.state.groups
        plan = AutoLinkPlan(self.annotator)
        entity_groups: dict[int, list[int]] = defaultdict(list)
        for g, group in enumerate(groups):
            if group.mentions:
                entity_groups[state.uf.find(g)].append(g)
        taken = set(self.project.kb.ids())
        for root, members in sorted(entity_groups.items(), key=lambda item: item[1][0]):
            mentions = [m for g in members for m in groups[g].mentions]
            unlinked = [m for m in mentions if not state.mentions[m].span.kb_id]
            sure = {m: groups[g].sure for g in members for m in groups[g].mentions}
            if len(members) == 1 and groups[members[0]].kb_id is None:
                sure = dict.fromkeys(sure, 1.0)  # alone: nothing was joined
            if not unlinked:
                continue
            kb_id = state.uf.kb(root)
            if kb_id is None:
                entity = self._new_entity(mentions, taken)
                plan.new_entities.append(entity)
                kb_id = entity.kb_id
            else:
                learned = with_aliases(self.project.kb[kb_id],
                                       [state.mentions[m].surface for m in mentions])
                if learned is not None:
                    plan.updated_entities.append(learned)
            plan.links += [(state.mentions[m].article_id, state.mentions[m].span, kb_id)
                           for m in unlinked]
            plan.confidence += [round(min(state.local_sure[m], sure[m]), 2) for m in unlinked]
        return plan

    def _new_entity(self, mentions: list[int], taken: set[str]) -> Entity:
        """Named by the commonest full name (spelling variants pooled), the plainest spelling."""
        rows = [self.state.mentions[m] for m in mentions]
        counts = Counter(row.surface for row in rows)
        labels = Counter(row.span.label for row in rows)
        label = min(labels.items(), key=lambda item: (-item[1], item[0]))[0]
        keys, by_key = self.state.keys, Counter(row.key for row in rows)
        main = max(by_key, key=lambda k: (not keys.acro_like[k], not keys.bare[k],
                                          keys.length(k) > 1, by_key[k]))
        best = min((r for r in rows if r.key == main), key=lambda r: (
            keys.cut.get(r.raw_key, 0), -counts[r.surface], len(r.surface)))
        name = strip_titles(best.surface) or best.surface.strip()
        words = list(NAME_WORD.finditer(name))
        cut = keys.cut.get(best.raw_key, 0)
        if cut and len(words) > cut:
            name = name[words[cut].start() :]
        base = self.project.kb.new_kb_id(name)
        kb_id = next(k for k in chain([base], (f"{base}-{n}" for n in count(2))) if k not in taken)
        taken.add(kb_id)
        aliases = dedupe([s.strip() for s, _ in counts.most_common()], exclude=name)
        return Entity(kb_id, name, label, aliases[:MAX_ALIASES])


def dedupe(surfaces: Iterable[str], exclude: str) -> list[str]:
    """Surfaces without repeats under `surface_key`, none equal to `exclude`."""
    seen = {surface_key(exclude)}
    return [s for s in surfaces if (k := surface_key(s)) and k not in seen and not seen.add(k)]


def with_aliases(entity: Entity, surfaces: list[str]) -> Entity | None:
    """`entity` with the new surfaces (at most `MAX_NEW_ALIASES` more), None when none is new."""
    new = [s for s in dedupe((s.strip() for s in surfaces), entity.name)
           if not entity.has_surface(s)][:MAX_NEW_ALIASES]
    return entity.with_(aliases=[*entity.aliases, *new]) if new else None
