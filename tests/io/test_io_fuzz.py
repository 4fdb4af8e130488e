"""Readers never raise on bad content: random bytes and random JSON only produce issues."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.io.readers import read_source

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 50) | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12,
)
span_like = st.fixed_dictionaries(
    {},
    optional={"start": json_values | st.integers(-2, 40), "end": json_values | st.integers(-2, 40),
              "label": json_values | st.sampled_from(["PER", "ORG", ""]),
              "kb_id": json_values, "origin": json_values | st.just("model")},
)
record_like = st.fixed_dictionaries(
    {},
    optional={"text": json_values | st.text(min_size=1, max_size=40),
              "meta": json_values, "spans": st.lists(span_like, max_size=5) | json_values,
              "answer": json_values | st.sampled_from(["accept", "reject", "ignore"]),
              "_annotator_id": json_values, "_timestamp": json_values},
)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".txt", ".jsonl"]))
def test_random_bytes_never_raise(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        path.write_bytes(data)
        result = read_source(path)
        for record in result.records:
            assert record.text.strip()
        for issue in result.issues:
            assert str(issue).startswith(str(path))


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(record_like, min_size=1, max_size=4))
def test_random_records_give_valid_spans_or_issues(lines: list[dict[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.jsonl"
        path.write_text("".join(json.dumps(obj) + "\n" for obj in lines), "utf-8")
        result = read_source(path)
        for record in result.records:
            assert isinstance(record.text, str) and record.line is not None
            ends = [0]
            for span in record.spans:
                assert 0 <= span.start < span.end <= len(record.text)
                assert span.start >= ends[-1]  # sorted, no overlaps
                ends.append(span.end)
            for start, end, label in record.rejected:
                assert 0 <= start < end <= len(record.text) and label
        for issue in result.issues:
            assert issue.line is not None and 1 <= issue.line <= len(lines)
