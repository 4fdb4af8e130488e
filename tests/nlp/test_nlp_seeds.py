"""On the seed articles the built-in suggester finds the entities an analyst expects."""

from __future__ import annotations

import pytest

from annotator.nlp.builtin import BuiltinSuggester

REQUIRED = [
    ("Kim Jong-un",),
    ("Kim Jong Un",),
    ("Vladimir Putin",),
    ("Sergei Shoigu", "Shoigu"),
    ("Dmitry Peskov", "Dmitri Peskov"),
    ("Rusia",),
    ("Korea Utara",),
    ("Moskow",),
    ("Pyongyang",),
    ("Vladivostok",),
    ("TASS",),
    ("KCNA",),
    ("Kremlin",),
    ("Komsomolsk-on-Amur",),
    ("Vostochny",),
]

EXPECTED_LABELS = {
    "Vladimir Putin": "PER",
    "Sergei Shoigu": "PER",
    "Dmitry Peskov": "PER",
    "Korea Utara": "GPE",
    "Moskow": "GPE",
    "TASS": "ORG",
    "Kremlin": "ORG",
    "Vostochny": "FAC",
    "MiG-31I": "WEAPON",
    "Kinzhal": "WEAPON",
}


@pytest.fixture(scope="module")
def found(suggester: BuiltinSuggester, seeds: dict[str, str]) -> dict[str, set[str]]:
    """Surface string -> labels suggested for it, over all seed articles."""
    out: dict[str, set[str]] = {}
    for text, spans in zip(seeds.values(), suggester.suggest_many(seeds.values()), strict=True):
        for span in spans:
            out.setdefault(text[span.start : span.end], set()).add(span.label)
    return out


@pytest.mark.parametrize("alternatives", REQUIRED, ids=lambda a: a[0])
def test_required_surface_is_suggested(found: dict[str, set[str]], alternatives: tuple) -> None:
    assert any(a in found for a in alternatives), f"none of {alternatives} suggested"


@pytest.mark.parametrize(("surface", "label"), sorted(EXPECTED_LABELS.items()))
def test_labels_on_seeds(found: dict[str, set[str]], surface: str, label: str) -> None:
    assert label in found.get(surface, set())


def test_people_after_titles_and_appositions(found: dict[str, set[str]]) -> None:
    for name in [
        "Oleg Kozhemyako",
        "Alexander Kozlov",
        "Sergei Lavrov",
        "Jake Sullivan",
        "Matthew Miller",
        "Nikolay Evmenov",
        "Chang Ho-jin",
        "Andrey Kulik",
    ]:
        assert found.get(name) == {"PER"}, name


def test_no_title_or_noise_text_suggested(found: dict[str, set[str]]) -> None:
    surfaces = set(found)
    for bad in [
        "Presiden",
        "Menteri",
        "Jurubicara",
        "Pemimpin",
        "PUBLISITAS",
        "Baca Juga",
        "Setelah",
        "Ketika",
        "Di",
        "Sumber",
        "Editor",
        "Reporter",
        "Barat",
        "Covid-19",
    ]:
        assert not any(s == bad or s.startswith(bad + " ") for s in surfaces), bad


def test_every_seed_span_is_valid(suggester: BuiltinSuggester, seeds: dict[str, str]) -> None:
    for text in seeds.values():
        spans = suggester.suggest(text)
        assert spans == sorted(spans)
        for a, b in zip(spans, spans[1:], strict=False):
            assert a.end <= b.start
        for span in spans:
            assert text[span.start : span.end].strip() == text[span.start : span.end]
