"""Word lists with a light Indonesian affix stripper: is a capitalised word a common word?"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.lang.id.stop_words import STOP_WORDS

from annotator.nlp.resources import load_words, resources_dir

_PARTICLES = ("lah", "kah", "tah", "pun")
_POSSESSIVES = ("nya", "ku", "mu")
_DERIVATIONAL = ("kan", "an", "i")
# (prefix, replacement for the dropped first letter of the stem) in matching order.
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("memper", ""),
    ("diper", ""),
    ("meng", "k"),
    ("meng", ""),
    ("meny", "s"),
    ("mem", "p"),
    ("mem", ""),
    ("men", "t"),
    ("men", ""),
    ("me", ""),
    ("peng", "k"),
    ("peng", ""),
    ("peny", "s"),
    ("pem", "p"),
    ("pem", ""),
    ("pen", "t"),
    ("pen", ""),
    ("per", ""),
    ("pe", ""),
    ("ber", ""),
    ("be", ""),
    ("ter", ""),
    ("di", ""),
    ("ke", ""),
    ("se", ""),
)
_MIN_STEM = 4
# Endings of borrowed abstract nouns (teknologi, organisasi, komunitas, potensi).
_BORROWED = ("logi", "isme", "asi", "itas", "ensi", "ansi", "ologis", "istik", "usi", "nya")


def _strip_suffixes(word: str) -> Iterator[str]:
    """The word and its forms without particle, possessive and derivational suffixes."""
    forms = [word]
    for group in (_PARTICLES, _POSSESSIVES, _DERIVATIONAL):
        for form in list(forms):
            for suffix in group:
                if form.endswith(suffix) and len(form) - len(suffix) >= _MIN_STEM - 1:
                    forms.append(form[: -len(suffix)])
    return iter(forms)


def candidate_stems(word: str) -> set[str]:
    """Possible stems of an Indonesian word (lower case), the word itself included."""
    stems: set[str] = {word}
    for form in _strip_suffixes(word):
        if len(form) > _MIN_STEM:  # a bare suffix cut needs a longer stem: Khasan is no khas
            stems.add(form)
        layer = [form]
        shortest = _MIN_STEM - 1 if form != word else _MIN_STEM  # prefix and suffix: "berisikan"
        for _ in range(2):
            nxt = []
            for base in layer:
                for prefix, first in _PREFIXES:
                    if base.startswith(prefix):
                        stem = first + base[len(prefix) :]
                        if len(stem) >= shortest:
                            nxt.append(stem)
            stems.update(nxt)
            layer = nxt
    return stems


@dataclass
class Lexicon:
    """Common-word, given-name and family-name lists, all lower case."""

    common: frozenset[str] = frozenset()
    first_names: frozenset[str] = frozenset()
    surnames_first: frozenset[str] = frozenset()
    _cache: dict[str, bool] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, root: Path | None) -> Lexicon:
        """Read resources/lexicon lists from `root`, else from the default resources folder."""
        roots = [r for r in (root, resources_dir()) if r is not None]

        def words(name: str) -> frozenset[str]:
            for candidate in roots:
                if (candidate / "lexicon" / name).is_file():
                    return load_words(candidate, name)
            return frozenset()

        return cls(
            common=words("id_common.txt") | words("en_common.txt") | frozenset(STOP_WORDS),
            first_names=words("first_names.txt"),
            surnames_first=words("surnames_first.txt"),
        )

    def is_common(self, word: str) -> bool:
        """True when `word` (any case) is, or derives from, a common word."""
        low = word.lower()
        hit = self._cache.get(low)
        if hit is None:
            if "-" in low:
                parts = [p for p in low.split("-") if p]
                hit = bool(parts) and all(self.is_common(p) for p in parts)
            elif low in self.common:
                hit = True
            elif not low.isalpha() or len(low) < 5:
                hit = False
            elif len(low) >= 6 and low.endswith(_BORROWED):
                hit = True
            else:
                hit = any(stem in self.common for stem in candidate_stems(low))
            if len(self._cache) < 200_000:
                self._cache[low] = hit
        return hit

    def is_first_name(self, word: str) -> bool:
        """True for a known given name."""
        return word.lower() in self.first_names

    def is_surname_first(self, word: str) -> bool:
        """True for a family name written before the given name (Kim, Lee, Wang)."""
        return word.lower() in self.surnames_first
