"""Auto-linking: every unlinked accepted span of one annotator to an entity, in one undo step.

`plan_autolink` is pure (`progress`/`cancelled` suit a worker thread):
1. accepted spans without a kb_id are the mentions; linked spans anchor their entity;
2. within an article, mentions group by name key (see `autolink_index`); a short form joins
   the article's longer name containing it, the most mentioned one ("Kim" -> "Kim Jong Un"
   beside one "Kim Jong-il"); an acronym joins its expansion, "X (Y)" joins Y to X;
3. a group whose longest name `CandidateMatcher.best` links confidently joins that entity;
4. across articles, groups sharing a full name are one entity, and then join the one other
   group holding that name beside its own ("Ahok" given in brackets elsewhere); a group known
   only by a short form, acronym, clipped name or nickname joins the entity whose names
   contain it; when several do, the words around its mentions and the other names of its
   article decide (`Context`), else the larger one;
5. each new group becomes an entity named by its commonest full name, its surfaces aliases.
Every link gets a confidence (`AutoLinkPlan.confidence`, 0..1): the same name or evidence in
the same text is sure, a short form less so by how it matched (`KIND_CONFIDENCE`), a short
form several entities could own least, above all when the larger one took it on a guess;
`AutoLinkPlan.doubtful` lists the links to review first.
`autolink_command` makes a plan one CompositeCommand: the links get origin "auto".
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, count
from typing import TYPE_CHECKING

from annotator.core import autolink_index as ix
from annotator.core.commands import ArticleCommand, Change, Command, CompositeCommand
from annotator.core.entities import Entity
from annotator.core.linking import CandidateMatcher, strip_titles, surface_key
from annotator.core.model import Origin, Span

if TYPE_CHECKING:
    from annotator.core.annotations import AnnotationSet
    from annotator.core.project import Project

Link = tuple[str, Span, str]  # (article_id, span, kb_id)
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
DEFAULT_THRESHOLD = 85.0
# Confidence of a group's link across articles (short forms: autolink_index.KIND_CONFIDENCE).
SAME_NAME = 0.95  # the same full name (spelling variants pooled) in another article
OTHER_HOLDER = 0.9  # a full name that another article's group holds beside its own name
CONTEXT_CHOICE = 0.6  # a short form of several entities, chosen by the words around it
LARGEST_GUESS = 0.35  # ... the words around it did not decide: the larger entity took it
# (up to 0.25 more as the largest dominates the next one)
BRACKETS = 0.95  # "Badan Pusat Statistik (BPS)": the text says so
DOUBTFUL = 0.65  # links below this are the ones to review first
_OPEN = re.compile(r"\s*\(\s*")
_CLOSE = re.compile(r"\s*\)")
MAX_ALIASES = 20
_NAME_WORD = re.compile(r"[^\W_]+")


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


@dataclass(slots=True)
class _Node:
    """A group of mentions of one article (or an existing entity with no article)."""

    article: int
    keys: set[int]
    rep: int
    mentions: list[int] = field(default_factory=list)
    kb_id: str | None = None
    sure: float = 1.0  # how sure its attachment to its entity is (see AutoLinkPlan.confidence)


class Planner:
    """One planning pass over an annotator's sets (the steps of the module docstring)."""

    def __init__(self, project: Project, annotator: str, threshold: float) -> None:
        self.project, self.annotator, self.threshold = project, annotator, threshold
        self.keys = ix.KeyTable()
        self.mentions: list[tuple[str, Span, str, int, int]] = []  # ..., key, raw key
        self.local_sure: list[float] = []  # per mention: how sure its article's grouping is
        self.articles: list[str] = []
        self.texts: list[str] = []
        self.nodes: list[_Node] = []
        self.by_article: list[list[int]] = []
        self.uf = ix.LinkedUnionFind()

    def gather(self, sets: list[AnnotationSet], progress: Progress | None,
               cancelled: Cancelled | None) -> bool:
        """Steps 1-2: read mentions and name keys, then group each article's mentions."""
        raw: list[list[tuple[Span, str, str | None, int]]] = []
        for done, aset in enumerate(sets):
            if cancelled and cancelled():
                return False
            if progress:
                progress(done, len(sets))
            text = self.project.text(aset.article_id)
            self.articles.append(aset.article_id)
            self.texts.append(text)
            known = [s for s in aset.spans if not s.kb_id or s.kb_id in self.project.kb]
            raw.append([(s, text[s.start : s.end], s.kb_id,
                         self.keys.add(text[s.start : s.end], s.label)) for s in known])
        entities = [(e, [self.keys.add(s, e.label) for s in e.surfaces()])
                    for e in self.project.kb]
        if not any(fam & ix.KNOWN_FAMILIES for fam in self.keys.families):
            self.keys.places = ix.known_places()
        self.keys.canonicalise()
        for entity, ids in entities:
            keys = {self.keys.find(k) for k in ids}
            if not keys:  # a name without letters or digits (e.g. a linked ","): nothing to match
                continue
            self.nodes.append(_Node(-1, keys, max(keys, key=self.keys.length),
                                    kb_id=entity.kb_id))
        for article, spans in enumerate(raw):
            self._group_article(article, spans)
        return True

    def _group_article(self, article: int,
                       spans: list[tuple[Span, str, str | None, int]]) -> None:
        """Nodes of one article: its mentions grouped by name, short forms with full names."""
        local: dict[int, list[int]] = defaultdict(list)
        order: list[tuple[Span, int]] = []
        anchors: dict[int, Counter[str]] = defaultdict(Counter)
        for span, surface, kb_id, raw_key in spans:
            key = self.keys.find(raw_key)
            idx = len(self.mentions)
            self.mentions.append((self.articles[article], span, surface, key, raw_key))
            self.local_sure.append(1.0)
            if kb_id:
                anchors[key][kb_id] += 1
            local[key].append(idx)
            order.append((span, key))
        uf = ix.UnionFind()
        counts = {k: len(v) for k, v in local.items()}
        sure = dict.fromkeys(local, 1.0)
        for key in local:
            sup = self.keys.supersets(key)
            containers = [h for h in sup if h in local] if len(sup) < len(local) else [
                h for h in local if h in sup]
            if containers:
                uf.union(key, max(containers, key=lambda h: (counts[h], -local[h][0])))
                kind = ix.KIND_CONFIDENCE[self.keys.kind[key]]  # the same text vouches for it
                sure[key] = min(1.0, kind + 0.1) - 0.1 * (len(containers) > 1)
        text = self.texts[article]
        for (a, ka), (b, kb) in zip(order, order[1:], strict=False):
            paren = _OPEN.fullmatch(text, a.end, b.start) and _CLOSE.match(text, b.end)
            if paren and self.keys.paren_alias(ka, kb):
                uf.union(kb, ka)
                sure[kb] = max(sure[kb], BRACKETS)
        groups: dict[int, list[int]] = defaultdict(list)
        for key in local:
            groups[uf.find(key)].append(key)
        self.by_article.append([])
        for key, ids in local.items():
            for m in ids:
                self.local_sure[m] = sure[key]
        for members in groups.values():
            rep = max(members, key=lambda k: (self.keys.length(k), counts[k]))
            node = _Node(article, set(members), rep, [m for k in members for m in local[k]])
            votes = sum((anchors[k] for k in members), Counter())
            node.kb_id = votes.most_common(1)[0][0] if votes else None
            self.by_article[-1].append(len(self.nodes))
            self.nodes.append(node)

    def link_existing(self) -> None:
        """Step 3: groups with a linked mention or a confident candidate join that entity."""
        for n, node in enumerate(self.nodes):
            self.uf.add(n, node.kb_id, len(node.mentions))
        matcher = CandidateMatcher(self.project.kb) if len(self.project.kb) else None
        best = lru_cache(maxsize=None)(
            lambda surface, label: matcher.best(surface, label, self.threshold) if matcher else None
        )
        for node in self.nodes:
            if node.kb_id is None and node.mentions:
                _, span, surface, *_ = max((self.mentions[m] for m in node.mentions),
                                           key=lambda x: len(x[2]))
                found = best(surface, span.label)
                node.kb_id = found.entity.kb_id if found else None
                node.sure = found.score / 100.0 if found else 1.0
        first: dict[str, int] = {}
        for n, node in enumerate(self.nodes):
            if node.kb_id:
                self.uf.set_kb(n, node.kb_id)
                self.uf.union(first.setdefault(node.kb_id, n), n)

    def cluster(self, cancelled: Cancelled | None) -> bool:
        """Step 4: full names across articles, then short forms, longest first."""
        holders: dict[int, list[int]] = defaultdict(list)
        for n, node in enumerate(self.nodes):
            for key in node.keys:
                holders[key].append(n)
        free = [n for n, node in enumerate(self.nodes) if node.kb_id is None and node.mentions]
        by_rep: dict[int, list[int]] = defaultdict(list)
        for n in free:
            by_rep[self.nodes[n].rep].append(n)
        supers = {k: self.keys.supersets(k) for k in by_rep}
        full = [(key, nodes) for key, nodes in by_rep.items() if not supers[key]]
        for _key, nodes in full:  # a full name: one entity ...
            for n in nodes[1:]:
                self.uf.union(nodes[0], n)
                self.nodes[n].sure = min(self.nodes[n].sure, SAME_NAME)
        for key, nodes in full:  # ... joining the one other holder of it
            others = {self.uf.find(h) for h in holders[key]} - {self.uf.find(nodes[0])}
            if len(others) == 1:  # an existing entity, or "X (Y)" seen elsewhere
                self.uf.union(others.pop(), nodes[0])
                for n in nodes:
                    self.nodes[n].sure = min(self.nodes[n].sure, OTHER_HOLDER)
        context = ix.Context(self)
        longest_first = sorted((k for k in by_rep if supers[k]),
                               key=lambda k: (-self.keys.length(k), -len(self.keys.types[k])))
        for key in longest_first:
            if cancelled and cancelled():
                return False
            found = {self.uf.find(h) for sup in supers[key] for h in holders[sup]}
            ranked = sorted(found, key=lambda r: (-self.uf.size[r], r))
            for n in by_rep[key]:
                own = self.uf.find(n)  # its group may hold a longer name too ("Mega", "Megawati")
                roots = tuple(r for r in ranked if r != own)[:ix.MAX_CANDIDATES]
                if roots:
                    kind = ix.KIND_CONFIDENCE[self.keys.kind[key]]
                    if len(roots) == 1:
                        target, sure = roots[0], kind
                    else:  # the words around it decided, or the larger entity took it
                        target = context.choose(n, roots)
                        sizes = sorted((self.uf.size[self.uf.find(r)] for r in roots),
                                       reverse=True)
                        share = 1.0 - sizes[1] / sizes[0]  # how much the largest dominates
                        sure = min(kind, CONTEXT_CHOICE + min(context.last, 0.2)) if (
                            context.last) else LARGEST_GUESS + 0.25 * share
                    self.uf.union(target, n)
                    self.nodes[n].sure = min(self.nodes[n].sure, sure)
        return True

    def plan(self) -> AutoLinkPlan:
        """Step 5: links per group, new entities, aliases learned by existing ones."""
        plan = AutoLinkPlan(self.annotator)
        members: dict[int, list[int]] = defaultdict(list)
        for n, node in enumerate(self.nodes):
            if node.mentions:
                members[self.uf.find(n)].append(n)
        taken = set(self.project.kb.ids())
        for root, nodes in sorted(members.items(), key=lambda item: item[1][0]):
            unlinked = [m for n in nodes for m in self.nodes[n].mentions
                        if not self.mentions[m][1].kb_id]
            sure = {m: self.nodes[n].sure for n in nodes for m in self.nodes[n].mentions}
            if len(nodes) == 1 and self.nodes[nodes[0]].kb_id is None:
                sure = dict.fromkeys(sure, 1.0)  # alone: nothing was joined
            if not unlinked:
                continue
            kb_id = self.uf.kb(root)
            mentions = [m for n in nodes for m in self.nodes[n].mentions]
            if kb_id is None:
                entity = self._new_entity(mentions, taken)
                plan.new_entities.append(entity)
                kb_id = entity.kb_id
            else:
                learned = _with_aliases(self.project.kb[kb_id],
                                        [self.mentions[m][2] for m in mentions])
                if learned is not None:
                    plan.updated_entities.append(learned)
            plan.links += [(self.mentions[m][0], self.mentions[m][1], kb_id) for m in unlinked]
            plan.confidence += [round(min(self.local_sure[m], sure[m]), 2) for m in unlinked]
        return plan

    def _new_entity(self, mentions: list[int], taken: set[str]) -> Entity:
        """Named by the commonest full name (spelling variants pooled), the plainest spelling."""
        rows = [self.mentions[m] for m in mentions]
        counts = Counter(row[2] for row in rows)
        labels = Counter(row[1].label for row in rows)
        label = min(labels.items(), key=lambda item: (-item[1], item[0]))[0]
        keys, by_key = self.keys, Counter(row[3] for row in rows)
        main = max(by_key, key=lambda k: (not keys.acro_like[k], not keys.bare[k],
                                          keys.length(k) > 1, by_key[k]))
        _, _, best, _, raw = min((r for r in rows if r[3] == main), key=lambda r: (
            keys.cut.get(r[4], 0), -counts[r[2]], len(r[2])))
        name = strip_titles(best) or best.strip()
        words = list(_NAME_WORD.finditer(name))
        if keys.cut.get(raw, 0) and len(words) > keys.cut[raw]:
            name = name[words[keys.cut[raw]].start() :]
        base = self.project.kb.new_kb_id(name)
        kb_id = next(k for k in chain([base], (f"{base}-{n}" for n in count(2))) if k not in taken)
        taken.add(kb_id)
        aliases = _dedupe([s.strip() for s, _ in counts.most_common()], exclude=name)
        return Entity(kb_id, name, label, aliases[:MAX_ALIASES])


def _dedupe(surfaces: Iterable[str], exclude: str) -> list[str]:
    """Surfaces without repeats under `surface_key`, none equal to `exclude`."""
    seen = {surface_key(exclude)}
    return [s for s in surfaces if (k := surface_key(s)) and k not in seen and not seen.add(k)]


def _with_aliases(entity: Entity, surfaces: list[str]) -> Entity | None:
    """`entity` with the new surfaces (at most 10 more aliases), None when nothing is new."""
    new = [s for s in _dedupe((s.strip() for s in surfaces), entity.name)
           if not entity.has_surface(s)][:10]
    return entity.with_(aliases=[*entity.aliases, *new]) if new else None


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


# -- commands ----------------------------------------------------------------------------
class ChangeEntities(Command):
    """Add new entities and store changed versions of others, with one KB notification."""

    text = "Change entities"

    def __init__(self, added: list[Entity], replaced: list[Entity]) -> None:
        self.added, self.replaced = added, replaced
        self._old: list[Entity] = []

    def do(self, project: Project) -> None:
        for entity in self.added:
            project.kb.add(entity)
        self._old = [project.kb.replace(e) for e in self.replaced]
        project.notify_kb()

    def undo(self, project: Project) -> None:
        for entity in reversed(self._old):
            project.kb.replace(entity)
        for entity in reversed(self.added):
            project.kb.remove(entity.kb_id)
        project.notify_kb()


class RelinkSpans(ArticleCommand):
    """Give accepted spans of one article new links and origin (skips spans since changed)."""

    text = "Link spans"
    starts_progress = False

    def __init__(self, article_id: str, links: list[tuple[Span, str]], origin: Origin,
                 annotator: str | None = None, only_unlinked: bool = True) -> None:
        super().__init__(article_id)
        self.links, self.origin, self.annotator = links, origin, annotator
        self.only_unlinked = only_unlinked

    def plan(self, aset: AnnotationSet) -> list[Change]:
        current = {s.key: s for s in aset.spans}
        changes = []
        for span, kb_id in self.links:
            old = current.get(span.key)
            if old is None or (self.only_unlinked and old.kb_id):
                continue
            new = old.with_(origin=self.origin, kb_id=kb_id or None)  # notes stay
            changes += [Change("span", False, old), Change("span", True, new)]
        return changes

    def do(self, project: Project) -> None:
        aset = project.annotation_set(self.article_id, self.annotator)
        if self._changes is None:
            self._changes = self.plan(aset)
        self._swap(aset, self._changes)
        project.notify(self.article_id)

    def undo(self, project: Project) -> None:
        aset = project.annotation_set(self.article_id, self.annotator)
        self._swap(aset, [c.inverse() for c in reversed(self._changes or [])])
        project.notify(self.article_id)

    @staticmethod
    def _swap(aset: AnnotationSet, changes: list[Change]) -> None:
        """Apply span removals and insertions at once (accepted spans never share a key)."""
        gone = {c.span.key for c in changes if c.span is not None and not c.add}
        added = [c.span for c in changes if c.span is not None and c.add]
        aset.spans = sorted([s for s in aset.spans if s.key not in gone] + added)
        aset.touch()


def autolink_command(project: Project, plan: AutoLinkPlan) -> CompositeCommand:
    """The plan as one undoable step: add entities, teach aliases, link with origin "auto"."""
    rename: dict[str, str] = {}
    fresh = []
    for entity in plan.new_entities:  # the KB may have changed since planning
        if entity.kb_id in project.kb:
            rename[entity.kb_id] = project.kb.new_kb_id(entity.name)
            entity = entity.with_(kb_id=rename[entity.kb_id])
        fresh.append(entity)
    updated = [e for e in plan.updated_entities if e.kb_id in project.kb]
    steps: list[Command] = [ChangeEntities(fresh, updated)] if fresh or updated else []
    per_article: dict[str, list[tuple[Span, str]]] = defaultdict(list)
    for article_id, span, kb_id in plan.links:
        per_article[article_id].append((span, rename.get(kb_id, kb_id)))
    steps += [RelinkSpans(a, links, Origin.AUTO, plan.annotator)
              for a, links in per_article.items()]
    command = CompositeCommand(f"Auto-link {len(plan.links)} mentions", steps)
    command.article_id = None
    return command


def accept_auto_links(project: Project, annotator: str | None = None) -> CompositeCommand:
    """Confirm every auto link of the annotator at once: origin "auto" becomes "manual"."""
    who = annotator or project.annotator
    steps: list[Command] = []
    for aset in project.sets_of(who):
        auto = [(s, s.kb_id or "") for s in aset.spans if s.origin == Origin.AUTO and s.kb_id]
        if auto:
            steps.append(RelinkSpans(aset.article_id, auto, Origin.MANUAL, who, False))
    command = CompositeCommand(f"Accept {sum(len(s.links) for s in steps)} auto links", steps)
    command.article_id = None
    return command


def auto_links(project: Project, annotator: str | None = None) -> int:
    """How many accepted spans of the annotator carry an auto link not yet accepted."""
    return sum(1 for aset in project.sets_of(annotator) for s in aset.spans
               if s.origin == Origin.AUTO and s.kb_id)
