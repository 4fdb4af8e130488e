"""The words of a name as auto-linking compares them: label families, today's spelling,
spelling variants, facility words, clipped names and the known places of the gazetteers.

A name key (see `keys`) is built from these: a mention's normalised name
(`linking.normalise`: titles, case, diacritics, hyphens aside) as tokens in today's
Indonesian spelling ("Soeharto" = "Suharto", "Cina" = "Tiongkok"). A key belongs to one label
family: names of incompatible labels never mix (GPE, LOC and FAC count as one family of
places; label names of other schemes are understood too: PERSON, PPL, ORGANISATION, PLACE ...).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from annotator.core.linking import FUNCTION_WORDS, WEAK_WORDS, normalise

FAMILY_LABELS = {
    "person": "PER PERSON PERS PPL PEOPLE",
    "place": "GPE LOC FAC LOCATION PLACE PLC FACILITY GEO",
    "org": "ORG ORGANISATION ORGANIZATION IND COMPANY CORP",
}
FAMILIES = {label: family for family, labels in FAMILY_LABELS.items() for label in labels.split()}
KNOWN_FAMILIES = frozenset(FAMILY_LABELS)
OLD_SPELLING = (("tj", "c"), ("dj", "j"), ("sj", "sy"), ("oe", "u"))
RENAMED = {"cina": "tiongkok", "china": "tiongkok"}
OLD_INITIAL = {"c": "t", "j": "d", "u": "o"}  # "T" may stand for "Tjahaja" (now "cahaja")
FACILITY_TYPES = frozenset({"bandara", "airport", "pelabuhan", "port", "stasiun", "station",
                            "terminal"})
INTERNATIONAL = frozenset({"internasional", "international"})
AFFIXES = ("per", "pe", "ke")  # prefixes a clipped name may skip ("Kemenhub")
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
NOT_NAMES = WEAK_WORDS | FUNCTION_WORDS | HEAD_NOUNS  # words no short personal name has


def family_of(label: str) -> str:
    """"person", "place", "org" or the label itself: which labels may name the same thing."""
    bare = label.upper().removeprefix("B-").removeprefix("I-")
    return FAMILIES.get(bare, bare)


@lru_cache(maxsize=65536)
def modern(token: str) -> str:
    """A token in today's Indonesian spelling ("soeharto" -> "suharto", "djakarta" -> "jakarta",
    "cina" -> "tiongkok", the official name since 2014)."""
    for old, new in OLD_SPELLING:
        token = token.replace(old, new)
    return RENAMED.get(token, token)


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


def facility_words(raw: tuple[str, ...]) -> tuple[str, ...]:
    """Words of a name key without a leading "the", "bandar udara" as "bandara", and without
    "internasional" beside a facility type ("Bandara Internasional X" = "Bandara X")."""
    if len(raw) > 1 and raw[0] == "the":  # "The Walt Disney Company"
        raw = raw[1:]
    for n in range(len(raw) - 1):
        if raw[n : n + 2] == ("bandar", "udara"):
            raw = (*raw[:n], "bandara", *raw[n + 2 :])
            break
    if len(raw) > 2 and set(raw) & FACILITY_TYPES:
        raw = tuple(w for w in raw if w not in INTERNATIONAL) or raw
    return raw


@lru_cache(maxsize=65536)
def clips(text: str, words: tuple[str, ...], least: int = 2) -> bool:
    """Whether `text` is the concatenation of a start (`least`+ letters) of every word."""
    if not words:
        return not text
    if not text:
        return False
    word = words[0]
    stems = [word] + [word[len(a) :] for a in AFFIXES if word.startswith(a) and len(word) > len(
        a) + 3 and least < 3]
    for stem in stems:
        for n in range(min(len(stem), len(text) - 2 * (len(words) - 1)), least - 1, -1):
            if text.startswith(stem[:n]) and clips(text[n:], words[1:]):
                return True
    return False


@lru_cache(maxsize=1)
def known_places() -> frozenset[tuple[str, ...]]:
    """Place names of the gazetteers (resources/gazetteer/gpe.jsonl, loc.jsonl) as name keys.

    Only read when no mention has a known label: then they tell a city or a country from a
    short personal name ("Jakarta" is not short for "Bursa Efek Jakarta"). The folder is
    $ANNOTATOR_RESOURCES, else the repository's resources/, else ./resources (as for the
    suggester); none found, no places are known."""
    roots = [Path(os.environ["ANNOTATOR_RESOURCES"])] if os.environ.get(
        "ANNOTATOR_RESOURCES") else []
    roots += [Path(__file__).resolve().parents[3] / "resources", Path.cwd() / "resources"]
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
