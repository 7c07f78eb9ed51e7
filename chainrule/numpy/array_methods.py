"""NumPy functions that back ndarray methods or write into arrays, and had no
rule elsewhere: ``np.sort``, ``np.ptp``, ``np.compress``, and the writing
``np.put``, ``np.copyto``, ``np.putmask``, ``np.place``, ``np.fill_diagonal``,
``np.add.at``. Each is a composition of differentiable functions (a gather by
the sorting permutation, a max minus a min, a gather, a scatter), so it needs
no rule of its own.

The writing ones (and the methods ``x.sort()``, ``x.put()``, ``x.fill()``)
update their traced array as any item assignment does; a traced value written
into a plain array raises, as ``out[i] = t`` does.
"""

from __future__ import annotations

import numpy as np

from ..core import Tracer, base_value
from . import arithmetic, indexing, manipulation, nondiff, reductions
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


def _traced_target(a, function: str) -> None:
    if not isinstance(a, Tracer):
        raise TypeError(f"chainrule cannot write a traced value into a plain NumPy array "
                        f"({function}): its derivative would be lost.\n" + LOST_DERIVATIVE_HINT)


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
    _traced_target(a, "np.put")
    size = int(np.prod(shape_of(a)))
    positions = np.array(base_value(ind)).ravel()  # a copy: the caller may refill ind
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


@handles(np.copyto)
def copyto(dst, src, casting="same_kind", where=True):
    """``np.copyto``: ``src`` written into ``dst`` (where ``where`` is true), in place.

    >>> def f(x):
    ...     y = np.zeros(2, like=x)
    ...     copyto(y, x * 3.0, where=np.array([True, False]))
    ...     return y.sum()
    >>> cr.grad(f)(np.array([1.0, 2.0]))
    array([3., 0.])
    """
    _traced_target(dst, "np.copyto")
    mask = base_value(where)
    new = (arithmetic.add(arithmetic.multiply(dst, 0.0), src) if mask is True
           else arithmetic.where(mask, src, dst))
    update(dst, new)


@handles(np.putmask)
def putmask(a, mask, values):
    """``np.putmask``: ``a.flat[n] = values[n % len(values)]`` where ``mask`` is true.

    >>> def f(x):
    ...     y = x * 1.0
    ...     putmask(y, np.array([False, True, True]), x[0] * 10.0)
    ...     return y.sum()
    >>> cr.grad(f)(np.array([1.0, 2.0, 3.0]))
    array([21.,  0.,  0.])
    """
    _traced_target(a, "np.putmask")
    positions = np.flatnonzero(np.broadcast_to(base_value(mask), shape_of(a)))
    flat_values = (manipulation.reshape(values, (-1,)) if isinstance(values, Tracer)
                   else np.ravel(values))
    count = int(np.prod(shape_of(flat_values)))
    put(a, positions, indexing.getitem(flat_values, positions % count))


@handles(np.place)
def place(arr, mask, vals):
    """``np.place``: the entries where ``mask`` is true take ``vals`` in order (repeated).

    >>> def f(x):
    ...     y = x * 1.0
    ...     place(y, np.array([True, False, True]), x[1:])
    ...     return (y * np.array([1.0, 10.0, 100.0])).sum()
    >>> cr.grad(f)(np.array([1.0, 2.0, 3.0]))
    array([  0., 11., 100.])
    """
    _traced_target(arr, "np.place")
    put(arr, np.flatnonzero(base_value(mask)), vals)


@handles(np.fill_diagonal)
def fill_diagonal(a, val, wrap=False):
    """``np.fill_diagonal``: the main diagonal (of equal-length axes) set to ``val``, in place.

    >>> def f(x):
    ...     M = np.zeros((2, 2), like=x)
    ...     fill_diagonal(M, x)
    ...     return (M * np.array([[1.0, 2.0], [3.0, 4.0]])).sum()
    >>> cr.grad(f)(np.array([1.0, 1.0]))
    array([1., 4.])
    """
    _traced_target(a, "np.fill_diagonal")
    shape = shape_of(a)
    plain = np.zeros(shape, bool)
    np.fill_diagonal(plain, True, wrap=wrap)  # NumPy's own checks and positions
    put(a, np.flatnonzero(plain), val)


def add_at(a, indices, b=None):
    """``np.add.at``: unbuffered ``a[indices] += b``, repeated indices adding up.

    >>> def f(x):
    ...     y = np.zeros(2, like=x)
    ...     add_at(y, [0, 0, 1], x)
    ...     return (y * np.array([1.0, 10.0])).sum()
    >>> cr.grad(f)(np.array([1.0, 1.0, 1.0]))
    array([ 1.,  1., 10.])
    """
    _traced_target(a, "np.add.at")
    index = indexing._plain_index(indices)
    selected = np.empty(shape_of(a), bool)[index].shape
    increment = arithmetic.add(np.zeros(selected, indexing.dtype_of(a)), b)
    update(a, arithmetic.add(a, indexing.scatter_add_p(
        increment, index=index, shape=shape_of(a), dtype=indexing.dtype_of(a))))


def subtract_at(a, indices, b=None):
    """``np.subtract.at``: unbuffered ``a[indices] -= b``.

    >>> def f(x):
    ...     y = x * 1.0
    ...     subtract_at(y, [1, 1], x[0])
    ...     return y.sum()
    >>> cr.grad(f)(np.array([1.0, 1.0]))
    array([-1.,  1.])
    """
    add_at(a, indices, arithmetic.negative(b))
