"""Joining and splitting: concatenate, stack and their relatives, block, split,
unstack, tile, repeat, append, insert, delete, resize, trim_zeros; also copy
and rollaxis.

``concatenate`` and ``stack`` are the two joining primitives. They take any
number of arrays, so each declares itself linear (forward mode applies it to
the tangents) and gives one joint transpose that cuts the cotangent back into
pieces, one per input. Everything else is built from them, from slicing
(``split``), or from the manipulation functions (``tile``, ``repeat``); those
that only move entries about gather by indices NumPy computes (``insert``).
"""

from __future__ import annotations

import builtins
import operator
from typing import Any

import numpy as np

from ..core import Tracer
from ..core.batching import is_batched
from .arithmetic import positive
from .batching import batch_size, batched_shape_error, plain_argument, with_batch_axis
from .elementwise import astype
from .indexing import getitem, take
from .manipulation import (_array, _axis, atleast_1d, atleast_2d, atleast_3d, broadcast_to, ravel,
                           reshape, transpose)
from .wrap import dtype_of, handles, primitive, shape_of, since_numpy

builtins_max = builtins.max

__all__ = [
    "append", "array_split", "block", "column_stack", "concatenate", "copy", "delete", "dsplit",
    "dstack", "hsplit", "hstack", "insert", "repeat", "resize", "rollaxis", "split", "stack",
    "tile", "trim_zeros", "unstack", "vsplit", "vstack",
]


def _like_input(piece, array):
    """The cotangent ``piece`` in the dtype of ``array`` (inputs may have been promoted)."""
    dtype = dtype_of(array)
    if np.issubdtype(dtype, np.inexact) and dtype_of(piece) != dtype:
        return astype(piece, dtype)
    return piece


def _no_out(name, out):
    if out is not None:
        raise NotImplementedError(f"np.{name}(..., out=...) is not supported on traced values; "
                                  "assign the result instead.")


def _cast(result, dtype):
    if dtype is None:
        return result
    return astype(result, dtype)


# -- concatenate: cut the cotangent back into the pieces --------------------------

def _concatenate_transpose(g, ans, *arrays, axis):
    pieces = []
    start = 0
    before = (slice(None),) * axis
    for array in arrays:
        stop = start + shape_of(array)[axis]
        pieces.append(_like_input(getitem(g, before + (slice(start, stop),)), array))
        start = stop
    return pieces


concatenate_p = primitive("concatenate", lambda *arrays, axis: np.concatenate(arrays, axis=axis))
concatenate_p.def_linear()  # forward mode: concatenate the tangents
concatenate_p.def_vjp_joint(_concatenate_transpose)


def _joining_batch(prim):
    # the unbatched arrays are repeated over the batch; the member axis moves one on
    def rule(args, batched, axis):
        size = batch_size(args, batched)
        return prim(*(with_batch_axis(array, flag, size) for array, flag in zip(args, batched)),
                    axis=axis + 1)

    return rule


concatenate_p.def_batch(_joining_batch(concatenate_p))


@handles(np.concatenate)
def concatenate(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    """``np.concatenate``: join arrays along an existing axis (flattened first if None).

    >>> concatenate([np.ones(2), np.zeros(1)])
    array([1., 1., 0.])
    """
    _no_out("concatenate", out)
    arrays = [_array(array) for array in arrays]
    if not arrays:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        arrays, axis = [ravel(array) for array in arrays], 0
    ndim = len(shape_of(arrays[0]))
    if ndim == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    return _cast(concatenate_p(*arrays, axis=_axis(axis, ndim)), dtype)


# -- stack: take the cotangent apart along the new axis ---------------------------

def _stack_transpose(g, ans, *arrays, axis):
    before = (slice(None),) * axis
    return [_like_input(getitem(g, before + (i,)), array) for i, array in enumerate(arrays)]


stack_p = primitive("stack", lambda *arrays, axis: np.stack(arrays, axis=axis))
stack_p.def_linear()  # forward mode: stack the tangents
stack_p.def_vjp_joint(_stack_transpose)
stack_p.def_batch(_joining_batch(stack_p))


@handles(np.stack)
def stack(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    """``np.stack``: join arrays along a new axis.

    >>> stack([np.ones(2), np.zeros(2)]).shape
    (2, 2)
    """
    _no_out("stack", out)
    arrays = [_array(array) for array in arrays]
    if not arrays:
        raise ValueError("need at least one array to stack")
    ndim = len(shape_of(arrays[0])) + 1
    return _cast(stack_p(*arrays, axis=_axis(axis, ndim)), dtype)


@handles(np.vstack, since_numpy(np, "row_stack"))
def vstack(arrays, *, dtype=None, casting="same_kind"):
    """``np.vstack``: stack rows (1-D arrays become rows of a matrix).

    >>> vstack([np.ones(2), np.zeros(2)]).shape
    (2, 2)
    """
    return concatenate([atleast_2d(array) for array in arrays], axis=0, dtype=dtype)


@handles(np.hstack)
def hstack(arrays, *, dtype=None, casting="same_kind"):
    """``np.hstack``: join along the second axis (the first for 1-D arrays).

    >>> hstack([np.ones(2), np.zeros(1)])
    array([1., 1., 0.])
    """
    arrays = [atleast_1d(array) for array in arrays]
    axis = 0 if arrays and len(shape_of(arrays[0])) == 1 else 1
    return concatenate(arrays, axis=axis, dtype=dtype)


@handles(np.dstack)
def dstack(arrays):
    """``np.dstack``: join along the third axis.

    >>> dstack([np.ones((2, 2)), np.zeros((2, 2))]).shape
    (2, 2, 2)
    """
    return concatenate([atleast_3d(array) for array in arrays], axis=2)


@handles(np.column_stack)
def column_stack(arrays):
    """``np.column_stack``: 1-D arrays become the columns of a matrix.

    >>> column_stack([np.ones(3), np.zeros(3)]).shape
    (3, 2)
    """
    columns = []
    for array in arrays:
        array = _array(array)
        shape = shape_of(array)
        if len(shape) < 2:
            array = reshape(array, (shape[0] if shape else 1, 1))
        columns.append(array)
    return concatenate(columns, axis=1)


@handles(np.append)
def append(x, values, axis=None):
    """``np.append``: ``values`` joined to the end of ``x`` (both flattened if ``axis`` is None).

    >>> append(np.ones(2), [[3.0]])
    array([1., 1., 3.])
    """
    x, values = _array(x), _array(values)
    if axis is None:
        x, values, axis = ravel(x), ravel(values), 0
    return concatenate([x, values], axis=axis)


# -- splitting: each piece is a slice, whose transpose writes it back ---------------

@handles(np.array_split)
def array_split(x, indices_or_sections, axis=0):
    """``np.array_split``: pieces at the given indices, or that many nearly equal pieces.

    >>> [piece.shape for piece in array_split(np.ones(5), 2)]
    [(3,), (2,)]
    """
    x = _array(x)
    shape = shape_of(x)
    axis = _axis(axis, len(shape))
    total = shape[axis]
    try:
        points = [0] + [operator.index(i) for i in indices_or_sections] + [total]
    except TypeError:
        sections = operator.index(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.") from None
        each, extras = divmod(total, sections)
        sizes = [0] + extras * [each + 1] + (sections - extras) * [each]
        points = np.cumsum(sizes).tolist()
    before = (slice(None),) * axis
    return [getitem(x, before + (slice(start, stop),))
            for start, stop in zip(points[:-1], points[1:])]


@handles(np.split)
def split(x, indices_or_sections, axis=0):
    """``np.split``: like ``array_split``, but a number of sections must divide evenly.

    >>> [piece.tolist() for piece in split(np.arange(4.0), 2)]
    [[0.0, 1.0], [2.0, 3.0]]
    """
    x = _array(x)
    if isinstance(indices_or_sections, (int, np.integer)):
        if shape_of(x)[_axis(axis, len(shape_of(x)))] % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
    return array_split(x, indices_or_sections, axis)


@handles(np.hsplit)
def hsplit(x, indices_or_sections):
    """``np.hsplit``: split along the second axis (the first for 1-D arrays).

    >>> [piece.shape for piece in hsplit(np.ones((2, 4)), 2)]
    [(2, 2), (2, 2)]
    """
    ndim = len(shape_of(_array(x)))
    if ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(x, indices_or_sections, 1 if ndim > 1 else 0)


@handles(np.vsplit)
def vsplit(x, indices_or_sections):
    """``np.vsplit``: split along the first axis of an array of 2 or more dimensions.

    >>> [piece.shape for piece in vsplit(np.ones((4, 2)), [1])]
    [(1, 2), (3, 2)]
    """
    if len(shape_of(_array(x))) < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(x, indices_or_sections, 0)


@handles(np.dsplit)
def dsplit(x, indices_or_sections):
    """``np.dsplit``: split along the third axis of an array of 3 or more dimensions.

    >>> [piece.shape for piece in dsplit(np.ones((1, 1, 4)), 2)]
    [(1, 1, 2), (1, 1, 2)]
    """
    if len(shape_of(_array(x))) < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(x, indices_or_sections, 2)


# -- tile: a broadcast between reshapes --------------------------------------------

@handles(np.tile)
def tile(x, reps):
    """``np.tile``: the whole array repeated ``reps`` times along each axis.

    >>> tile(np.array([1.0, 2.0]), 2)
    array([1., 2., 1., 2.])
    """
    x = _array(x)
    reps = ((operator.index(reps),) if isinstance(reps, (int, np.integer))
            else tuple(operator.index(r) for r in reps))
    shape = shape_of(x)
    ndim = max(len(reps), len(shape))
    reps = (1,) * (ndim - len(reps)) + reps
    shape = (1,) * (ndim - len(shape)) + shape
    if all(r == 1 for r in reps):
        return reshape(x, shape)
    # (s0, s1) -> (1, s0, 1, s1) -> (r0, s0, r1, s1) -> (r0*s0, r1*s1)
    spread = reshape(x, tuple(n for size in shape for n in (1, size)))
    copies = broadcast_to(spread, tuple(n for r, size in zip(reps, shape) for n in (r, size)))
    return reshape(copies, tuple(r * size for r, size in zip(reps, shape)))


# -- repeating ------------------------------------------------------------------

@handles(np.repeat)
def repeat(x, repeats, axis=None):
    """``np.repeat``: repeat each element ``repeats`` times (an int, or one count each).

    A single count is a broadcast (its transpose sums the copies); several
    counts gather with repeated indices, whose transpose accumulates.

    >>> repeat(np.array([1.0, 2.0]), [1, 2])
    array([1., 2., 2.])
    """
    x = _array(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    shape = shape_of(x)
    axis = _axis(axis, len(shape))
    counts = np.asarray(plain_argument(repeats, "np.repeat", "repeats"))
    if not np.issubdtype(counts.dtype, np.integer):
        counts = counts.astype(np.intp, casting="safe")
    if counts.size == 1:
        count = int(counts.reshape(()))
        if count < 0:
            raise ValueError("repeats may not contain negative values.")
        before, after = shape[:axis + 1], shape[axis + 1:]
        copies = broadcast_to(reshape(x, before + (1,) + after), before + (count,) + after)
        return reshape(copies, shape[:axis] + (shape[axis] * count,) + after)
    return take(x, np.repeat(np.arange(shape[axis]), counts), axis=axis)


# -- gathers whose indices NumPy itself computes ------------------------------------
#
# insert, delete and resize move entries about without arithmetic. Running
# NumPy's own function on the entries' labels (0, 1, 2, ... for ``x``, and for
# ``values`` the labels after those) gives, entry by entry, which input each
# output entry comes from: one gather then builds the result, and its transpose
# accumulates the cotangent back, so every option NumPy has works as NumPy's.

def _labels(x, first: int = 0) -> np.ndarray:
    shape = shape_of(x)
    return np.arange(first, first + int(np.prod(shape, dtype=int)), dtype=np.intp).reshape(shape)


def _gathered(sources, labels):
    """Entries of the flattened ``sources``, joined, picked by ``labels``."""
    flat = [ravel(source) for source in sources]
    return take(flat[0] if len(flat) == 1 else concatenate(flat), labels)


@handles(np.insert)
def insert(x: Any, obj: Any, values: Any, axis: Any = None) -> Any:
    """``np.insert``: ``values`` inserted before the indices ``obj`` (both differentiable).

    >>> insert(np.array([1.0, 2.0]), 1, 5.0)
    array([1., 5., 2.])
    """
    x, values = _array(x), _array(values)
    size = int(np.prod(shape_of(x), dtype=int))
    labels = np.insert(_labels(x), plain_argument(obj, "np.insert", "obj"),
                       _labels(values, first=size), axis=axis)
    values = astype(values, dtype_of(x))  # NumPy casts the values to the array's dtype
    return _gathered([x, values], labels)


@handles(np.delete)
def delete(x: Any, obj: Any, axis: Any = None) -> Any:
    """``np.delete``: the entries at ``obj`` (along ``axis``, or of the flattened array) removed.

    >>> delete(np.array([1.0, 2.0, 3.0]), [0, 2])
    array([2.])
    """
    x = _array(x)
    return _gathered([x], np.delete(_labels(x), plain_argument(obj, "np.delete", "obj"),
                                    axis=axis))


@handles(np.resize)
def resize(x: Any, new_shape: Any) -> Any:
    """``np.resize``: the entries of ``x``, repeated as needed, in the shape ``new_shape``.

    >>> resize(np.array([1.0, 2.0]), (3,))
    array([1., 2., 1.])
    """
    x = _array(x)
    return _gathered([x], np.resize(_labels(x), new_shape))


@handles(np.trim_zeros)
def trim_zeros(filt: Any, trim: Any = "fb", axis: Any = None) -> Any:
    """``np.trim_zeros``: the leading and/or trailing zeros cut off (a slice the data chooses).

    >>> trim_zeros(np.array([0.0, 1.0, 2.0, 0.0]))
    array([1., 2.])
    """
    filt = _array(filt)
    if is_batched(filt):
        raise batched_shape_error("np.trim_zeros", "keep the shape and zero what is not wanted, "
                                  "np.where(mask, x, 0)")
    plain = np.asarray(plain_argument(filt, "np.trim_zeros", "filt"))
    trim = trim.lower()
    if any(letter not in "fb" for letter in trim):
        raise ValueError(f"unexpected character(s) in `trim`: {trim!r}")
    axes = (range(plain.ndim) if axis is None
            else [_axis(a, plain.ndim) for a in np.atleast_1d(axis)])
    index = [slice(None)] * plain.ndim
    for a in axes:
        others = tuple(b for b in range(plain.ndim) if b != a)
        kept = np.flatnonzero(np.any(plain != 0, axis=others) if others else plain != 0)
        if kept.size == 0:
            index[a] = slice(0, 0)
            continue
        index[a] = slice(int(kept[0]) if "f" in trim else None,
                         int(kept[-1]) + 1 if "b" in trim else None)
    return getitem(filt, tuple(index))


# -- blocks, unstacking, copies --------------------------------------------------------

def _block_depth(arrays, where="arrays") -> int:
    if isinstance(arrays, tuple):
        raise TypeError(f"{where} is a tuple. Only lists can be used to arrange blocks, and "
                        "np.block does not allow implicit conversion from tuple to ndarray.")
    if not isinstance(arrays, list):
        return 0
    if not arrays:
        raise ValueError(f"List at {where} cannot be empty")
    depths = {_block_depth(item, f"{where}[{i}]") for i, item in enumerate(arrays)}
    if len(depths) != 1:
        raise ValueError(f"List depths are mismatched at {where}")
    return depths.pop() + 1


def _leaf_ndim(arrays) -> int:
    if isinstance(arrays, list):
        return builtins_max(_leaf_ndim(item) for item in arrays)
    return len(shape_of(_array(arrays)))


def _assembled(arrays, depth: int, list_ndim: int, ndim: int):
    if not isinstance(arrays, list):
        x = _array(arrays)
        shape = shape_of(x)
        return reshape(x, (1,) * (ndim - len(shape)) + shape)
    return concatenate([_assembled(item, depth + 1, list_ndim, ndim) for item in arrays],
                       axis=-(list_ndim - depth))


@handles(np.block)
def block(arrays: Any) -> Any:
    """``np.block``: an array assembled from nested lists of blocks, innermost along the last axis.

    >>> block([[np.eye(2), np.zeros((2, 1))]]).shape
    (2, 3)
    """
    list_ndim = _block_depth(arrays)
    ndim = builtins_max(list_ndim, _leaf_ndim(arrays))
    if list_ndim == 0:
        return reshape(_array(arrays), (1,) * (ndim - len(shape_of(_array(arrays))))
                       + shape_of(_array(arrays)))
    return _assembled(arrays, 0, list_ndim, ndim)


@handles(since_numpy(np, "unstack"))
def unstack(x: Any, /, *, axis: Any = 0) -> Any:
    """``np.unstack`` (NumPy 2.1+): the slices of ``x`` along ``axis``, as a tuple.

    >>> [piece.tolist() for piece in unstack(np.array([[1.0, 2.0], [3.0, 4.0]]))]
    [[1.0, 2.0], [3.0, 4.0]]
    """
    x = _array(x)
    shape = shape_of(x)
    if not shape:
        raise ValueError("Input array must be at least 1-d.")
    axis = _axis(axis, len(shape))
    before = (slice(None),) * axis
    return tuple(getitem(x, before + (i,)) for i in range(shape[axis]))


@handles(np.copy)
def copy(x: Any, order: Any = "K", subok: Any = False) -> Any:
    """``np.copy``: a new array with the same entries; a traced one stays traced.

    >>> cr.grad(lambda x: copy(x).sum())(np.ones(2))
    array([1., 1.])
    """
    x = _array(x)
    return positive(x) if isinstance(x, Tracer) else np.copy(x, order=order)


@handles(np.rollaxis)
def rollaxis(x: Any, axis: Any, start: Any = 0) -> Any:
    """``np.rollaxis``: move ``axis`` until it lies before ``start`` (prefer ``np.moveaxis``).

    >>> rollaxis(np.ones((2, 3, 4)), 2).shape
    (4, 2, 3)
    """
    x = _array(x)
    ndim = len(shape_of(x))
    axis = _axis(axis, ndim)
    start = operator.index(start)
    if not -ndim <= start <= ndim:
        raise np.exceptions.AxisError(f"'start' arg requires {-ndim} <= start < {ndim + 1}, "
                                      f"but {start} was passed in")
    start = start + ndim if start < 0 else start
    if axis < start:
        start -= 1
    if axis == start:
        return x
    axes = [a for a in range(ndim) if a != axis]
    axes.insert(start, axis)
    return transpose(x, tuple(axes))
