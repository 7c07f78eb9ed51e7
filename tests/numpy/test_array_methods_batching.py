"""The writing functions of array_methods.py (np.put, np.copyto, np.putmask,
np.fill_diagonal, x.sort()) under vmap: each equals the loop over the batch,
with batched masks kept traced, and positions that vary over the batch refused."""

import numpy as np
import pytest

import chainrule as cr
from batching_checks import check_vmap_without_loops


def _sorted_in_place(x):
    y = x * 1.0
    y.sort(axis=0)
    return y


def _diagonal_filled(x):
    matrix = np.zeros((4, 4), like=x)
    np.fill_diagonal(matrix, x[0])
    return matrix


def _put(x):
    y = x * 1.0
    np.put(y, [0, 5], x[1, :2])
    return y


def _putmask(x):
    y = x * 1.0
    np.putmask(y, x > 0, x[0, 0] * 10.0)  # each member its own mask
    return y


def _copyto(x):
    y = np.zeros((3, 4), like=x)
    np.copyto(y, x * 3.0, where=x < 0.5)
    return y


WRITES = [_sorted_in_place, _diagonal_filled, _put, _putmask, _copyto]


@pytest.mark.parametrize("function", WRITES, ids=lambda f: f.__name__)
def test_batching(function, rng):
    x = rng.standard_normal((3, 4))
    check_vmap_without_loops(function, (x,))
    batch = np.stack([x, -x, x + 0.3])
    gradients = cr.vmap(cr.grad(lambda x: (function(x) ** 2).sum()))(batch)
    expected = [cr.grad(lambda x: (function(x) ** 2).sum())(member) for member in batch]
    np.testing.assert_allclose(gradients, expected, rtol=1e-12)


def test_batched_positions_of_put_raise():
    def put(x, positions):
        y = x * 1.0
        np.put(y, positions, 0.0)
        return y

    with pytest.raises(TypeError, match="ind varies over the vmap batch"):
        cr.vmap(put)(np.ones((2, 3)), np.array([[0], [2]]))
