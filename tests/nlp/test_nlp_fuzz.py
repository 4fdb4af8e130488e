"""Property tests: whatever the text, suggestions are valid spans of it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.nlp import tokenize
from annotator.nlp.builtin import BuiltinSuggester

WORDS = [
    "Presiden",
    "Vladimir",
    "Putin",
    "Kim",
    "Jong",
    "-",
    "un",
    "Rusia",
    "Korea",
    "Utara",
    "di",
    "ke",
    "dan",
    ",",
    ".",
    "“",
    "”",
    '"',
    "(",
    ")",
    "\n",
    "\n\n",
    "Baca",
    "Juga",
    ":",
    "Universitas",
    "Kantor",
    "Berita",
    "kosmodrom",
    "Vostochny",
    "MiG",
    "31I",
    "Su-57",
    "juru",
    "bicara",
    "Kremlin",
    "PUBLISITAS",
    "Setelah",
    "👍🏽",
    "🇰🇵",
    "é",
    "AS",
    "PBB",
    "kota",
    "Desa",
    "Sukamaju",
    "adalah",
    "sebuah",
    "seorang",
    "Menteri",
    "Luar",
    "Negeri",
    "al",
    "bin",
    "II",
    "T.",
    "KCNA",
    "–",
    "Tuturpedia.com",
    "2024",
    "  ",
    "\t",
]

texts = st.lists(st.sampled_from(WORDS), max_size=60).map(
    lambda ws: "".join(w + (" " if i % 3 else "") for i, w in enumerate(ws))
) | st.text(max_size=200)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_spans_are_valid_for_any_text(suggester: BuiltinSuggester, text: str) -> None:
    spans = suggester.suggest(text)
    starts = {s for s, _, _ in tokenize(text)}
    ends = {e for _, e, _ in tokenize(text)}
    previous_end = 0
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert span.start >= previous_end
        assert span.start in starts and span.end in ends
        assert text[span.start : span.end].strip()
        previous_end = span.end
