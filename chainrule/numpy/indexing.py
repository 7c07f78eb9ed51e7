"""Indexing: ``x[index]`` and its transpose, and the functional ``x[index] = v``.

Both are linear, so each declares its transpose once and gets forward mode
from linearity. Repeated indices in advanced indexing accumulate in the
gradient, as they should (``x[[0, 0]]`` uses ``x[0]`` twice).
"""

from __future__ import annotations

import numpy as np

from ..core import Tracer, base_value, zeros_like
from .complex_numbers import real
from .elementwise import unbroadcast
from .manipulation import reshape
from .wrap import dtype_of, handles, nondiff, primitive, shape_of


def is_basic_index(index) -> bool:
    """True when ``x[index]`` is a view in NumPy: ints, slices, None and Ellipsis only."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        part is None or part is Ellipsis or isinstance(part, (int, np.integer, slice))
        and not isinstance(part, (bool, np.bool_))
        for part in parts
    )


def _plain_index(index):
    """``index`` as NumPy takes it: lists become arrays; traced index arrays are checked
    and kept (a recording level sees them, so a replay recomputes masks and indices)."""
    if isinstance(index, tuple):
        return tuple(_plain_index(part) for part in index)
    if isinstance(index, Tracer):
        if np.issubdtype(dtype_of(index), np.inexact):
            raise IndexError("arrays used as indices must be of integer or boolean type")
        return index
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _real_cotangent(g, dtype):
    """A real array's cotangent pairs with its tangent by the real part alone."""
    if np.issubdtype(dtype, np.complexfloating) or not np.iscomplexobj(base_value(g)):
        return g
    return real(g)


# An index holding traced arrays: the arrays are arguments of the primitive, the rest of
# the index (``layout``: slices, ints, plain arrays) a parameter, with ``None`` where each
# traced array goes. Only a recording level makes traced index arrays: the other levels
# compute masks and indices as plain values, and take the paths below these.

def _split_index(index):
    """(layout, traced arrays), or (index, ()) when nothing in it is traced."""
    parts = index if isinstance(index, tuple) else (index,)
    if not any(isinstance(part, Tracer) for part in parts):
        return index, ()
    arrays = tuple(part for part in parts if isinstance(part, Tracer))
    layout = tuple(None if isinstance(part, Tracer) else part for part in parts)
    return (layout, isinstance(index, tuple)), arrays


def _joined_index(layout, arrays):
    parts, was_tuple = layout
    values = iter(arrays)
    index = tuple(next(values) if part is None else part for part in parts)
    return index if was_tuple else index[0]


def _gather_jvp(tangents, ans, x, *arrays, layout):
    return None if tangents[0] is None else gather_p(tangents[0], *arrays, layout=layout)


def _gather_vjp(g, ans, x, *arrays, layout):
    return (scatter_p(g, *arrays, layout=layout, shape=shape_of(x), dtype=dtype_of(x)),
            *(None for _ in arrays))


def _scatter_jvp(tangents, ans, g, *arrays, layout, shape, dtype):
    if tangents[0] is None:
        return None
    return scatter_p(tangents[0], *arrays, layout=layout, shape=shape, dtype=dtype)


def _scatter_vjp(cotangent, ans, g, *arrays, layout, shape, dtype):
    return (gather_p(cotangent, *arrays, layout=layout), *(None for _ in arrays))


gather_p = primitive("gather", lambda x, *arrays, layout: x[_joined_index(layout, arrays)])
scatter_p = primitive("scatter", lambda g, *arrays, layout, shape, dtype: _scatter_add_impl(
    g, _joined_index(layout, arrays), shape, dtype))
gather_p.def_jvp_joint(_gather_jvp)
gather_p.def_vjp_joint(_gather_vjp)
scatter_p.def_jvp_joint(_scatter_jvp)
scatter_p.def_vjp_joint(_scatter_vjp)


def _set_traced_impl(x, value, *arrays, layout):
    return _setitem_impl(x, value, _joined_index(layout, arrays))


def _set_traced_jvp(tangents, ans, x, value, *arrays, layout):
    tx, tv = tangents[0], tangents[1]
    if tx is None and tv is None:
        return None
    return set_traced_p(zeros_like(x) if tx is None else tx, 0.0 if tv is None else tv,
                        *arrays, layout=layout)


def _set_traced_vjp(g, ans, x, value, *arrays, layout):
    selected = gather_p(g, *arrays, layout=layout) * winners_p(*arrays, layout=layout,
                                                               shape=shape_of(x))
    return (set_traced_p(g, 0.0, *arrays, layout=layout), unbroadcast(selected, shape_of(value)),
            *(None for _ in arrays))


# which positions of x[index] a write with repeated indices keeps (see _winners)
winners_p = nondiff("winners", lambda *arrays, layout, shape: _winners(
    shape, _joined_index(layout, arrays)))
set_traced_p = primitive("set_traced", _set_traced_impl)
set_traced_p.def_jvp_joint(_set_traced_jvp)
set_traced_p.def_vjp_joint(_set_traced_vjp)


def _scatter_add_impl(g, index, shape, dtype):
    if np.iscomplexobj(g) and not np.issubdtype(dtype, np.complexfloating):
        g = np.real(g)  # see _real_cotangent
    out = np.zeros_like(g, shape=shape, dtype=dtype)  # the cotangent's array type (Dask, CuPy)
    if is_basic_index(index):
        if type(out) is not np.ndarray and isinstance(index, tuple) and None in index:
            index = tuple(i for i in index if i is not None)  # Dask cannot assign through None
            g = np.reshape(g, out[index].shape)
        out[index] = g
    elif hasattr(out, "rechunk"):  # Dask has no np.add.at: a weighted count of the positions
        flat = np.reshape(g, (-1,))
        positions = np.arange(int(np.prod(shape))).reshape(shape)[index].reshape(-1)
        positions = np.asarray(positions, like=flat).rechunk(flat.chunks)
        out = np.bincount(positions, weights=flat, minlength=int(np.prod(shape)))
        return np.reshape(out, shape).astype(dtype)
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
    layout, arrays = _split_index(_plain_index(index))
    if arrays:
        return gather_p(x, *arrays, layout=layout)
    return getitem_p(x, index=layout)


def _setitem_impl(x, value, index):
    out = x.copy() if hasattr(x, "__array_function__") else np.array(x, copy=True)  # Dask, CuPy stay
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
    layout, arrays = _split_index(_plain_index(index))
    if arrays:
        return set_traced_p(x, value, *arrays, layout=layout)
    return setitem_p(x, value, index=layout)


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
