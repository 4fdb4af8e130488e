"""Two windows saving the label scheme and settings: each keeps the other's changes."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from annotator.core.labels import LabelScheme
from annotator.store.meta_merge import merge_labels, merge_meta, merge_settings
from annotator.store.project_store import ProjectStore


def label(name: str, key: str = "", color: str = "#123456") -> dict:
    return {"name": name, "color": color, "underline": "dot", "key": key, "description": ""}


def test_settings_take_our_changes_and_keep_theirs() -> None:
    base = {"suggest_builtin": True, "extra": {"a": 1, "b": 2}, "gone": 1}
    ours = {"suggest_builtin": False, "extra": {"a": 1, "b": 3}}
    theirs = {"suggest_builtin": True, "extra": {"a": 9, "b": 2}, "gone": 1, "new": "x"}
    assert merge_settings(base, ours, theirs) == {
        "suggest_builtin": False, "extra": {"a": 9, "b": 3}, "new": "x"}


def test_labels_added_changed_removed_and_renamed_on_both_sides() -> None:
    base = [label("PER", "1"), label("ORG", "2"), label("LOC", "3")]
    ours = [label("PERSON", "1"), label("ORG", "2", "#ff0000")]  # renamed PER, recoloured ORG,
    #                                                                deleted LOC
    theirs = [*base, label("WEAPON", "4")]  # an import added WEAPON
    merged = merge_labels(base, ours, theirs)
    assert [x["name"] for x in merged] == ["PERSON", "ORG", "WEAPON"]  # our order, then theirs
    assert merged[1]["color"] == "#ff0000"


def test_labels_they_changed_or_deleted_and_we_did_not_touch() -> None:
    base = [label("PER", "1"), label("ORG", "2"), label("LOC", "3")]
    theirs = [label("PER", "1", "#000000"), label("ORG", "2")]  # recoloured PER, deleted LOC
    assert merge_labels(base, base, theirs) == theirs


def test_a_key_claimed_twice_keeps_its_first_label() -> None:
    merged = merge_labels([], [label("A", "5")], [label("B", "5")])
    assert [(x["name"], x["key"]) for x in merged] == [("A", "5"), ("B", "")]


names = st.lists(st.sampled_from(["PER", "ORG", "GPE", "LOC", "FAC"]), unique=True)


@given(names, names)
def test_saving_without_changes_keeps_the_record_on_disk(base_names, disk_names) -> None:
    base = {"labels": [label(n) for n in base_names], "settings": {"x": 1}}
    theirs = {"labels": [label(n) for n in disk_names], "settings": {"x": 2}, "name": "p"}
    assert merge_meta(base, base, theirs) == theirs


def test_two_stores_on_one_project_lose_neither_change(tmp_path: Path) -> None:
    root = tmp_path / "p"
    ayu = ProjectStore(root, "ayu")
    budi = ProjectStore(root, "budi")
    try:
        scheme = LabelScheme.from_list(ayu.meta()["labels"])
        scheme.ensure("WEAPON_X")  # ayu's import adds a label
        ayu.save_meta(scheme.to_list(), ayu.meta()["settings"])
        settings = {**budi.meta()["settings"], "suggest_builtin": False}
        budi.save_meta(budi.meta()["labels"], settings)  # budi's window still has the old list
        again = ProjectStore(root, "rina")
        try:
            meta = again.meta()
            assert "WEAPON_X" in [x["name"] for x in meta["labels"]]
            assert meta["settings"]["suggest_builtin"] is False
        finally:
            again.close()
        # ayu changes a setting later: budi's setting stays too
        ayu.save_meta(scheme.to_list(), {**ayu.meta()["settings"], "retrain_after": 7})
        meta = ProjectStore(root, "ayu-reader", read_only=True).meta()
        assert meta["settings"]["suggest_builtin"] is False
        assert meta["settings"].get("retrain_after") == 7
    finally:
        ayu.close()
        budi.close()
