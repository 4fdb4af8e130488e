"""UTF-16 offset mapping and token snapping."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.core.offsets import Utf16Map
from annotator.core.tokens import TokenIndex


@given(st.text(max_size=60))
def test_utf16_roundtrip_for_every_codepoint(text: str) -> None:
    mapping = Utf16Map(text)
    for cp in range(len(text) + 1):
        unit = mapping.to_utf16(cp)
        assert unit == len(text[:cp].encode("utf-16-le")) // 2
        assert mapping.to_codepoint(unit) == cp


def test_unit_inside_surrogate_pair_rounds_down() -> None:
    mapping = Utf16Map("a😀b")
    assert mapping.to_codepoint(2) == 1
    assert mapping.to_utf16(2) == 3


def test_snap_expands_to_whole_tokens() -> None:
    tokens = TokenIndex([(0, 3), (4, 8), (9, 11), (11, 12)])
    assert tokens.snap(1, 6) == (0, 8)
    assert tokens.snap(3, 4) is None  # whitespace only
    assert tokens.snap(9, 12) == (9, 12)
    assert tokens.token_range(4, 12) == (1, 3)
    assert tokens.is_aligned(4, 8) and not tokens.is_aligned(4, 7)


def test_guessed_tokens_split_like_spacy_on_names_and_keep_reduplications() -> None:
    from annotator.core.tokens import guessed_tokens

    text = "Kim Jong-un dan negara-negara lain, kata KONTAN.CO.ID (8.000 orang)."
    shown = [text[s:e] for s, e in guessed_tokens(text)]
    assert shown == ["Kim", "Jong", "-", "un", "dan", "negara-negara", "lain", ",", "kata",
                     "KONTAN.CO.ID", "(", "8.000", "orang", ")", "."]
