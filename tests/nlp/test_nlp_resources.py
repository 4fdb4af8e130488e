"""Resource files: every pattern is valid and uses the default labels; bad input is named."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.labels import LabelScheme
from annotator.nlp.builtin import BuiltinSuggester
from annotator.nlp.lexicon import Lexicon, candidate_stems
from annotator.nlp.resources import load_patterns, resources_dir

REPO = Path(__file__).resolve().parents[2]


def test_resources_dir_is_the_repository_folder() -> None:
    assert resources_dir() == REPO / "resources"


def test_every_pattern_line_is_valid_with_a_default_label() -> None:
    names = set(LabelScheme.default().names)
    files = [REPO / "resources" / "patterns.jsonl", *(REPO / "resources" / "gazetteer").glob("*")]
    assert len(files) > 3
    total = 0
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            record = json.loads(line)
            assert record["label"] in names, f"{path}:{number}"
            assert isinstance(record["pattern"], str | list), f"{path}:{number}"
            total += 1
    found = load_patterns(REPO / "resources")
    assert found.problems == []
    assert len(found.patterns) == total > 1000


def test_bad_lines_are_reported_with_file_and_line(tmp_path: Path) -> None:
    gaz = tmp_path / "gazetteer"
    gaz.mkdir()
    (gaz / "places.jsonl").write_text(
        '{"label": "GPE", "pattern": "Sukamaju"}\n'
        "{not json\n"
        '{"pattern": "Tanpa Label"}\n'
        '{"label": "ORG", "pattern": [{"NOT_AN_ATTR": 1}]}\n',
        encoding="utf-8",
    )
    suggester = BuiltinSuggester(resources=tmp_path)
    problems = "\n".join(suggester.problems)
    assert f"{gaz / 'places.jsonl'}:2" in problems
    assert f"{gaz / 'places.jsonl'}:3" in problems
    assert f"{gaz / 'places.jsonl'}:4: pattern rejected" in problems
    assert "NOT_AN_ATTR" in problems
    text = "Warga Sukamaju menyambut Presiden Budi Santoso."
    pairs = [(text[s.start : s.end], s.label) for s in suggester.suggest(text)]
    assert pairs == [("Sukamaju", "GPE"), ("Budi Santoso", "PER")]


def test_works_without_patterns(tmp_path: Path) -> None:
    suggester = BuiltinSuggester(resources=tmp_path / "missing")
    assert suggester.problems == []
    text = "Hal itu dikatakan Presiden Budi Santoso di Universitas Harapan Bangsa."
    pairs = [(text[s.start : s.end], s.label) for s in suggester.suggest(text)]
    assert pairs == [("Budi Santoso", "PER"), ("Universitas Harapan Bangsa", "ORG")]


def test_affix_stripping_finds_common_words() -> None:
    lexicon = Lexicon.load(REPO / "resources")
    for word in [
        "Pertukaran",
        "Kunjungi",
        "Meluncurkan",
        "Keamanan",
        "Diketahui",
        "Berisikan",
        "Persenjataan",
        "Negara-negara",
        "Teknologi",
        "Kontribusinya",
    ]:
        assert lexicon.is_common(word), word
    for name in ["Putin", "Shoigu", "Khasan", "Kozhemyako", "Pyongyang", "Rahman"]:
        assert not lexicon.is_common(name), name
    assert "tukar" in candidate_stems("pertukaran")
