"""The label scheme: names, colours, keys and descriptions."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

MAX_LABEL_LENGTH = 64
# Unicode categories a label never holds: controls (newline, NUL), format characters (bidi
# overrides and isolates, zero-width joiners), line/paragraph separators, surrogates, private
# use and unassigned code points.
_BAD_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}

# Okabe-Ito colour-blind-safe palette, paired with distinct underline styles.
_DEFAULTS: list[tuple[str, str, str, str, str]] = [
    ("PER", "#E69F00", "solid", "Orang: people, by name or title plus name",
     "Kim Jong Un; Presiden Vladimir Putin; Menteri Pertahanan Sergei Shoigu"),
    ("ORG", "#56B4E9", "dash", "Organisasi: agencies, companies, ministries, media",
     "Kremlin; Kementerian Luar Negeri; KCNA; Universitas Indonesia"),
    ("GPE", "#009E73", "dot", "Negara, kota: countries, cities, states",
     "Korea Utara; Rusia; Vladivostok; Pyongyang"),
    ("LOC", "#F0E442", "dashdot", "Wilayah, geografi: regions, rivers, seas, mountains",
     "Timur Jauh Rusia; Semenanjung Korea; Sungai Amur"),
    ("FAC", "#0072B2", "wave", "Kosmodrom, pabrik, pangkalan: facilities and buildings",
     "Kosmodrom Vostochny; pabrik pesawat Komsomolsk-on-Amur; Bandara Knevichi"),
    ("WEAPON", "#D55E00", "solid", "Senjata, pesawat, rudal: MiG-31I, Kinzhal, Su-57",
     "MiG-31I; rudal hipersonik Kinzhal; Su-57; kapal fregat"),
    ("EVENT", "#CC79A7", "dash", "Peristiwa: wars, summits, named events",
     "Forum Ekonomi Timur; Perang Korea; KTT Rusia-Korea Utara"),
]


def label_name_problem(name: object) -> str | None:
    """Why `name` cannot be a label (one printable line, at most 64 characters); None if it can."""
    if not isinstance(name, str) or not name.strip():
        return "a label must be a non-empty string"
    if len(name) > MAX_LABEL_LENGTH:
        return f"a label is at most {MAX_LABEL_LENGTH} characters, this one has {len(name):,}"
    if name != name.strip():
        return f"label {name!r} has spaces at its ends"
    for char in name:
        category = unicodedata.category(char)
        if category in _BAD_CATEGORIES or (category == "Zs" and char != " "):
            where = f"U+{ord(char):04X} {unicodedata.name(char, category)}"
            return f"label {name!r} contains a control or invisible character ({where})"
    return None


@dataclass(frozen=True, slots=True)
class Label:
    """One entity label with how it looks and which key applies it."""

    name: str
    color: str
    underline: str = "solid"
    key: str = ""
    description: str = ""
    examples: str = ""  # guideline examples, separated by ";"


class LabelScheme:
    """An ordered set of labels; labels can be added when imports bring new ones."""

    def __init__(self, labels: list[Label]) -> None:
        self._labels: dict[str, Label] = {label.name: label for label in labels}

    @classmethod
    def default(cls) -> LabelScheme:
        return cls(
            [
                Label(name, color, underline, str(i + 1), desc, examples)
                for i, (name, color, underline, desc, examples) in enumerate(_DEFAULTS)
            ]
        )

    @property
    def labels(self) -> list[Label]:
        return list(self._labels.values())

    @property
    def names(self) -> list[str]:
        return list(self._labels)

    def __contains__(self, name: object) -> bool:
        return name in self._labels

    def get(self, name: str) -> Label | None:
        return self._labels.get(name)

    def by_key(self, key: str) -> Label | None:
        return next((label for label in self._labels.values() if label.key == key), None)

    def ensure(self, name: str) -> bool:
        """Add `name` with a fallback look if missing; True when it was added.
        ValueError when `name` is not a valid label (`label_name_problem`)."""
        if name in self._labels:
            return False
        problem = label_name_problem(name)
        if problem is not None:
            raise ValueError(problem)
        used = {label.key for label in self._labels.values()}
        key = next((str(k) for k in range(1, 10) if str(k) not in used), "")
        self._labels[name] = Label(name, "#999999", "dot", key, "Added by import")
        return True

    def to_list(self) -> list[dict[str, Any]]:
        return [asdict(label) for label in self._labels.values()]

    @classmethod
    def from_list(cls, items: list[dict[str, Any]]) -> LabelScheme:
        return cls([Label(**item) for item in items])
