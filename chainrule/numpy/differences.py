"""Differences and sums of samples: diff, ediff1d, gradient, trapezoid (trapz).

Each follows NumPy's algorithm with traced slicing, joining and arithmetic, so
it is differentiable in the samples and in the spacing or coordinates (scalars
or arrays, traced or not), to every order.

>>> cr.grad(lambda x: trapezoid(x ** 2, dx=0.5))(np.array([0.0, 1.0, 2.0]))
array([0., 1., 1.])
"""

from __future__ import annotations

import numpy as np

from ..core import Tracer, base_value
from ..core.batching import is_batched
from .creation import asarray
from .elementwise import astype
from .indexing import getitem
from .joining import concatenate
from .manipulation import broadcast_to, reshape
from .reductions import _axis_tuple, sum
from .wrap import NUMPY_2, dtype_of, handles, shape_of, since_numpy

__all__ = ["diff", "ediff1d", "gradient", "trapezoid", "trapz"]


def _array(a):
    return asarray(a) if isinstance(a, (list, tuple)) else a


def _along(axis: int, index) -> tuple:
    return (slice(None),) * axis + (index,)


def _edge(value, shape: tuple, axis: int):
    """``prepend``/``append`` of ``np.diff``: a scalar becomes one slice along ``axis``."""
    value = _array(value)
    if not isinstance(value, Tracer):
        value = np.asarray(value)
    if shape_of(value) == ():
        value = broadcast_to(value, shape[:axis] + (1,) + shape[axis + 1:])
    return value


@handles(np.diff)
def diff(a, n=1, axis=-1, prepend=np._NoValue, append=np._NoValue):
    """``np.diff``: the ``n``-th difference along ``axis``, with ``prepend`` and ``append``.

    >>> diff(np.array([1.0, 4.0, 9.0]), prepend=0.0)
    array([1., 3., 5.])
    """
    if n == 0:
        return a
    if n < 0:
        raise ValueError("order must be non-negative but got " + repr(n))
    a = _array(a)
    shape = shape_of(a)
    if not shape:
        raise ValueError("diff requires input that is at least one dimensional")
    (axis,) = _axis_tuple(axis, len(shape))
    pieces = [a]
    if prepend is not np._NoValue:
        pieces.insert(0, _edge(prepend, shape, axis))
    if append is not np._NoValue:
        pieces.append(_edge(append, shape, axis))
    if len(pieces) > 1:
        a = concatenate(pieces, axis)
    for _ in range(n):
        a = getitem(a, _along(axis, slice(1, None))) - getitem(a, _along(axis, slice(None, -1)))
    return a


@handles(np.ediff1d)
def ediff1d(ary, to_end=None, to_begin=None):
    """``np.ediff1d``: differences of the flattened array, with ``to_begin`` and ``to_end``.

    >>> ediff1d(np.array([1.0, 2.0, 4.0]), to_begin=-1.0)
    array([-1.,  1.,  2.])
    """
    ary = reshape(_array(ary), (-1,))
    differences = getitem(ary, slice(1, None)) - getitem(ary, slice(None, -1))
    if to_begin is None and to_end is None:
        return differences
    begin, end = (_flat_edge(value, ary) for value in (to_begin, to_end))
    pieces = begin + [differences] + end
    return concatenate(pieces)


def _flat_edge(value, ary) -> list:
    """``to_begin``/``to_end`` of ``np.ediff1d``, flattened, as a list of pieces."""
    if value is None:
        return []
    value = _array(value)
    if not np.can_cast(dtype_of(value), dtype_of(ary), casting="same_kind"):
        raise TypeError("dtype of `to_begin` or `to_end` must be compatible with input `ary` "
                        "under the `same_kind` rule.")
    value = reshape(value, (-1,))
    if isinstance(value, Tracer):
        return [astype(value, dtype_of(ary)) if dtype_of(value) != dtype_of(ary) else value]
    return [np.asarray(value, dtype_of(ary))]  # NumPy writes them into an array of ary's dtype


# -- gradient -------------------------------------------------------------------------


def _spacings(varargs: tuple, f_shape: tuple, axes: tuple) -> list:
    """One spacing per axis: a scalar, or the differences of 1-D coordinates."""
    if not varargs:
        return [1.0] * len(axes)
    if len(varargs) == 1 and len(shape_of(varargs[0])) == 0:
        return list(varargs) * len(axes)
    if len(varargs) != len(axes):
        raise TypeError("invalid number of arguments")
    spacings = []
    for axis, distances in zip(axes, varargs):
        distances = _array(distances)
        shape = shape_of(distances)
        if len(shape) == 0:
            spacings.append(distances)
            continue
        if len(shape) != 1:
            raise ValueError("distances must be either scalars or 1d")
        if shape[0] != f_shape[axis]:
            raise ValueError("when 1d, distances must match the length of the corresponding "
                             "dimension")
        if np.issubdtype(dtype_of(distances), np.integer):
            distances = astype(distances, np.float64) if isinstance(distances, Tracer) else \
                np.asarray(distances).astype(np.float64)
        steps = diff(distances)
        # under vmap each member may be uniform or not: the uneven formula is right for both
        uniform = not is_batched(steps) and np.all(base_value(steps) == base_value(steps)[0])
        spacings.append(getitem(steps, 0) if uniform else steps)
    return spacings


def _gradient_along(f, spacing, axis: int, edge_order: int):
    ndim = len(shape_of(f))

    def at(start, stop=None):
        return getitem(f, _along(axis, slice(start, stop)))

    def along(values):  # coefficients of shape (n,) as a column along ``axis``
        return reshape(values, tuple(-1 if d == axis else 1 for d in range(ndim)))

    if len(shape_of(spacing)) == 0:
        interior = (at(2, None) - at(None, -2)) / (2.0 * spacing)
        if edge_order == 1:
            first = (at(1, 2) - at(0, 1)) / spacing
            last = (at(-1, None) - at(-2, -1)) / spacing
        else:
            first = (-1.5 / spacing) * at(0, 1) + (2.0 / spacing) * at(1, 2) + (
                -0.5 / spacing) * at(2, 3)
            last = (0.5 / spacing) * at(-3, -2) + (-2.0 / spacing) * at(-2, -1) + (
                1.5 / spacing) * at(-1, None)
        return concatenate([first, interior, last], axis)
    dx1, dx2 = getitem(spacing, slice(0, -1)), getitem(spacing, slice(1, None))
    a = -(dx2) / (dx1 * (dx1 + dx2))
    b = (dx2 - dx1) / (dx1 * dx2)
    c = dx1 / (dx2 * (dx1 + dx2))
    interior = along(a) * at(None, -2) + along(b) * at(1, -1) + along(c) * at(2, None)
    first_dx, last_dx = getitem(spacing, 0), getitem(spacing, -1)
    if edge_order == 1:
        first = (at(1, 2) - at(0, 1)) / first_dx
        last = (at(-1, None) - at(-2, -1)) / last_dx
    else:
        dx1, dx2 = getitem(spacing, 0), getitem(spacing, 1)
        a = -(2.0 * dx1 + dx2) / (dx1 * (dx1 + dx2))
        b = (dx1 + dx2) / (dx1 * dx2)
        c = -dx1 / (dx2 * (dx1 + dx2))
        first = a * at(0, 1) + b * at(1, 2) + c * at(2, 3)
        dx1, dx2 = getitem(spacing, -2), getitem(spacing, -1)
        a = (dx2) / (dx1 * (dx1 + dx2))
        b = -(dx2 + dx1) / (dx1 * dx2)
        c = (2.0 * dx2 + dx1) / (dx2 * (dx1 + dx2))
        last = a * at(-3, -2) + b * at(-2, -1) + c * at(-1, None)
    return concatenate([first, interior, last], axis)


@handles(np.gradient)
def gradient(f, *varargs, axis=None, edge_order=1):
    """``np.gradient``: central differences inside, one-sided ones (``edge_order`` 1 or 2)
    at the ends; spacings as scalars or coordinates, differentiable too.

    >>> gradient(np.array([1.0, 2.0, 4.0, 7.0]))
    array([1. , 1.5, 2.5, 3. ])
    """
    f = _array(f)
    shape = shape_of(f)
    axes = tuple(range(len(shape))) if axis is None else _axis_tuple(axis, len(shape))
    spacings = _spacings(varargs, shape, axes)
    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    dtype = dtype_of(f) if np.issubdtype(dtype_of(f), np.inexact) else np.dtype(np.float64)
    results = []
    for along, spacing in zip(axes, spacings):
        if shape[along] < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, "
                             "at least (edge_order + 1) elements are required.")
        result = _gradient_along(f, spacing, along, edge_order)
        results.append(astype(result, dtype) if dtype_of(result) != dtype else result)
    if len(axes) == 1:
        return results[0]
    return tuple(results) if NUMPY_2 else results


# -- trapezoid ------------------------------------------------------------------------


@handles(since_numpy(np, "trapezoid"), since_numpy(np, "trapz"))
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """``np.trapezoid`` (``np.trapz`` before NumPy 2): the trapezoidal rule along ``axis``.

    >>> trapezoid(np.array([1.0, 2.0, 3.0]), x=np.array([0.0, 1.0, 3.0]))
    6.5
    """
    y = _array(y)
    shape = shape_of(y)
    (axis,) = _axis_tuple(axis, len(shape))
    if x is None:
        step = dx
    else:
        x = _array(x)
        if len(shape_of(x)) == 1:
            step = diff(x)
            step = reshape(step, tuple(-1 if d == axis else 1 for d in range(len(shape))))
        else:
            step = diff(x, axis=axis)
    pairs = getitem(y, _along(axis, slice(1, None))) + getitem(y, _along(axis, slice(None, -1)))
    return sum(step * pairs / 2.0, axis)


trapz = trapezoid
