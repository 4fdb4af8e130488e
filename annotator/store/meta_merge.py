"""Three-way merge of the project record, so two windows saving settings lose nothing.

Each window remembers the record as it last saw it (`base`); when it saves (`ours`), only
what it changed since is applied onto the record on disk (`theirs`), which may hold another
window's or an import's changes (a label added, a setting changed).
"""

from __future__ import annotations

from typing import Any

Labels = list[dict[str, Any]]


def merge_settings(base: dict[str, Any], ours: dict[str, Any],
                   theirs: dict[str, Any]) -> dict[str, Any]:
    """Ours where we changed a key since `base` (nested dicts key by key), theirs elsewhere."""
    merged = dict(theirs)
    for key in base.keys() | ours.keys():
        mine, was = ours.get(key), base.get(key)
        if mine == was:
            continue
        if isinstance(mine, dict) and isinstance(was, dict) and isinstance(theirs.get(key), dict):
            merged[key] = merge_settings(was, mine, theirs[key])
        elif key in ours:
            merged[key] = mine
        else:
            merged.pop(key, None)
    return merged


def merge_labels(base: Labels, ours: Labels, theirs: Labels) -> Labels:
    """Our labels in our order (as this window shows them), with their changes since `base`.

    A label we did not touch takes their version (or goes, if they deleted it); labels they
    added come after ours. A rename is a removal and an addition. A key (1–9) used twice keeps
    its first label.
    """
    if ours == base:
        return list(theirs)  # nothing changed here: the record on disk stands
    was = {label["name"]: label for label in base}
    disk = {label["name"]: label for label in theirs}
    merged: dict[str, dict[str, Any]] = {}
    for label in ours:
        name = label["name"]
        if was.get(name) != label:
            merged[name] = label  # ours: added or changed here
        elif name in disk:
            merged[name] = disk[name]  # untouched here: theirs, changed or not
    for name, label in disk.items():
        if name not in merged and name not in was:
            merged[name] = label  # added there
    seen: set[str] = set()
    out = []
    for label in merged.values():
        key = label.get("key") or ""
        if key and key in seen:
            label = {**label, "key": ""}
        seen.add(key)
        out.append(label)
    return out


def merge_meta(base: dict[str, Any], ours: dict[str, Any],
               theirs: dict[str, Any]) -> dict[str, Any]:
    """The record to write: `theirs` with our label and setting changes since `base`."""
    return {
        **theirs,
        "labels": merge_labels(base.get("labels") or [], ours.get("labels") or [],
                               theirs.get("labels") or []),
        "settings": merge_settings(base.get("settings") or {}, ours.get("settings") or {},
                                   theirs.get("settings") or {}),
    }
