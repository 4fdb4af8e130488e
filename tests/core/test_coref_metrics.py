"""MUC, B³ and CEAF-e against textbook values and against scorch (an independent scorer)."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from annotator.core.coref_metrics import (
    b_cubed,
    ceaf_e,
    clusters_of,
    conll,
    max_assignment,
    muc,
    scores,
)

# Luo (2005), figure 1: the key and four responses, mentions 1..9, A, B, C.
KEY = [set("12345"), set("67"), set("89ABC")]
RESPONSES = {
    "a": [set("12345"), set("6789ABC")],
    "b": [set("1234589ABC"), set("67")],
    "c": [set("123456789ABC")],
    "d": [{m} for m in "123456789ABC"],
}
# Luo (2005), table 1, F-measures: MUC, B³ and CEAF with phi4 (entity CEAF).
LUO_F = {
    "a": (0.947, 0.865, 0.733),
    "b": (0.947, 0.737, 0.667),
    "c": (0.900, 0.545, 0.294),
    "d": (0.0, 0.400, 0.178),
}


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_luo_2005_worked_examples(name: str) -> None:
    response = RESPONSES[name]
    got = (muc(KEY, response)[2], b_cubed(KEY, response)[2], ceaf_e(KEY, response)[2])
    assert got == pytest.approx(LUO_F[name], abs=5e-4)


def test_luo_example_a_precision_and_recall() -> None:
    # by hand: MUC P 9/10 R 1; B³ P (5 + 2*2/7 + 5*5/7)/12 R 1; CEAF-e total 1 + 10/12
    assert muc(KEY, RESPONSES["a"]) == pytest.approx((0.9, 1.0, 18 / 19))
    assert b_cubed(KEY, RESPONSES["a"])[:2] == pytest.approx((64 / 84, 1.0))
    assert ceaf_e(KEY, RESPONSES["a"])[:2] == pytest.approx(((1 + 10 / 12) / 2,
                                                            (1 + 10 / 12) / 3))


@pytest.mark.parametrize("clustering", [KEY, RESPONSES["c"], [{1, 2}, {3}, {4, 5, 6}]])
def test_a_clustering_against_itself_scores_one(clustering: list[set]) -> None:
    for metric in (muc, b_cubed, ceaf_e):
        assert metric(clustering, clustering) == pytest.approx((1.0, 1.0, 1.0))
    assert conll(clustering, clustering) == pytest.approx(1.0)


def test_all_singletons() -> None:
    singletons = RESPONSES["d"]
    # against itself: no link on either side is perfect agreement (our convention for MUC)
    assert muc(singletons, singletons) == (1.0, 1.0, 1.0)
    assert b_cubed(singletons, singletons) == (1.0, 1.0, 1.0)
    assert ceaf_e(singletons, singletons) == (1.0, 1.0, 1.0)
    # singletons against the key: no link found (MUC 0), B³ precision 1, recall 3/12
    assert muc(KEY, singletons) == (0.0, 0.0, 0.0)
    assert b_cubed(KEY, singletons)[:2] == pytest.approx((1.0, 0.25))
    assert ceaf_e(KEY, singletons)[:2] == pytest.approx(((4 / 3) / 12, (4 / 3) / 3))
    # the key scored against singletons (roles swapped): precision and recall swap
    assert b_cubed(singletons, KEY)[:2] == pytest.approx((0.25, 1.0))


def test_one_cluster_holding_everything() -> None:
    everything = RESPONSES["c"]
    assert muc(KEY, everything)[:2] == pytest.approx((9 / 11, 1.0))
    assert b_cubed(KEY, everything)[:2] == pytest.approx((54 / 144, 1.0))
    assert ceaf_e(KEY, everything)[:2] == pytest.approx((10 / 17, 10 / 17 / 3))
    singletons = RESPONSES["d"]
    assert muc(singletons, everything) == (0.0, 0.0, 0.0)
    assert b_cubed(singletons, everything)[:2] == pytest.approx((1 / 12, 1.0))


def test_mapping_input_equals_cluster_input() -> None:
    as_map = {m: n for n, cluster in enumerate(KEY) for m in cluster}
    resp_map = {m: f"r{n}" for n, cluster in enumerate(RESPONSES["b"]) for m in cluster}
    assert scores(as_map, resp_map) == scores(KEY, RESPONSES["b"])
    assert sorted(map(sorted, clusters_of(as_map))) == sorted(map(sorted, KEY))


def test_empty_and_overlapping_input() -> None:
    assert scores([], [])["conll"] == 1.0
    assert muc([], [{1, 2}]) == (0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="two clusters"):
        muc([{1, 2}, {2, 3}], [{1}])


def test_twinless_mentions_cost_recall() -> None:
    key = [{1, 2, 3}, {4}]
    response = [{1, 2}]  # 3 and 4 were not found at all
    assert b_cubed(key, response)[:2] == pytest.approx((1.0, (2 * 2 / 3) / 4))
    assert muc(key, response)[:2] == pytest.approx((1.0, 0.5))


def test_assignment_matches_brute_force() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 5))
        m = int(rng.integers(n, 7))
        weights = rng.random((n, m)) * (rng.random((n, m)) < 0.6)
        brute = max(sum(weights[i, p[i]] for i in range(n))
                    for p in itertools.permutations(range(m), n))
        assert max_assignment(weights) == pytest.approx(brute)


def _random_clustering(rng: random.Random, mentions: list[int]) -> list[set[int]]:
    k = rng.randint(1, len(mentions))
    clusters: dict[int, set[int]] = {}
    for m in mentions:
        clusters.setdefault(rng.randrange(k), set()).add(m)
    return list(clusters.values())


def test_against_scorch_on_random_clusterings() -> None:
    scorch = pytest.importorskip("scorch.scores")
    rng = random.Random(12)
    compared = 0
    for _ in range(300):
        n = rng.randint(2, 40)
        key_mentions = list(range(n))
        resp_mentions = [m for m in range(n + rng.randint(0, 5)) if rng.random() > 0.1] or [0]
        key = _random_clustering(rng, key_mentions)
        response = _random_clustering(rng, resp_mentions)
        for ours, theirs in ((b_cubed, scorch.b_cubed), (ceaf_e, scorch.ceaf_e),
                             (muc, scorch.muc)):
            if ours is muc and (all(len(c) == 1 for c in key) or
                                all(len(c) == 1 for c in response)):
                continue  # scorch returns 0 there; our no-link convention is tested above
            r, p, f = theirs(key, response)
            assert ours(key, response) == pytest.approx((p, r, f), abs=1e-9)
            compared += 1
    assert compared > 800


def test_large_clusterings_are_fast() -> None:
    rng = random.Random(3)
    mentions = list(range(20000))
    key = {m: m // 7 for m in mentions}
    response = {m: (m // 7 if rng.random() > 0.2 else rng.randrange(5000)) for m in mentions}
    result = scores(key, response)
    assert 0.5 < result["conll"] < 1.0
