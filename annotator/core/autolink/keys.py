"""Name keys and which contains which: the index auto-linking finds longer names in.

A name key is a mention's name as words (`names`: normalised, today's spelling, facility
words) with spelling variants of longer tokens unified ("Dmitri" = "Dmitry", "Moskow" =
"Moscow"), a middle initial read as the one known middle name ("Basuki T Purnama" = "Basuki
Tjahaja Purnama") and type words reduced to their type ("kosmodrom" = "cosmodrome"; a type
word alone, "DKI", keeps its word). A key belongs to one label family (`names.family_of`).
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

from collections import defaultdict

from rapidfuzz import fuzz, process

from annotator.core.autolink.names import (
    KNOWN_FAMILIES,
    NOT_NAMES,
    OLD_INITIAL,
    clips,
    facility_words,
    family_of,
    modern,
    variant,
)
from annotator.core.linking import (
    CLASS_TYPES,
    CLASS_WORDS,
    FUNCTION_WORDS,
    acronym,
    is_acronym_like,
    normalise,
    strip_titles,
    surface_key,
)
from annotator.core.union_find import UnionFind

# How sure a short form is of the one longer name containing it, by how it is contained.
KIND_CONFIDENCE = {"part": 0.85, "acronym": 0.8, "type word": 0.7, "clipped": 0.7,
                   "nickname": 0.6}
NICK_MIN = 4  # letters of a nickname that is the start of a name ("Mega" for "Megawati")
PREFIXED_FAMILIES = frozenset({"place", "org"})  # cut from the start of a person's name
OPAQUE = frozenset({"<university>", "<summit>"})  # "Universitas Indonesia" is not Indonesia


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
            raw = facility_words(raw)
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
        places = {raw for k, raw in enumerate(self.raw)
                  if self.families[k] & PREFIXED_FAMILIES} - names
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
                        for letter in {words[i][0], OLD_INITIAL.get(words[i][0], "")} - {""}:
                            short[(person, (*words[:i], letter, *words[i + 1 :]))].add(k)
        for k, shape in enumerate(shapes):
            if any(len(w) == 1 for w in shape[1]) and shape in short:
                roots = {same.find(f) for f in short[shape]}
                if len(roots) == 1:
                    same.union(roots.pop(), k)

    def find(self, key: int) -> int:
        """The canonical key of a raw one (after `canonicalise`)."""
        return self.canon[key]

    def length(self, key: int) -> int:
        """How many name words (type words aside) a key has."""
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
        known = (self.families[inner] | self.families[outer]) & KNOWN_FAMILIES
        guess = not self.has_persons and not known
        if guess and a < b and len(b) <= 4 and not b & NOT_NAMES and not self.types[outer] and (
                not self.place[inner]) and not (b - a) & self.caps[outer]:
            return True  # labels without persons: a name without weak words may be a person's
        org = self.families[inner] == self.families[outer] == {"org"}
        if org and a < b and len(b) <= 4 and not b & NOT_NAMES and not (
                b - a) & self.caps[outer] and not self.types[outer] & OPAQUE and (
                self._head(outer) in a):
            return True  # both organisations, head first: "Persija" is "Persija Jakarta"
        kinds = self.families[inner] <= self.families[outer]
        return a == b and self.types[inner] < self.types[outer] and kinds and not (
            self.types[outer] & OPAQUE)

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
        return clips(min(self.core[inner]), self._spelled_words(outer), 3)

    def _nickname_like(self, key: int) -> bool:
        """One plain word of 4+ letters that may be the start of a longer name ("Mega")."""
        if len(self.core[key]) != 1 or self.types[key] or self.acro_like[key] or self.place[key]:
            return False
        token = next(iter(self.core[key]))
        return len(token) >= NICK_MIN and token.isalpha() and token not in NOT_NAMES

    def _person_like(self, outer: int, inner: int) -> bool:
        """Whether `outer` may be a person's name whose word `inner` begins ("Megawati S.")."""
        if self.person[outer] != self.person[inner] or self.types[outer] or self.place[outer]:
            return False
        if not self.families[outer] & self.families[inner]:
            return False
        if self.person[outer]:
            return True
        known = (self.families[inner] | self.families[outer]) & KNOWN_FAMILIES
        core = self.core[outer]
        return not self.has_persons and not known and len(core) <= 4 and not core & NOT_NAMES

    def paren_alias(self, outer: int, inner: int) -> bool:
        """Whether "OUTER (INNER)" introduces INNER as another name of OUTER."""
        same_kind = self.person[outer] == self.person[inner]
        short = self.acro_like[inner] or len(self.core[inner]) == 1
        return outer != inner and same_kind and short and bool(
            self.families[outer] & self.families[inner])

