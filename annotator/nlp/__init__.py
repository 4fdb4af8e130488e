"""spaCy layer: tokenizer and suggesters. Imported lazily so `import annotator.nlp` is cheap."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.nlp.builtin import BuiltinSuggester
    from annotator.nlp.tokens import make_nlp, tokenize

__all__ = ["BuiltinSuggester", "make_nlp", "tokenize"]

_WHERE = {
    "BuiltinSuggester": "annotator.nlp.builtin",
    "make_nlp": "annotator.nlp.tokens",
    "tokenize": "annotator.nlp.tokens",
}


def __getattr__(name: str) -> Any:
    """Load the public names on first use (spaCy takes a moment to import)."""
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
