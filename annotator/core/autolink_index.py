"""Auto-linking helpers: name keys and how they contain each other, union-finds, context.

A name key is a mention's normalised name (`linking.normalise`: titles, case, diacritics,
hyphens aside) as a set of tokens, with old Indonesian spelling modernised ("Soeharto" =
"Suharto", "Cina" = "Tiongkok"), spelling variants of longer tokens unified ("Dmitri" =
"Dmitry", "Moskow" = "Moscow"), a middle initial read as the one known middle name ("Basuki
T Purnama" = "Basuki Tjahaja Purnama") and type words reduced to their type ("kosmodrom" =
"cosmodrome"; a type word alone, "DKI", keeps its word). A key belongs to one label family:
names of incompatible labels never mix (GPE, LOC and FAC count as one family of places;
label names of other schemes are understood too: PERSON, PPL, ORGANISATION, PLACE ...).
Key B contains key A when A can refer to B, labels agreeing:
- persons: A's tokens are a proper subset of B's ("Putin" < "Vladimir Putin");
- others: the same name without a type word ("Vostochny" < "Kosmodrom Vostochny");
- acronyms: A is acronym-like and the acronym of B's surface ("AS" < "Amerika Serikat"),
  preferred to names holding A as a word ("AS Roma");
- a type word alone: the names holding it ("DKI" < "DKI Jakarta", "City" < "Manchester City");
- when nothing else contains it, a clipped name: A joins the starts of B's words in order
  ("Sulsel" < "Sulawesi Selatan", "Kemenhub" < "Kementerian Perhubungan"), else a nickname:
  A starts a word of a person-like B ("Mega" < "Megawati Soekarnoputri").
When no mention at all has a person's label (every span "ENT", say), a name of at most four
words is treated as a person's unless it has a weak word ("utara", "dewan"), a type word, a
head noun of organisations or facilities ("Bursa", "Hotel", "Jembatan", "Channel") or adds a
word in capitals ("Indofood CBP" is a unit of "Indofood"); and a known place (the gazetteers'
GPE and LOC names) is never such a short form: head first, modifier after, so "Jakarta" is
where "Bursa Efek Jakarta" is, not its short name. A person's name that starts with a place
or organisation named elsewhere loses it ("Rusia Sergei Shoigu" = "Sergei Shoigu", "Kremlin
Dmitry Peskov" = "Dmitry Peskov").
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from annotator.core.linking import (
    CLASS_TYPES,
    CLASS_WORDS,
    FUNCTION_WORDS,
    WEAK_WORDS,
    acronym,
    fold,
    is_acronym_like,
    normalise,
    strip_titles,
    surface_key,
)
from annotator.core.union_find import LinkedUnionFind, UnionFind

if TYPE_CHECKING:
    from annotator.core.autolink import Planner

__all__ = ["Context", "KeyTable", "LinkedUnionFind", "UnionFind", "is_acronym_like"]

_FAMILY_LABELS = {
    "person": "PER PERSON PERS PPL PEOPLE",
    "place": "GPE LOC FAC LOCATION PLACE PLC FACILITY GEO",
    "org": "ORG ORGANISATION ORGANIZATION IND COMPANY CORP",
}
FAMILIES = {label: family for family, labels in _FAMILY_LABELS.items() for label in labels.split()}
_OLD_SPELLING = (("tj", "c"), ("dj", "j"), ("sj", "sy"), ("oe", "u"))
_RENAMED = {"cina": "tiongkok", "china": "tiongkok"}
_OLD_INITIAL = {"c": "t", "j": "d", "u": "o"}  # "T" may stand for "Tjahaja" (now "cahaja")
_WORDS = re.compile(r"[^\W\d_]{3,}")
_STOPWORDS = (
    """yang dan dari untuk dengan pada itu ini akan juga telah dalam kata bahwa para oleh sebagai
    tersebut adalah atau tidak karena setelah saat mereka dia kami kita tetapi namun bagi hari
    lebih sudah masih antara secara seperti menurut mengatakan melalui terhadap sejak hingga ada
    the and for with that this from said"""
)
_STOP = frozenset(_STOPWORDS.split())
_KNOWN = KNOWN_FAMILIES = frozenset(_FAMILY_LABELS)
_PREFIXES = frozenset({"place", "org"})
# Head nouns of organisations, facilities and works: a name holding one is no person's
# ("Disney" is not short for "Disney Channel", nor "Kenjeran" for "Jembatan Kenjeran").
_HEAD_NOUNS = (
    """bursa efek hotel resor stadion gedung jembatan kompleks komplek menara masjid gereja pura
    pasar taman klinik rsud yayasan ikatan asosiasi persatuan perhimpunan himpunan koperasi
    penerbit terminal jalan tol bendungan museum perpustakaan sekolah akademi politeknik
    channel pictures records airlines airways airport bank university college foundation
    institute resort stadium arena park center centre mall plaza tower hospital school club fc
    open cup championship league award awards festival"""
)
HEAD_NOUNS = frozenset(_HEAD_NOUNS.split())
_NOT_NAMES = WEAK_WORDS | FUNCTION_WORDS | HEAD_NOUNS
_OPAQUE = frozenset({"<university>", "<summit>"})  # "Universitas Indonesia" is not Indonesia
# How sure a short form is of the one longer name containing it, by how it is contained.
KIND_CONFIDENCE = {"part": 0.85, "acronym": 0.8, "type word": 0.7, "clipped": 0.7,
                   "nickname": 0.6}
NICK_MIN = 4  # letters of a nickname that is the start of a name ("Mega" for "Megawati")
WINDOW = 150  # characters of context on each side of a mention
MIN_SIMILARITY, MARGIN = 0.05, 0.01


@lru_cache(maxsize=1)
def known_places() -> frozenset[tuple[str, ...]]:
    """Place names of the gazetteers (resources/gazetteer/gpe.jsonl, loc.jsonl) as name keys.

    Only read when no mention has a known label: then they tell a city or a country from a
    short personal name ("Jakarta" is not short for "Bursa Efek Jakarta"). The folder is
    $ANNOTATOR_RESOURCES, else the repository's resources/, else ./resources (as for the
    suggester); none found, no places are known."""
    roots = [Path(os.environ["ANNOTATOR_RESOURCES"])] if os.environ.get(
        "ANNOTATOR_RESOURCES") else []
    roots += [Path(__file__).resolve().parents[2] / "resources", Path.cwd() / "resources"]
    found: set[tuple[str, ...]] = set()
    for root in roots:
        for name in ("gpe.jsonl", "loc.jsonl"):
            try:
                lines = (root / "gazetteer" / name).read_text(encoding="utf-8").splitlines()
            except OSError:
                continue
            for line in lines:
                try:
                    pattern = json.loads(line).get("pattern")
                except (ValueError, AttributeError):
                    continue
                if isinstance(pattern, str) and (norm := normalise(pattern)):
                    found.add(tuple(modern(t) for t in norm.split()))
        if found:
            break
    return frozenset(found)


def _facility_words(raw: tuple[str, ...]) -> tuple[str, ...]:
    """Words of a name key without a leading "the", "bandar udara" as "bandara", and without
    "internasional" beside a facility type ("Bandara Internasional X" = "Bandara X")."""
    if len(raw) > 1 and raw[0] == "the":  # "The Walt Disney Company"
        raw = raw[1:]
    for n in range(len(raw) - 1):
        if raw[n : n + 2] == ("bandar", "udara"):
            raw = (*raw[:n], "bandara", *raw[n + 2 :])
            break
    if len(raw) > 2 and set(raw) & _FACILITY_TYPES:
        raw = tuple(w for w in raw if w not in _INTERNATIONAL) or raw
    return raw


_FACILITY_TYPES = frozenset({"bandara", "airport", "pelabuhan", "port", "stasiun", "station",
                             "terminal"})
_INTERNATIONAL = frozenset({"internasional", "international"})


@lru_cache(maxsize=65536)
def modern(token: str) -> str:
    """A token in today's Indonesian spelling ("soeharto" -> "suharto", "djakarta" -> "jakarta",
    "cina" -> "tiongkok", the official name since 2014)."""
    for old, new in _OLD_SPELLING:
        token = token.replace(old, new)
    return _RENAMED.get(token, token)


def variant(a: str, b: str) -> bool:
    """Whether two tokens are spellings of one name: 6+ letters ~80 % alike, 5 letters one
    inserted or dropped ("rusia"/"russia"); shorter tokens and ones with digits must be equal."""
    if a == b:
        return True
    short = min(len(a), len(b))
    if a[0] != b[0] or short < 5 or not (a + b).isalpha():
        return False
    if short == 5:
        return len(a) != len(b) and Levenshtein.distance(a, b) == 1
    return Levenshtein.normalized_similarity(a, b) >= 0.8


def family_of(label: str) -> str:
    """"person", "place", "org" or the label itself: which labels may name the same thing."""
    bare = label.upper().removeprefix("B-").removeprefix("I-")
    return FAMILIES.get(bare, bare)


class KeyTable:
    """Distinct name keys with their canonical form, families, acronyms and containment."""

    def __init__(self, places: frozenset[tuple[str, ...]] = frozenset()) -> None:
        self.places = places  # known place names: never guessed to be short personal names
        self.place: list[bool] = []
        self.bare: list[bool] = []  # type words only ("DKI", "City")
        self.kind: dict[int, str] = {}  # how a key's supersets contain it (see KIND_CONFIDENCE)
        self.caps: list[set[str]] = []  # 3+ capitals in a longer name ("CBP" of "Indofood CBP")
        self._ids: dict[tuple[str, tuple[str, ...]], int] = {}  # (label family, words)
        self._by_surface: dict[tuple[str, str], int] = {}
        self.raw: list[tuple[str, ...]] = []
        self.person: list[bool] = []
        self.families: list[set[str]] = []
        self.acro_like: list[bool] = []
        self.acro: list[str] = []
        self.canon: list[int] = []
        self.core: list[frozenset[str]] = []
        self.types: list[frozenset[str]] = []
        self.compact: list[str] = []
        self.cut: dict[int, int] = {}  # leading place or organisation words cut from persons
        self.has_persons = False
        self._by_token: dict[str, list[int]] = defaultdict(list)
        self._by_acro: dict[str, list[int]] = defaultdict(list)
        self._by_prefix: dict[str, list[int]] = defaultdict(list)
        self._by_type_word: dict[str, list[int]] = defaultdict(list)
        self._by_start: dict[str, list[int]] = defaultdict(list)
        self._supers: dict[int, frozenset[int]] = {}

    def add(self, surface: str, label: str) -> int:
        """The (raw) key id of a surface with a label; call before `canonicalise`."""
        family = family_of(label)
        person = family == "person"
        known = self._by_surface.get((surface, family))
        if known is None:
            norm = normalise(surface) or surface_key(surface)
            raw = tuple(modern(t) for t in norm.split()) or (surface.strip(),)
            raw = _facility_words(raw)
            known = self._ids.setdefault((family, raw), len(self.raw))
            if known == len(self.raw):
                self.raw.append(raw)
                self.person.append(person)
                self.families.append(set())
                self.acro_like.append(is_acronym_like(surface.strip()))
                self.acro.append(acronym(strip_titles(surface)).casefold())
                self.caps.append(set())
            words = surface.split()
            if len(words) > 1:
                self.caps[known].update(modern(surface_key(w)) for w in words if len(
                    w) > 2 and is_acronym_like(w))
            self._by_surface[(surface, family)] = known
        self.families[known].add(family)
        return known

    def canonicalise(self) -> None:
        """Unify spelling variants and keys equal but for spacing; build the indexes."""
        words = {t for raw in self.raw for t in raw if t not in CLASS_TYPES and len(t) >= 5}
        spelled = UnionFind()
        blocks: dict[str, list[str]] = defaultdict(list)
        for word in sorted(words):
            blocks[word[0]].append(word)
        for block in blocks.values():
            for word in block:
                hits = process.extract(word, block, scorer=fuzz.ratio, score_cutoff=70, limit=12)
                for other, _score, _i in hits:
                    if other != word and variant(word, other):
                        spelled.union(min(word, other), max(word, other))
        names = {raw for k, raw in enumerate(self.raw) if self.person[k]}  # "Kim" as GPE too
        places = {raw for k, raw in enumerate(self.raw) if self.families[k] & _PREFIXES} - names
        same = UnionFind()
        first: dict[tuple[str, object], int] = {}
        shapes: list[tuple[str, tuple[str, ...]]] = []
        for k, raw in enumerate(self.raw):
            if self.person[k]:
                cut = next((n for n in (3, 2, 1) if raw[:n] in places and len(raw) - n > 1), 0)
                self.cut[k], raw = cut, raw[cut:]
            mapped = [f"<{CLASS_TYPES[t]}>" if t in CLASS_TYPES else spelled.find(t) for t in raw]
            self.bare.append(all(t.startswith("<") for t in mapped))
            if self.bare[-1]:  # "DKI" alone is no "City"
                mapped = list(raw)
            names = frozenset(t for t in mapped if not t.startswith("<"))
            self.core.append(names or frozenset(mapped))
            self.types.append(frozenset(mapped) - names)
            self.compact.append("".join(raw))
            self.place.append(raw in self.places or tuple(
                t for t in raw if t not in CLASS_TYPES) in self.places)
            for ident in (frozenset(mapped), "".join(mapped)):
                same.union(first.setdefault((min(self.families[k]), ident), k), k)
            shapes.append((min(self.families[k]), tuple(mapped)))
        self._initials(shapes, same)
        self.canon = [same.find(k) for k in range(len(self.raw))]
        self.has_persons = any(self.person)
        for k, c in enumerate(self.canon):
            if c != k:
                self.families[c] |= self.families[k]
                self.acro_like[c] = self.acro_like[c] and self.acro_like[k]
                self.acro[c] = self.acro[c] or self.acro[k]
                self.caps[c] |= self.caps[k]
        for k in sorted(set(self.canon)):
            for token in self.core[k]:
                self._by_token[token].append(k)
                for n in range(NICK_MIN, len(token) - 1):
                    self._by_prefix[token[:n]].append(k)
            words = self._spelled_words(k)
            if 2 <= len(words) <= 5:
                self._by_start[words[0][:3]].append(k)
            if self.types[k]:
                for word in set(self.raw[k]) & CLASS_WORDS:
                    self._by_type_word[word].append(k)
            if self.acro[k] and not self.acro_like[k]:
                self._by_acro[self.acro[k]].append(k)

    @staticmethod
    def _initials(shapes: list[tuple[str, tuple[str, ...]]], same: UnionFind) -> None:
        """A middle name given by its initial is that name: "Budi S Wibowo" = "Budi Santoso
        Wibowo", when only one such name is known."""
        short: dict[tuple[str, tuple[str, ...]], set[int]] = defaultdict(set)
        for k, (person, words) in enumerate(shapes):
            if len(words) >= 3 and all(len(w) > 1 for w in words):
                for i in range(1, len(words) - 1):
                    if words[i][0].isalpha() and not words[i].startswith("<"):
                        for letter in {words[i][0], _OLD_INITIAL.get(words[i][0], "")} - {""}:
                            short[(person, (*words[:i], letter, *words[i + 1 :]))].add(k)
        for k, shape in enumerate(shapes):
            if any(len(w) == 1 for w in shape[1]) and shape in short:
                roots = {same.find(f) for f in short[shape]}
                if len(roots) == 1:
                    same.union(roots.pop(), k)

    def find(self, key: int) -> int:
        return self.canon[key]

    def length(self, key: int) -> int:
        return len(self.core[key])

    def contains(self, outer: int, inner: int) -> bool:
        """Whether `inner` may name what `outer` names (see the module docstring)."""
        if outer == inner or self.person[outer] != self.person[inner]:
            return False
        if not self.families[outer] & self.families[inner]:
            return False
        if self.acro_like[inner] and self.acro[outer] == self.compact[inner]:
            return not self.acro_like[outer]
        a, b = self.core[inner], self.core[outer]
        if self.bare[inner]:  # "DKI" alone is the "DKI Jakarta" of the project
            return not self.bare[outer] and a <= set(self.raw[outer])
        if self.person[inner]:
            return a < b
        guess = not self.has_persons and not (self.families[inner] | self.families[outer]) & _KNOWN
        if guess and a < b and len(b) <= 4 and not b & _NOT_NAMES and not self.types[outer] and (
                not self.place[inner]) and not (b - a) & self.caps[outer]:
            return True  # labels without persons: a name without weak words may be a person's
        org = self.families[inner] == self.families[outer] == {"org"}
        if org and a < b and len(b) <= 4 and not b & _NOT_NAMES and not (
                b - a) & self.caps[outer] and not self.types[outer] & _OPAQUE and (
                self._head(outer) in a):
            return True  # both organisations, head first: "Persija" is "Persija Jakarta"
        kinds = self.families[inner] <= self.families[outer]
        return a == b and self.types[inner] < self.types[outer] and kinds and not (
            self.types[outer] & _OPAQUE)

    def supersets(self, key: int) -> frozenset[int]:
        """Every canonical key that contains `key` (cached)."""
        found = self._supers.get(key)
        if found is None:
            pool = list(self._by_acro.get(self.compact[key], [])) if self.acro_like[key] else []
            if self.bare[key]:
                pool += self._by_type_word.get(min(self.core[key]), [])
            elif self.core[key]:  # "PUTIN" in a headline is a short form, not an acronym
                token = min(self.core[key], key=lambda t: len(self._by_token.get(t, ())))
                pool += self._by_token.get(token, [])
            found = frozenset(k for k in pool if self.contains(k, key))
            kind = "type word" if self.bare[key] else "part"
            if self.acro_like[key] and found:  # "AS": Amerika Serikat, not AS Roma
                expansions = {k for k in found if self.acro[k] == self.compact[key]}
                found, kind = (frozenset(expansions), "acronym") if expansions else (found, kind)
            if all(self.core[k] == self.core[key] for k in found) and self._clipped_like(key):
                # "Sulsel" beside "Provinsi Sulsel" still clips "Sulawesi Selatan"
                clipped = frozenset(k for k in self._by_start.get(min(self.core[key])[:3], ())
                                    if self._clipped(k, key))
                kind = "clipped" if clipped and not found else kind
                found |= clipped
            if not found and self._nickname_like(key):
                found, kind = frozenset(
                    k for k in self._by_prefix.get(next(iter(self.core[key])), ())
                    if self._person_like(k, key)), "nickname"
            self._supers[key] = found
            self.kind[key] = kind
        return found

    def _head(self, key: int) -> str:
        """The first name word (type words aside): the head of an Indonesian name ("persija"
        of "Persija Jakarta"; "Jakarta" is its modifier)."""
        words = self._spelled_words(key)
        return words[0] if words else ""

    def _spelled_words(self, key: int) -> tuple[str, ...]:
        """The words of a key in order, without leading type words and function words."""
        words = [w for w in self.raw[key][self.cut.get(key, 0) :] if w not in FUNCTION_WORDS]
        while words and words[0] in CLASS_WORDS:
            words.pop(0)
        return tuple(words)

    def _clipped_like(self, key: int) -> bool:
        """One word of 5+ letters that may clip the syllables of a longer name ("Sulsel")."""
        token = min(self.core[key])
        return len(self.core[key]) == 1 and len(token) >= 5 and token.isalpha() and not (
            self.bare[key])

    def _clipped(self, outer: int, inner: int) -> bool:
        """Whether `inner` joins the starts of `outer`'s words, in order, each word giving 2+
        letters (the first 3+): "Sulsel" = "Sulawesi Selatan", "Kemenhub" = "Kementerian
        Perhubungan" (a "per"/"pe"/"ke" prefix may be skipped), "Golkar" = "Partai Golongan
        Karya" (leading type words aside)."""
        if outer == inner or self.person[outer] != self.person[inner] or self.bare[outer]:
            return False
        if not self.families[outer] & self.families[inner] or self.acro_like[outer]:
            return False
        if self.place[inner] and not self.place[outer]:
            return False  # a known place clips only a place's name
        return _clips(min(self.core[inner]), self._spelled_words(outer), 3)

    def _nickname_like(self, key: int) -> bool:
        """One plain word of 4+ letters that may be the start of a longer name ("Mega")."""
        if len(self.core[key]) != 1 or self.types[key] or self.acro_like[key] or self.place[key]:
            return False
        token = next(iter(self.core[key]))
        return len(token) >= NICK_MIN and token.isalpha() and token not in _NOT_NAMES

    def _person_like(self, outer: int, inner: int) -> bool:
        """Whether `outer` may be a person's name whose word `inner` begins ("Megawati S.")."""
        if self.person[outer] != self.person[inner] or self.types[outer] or self.place[outer]:
            return False
        if not self.families[outer] & self.families[inner]:
            return False
        if self.person[outer]:
            return True
        known = (self.families[inner] | self.families[outer]) & _KNOWN
        core = self.core[outer]
        return not self.has_persons and not known and len(core) <= 4 and not core & _NOT_NAMES

    def paren_alias(self, outer: int, inner: int) -> bool:
        """Whether "OUTER (INNER)" introduces INNER as another name of OUTER."""
        same_kind = self.person[outer] == self.person[inner]
        short = self.acro_like[inner] or len(self.core[inner]) == 1
        return outer != inner and same_kind and short and bool(
            self.families[outer] & self.families[inner])


_AFFIXES = ("per", "pe", "ke")


@lru_cache(maxsize=65536)
def _clips(text: str, words: tuple[str, ...], least: int = 2) -> bool:
    """Whether `text` is the concatenation of a start (`least`+ letters) of every word."""
    if not words:
        return not text
    if not text:
        return False
    word = words[0]
    stems = [word] + [word[len(a) :] for a in _AFFIXES if word.startswith(a) and len(word) > len(
        a) + 3 and least < 3]
    for stem in stems:
        for n in range(min(len(stem), len(text) - 2 * (len(words) - 1)), least - 1, -1):
            if text.startswith(stem[:n]) and _clips(text[n:], words[1:]):
                return True
    return False


def _words(text: str) -> list[str]:
    return [w for w in _WORDS.findall(fold(text).casefold()) if w not in _STOP]


class Context:
    """Chooses among candidate entities for a short name by the words and names around it."""

    def __init__(self, planner: Planner) -> None:
        self.p = planner
        nodes = planner.nodes
        self.doc_keys = [{nodes[n].rep for n in ids} for ids in planner.by_article]
        self.key_df = Counter(k for keys in self.doc_keys for k in keys)
        texts = planner.texts
        sample = texts[:: max(1, len(texts) // 400)]
        self.word_df = Counter(w for text in sample for w in set(_words(text)))
        self.n_docs, self.n_sample = len(texts), len(sample)
        self._tables: dict[tuple[int, ...], tuple[dict[Any, int], np.ndarray]] = {}
        self.last = 0.0  # how far the last choice was ahead of the next candidate

    def _features(self, n: int) -> Counter[Any]:
        node = self.p.nodes[n]
        feats: Counter[Any] = Counter()
        if node.article < 0:
            return feats
        own = {t for k in node.keys for t in self.p.keys.raw[k]}
        feats.update(("E", k) for k in self.doc_keys[node.article] if k not in node.keys)
        text = self.p.texts[node.article]
        for m in node.mentions:
            span = self.p.mentions[m][1]
            window = text[max(0, span.start - WINDOW) : span.start] + " " + text[
                span.end : span.end + WINDOW]
            feats.update(("W", w) for w in _words(window) if w not in own)
        return feats

    def _vector(self, feats: Counter[Any]) -> dict[Any, float]:
        """TF-IDF weights (entity names by article frequency, words by a sample's)."""
        vec = {}
        for f, tf in feats.items():
            df, n = (self.key_df[f[1]], self.n_docs) if f[0] == "E" else (
                self.word_df[f[1]], self.n_sample)
            vec[f] = (1 + math.log(tf)) * math.log((n + 1) / (df + 1))
        return vec

    def _table(self, roots: tuple[int, ...]) -> tuple[dict[Any, int], np.ndarray]:
        """Candidates' context profiles as unit rows over their strongest features."""
        found = self._tables.get(roots)
        if found is None:
            columns: dict[Any, int] = {}
            rows = []
            for root in roots:
                feats: Counter[Any] = Counter()
                members = [m for m in self.p.uf.members.get(root, [root])
                           if self.p.nodes[m].article >= 0]
                for m in members[:PROFILE_SAMPLE]:
                    feats.update(self._features(m))
                vec = self._vector(feats)
                top = sorted(vec.items(), key=lambda item: -item[1])[:PROFILE_FEATURES]
                rows.append({columns.setdefault(f, len(columns)): w for f, w in top})
            matrix = np.zeros((len(roots), len(columns)))
            for r, row in enumerate(rows):
                matrix[r, list(row)] = list(row.values())
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            found = self._tables[roots] = (columns, matrix / np.where(norms > 0, norms, 1.0))
        return found

    def choose(self, n: int, roots: tuple[int, ...]) -> int:
        """The candidate whose context is most like node n's; the largest when unclear."""
        columns, matrix = self._table(roots)
        query = self._vector(self._features(n))
        hits = [(columns[f], w) for f, w in query.items() if f in columns]
        norm = math.sqrt(sum(w * w for w in query.values())) or 1.0
        sims = (matrix[:, [c for c, _ in hits]] @ np.array([w for _, w in hits]) / norm
                if hits else np.zeros(len(roots)))
        order = np.argsort(-sims, kind="stable")
        best = sims[order[0]]
        self.last = float(best - (sims[order[1]] if len(roots) > 1 else 0.0))
        if best < MIN_SIMILARITY or (len(roots) > 1 and best - sims[order[1]] < MARGIN):
            self.last = 0.0
            return max(roots, key=lambda r: (self.p.uf.size[self.p.uf.find(r)], -r))
        return roots[int(order[0])]


PROFILE_SAMPLE = 40  # groups per candidate entity whose context is read
PROFILE_FEATURES = 300  # strongest features kept per candidate
MAX_CANDIDATES = 50  # largest candidate entities considered for one short name
