"""Indexing: ``x[index]`` and its transpose, and the functional ``x[index] = v``.

Both are linear, so each declares its transpose once and gets forward mode
from linearity. Repeated indices in advanced indexing accumulate in the
gradient, as they should (``x[[0, 0]]`` uses ``x[0]`` twice).
"""

from __future__ import annotations

import numpy as np

from ..core import Tracer, base_value
from .complex_numbers import real
from .elementwise import unbroadcast
from .manipulation import reshape
from .wrap import dtype_of, handles, primitive, shape_of


def is_basic_index(index) -> bool:
    """True when ``x[index]`` is a view in NumPy: ints, slices, None and Ellipsis only."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        part is None or part is Ellipsis or isinstance(part, (int, np.integer, slice))
        and not isinstance(part, (bool, np.bool_))
        for part in parts
    )


def _plain_index(index):
    if isinstance(index, tuple):
        return tuple(_plain_index(part) for part in index)
    if isinstance(index, Tracer):
        value = base_value(index)
        if np.issubdtype(np.result_type(value), np.inexact):
            raise IndexError("arrays used as indices must be of integer or boolean type")
        return value
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _real_cotangent(g, dtype):
    """A real array's cotangent pairs with its tangent by the real part alone."""
    if np.issubdtype(dtype, np.complexfloating) or not np.iscomplexobj(base_value(g)):
        return g
    return real(g)


def _scatter_add_impl(g, index, shape, dtype):
    if np.iscomplexobj(g) and not np.issubdtype(dtype, np.complexfloating):
        g = np.real(g)  # see _real_cotangent
    out = np.zeros(shape, dtype)
    if is_basic_index(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


getitem_p = primitive("getitem", lambda x, index: x[index])
scatter_add_p = primitive("scatter_add", _scatter_add_impl)

getitem_p.def_linear(
    lambda g, ans, x, index: scatter_add_p(g, index=index, shape=shape_of(x), dtype=dtype_of(x)))
scatter_add_p.def_linear(
    lambda g, ans, u, index, shape, dtype: getitem_p(_real_cotangent(g, dtype), index=index))


def getitem(x, index):
    """``x[index]``, for every kind of NumPy index.

    >>> getitem(np.arange(4.0), [0, 0, 3])
    array([0., 0., 3.])
    """
    return getitem_p(x, index=_plain_index(index))


def _setitem_impl(x, value, index):
    out = np.array(x, copy=True)
    out[index] = value
    return out


def _winners(shape, index):
    """For ``x[index] = v``: which positions of ``x[index]`` are written last.

    With repeated indices NumPy keeps the last write, so only those positions
    of the value reach the result; the others get no cotangent.
    """
    selected_shape = np.empty(shape, bool)[index].shape
    order = np.arange(int(np.prod(selected_shape))).reshape(selected_shape)
    slots = np.full(shape, -1)
    slots[index] = order
    return slots[index] == order


def _setitem_value_vjp(g, ans, x, value, index):
    selected = getitem_p(g, index=index)
    if not is_basic_index(index):
        selected = selected * _winners(shape_of(x), index)
    return unbroadcast(selected, shape_of(value))


setitem_p = primitive("setitem", _setitem_impl)
setitem_p.def_linear(
    lambda g, ans, x, value, index: setitem_p(g, 0.0, index=index),
    _setitem_value_vjp,
)


def setitem(x, index, value):
    """The array ``x`` with ``x[index] = value`` applied, as a new value.

    >>> setitem(np.zeros(3), 1, 5.0)
    array([0., 5., 0.])
    """
    return setitem_p(x, value, index=_plain_index(index))


@handles(np.take)
def take(a, indices, axis=None, out=None, mode="raise"):
    """``np.take``: gather along an axis (or from the flattened array).

    >>> take(np.array([1.0, 2.0, 3.0]), [2, 0, 5], mode="clip")
    array([3., 1., 3.])
    """
    if out is not None:
        raise NotImplementedError("np.take(..., out=...) cannot write into an array on "
                                  "traced values; use the returned array instead.")
    if axis is None:
        a, axis = reshape(a, (-1,)), 0
    axis = axis % len(shape_of(a))
    indices = _plain_index(indices)
    size = shape_of(a)[axis]
    if mode == "wrap":
        indices = np.mod(indices, size)
    elif mode == "clip":
        indices = np.clip(indices, 0, size - 1)
    return getitem(a, (slice(None),) * axis + (indices,))
