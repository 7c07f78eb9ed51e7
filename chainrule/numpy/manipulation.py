"""Array manipulation: reshape, transpose and their relatives, flips and rolls,
diagonals and triangles.

Every one is linear. A primitive declares itself linear once and gives its
transpose (the VJP), which is again one of these functions: the inverse
reshaping, the opposite roll, the diagonal put back into zeros. Functions
that are compositions of others (``moveaxis``, ``rot90``) need no
rule of their own.

Those of them that return views in NumPy (reshape, transpose, flip, ...) are
reached from NumPy through ``views.py``, which makes their results views of
their inputs; the versions here compute values only, for rules and other
functions to build on.
"""

from __future__ import annotations

import operator

import numpy as np

from ..core import Tracer, base_value
from ..core.batching import is_batched, loop_over_batch
from .batching import member_axes
from .elementwise import broadcast_to_p, unbroadcast
from .wrap import array_of, handles, primitive, shape_of


def _array(x):
    """A tracer as it is; anything else (a list, which may hold tracers, a scalar) as an array."""
    x = array_of(x)
    return x if isinstance(x, Tracer) or hasattr(x, "__array_function__") else np.asarray(x)


def _axis(axis, ndim: int) -> int:
    """``axis`` as a non-negative int, with NumPy's error when it is out of range."""
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(axis, ndim)
    return axis % ndim


# -- reshaping ------------------------------------------------------------------

reshape_p = primitive("reshape", lambda x, shape, order: np.reshape(x, shape, order=order)
                      if order != "C" else np.reshape(x, shape))  # Dask's reshape has no order=
reshape_p.def_linear(lambda g, ans, x, shape, order: reshape_p(g, shape=shape_of(x), order=order))


def _reshape_batch(args, batched, shape, order):
    (x,) = args
    size = shape_of(x)[0]
    if order == "C":
        return reshape_p(x, shape=(size,) + shape, order="C")
    if order == "F":  # with the batch axis last, each member is one block in Fortran order
        last = transpose_p(x, axes=tuple(range(1, len(shape_of(x)))) + (0,))
        moved = reshape_p(last, shape=shape + (size,), order="F")
        return transpose_p(moved, axes=(len(shape),) + tuple(range(len(shape))))
    return loop_over_batch(reshape_p, list(args), list(batched), {"shape": shape, "order": order},
                           size)


reshape_p.def_batch(_reshape_batch)


def reshape(x, shape=None, order="C", **kwargs):
    """``np.reshape``.

    >>> reshape(np.arange(6.0), (2, 3)).shape
    (2, 3)
    """
    shape = kwargs.pop("newshape", shape)
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    return reshape_p(_array(x), shape=tuple(shape), order=order)


def ravel(x, order="C"):
    """``np.ravel``: the array flattened to one axis.

    >>> ravel(np.ones((2, 3))).shape
    (6,)
    """
    x = _array(x)
    if order in ("A", "K") and is_batched(x):
        order = "C"  # a batch member has no memory layout of its own
    elif order in ("A", "K"):
        plain = np.asarray(base_value(x))
        fortran = plain.flags.f_contiguous and not plain.flags.c_contiguous
        order = "F" if fortran else "C"
    return reshape(x, (-1,), order=order)


def squeeze(x, axis=None):
    """``np.squeeze``: drop axes of length one.

    >>> squeeze(np.ones((1, 3, 1))).shape
    (3,)
    """
    x = _array(x)
    return reshape(x, np.squeeze(np.empty(shape_of(x), dtype=bool), axis).shape)


def expand_dims(x, axis):
    """``np.expand_dims``: insert axes of length one.

    >>> expand_dims(np.ones(3), (0, 2)).shape
    (1, 3, 1)
    """
    x = _array(x)
    return reshape(x, np.expand_dims(np.empty(shape_of(x), dtype=bool), axis).shape)


def _at_least(x, ndim: int):
    """One array of ``atleast_<ndim>d``: NumPy puts the new axes at these places."""
    shape = shape_of(x)
    if len(shape) >= ndim:
        return x
    if ndim == 3 and len(shape) == 2:
        return reshape(x, shape + (1,))
    if ndim == 3:
        return reshape(x, (1,) + (shape or (1,)) + (1,))
    return reshape(x, (1,) * (ndim - len(shape)) + shape)


def _atleast(arrays, ndim):
    results = tuple(_at_least(_array(x), ndim) for x in arrays)
    return results[0] if len(results) == 1 else results


def atleast_1d(*arrays):
    """``np.atleast_1d``: scalars become arrays of shape ``(1,)``.

    >>> atleast_1d(2.0)
    array([2.])
    """
    return _atleast(arrays, 1)


def atleast_2d(*arrays):
    """``np.atleast_2d``: an array of shape ``(N,)`` becomes ``(1, N)``.

    >>> atleast_2d(np.ones(3)).shape
    (1, 3)
    """
    return _atleast(arrays, 2)


def atleast_3d(*arrays):
    """``np.atleast_3d``: ``(N,)`` becomes ``(1, N, 1)``, ``(M, N)`` becomes ``(M, N, 1)``.

    >>> atleast_3d(np.ones(3)).shape
    (1, 3, 1)
    """
    return _atleast(arrays, 3)


def broadcast_to(x, shape, subok=False):
    """``np.broadcast_to``; as in NumPy, an untraced result is a read-only view.

    >>> broadcast_to(np.array([1.0, 2.0]), (2, 2))
    array([[1., 2.],
           [1., 2.]])
    """
    x = _array(x)
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if shape_of(x) == shape:
        return x
    return broadcast_to_p(x, shape=shape)


# -- permuting axes -------------------------------------------------------------

transpose_p = primitive("transpose", lambda x, axes: np.transpose(x, axes))
transpose_p.def_linear(
    lambda g, ans, x, axes: transpose_p(g, axes=None if axes is None else tuple(np.argsort(axes))))


def _transpose_batch(args, batched, axes):
    (x,) = args
    ndim = len(shape_of(x)) - 1
    member = tuple(range(ndim - 1, -1, -1)) if axes is None else axes
    return transpose_p(x, axes=(0,) + tuple(a + 1 for a in member))


transpose_p.def_batch(_transpose_batch)


def transpose(x, axes=None):
    """``np.transpose``: reverse the axes, or permute them as ``axes`` says.

    >>> transpose(np.ones((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    x = _array(x)
    if axes is not None:
        ndim = len(shape_of(x))
        axes = tuple(_axis(a, ndim) for a in axes)
    return transpose_p(x, axes=axes)


swapaxes_p = primitive("swapaxes", lambda x, axis1, axis2: np.swapaxes(x, axis1, axis2))
swapaxes_p.def_linear(lambda g, ans, x, axis1, axis2: swapaxes_p(g, axis1=axis1, axis2=axis2))
swapaxes_p.def_batch(lambda args, batched, axis1, axis2: swapaxes_p(
    args[0], axis1=axis1 + 1, axis2=axis2 + 1))


def swapaxes(x, axis1, axis2):
    """``np.swapaxes``.

    >>> swapaxes(np.ones((2, 3, 4)), 0, -1).shape
    (4, 3, 2)
    """
    x = _array(x)
    ndim = len(shape_of(x))
    return swapaxes_p(x, axis1=_axis(axis1, ndim), axis2=_axis(axis2, ndim))


def moveaxis(x, source, destination):
    """``np.moveaxis``: move axes to new positions, keeping the others in order.

    >>> moveaxis(np.ones((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    x = _array(x)
    ndim = len(shape_of(x))
    source = [source] if isinstance(source, (int, np.integer)) else list(source)
    destination = ([destination] if isinstance(destination, (int, np.integer))
                   else list(destination))
    if len(source) != len(destination):
        raise ValueError("`source` and `destination` arguments must have "
                         "the same number of elements")
    source = [_axis(a, ndim) for a in source]
    destination = [_axis(a, ndim) for a in destination]
    order = [axis for axis in range(ndim) if axis not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return transpose(x, order)


# -- flips and rolls ------------------------------------------------------------

flip_p = primitive("flip", lambda x, axis: np.flip(x, axis))
flip_p.def_linear(lambda g, ans, x, axis: flip_p(g, axis=axis))  # its own inverse
flip_p.def_batch(lambda args, batched, axis: flip_p(
    args[0], axis=member_axes(axis, len(shape_of(args[0])) - 1)))


def flip(x, axis=None):
    """``np.flip``: reverse the order of elements along ``axis`` (all axes if None).

    >>> flip(np.array([1.0, 2.0, 3.0]))
    array([3., 2., 1.])
    """
    x = _array(x)
    if axis is not None:
        ndim = len(shape_of(x))
        axis = (tuple(_axis(a, ndim) for a in axis) if isinstance(axis, (tuple, list))
                else _axis(axis, ndim))
    return flip_p(x, axis=axis)


def fliplr(x):
    """``np.fliplr``: reverse the columns (axis 1).

    >>> fliplr(np.array([[1.0, 2.0]]))
    array([[2., 1.]])
    """
    x = _array(x)
    if len(shape_of(x)) < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(x, 1)


def flipud(x):
    """``np.flipud``: reverse the rows (axis 0).

    >>> flipud(np.array([[1.0], [2.0]]))
    array([[2.],
           [1.]])
    """
    x = _array(x)
    if len(shape_of(x)) < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(x, 0)


def rot90(x, k=1, axes=(0, 1)):
    """``np.rot90``: rotate by 90 degrees ``k`` times in the plane of ``axes``.

    >>> rot90(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([[2., 4.],
           [1., 3.]])
    """
    x = _array(x)
    ndim = len(shape_of(x))
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    first, second = _axis(axes[0], ndim), _axis(axes[1], ndim)
    if first == second:
        raise ValueError("Axes must be different.")
    k = operator.index(k) % 4
    if k == 0:
        return x
    if k == 2:
        return flip(flip(x, first), second)
    order = list(range(ndim))
    order[first], order[second] = order[second], order[first]
    if k == 1:
        return transpose(flip(x, second), order)
    return flip(transpose(x, order), second)


roll_p = primitive("roll", lambda x, shift, axis: np.roll(x, shift, axis))
roll_p.def_linear(lambda g, ans, x, shift, axis: roll_p(g, shift=_negated(shift), axis=axis))


def _negated(shift):
    return tuple(-s for s in shift) if isinstance(shift, tuple) else -shift


def _roll_batch(args, batched, shift, axis):
    (x,) = args
    shape = shape_of(x)
    if axis is None:  # the flattened member rolls, then takes its shape again
        flat = reshape_p(x, shape=(shape[0], -1), order="C")
        return reshape_p(roll_p(flat, shift=shift, axis=1), shape=shape, order="C")
    return roll_p(x, shift=shift, axis=member_axes(axis, len(shape) - 1))


roll_p.def_batch(_roll_batch)


@handles(np.roll)
def roll(x, shift, axis=None):
    """``np.roll``: shift elements along ``axis`` (of the flattened array if None), wrapping.

    >>> roll(np.array([1.0, 2.0, 3.0]), 1)
    array([3., 1., 2.])
    """
    x = _array(x)
    shift = (tuple(operator.index(s) for s in shift) if isinstance(shift, (tuple, list))
             else operator.index(shift))
    if axis is not None:
        ndim = len(shape_of(x))
        axis = (tuple(_axis(a, ndim) for a in axis) if isinstance(axis, (tuple, list))
                else _axis(axis, ndim))
    return roll_p(x, shift=shift, axis=axis)


# -- diagonals and triangles ------------------------------------------------------

def _diagonal_embed_impl(d, offset, axis1, axis2, shape):
    """Zeros of ``shape`` with ``d`` written on the diagonal ``np.diagonal`` reads."""
    d = d if hasattr(d, "__array_function__") else np.asarray(d)
    count = d.shape[-1]
    rows = np.arange(count) + max(-offset, 0)
    cols = np.arange(count) + max(offset, 0)
    if type(d) is not np.ndarray:  # Dask, CuPy: no writes through views; a one-hot product
        one_hot = (np.arange(shape[axis1])[:, None] == rows[:, None, None]) & (
            np.arange(shape[axis2]) == cols[:, None, None])
        moved = np.einsum("...i,irc->...rc", d, np.asarray(one_hot.astype(d.dtype), like=d))
        return np.moveaxis(moved, (-2, -1), (axis1, axis2))
    out = np.zeros(shape, d.dtype)
    moved = np.moveaxis(out, (axis1, axis2), (-2, -1))  # a writable view of out
    moved[..., rows, cols] = d
    return out


diagonal_p = primitive(
    "diagonal", lambda x, offset, axis1, axis2: np.diagonal(x, offset, axis1, axis2))
diagonal_embed_p = primitive("diagonal_embed", _diagonal_embed_impl)
diagonal_p.def_linear(lambda g, ans, x, offset, axis1, axis2: diagonal_embed_p(
    g, offset=offset, axis1=axis1, axis2=axis2, shape=shape_of(x)))
diagonal_embed_p.def_linear(lambda g, ans, d, offset, axis1, axis2, shape: diagonal_p(
    g, offset=offset, axis1=axis1, axis2=axis2))
diagonal_p.def_batch(lambda args, batched, offset, axis1, axis2: diagonal_p(
    args[0], offset=offset, axis1=axis1 + 1, axis2=axis2 + 1))
diagonal_embed_p.def_batch(lambda args, batched, offset, axis1, axis2, shape: diagonal_embed_p(
    args[0], offset=offset, axis1=axis1 + 1, axis2=axis2 + 1,
    shape=shape_of(args[0])[:1] + shape))


def diagonal(x, offset=0, axis1=0, axis2=1):
    """``np.diagonal``: the diagonal over ``axis1``/``axis2``, as the last axis.

    >>> diagonal(np.array([[1.0, 2.0], [3.0, 4.0]]), offset=1)
    array([2.])
    """
    x = _array(x)
    ndim = len(shape_of(x))
    if ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    axis1, axis2 = _axis(axis1, ndim), _axis(axis2, ndim)
    if axis1 == axis2:
        raise ValueError("axis1 and axis2 cannot be the same")
    return diagonal_p(x, offset=operator.index(offset), axis1=axis1, axis2=axis2)


def diag(v, k=0):
    """``np.diag``: a 1-D array becomes a matrix with it on diagonal ``k``;
    a matrix gives its diagonal ``k``.

    >>> diag(np.array([1.0, 2.0]))
    array([[1., 0.],
           [0., 2.]])
    """
    v = _array(v)
    k = operator.index(k)
    shape = shape_of(v)
    if len(shape) == 2:
        return diagonal(v, k)
    if len(shape) != 1:
        raise ValueError("Input must be 1- or 2-d.")
    size = shape[0] + abs(k)
    return diagonal_embed_p(v, offset=k, axis1=0, axis2=1, shape=(size, size))


@handles(np.diagflat)
def diagflat(v, k=0):
    """``np.diagflat``: the flattened input on diagonal ``k`` of a matrix.

    >>> diagflat(np.array([[1.0], [2.0]])).shape
    (2, 2)
    """
    return diag(ravel(v), k)


triu_p = primitive("triu", lambda x, k: np.triu(x, k))
tril_p = primitive("tril", lambda x, k: np.tril(x, k))
# Each keeps a fixed set of entries, so it is its own transpose; a 1-D input was
# broadcast to a square, so its cotangent is summed back.
triu_p.def_linear(lambda g, ans, x, k: unbroadcast(triu_p(g, k=k), shape_of(x)))
tril_p.def_linear(lambda g, ans, x, k: unbroadcast(tril_p(g, k=k), shape_of(x)))


def _triangle_batch(prim):
    def rule(args, batched, k):
        (x,) = args
        shape = shape_of(x)
        if len(shape) == 2:  # a 1-D member is broadcast to a square first, as NumPy does
            rows = reshape_p(x, shape=(shape[0], 1, shape[1]), order="C")
            x = broadcast_to_p(rows, shape=(shape[0], shape[1], shape[1]))
        return prim(x, k=k)

    return rule


triu_p.def_batch(_triangle_batch(triu_p))
tril_p.def_batch(_triangle_batch(tril_p))


@handles(np.triu)
def triu(x, k=0):
    """``np.triu``: zero the entries below diagonal ``k`` (of the last two axes).

    >>> triu(np.ones((2, 2)))
    array([[1., 1.],
           [0., 1.]])
    """
    return triu_p(_array(x), k=operator.index(k))


@handles(np.tril)
def tril(x, k=0):
    """``np.tril``: zero the entries above diagonal ``k`` (of the last two axes).

    >>> tril(np.ones((2, 2)))
    array([[1., 0.],
           [1., 1.]])
    """
    return tril_p(_array(x), k=operator.index(k))
