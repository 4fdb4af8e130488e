"""Propagation: suggest every occurrence of linked entities' aliases, carrying their kb_id.

Matching rule of `AliasFinder` (what counts as an occurrence of an alias):
- words are compared, not characters: alias and text tokens are runs of letters/digits, and
  between two tokens the text may have spaces or one hyphen, dot or apostrophe (no line break),
  so "Kim Jong-un" finds "Kim Jong Un" and "KIM JONG-UN";
- diacritics are ignored ("Erdoğan" = "Erdogan");
- letter case is ignored after the first letter, but a capitalised alias only matches where the
  text is capitalised too ("Barat" does not find "barat"); all-caps aliases of at most four
  letters ("TASS", "AS", "PBB") only match all-caps text;
- whole words only: no letter or digit right before or after ("Kim" is not found in "Kimia");
  a hyphen is a boundary, so "Putin-Kim" holds "Putin" and "Kim" (pass tokens to refuse that);
- the longest alias wins at a position, matches never overlap, scanning left to right;
- a one-word short form of a person's longer name ("Kim" of "Kim Jong-un") is skipped when a
  capitalised word follows after a space: "Kim Jong-il" is another person (weekdays excepted);
- an alias shared by two entities is ambiguous and never propagated (see `ambiguous`).
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from annotator.core.linking import fold
from annotator.core.model import Origin, Span, SpanKey
from annotator.core.tokens import Token, TokenIndex

if TYPE_CHECKING:
    from annotator.core.entities import KnowledgeBase
    from annotator.core.project import Project

Existing = Callable[[str], tuple[Iterable[Span], Collection[SpanKey]]]
TokensFor = Callable[[str, str], Sequence[Token]]
Texts = Mapping[str, str] | Iterable[tuple[str, str]]

_SEP = r"(?:[^\S\n]*[-\u2010\u2011\u2012\u2013\u2014.'\u2019\u02bc][^\S\n]*|[^\S\n]+)"
_TOKEN = re.compile(r"[^\W_]+")
_NEEDS_FOLD = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")
_STRICT_LETTERS = 4


def _fold_table() -> dict[int, str]:
    table = {}
    for cp in itertools.chain(range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        base = fold(chr(cp))
        if len(base) == 1 and base != chr(cp) and not unicodedata.combining(base):
            table[cp] = base
    return table


_FOLD = _fold_table()


def match_key(surface: str) -> str:
    """What `AliasFinder` compares: lowercase tokens without diacritics, space-joined."""
    return " ".join(_TOKEN.findall(fold(surface).lower()))


_WORD_CHAR = re.compile(r"\w")
_NEXT_WORD = re.compile(r"[^\S\n]+(\w+)")
_WEEKDAYS = frozenset(["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"])


class AliasMatch(NamedTuple):
    """One occurrence of an alias in a text."""

    start: int
    end: int
    kb_id: str
    label: str


Atom = tuple[str, str]  # ("lit", char) | ("ci", lowercase char) | ("sep", "")


def _atoms(alias: str) -> list[list[Atom]]:
    """Regex atoms of an alias; two sequences when its first letter is lowercase."""
    tokens = _TOKEN.findall(alias)
    letters = [c for c in "".join(tokens) if c.isalpha()]
    strict = bool(letters) and len(letters) <= _STRICT_LETTERS and all(c.isupper() for c in letters)
    atoms: list[Atom] = []
    for i, token in enumerate(tokens):
        if i:
            atoms.append(("sep", ""))
        for j, ch in enumerate(token):
            lit = strict or (i == 0 and j == 0) or ch.lower() == ch.upper()
            atoms.append(("lit", ch) if lit else ("ci", ch.lower()))
    first = atoms[0][1]
    if first.islower() and not strict and len(first.upper()) == 1:
        return [atoms, [("lit", first.upper()), *atoms[1:]]]
    return [atoms]


def _atom_regex(atom: Atom) -> str:
    kind, ch = atom
    if kind == "sep":
        return _SEP
    if kind == "lit":
        return re.escape(ch)
    variants = sorted({v for v in (ch, ch.upper()) if len(v) == 1 and v.lower() == ch})
    return "[" + "".join(map(re.escape, variants)) + "]" if len(variants) > 1 else re.escape(ch)


def _trie_regex(sequences: Iterable[list[Atom]]) -> str:
    """One regex for all sequences, prefixes shared, greedy so the longest alias wins."""
    root: dict = {}
    for seq in sequences:
        node = root
        for atom in seq:
            node = node.setdefault(atom, {})
        node[None] = {}

    def emit(node: dict) -> str:
        branches = [_atom_regex(a) + emit(child) for a, child in node.items() if a is not None]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if None not in node:
            return body
        return (body if len(branches) > 1 else "(?:" + body + ")") + "?"

    return emit(root)


class AliasFinder:
    """Finds aliases of many entities in texts with one prefix-trie regex (rule: module doc)."""

    def __init__(self, entities: Mapping[str, tuple[str, Iterable[str]]], min_chars: int = 2):
        owners: dict[str, set[tuple[str, str]]] = {}
        surfaces: dict[str, list[str]] = {}
        for kb_id, (label, aliases) in entities.items():
            for alias in aliases:
                folded = fold(alias).strip()
                key = match_key(folded)
                if len(key.replace(" ", "")) < min_chars:
                    continue
                owners.setdefault(key, set()).add((kb_id, label))
                surfaces.setdefault(key, []).append(folded)
        self.ambiguous = {k: {o[0] for o in v} for k, v in owners.items() if len(v) > 1}
        self._short_forms = {
            key
            for kb_id, (label, aliases) in entities.items()
            if label == "PER"
            for key in _short_forms(list(aliases))
        }
        self._owner = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}
        sequences = {
            tuple(seq)
            for key in self._owner
            for surface in surfaces[key]
            for seq in _atoms(surface)
        }
        pattern = _trie_regex(map(list, sequences))
        self._regex = re.compile(pattern + r"(?!\w)") if pattern else None
        self._memo: dict[str, tuple[tuple[str, str] | None, bool]] = {}

    @classmethod
    def from_kb(cls, kb: KnowledgeBase, only: Collection[str] | None = None) -> AliasFinder:
        """A finder for every entity of `kb`, or only those in `only` (e.g. the one just linked)."""
        chosen = (e for e in kb if only is None or e.kb_id in only)
        return cls({e.kb_id: (e.label, e.surfaces()) for e in chosen})

    def __len__(self) -> int:
        return len(self._owner)

    def owner(self, surface: str) -> tuple[str, str] | None:
        """(kb_id, label) whose alias equals `surface` under the matching rule."""
        return self._lookup(surface)[0]

    def _lookup(self, surface: str) -> tuple[tuple[str, str] | None, bool]:
        found = self._memo.get(surface)
        if found is None:
            key = match_key(surface)
            found = (self._owner.get(key), key in self._short_forms)
            if len(self._memo) < 100_000:
                self._memo[surface] = found
        return found

    def find(self, text: str) -> list[AliasMatch]:
        """Non-overlapping alias occurrences in `text`, left to right."""
        if self._regex is None:
            return []
        folded = text.translate(_FOLD) if _NEEDS_FOLD.search(text) else text
        search, out, pos = self._regex.search, [], 0
        while (m := search(folded, pos)) is not None:
            start, end = m.span()
            owner, short_form = self._lookup(m.group())
            if (start and _WORD_CHAR.match(folded, start - 1)) or owner is None:
                pos = start + 1  # refused: a shorter match may start inside it
                continue
            pos = end
            if short_form:
                after = _NEXT_WORD.match(folded, end)
                if after and after.group(1)[0].isupper() and after.group(1) not in _WEEKDAYS:
                    continue  # "Kim" followed by "Jong-il": part of someone else's name
            out.append(AliasMatch(start, end, *owner))
        return out


def _short_forms(aliases: list[str]) -> set[str]:
    """Keys of one-word aliases that are a word of a longer alias ("Kim" of "Kim Jong-un")."""
    keys = {match_key(fold(a)) for a in aliases}
    words = {w for k in keys if " " in k for w in k.split()}
    return {k for k in keys if " " not in k and k in words}


def _merged_ranges(spans: Iterable[Span]) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for span in sorted(spans):
        if ends and span.start < ends[-1]:
            ends[-1] = max(ends[-1], span.end)
        else:
            starts.append(span.start)
            ends.append(span.end)
    return starts, ends


def propagate_article(
    text: str,
    finder: AliasFinder,
    accepted: Iterable[Span] = (),
    rejected: Collection[SpanKey] = (),
    tokens: Sequence[Token] | None = None,
) -> list[Span]:
    """Propagated suggestions for one text: not overlapping `accepted`, not `rejected`."""
    starts, ends = _merged_ranges(accepted)
    index = TokenIndex(tokens) if tokens is not None else None
    out = []
    for m in finder.find(text):
        if (m.start, m.end, m.label) in rejected:
            continue
        i = bisect.bisect_right(ends, m.start)
        if i < len(starts) and starts[i] < m.end:
            continue
        if index is not None and not index.is_aligned(m.start, m.end):
            continue
        out.append(Span(m.start, m.end, m.label, Origin.PROPAGATED, m.kb_id))
    return out


def iter_propagate(
    texts: Texts,
    finder: AliasFinder,
    existing: Existing | None = None,
    tokens: TokensFor | None = None,
) -> Iterator[tuple[str, list[Span]]]:
    """(article_id, spans) one article at a time, so a worker can report progress and cancel."""
    pairs = texts.items() if isinstance(texts, Mapping) else texts
    for article_id, text in pairs:
        accepted, rejected = existing(article_id) if existing else ((), ())
        toks = tokens(article_id, text) if tokens else None
        yield article_id, propagate_article(text, finder, accepted, rejected, toks)


def propagate(
    texts: Texts,
    finder: AliasFinder,
    existing: Existing | None = None,
    tokens: TokensFor | None = None,
) -> dict[str, list[Span]]:
    """Propagated suggestions of every article that gets at least one."""
    return {aid: spans for aid, spans in iter_propagate(texts, finder, existing, tokens) if spans}


def existing_snapshot(project: Project, annotator: str | None = None) -> Existing:
    """Copy accepted spans and rejections now (UI thread), for use by a background worker."""
    snapshot = {
        aset.article_id: (tuple(aset.spans), frozenset(aset.rejected))
        for aset in project.sets_of(annotator)
    }
    empty: tuple[tuple[Span, ...], frozenset[SpanKey]] = ((), frozenset())
    return lambda article_id: snapshot.get(article_id, empty)
