"""NumPy functions that back ndarray methods and had no rule elsewhere:
``np.sort``, ``np.ptp``, ``np.compress``, ``np.put``; each is a composition
of differentiable functions (a gather by the sorting permutation, a max minus
a min, a gather, a scatter), so it needs no rule of its own.

``np.put`` and the methods ``x.sort()``, ``x.put()`` and ``x.fill()`` write
into their array: traced arrays take the write as any item assignment does.
"""

from __future__ import annotations

import numpy as np

from ..core import Tracer, base_value
from . import indexing, manipulation, nondiff, reductions
from .mutation import LOST_DERIVATIVE_HINT, update
from .wrap import handles, shape_of


def _along(x, indices: np.ndarray, axis: int):
    """``np.take_along_axis(x, indices, axis)`` for indices shaped like ``x``."""
    grid = list(np.ix_(*[np.arange(n) for n in indices.shape]))
    grid[axis] = indices
    return indexing.getitem(x, tuple(grid))


@handles(np.sort)
def sort(a, axis=-1, kind=None, order=None, **kwargs):
    """``np.sort``: the values gathered in sorted order (the gradient follows them back).

    >>> sort(np.array([3.0, 1.0, 2.0]))
    array([1., 2., 3.])
    """
    if order is not None:
        raise NotImplementedError("np.sort(..., order=...) sorts structured arrays; traced "
                                  "arrays are numeric, so sort without order=.")
    if axis is None:
        a, axis = manipulation.reshape(a, (-1,)), 0
    axis = manipulation._axis(axis, len(shape_of(a)))
    permutation = nondiff.argsort(a, axis=axis, kind=kind, **kwargs)
    return _along(a, np.asarray(permutation), axis)


@handles(np.ptp)
def ptp(a, axis=None, out=None, keepdims=False):
    """``np.ptp``: the maximum minus the minimum along ``axis``.

    >>> ptp(np.array([[1.0, 4.0], [2.0, 3.0]]), axis=1)
    array([3., 1.])
    """
    result = (reductions.max(a, axis, keepdims=keepdims)
              - reductions.min(a, axis, keepdims=keepdims))
    return reductions._output(result, out)


@handles(np.compress)
def compress(condition, a, axis=None, out=None):
    """``np.compress``: the slices of ``a`` along ``axis`` where ``condition`` is true.

    >>> compress([True, False, True], np.array([1.0, 2.0, 3.0]))
    array([1., 3.])
    """
    kept = np.nonzero(np.asarray(base_value(condition), dtype=bool).ravel())[0]
    return reductions._output(indexing.take(a, kept, axis), out)


@handles(np.put)
def put(a, ind, v, mode="raise"):
    """``np.put``: write ``v`` at the flat positions ``ind`` of ``a``, in place.

    >>> def f(x):
    ...     y = np.zeros(3, like=x)
    ...     put(y, [0, 2], x)
    ...     return (y * [1.0, 10.0, 100.0]).sum()
    >>> cr.grad(f)(np.array([1.0, 2.0]))
    array([  1., 100.])
    """
    if not isinstance(a, Tracer):
        raise TypeError("chainrule cannot np.put a traced value into a plain NumPy array: "
                        "its derivative would be lost.\n" + LOST_DERIVATIVE_HINT)
    size = int(np.prod(shape_of(a)))
    positions = np.asarray(base_value(ind)).ravel()
    if mode == "wrap":
        positions = np.mod(positions, size)
    elif mode == "clip":
        positions = np.clip(positions, 0, size - 1)
    elif positions.size and not (-size <= positions.min() and positions.max() < size):
        raise IndexError(f"index {positions.max()} is out of bounds for size {size}")
    values = manipulation.reshape(v, (-1,)) if isinstance(v, Tracer) else np.ravel(v)
    count = int(np.prod(shape_of(values)))
    if count != positions.size:  # NumPy repeats v to the length of ind
        values = indexing.getitem(values, np.arange(positions.size) % count)
    flat = indexing.setitem(manipulation.reshape(a, (-1,)), positions, values)
    update(a, manipulation.reshape(flat, shape_of(a)))
