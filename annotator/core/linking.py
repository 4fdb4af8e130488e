"""Entity linking: surface-form normalisation and candidate ranking against the knowledge base."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

if TYPE_CHECKING:
    from annotator.core.entities import Entity, KnowledgeBase


def _phrases(text: str) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(p.split()) for p in text.split(";") if p.strip())


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _types(text: str) -> dict[str, str]:
    pairs = (entry.split(":") for entry in text.split(";"))
    return {word: kind.strip() for kind, words in pairs for word in words.split()}


# Leading titles, honorifics and ranks (Indonesian and English), stripped by `normalise`.
TITLES = _phrases(
    """presiden; wakil presiden; wapres; mantan; eks; calon; perdana menteri; wakil perdana menteri;
    pm; menteri; wakil menteri; menteri koordinator; menko; menlu; menhan; mendagri; menkeu;
    sekretaris jenderal; sekjen; sekretaris; pemimpin; pemimpin tertinggi; ketua; wakil ketua;
    ketua umum; ketum; juru bicara; jurubicara; jubir; gubernur; wakil gubernur; wali kota;
    walikota; bupati; jenderal; letnan jenderal; letjen; mayor jenderal; mayjen; brigadir jenderal;
    brigjen; laksamana; laksamana muda; laksamana madya; marsekal; kolonel; letnan kolonel; letnan;
    kapten; mayor; panglima; panglima tertinggi; kepala; direktur; direktur jenderal; dirjen;
    duta besar; dubes; raja; ratu; pangeran; sultan; syekh; kyai; kiai; habib; paus; kardinal;
    uskup; tuan; nyonya; nona; bapak; ibu; pak; bu; saudara; sdr; dr; drs; dra; ir; prof;
    profesor; mr; mrs; ms; miss; sir; dame; lord; president; vice president; prime minister;
    minister; foreign minister; defence minister; defense minister; secretary; secretary general;
    general; gen; admiral; colonel; col; lt; capt; captain; king; queen; prince; princess; chairman;
    spokesman; spokeswoman; spokesperson; senator; sen; governor; pope"""
)
# Words that may follow a ministerial title ("Menteri Luar Negeri ...") and are stripped too.
_MINISTERIAL = frozenset({"menteri", "minister", "menko", "secretary", "koordinator"})
PORTFOLIO = _words(
    """luar negeri dalam pertahanan keuangan perdagangan perindustrian industri ekonomi pertanian
    kesehatan pendidikan kebudayaan riset teknologi energi sumber daya alam mineral ekologi
    lingkungan hidup kehutanan hukum ham sosial agama perhubungan komunikasi informatika pariwisata
    koordinator bidang politik keamanan dan badan usaha milik negara bumn sekretaris foreign defence
    defense finance interior home affairs trade economy health education energy of for the"""
)
# Titles that are really part of a name when followed by these words ("Ibu Kota", "Raja Ampat").
_NOT_A_TITLE = frozenset({("ibu", "kota"), ("raja", "ampat"), ("bapak", "bangsa")})
# Type nouns that do not change the referent ("Kota Vladivostok" = "Vladivostok"), by type, so
# translations agree ("Kosmodrom Vostochny" = "Vostochny Cosmodrome") and "Kota X" != "Kabupaten X".
CLASS_TYPES = _types(
    """city: kota city dki; regency: kabupaten kab regency; province: provinsi prov province;
    state: negara republik republic federasi federation kerajaan kingdom pemerintah;
    region: wilayah kawasan; village: desa kelurahan kel dusun; district: kecamatan kec distrik;
    news: kantor berita agen media harian surat kabar situs news agency;
    spaceport: kosmodrom cosmodrome; port: pelabuhan port; airport: bandara airport;
    base: pangkalan base; station: stasiun station; palace: istana palace; party: partai party;
    company: perusahaan grup group pt tbk persero company co inc corp ltd plc llc;
    university: universitas univ university;
    missile: rudal missile; aircraft: pesawat jet aircraft helikopter helicopter drone; tank: tank;
    ship: kapal fregat frigate ship; summit: ktt summit; pandemic: pandemi pandemic"""
)
CLASS_WORDS = frozenset(CLASS_TYPES)
# Words that never carry a name on their own, so a token-subset match needs another token.
WEAK_WORDS = CLASS_WORDS | _words(
    """utara selatan timur barat tengah tenggara jauh raya besar baru lama dewan badan komisi
    kementerian departemen lembaga institut akademi sekolah rumah sakit bank tentara angkatan darat
    bersenjata pasukan militer keamanan pertahanan nasional internasional pusat umum tinggi agung
    rakyat demokratik perserikatan bangsa serikat uni dan di ke dari untuk yang the of and for
    north south east west central new great united national international people democratic
    laut sungai selat teluk danau gunung pulau kepulauan semenanjung"""
)
FUNCTION_WORDS = _words(
    "dan di ke dari untuk yang atau dengan pada oleh bagi the of and for on in at de la le du "
    "des van von der den"
)

_INITIALISM = re.compile(r"(?<![^\W_])(?:[^\W\d_]\.){2,}")
_APOSTROPHE = re.compile(r"['\u2019\u02bc`]")
_NON_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"[^\W_]+")
_ORIGINAL_WORD = re.compile(r"[^\W_]+(?:['\u2019\u02bc`][^\W_]+)*")
_MODEL_HYPHEN = re.compile(r"(?<![^\W_])([^\W\d_]{1,3})[-‐‑](?=\d)")  # "Su-57", "F-16"

EXACT, COMPACT, SAME_WORDS = 100.0, 98.0, 95.0
LABEL_PENALTY = 10.0


def fold(text: str) -> str:
    """NFKD with combining marks (diacritics) removed; case is kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _title_prefix(tokens: Sequence[str]) -> int:
    """How many leading normalised tokens are titles, honorifics or ministerial portfolios."""
    i, ministerial = 0, False
    while i < len(tokens) - 1:
        for n in (3, 2, 1):
            head = tuple(tokens[i : i + n])
            if len(head) == n and i + n < len(tokens) and head in TITLES:
                if tuple(tokens[i : i + 2]) in _NOT_A_TITLE:
                    continue
                ministerial = ministerial or bool(_MINISTERIAL & set(head))
                i += n
                break
        else:
            if ministerial and tokens[i] in PORTFOLIO:
                i += 1
                continue
            break
    return i


@lru_cache(maxsize=65536)
def surface_key(surface: str) -> str:
    """Surface without diacritics, casefolded, hyphens/dots as spaces ("F-16" -> "f16")."""
    text = _MODEL_HYPHEN.sub(r"\1", fold(surface).casefold())
    text = _INITIALISM.sub(lambda m: m.group(0).replace(".", ""), text)
    return " ".join(_NON_WORD.sub(" ", _APOSTROPHE.sub("", text)).split())


@lru_cache(maxsize=65536)
def normalise(surface: str) -> str:
    """`surface_key` with leading titles and honorifics stripped: the form candidates compare."""
    tokens = surface_key(surface).split()
    return " ".join(tokens[_title_prefix(tokens) :])


def strip_titles(surface: str) -> str:
    """The surface without leading titles, original casing kept: a default entity name."""
    words = list(_ORIGINAL_WORD.finditer(surface))
    tokens = [_NON_WORD.sub("", _APOSTROPHE.sub("", fold(w.group()).casefold())) for w in words]
    skip = _title_prefix(tokens)
    return surface[words[skip - 1].end() :].strip() if skip else surface.strip()


def is_acronym_like(surface: str) -> bool:
    """True for forms such as "KCNA", "P.B.B." or "AS": 2-8 capitals, no lowercase."""
    compact = re.sub(r"[.\s]", "", surface)
    letters = sum(c.isalpha() for c in compact)
    return 2 <= len(compact) <= 8 and compact.isalnum() and compact.isupper() and letters >= 2


def acronym(surface: str) -> str:
    """Initials of the capitalised words, function words skipped; "" for a single word."""
    words = _WORD.findall(fold(surface))
    if len(words) < 2:
        return ""
    capitalised = [w for w in words if w[0].isupper() or w[0].isdigit()]
    out = []
    for word in capitalised or words:
        if word.casefold() in FUNCTION_WORDS:
            continue
        out.append(word if len(word) > 1 and word.isupper() else word[0].upper())
    return "".join(out) if len(out) >= 2 else ""


def token_variant(a: str, b: str) -> bool:
    """Whether two normalised tokens are spellings of one word ("moskow"/"moscow")."""
    if a == b:
        return True
    if a[:1] != b[:1] or min(len(a), len(b)) <= 4 or not (a + b).isalpha():
        return False  # short words and model numbers ("su57", "2022") must be equal
    if min(len(a), len(b)) == 5:
        return Levenshtein.distance(a, b) <= 1
    return Levenshtein.normalized_similarity(a, b) >= 0.8


def _aligned_variant(query: Sequence[str], alias: Sequence[str]) -> bool:
    same_length = len(query) == len(alias)
    return same_length and (all(map(token_variant, query, alias)) or all(
        map(token_variant, sorted(query), sorted(alias))))


@dataclass(frozen=True, slots=True)
class Candidate:
    """One ranked entity for a surface form; `score` is 0..100."""

    entity: Entity
    score: float
    reason: str


_Offer = Callable[[int, float, str], None]
_Found = tuple[float, str] | None


@dataclass(frozen=True, slots=True)
class _Alias:
    kb_id: str
    surface: str
    norm: str
    tokens: tuple[str, ...]
    acronym: str
    is_acronym: bool


class CandidateMatcher:
    """Ranks knowledge-base entities for a surface form; follows KB changes incrementally."""

    def __init__(self, kb: KnowledgeBase, *, fuzzy_cutoff: float = 60.0) -> None:
        self.kb = kb
        self.fuzzy_cutoff = fuzzy_cutoff
        self.rebuild()

    # -- index maintenance -------------------------------------------------
    def rebuild(self) -> None:
        """Index every entity of the KB from scratch."""
        self._entities: dict[str, Entity] = {}
        self._aliases: list[_Alias | None] = []
        self._norms: list[str | None] = []  # parallel to _aliases, for rapidfuzz
        self._by_entity: dict[str, list[int]] = {}
        self._by_norm: dict[str, set[int]] = {}
        self._by_compact: dict[str, set[int]] = {}
        self._by_token: dict[str, set[int]] = {}
        self._by_acronym: dict[str, set[int]] = {}
        self._vocab: list[str] | None = None
        self._dead = 0
        for entity in self.kb:
            self.update(entity)
        self._seen = self.kb.version

    def update(self, entity: Entity) -> None:
        """(Re)index one entity, replacing what was indexed under its kb_id."""
        self.discard(entity.kb_id)
        self._entities[entity.kb_id] = entity
        ids = self._by_entity.setdefault(entity.kb_id, [])
        for surface in entity.surfaces():
            norm = normalise(surface)
            if not norm or norm in {a.norm for i in ids if (a := self._aliases[i])}:
                continue
            alias = _Alias(entity.kb_id, surface, norm, tuple(norm.split()),
                           acronym(surface).casefold(), is_acronym_like(surface))
            idx = len(self._aliases)
            self._aliases.append(alias)
            self._norms.append(norm)
            ids.append(idx)
            for index, key in self._keys(alias):
                index.setdefault(key, set()).add(idx)
        self._vocab = None

    def discard(self, kb_id: str) -> None:
        """Forget an entity (no error when it is not indexed)."""
        self._entities.pop(kb_id, None)
        for idx in self._by_entity.pop(kb_id, []):
            alias = self._aliases[idx]
            assert alias is not None
            self._aliases[idx] = self._norms[idx] = None
            self._dead += 1
            for index, key in self._keys(alias):
                index[key].discard(idx)
                if not index[key]:
                    del index[key]
        self._vocab = None

    def _keys(self, alias: _Alias) -> list[tuple[dict[str, set[int]], str]]:
        keys = [(self._by_norm, alias.norm), (self._by_compact, alias.norm.replace(" ", ""))]
        keys += [(self._by_token, t) for t in set(alias.tokens) - WEAK_WORDS]
        return keys + ([(self._by_acronym, alias.acronym)] if alias.acronym else [])

    def sync(self) -> None:
        """Catch up with KB changes: incrementally when the KB journal allows, else rebuild."""
        if self._seen == self.kb.version:
            return
        changed = self.kb.changes_since(self._seen)
        if changed is None or self._dead > 1000 + len(self._aliases) // 2:
            self.rebuild()
            return
        for kb_id in changed:
            entity = self.kb.get(kb_id)
            self.discard(kb_id) if entity is None else self.update(entity)
        self._seen = self.kb.version

    # -- ranking -----------------------------------------------------------
    def rank(self, surface: str, label: str | None = None, limit: int = 10,
             frequencies: Mapping[str, int] | None = None) -> list[Candidate]:
        """Best entities for `surface`, highest score first; mention frequency breaks ties."""
        self.sync()
        norm = normalise(surface)
        if not norm:
            return []
        best: dict[str, tuple[float, str]] = {}

        def offer(idx: int, score: float, reason: str) -> None:
            alias = self._aliases[idx]
            assert alias is not None
            if score > best.get(alias.kb_id, (-1.0, ""))[0]:
                best[alias.kb_id] = (score, f"{reason} '{alias.surface}'")

        for idx in self._by_norm.get(norm, ()):
            offer(idx, EXACT, "exact")
        for idx in self._by_compact.get(norm.replace(" ", ""), ()):
            offer(idx, COMPACT, "same without spaces")
        self._rank_acronyms(surface, norm, offer)
        self._rank_subsets(norm, offer)
        self._rank_fuzzy(norm, offer)

        freq = frequencies or {}
        out = []
        for kb_id, (score, reason) in best.items():
            entity = self._entities[kb_id]
            if label and entity.label != label:
                score -= LABEL_PENALTY
                reason += f", label {entity.label}"
            out.append(Candidate(entity, round(score, 1), reason))
        out.sort(key=lambda c: (-c.score, -freq.get(c.entity.kb_id, 0), c.entity.name.casefold()))
        return out[:limit]

    def best(self, surface: str, label: str | None = None, threshold: float = 85.0,
             frequencies: Mapping[str, int] | None = None, margin: float = 3.0) -> Candidate | None:
        """The candidate to pre-select: above threshold, same label, clearly ahead of the next."""
        ranked = self.rank(surface, label, limit=2, frequencies=frequencies)
        if not ranked or ranked[0].score < threshold or (label and ranked[0].entity.label != label):
            return None
        return None if len(ranked) > 1 and ranked[1].score > ranked[0].score - margin else ranked[0]

    def _rank_acronyms(self, surface: str, norm: str, offer: _Offer) -> None:
        if is_acronym_like(surface):
            key = norm.replace(" ", "")
            for idx in self._by_acronym.get(key, ()):
                offer(idx, 90.0 if len(key) >= 3 else 85.0, "acronym of")
        mine = acronym(surface).casefold()
        for idx in self._by_compact.get(mine, ()) if mine else ():
            alias = self._aliases[idx]
            if alias is not None and alias.is_acronym:
                offer(idx, 90.0 if len(mine) >= 3 else 85.0, "acronym")

    def _variants(self, token: str) -> list[str]:
        """Indexed tokens that are spelling variants of `token` ("zelenskyy" -> "zelensky")."""
        if len(token) < 5:
            return []
        self._vocab = list(self._by_token) if self._vocab is None else self._vocab
        hits = process.extract(token, self._vocab, scorer=fuzz.ratio, score_cutoff=75, limit=8)
        return [v for v, _score, _i in hits if v != token and token_variant(token, v)]

    def _rank_subsets(self, norm: str, offer: _Offer) -> None:
        tokens = norm.split()
        variants = {t: self._variants(t) for t in set(tokens) - WEAK_WORDS}
        keys = (v for token, similar in variants.items() for v in (token, *similar))
        for idx in set().union(*(self._by_token.get(v, ()) for v in keys)):
            alias = self._aliases[idx]
            assert alias is not None
            theirs = set(alias.tokens)
            mine = [t if t in theirs else next((v for v in variants.get(t, ()) if v in theirs), t)
                    for t in tokens]
            person = self._entities[alias.kb_id].label == "PER"
            found = _subset_score(mine, alias.tokens, person)
            if found is not None:
                spelled = mine != tokens
                score, reason = found
                offer(idx, score - 3.0 * spelled, "spelling variant, " * spelled + reason)

    def _rank_fuzzy(self, norm: str, offer: _Offer) -> None:
        tokens = norm.split()
        hits = process.extract(norm, self._norms, scorer=fuzz.ratio,
                               score_cutoff=self.fuzzy_cutoff, limit=40)
        for _choice, ratio, idx in hits:
            alias = self._aliases[idx]
            assert alias is not None
            if _aligned_variant(tokens, alias.tokens):
                offer(idx, min(95.0, ratio + 4.0), f"spelling variant ({ratio:.0f}) of")
            elif len(tokens) != len(alias.tokens):
                offer(idx, min(ratio - 10.0, 80.0), f"similar ({ratio:.0f}) to")
            else:
                offer(idx, min(ratio, 80.0) - 20.0, f"differs in a name part ({ratio:.0f}) from")


def _subset_score(mine: Sequence[str], theirs: Sequence[str], person: bool) -> _Found:
    """Score when one side's words contain the other's, type words ("kota") aside."""
    a, b = set(mine), set(theirs)
    if a == b:
        return SAME_WORDS, "same words as"
    types_a = {CLASS_TYPES[t] for t in a & CLASS_WORDS}
    types_b = {CLASS_TYPES[t] for t in b & CLASS_WORDS}
    if types_a and types_b and not types_a & types_b:
        return None  # "Kota Bekasi" is not "Kabupaten Bekasi"
    core_a, core_b = (a - CLASS_WORDS) or a, (b - CLASS_WORDS) or b
    if core_a == core_b:
        return 92.0, "same name as"
    if core_a < core_b:  # "Putin" in "Vladimir Putin"
        return (max(80.0, 92.0 - 2.0 * len(core_b - core_a)) if person else 78.0), "part of"
    if core_b < core_a:  # "Menteri Pertahanan Rusia Sergei Shoigu" holds "Sergei Shoigu"
        if person and tuple(mine[-len(theirs) :]) == tuple(theirs):
            return 90.0 - min(len(core_a - core_b), 6), "contains"
        return 75.0, "contains"
    return None

