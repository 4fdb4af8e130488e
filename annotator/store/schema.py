"""Shape checks for every file read from a project, so damage is named by file and field.

A spec is a type (or tuple of types), `[spec]` (a list of), `Each(spec)` (a dict whose
values are), or a dict of fields (`"name?"` marks an optional one). `check` raises
ShapeError with the path of the first field that does not fit, e.g. `labels[0].name`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ShapeError(ValueError):
    """A value does not have the expected shape; `field` names where (e.g. `labels[0]`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field} {message}" if field else message)
        self.field = field
        self.reason = message


@dataclass(frozen=True)
class Each:
    """A dict (any keys) whose values all have shape `spec`."""

    spec: Any


_NAMES = {str: "a string", int: "a whole number", float: "a number", bool: "true or false",
          dict: "an object", list: "a list", type(None): "null"}


def _describe(spec: Any) -> str:
    if isinstance(spec, tuple):
        return " or ".join(_describe(s) for s in spec)
    if isinstance(spec, list):
        return "a list"
    if isinstance(spec, Each | dict):
        return "an object"
    return _NAMES.get(spec, getattr(spec, "__name__", str(spec)))


def _fits(value: Any, kind: type) -> bool:
    if kind is int or kind is float:
        return isinstance(value, int | float if kind is float else int) and not isinstance(
            value, bool)
    return isinstance(value, kind)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def check(value: Any, spec: Any, where: str = "") -> None:
    """Raise ShapeError naming the first field of `value` that does not fit `spec`."""
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise _wrong(where, spec, value)
        for name, sub in spec.items():
            optional = name.endswith("?")
            key = name.rstrip("?")
            if key not in value:
                if optional:
                    continue
                raise ShapeError(_join(where, key), "is missing")
            if optional and value[key] is None:
                continue
            check(value[key], sub, _join(where, key))
    elif isinstance(spec, Each):
        if not isinstance(value, dict):
            raise _wrong(where, spec, value)
        for key, item in value.items():
            check(item, spec.spec, _join(where, str(key)))
    elif isinstance(spec, list):
        if not isinstance(value, list):
            raise _wrong(where, spec, value)
        for n, item in enumerate(value):
            check(item, spec[0], f"{where}[{n}]")
    elif isinstance(spec, tuple):
        if not any(_fits(value, kind) for kind in spec):
            raise _wrong(where, spec, value)
    elif not _fits(value, spec):
        raise _wrong(where, spec, value)


def _wrong(where: str, spec: Any, value: Any) -> ShapeError:
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return ShapeError(where, f"must be {_describe(spec)}, not {shown}")


LABEL = {"name": str, "color": str, "underline?": str, "key?": str, "description?": str}
SETTINGS = {"token_snapping?": bool, "suggest_builtin?": bool, "suggest_propagation?": bool}
PROJECT = {"schema_version": int, "name?": str, "labels?": [LABEL], "settings?": SETTINGS,
           "created?": str}
INDEX_ENTRY = {"id": str, "title?": str, "meta?": dict, "chunk": int}
INDEX = {"articles": Each(INDEX_ENTRY)}
CHUNK = {"texts": Each({"id": str, "text": str})}
SPAN = {"start": int, "end": int, "label": str, "origin?": str, "kb_id?": str, "source?": str}
ANNOTATION_SET = {"article_id": str, "annotator": str, "status?": str, "updated?": float,
                  "suggested?": bool, "spans?": [SPAN], "suggestions?": [SPAN],
                  "rejected?": [list], "reviewer?": str}
ENTITY = {"kb_id": str, "name": str, "label": str, "aliases?": [str], "note?": str,
          "external_ids?": Each(str), "created?": float}
KB = {"entities?": Each(ENTITY)}
