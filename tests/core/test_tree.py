"""Pytrees: flatten/unflatten round trips for every container kind."""

from collections import namedtuple

import pytest

from chainrule.core import flatten, tree_map, unflatten

Point = namedtuple("Point", "x y")

TREES = [
    1.0,
    (1.0, 2.0),
    [1.0, (2.0, 3.0)],
    {"b": 1.0, "a": [2.0, None]},
    Point(1.0, {"z": 2.0}),
    None,
    (),
]


@pytest.mark.parametrize("tree", TREES, ids=repr)
def test_round_trip(tree):
    leaves, treedef = flatten(tree)
    assert unflatten(treedef, leaves) == tree
    assert treedef.num_leaves == len(leaves)


def test_dict_leaves_follow_sorted_keys():
    leaves, _ = flatten({"b": 2.0, "a": 1.0})
    assert leaves == [1.0, 2.0]


def test_namedtuple_type_survives():
    result = tree_map(lambda v: v * 2, Point(1.0, 2.0))
    assert isinstance(result, Point) and result == Point(2.0, 4.0)


def test_too_many_leaves_is_an_error():
    _, treedef = flatten((1.0, 2.0))
    with pytest.raises(ValueError):
        unflatten(treedef, [1.0, 2.0, 3.0])
