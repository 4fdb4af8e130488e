"""Label names (issue 21.6): one printable line of at most 64 characters, checked in one place."""

from __future__ import annotations

import pytest

from annotator.core.labels import LabelScheme, label_name_problem


@pytest.mark.parametrize("name", ["PER", "WEAPON", "B-ORG", "Orang", "ORGANISASI_PEMERINTAH",
                                  "Négara", "地名", "A" * 64])
def test_good_labels(name: str) -> None:
    assert label_name_problem(name) is None


@pytest.mark.parametrize("name", ["", " ", "PER\nX", "P\x00R", "\u202eREP", "PER\u2066",
                                  "ORG\u200b", "A" * 65, "A" * 100_000, " PER", "PER\u2028X",
                                  "\ue000"])
def test_bad_labels(name: str) -> None:
    problem = label_name_problem(name)
    assert problem is not None and len(problem) < 200


def test_scheme_refuses_to_add_a_bad_label() -> None:
    scheme = LabelScheme.default()
    with pytest.raises(ValueError, match="control or invisible"):
        scheme.ensure("PER\nX")
    assert "PER\nX" not in scheme
    assert scheme.ensure("NORP") and "NORP" in scheme
