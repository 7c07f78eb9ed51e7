"""Cache keys and argument names."""

import collections

import numpy as np
import pytest

from chainrule.jit.signature import Signature, walk


def test_walk_orders_leaves_like_flatten():
    from chainrule.core import flatten

    Pair = collections.namedtuple("Pair", "a b")
    tree = {"z": [1.0, np.ones(2)], "a": Pair(2, None), "m": (np.float32(3.0),)}
    leaves = []
    walk(tree, leaves)
    expected = [float(leaf) if type(leaf) is int else leaf for leaf in flatten(tree)[0]]
    assert len(leaves) == len(expected)
    assert all(a is b or a == b for a, b in zip(leaves, expected))


@pytest.mark.parametrize("a, b, same", [
    (1.0, 2.0, True), (1, 2.5, True), (1.0, np.float64(1.0), False),
    (np.ones(2), np.zeros(2), True), (np.ones(2), np.ones(2, np.float32), False),
    (np.ones(2), np.ones((2, 1)), False), ((1.0, 2.0), [1.0, 2.0], False),
])
def test_keys(a, b, same):
    signature = Signature(lambda x: x, (), ())
    assert (signature.key((a,), {})[0] == signature.key((b,), {})[0]) is same


def test_static_values_and_names():
    def f(x, n, *, scale, mode):
        return x

    signature = Signature(f, static_argnums=1, static_argnames="mode")
    key, leaves = signature.key((np.ones(2), 3), {"scale": 2.0, "mode": "a"})
    assert leaves[1] == 2.0 and len(leaves) == 2
    assert key != signature.key((np.ones(2), 4), {"scale": 2.0, "mode": "a"})[0]
    assert key == signature.key((np.ones(2), 3), {"scale": 5.0, "mode": "a"})[0]
    assert signature.names(((1.0, 2.0), 3), {"scale": 2.0, "mode": "a"}) == [
        "x_0", "x_1", "scale"]
