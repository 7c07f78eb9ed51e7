"""Joining and splitting: concatenate, stack and their relatives, split, tile,
repeat, pad, append.

``concatenate`` and ``stack`` are the two joining primitives. They take any
number of arrays, so each declares itself linear (forward mode applies it to
the tangents) and gives one joint transpose that cuts the cotangent back into
pieces, one per input. Everything else is built from them, from slicing
(``split``), or from the manipulation functions (``tile``, ``repeat``).
"""

from __future__ import annotations

import operator

import numpy as np

from ..core import Tracer, base_value
from .elementwise import astype
from .indexing import getitem, take
from .manipulation import (_array, _axis, atleast_1d, atleast_2d, atleast_3d, broadcast_to, ravel,
                           reshape)
from .wrap import dtype_of, handles, primitive, shape_of

__all__ = [
    "append", "array_split", "column_stack", "concatenate", "dsplit", "dstack", "hsplit",
    "hstack", "pad", "repeat", "split", "stack", "tile", "vsplit", "vstack",
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


@handles(np.vstack)
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


# -- pad ----------------------------------------------------------------------------

def _pad_zeros_transpose(g, ans, x, pad_width):
    return getitem(g, tuple(slice(before, before + size)
                            for (before, _), size in zip(pad_width, shape_of(x))))


pad_zeros_p = primitive("pad", lambda x, pad_width: np.pad(x, pad_width))
pad_zeros_p.def_linear(_pad_zeros_transpose)

_GATHER_MODES = ("edge", "reflect", "symmetric", "wrap")


def _pad_widths(pad_width, ndim: int) -> tuple:
    widths = np.asarray(pad_width)
    if widths.size and not np.issubdtype(widths.dtype, np.integer):
        raise TypeError("`pad_width` must be of integral type.")
    widths = np.broadcast_to(widths, (ndim, 2))
    if (widths < 0).any():
        raise ValueError("index can't contain negative values")
    return tuple((int(before), int(after)) for before, after in widths)


@handles(np.pad)
def pad(x, pad_width, mode="constant", **kwargs):
    """``np.pad`` with ``mode`` "constant" (any ``constant_values``), "edge",
    "reflect", "symmetric" or "wrap".

    The constant padding is zeros plus the constants (which may be one traced
    scalar); the other modes copy entries, so they gather by index.

    >>> pad(np.array([1.0, 2.0]), 1, constant_values=9.0)
    array([9., 1., 2., 9.])
    """
    x = _array(x)
    shape = shape_of(x)
    widths = _pad_widths(pad_width, len(shape))
    if mode == "constant":
        values = kwargs.pop("constant_values", 0)
        _no_extra_pad_arguments(mode, kwargs)
        result = pad_zeros_p(x, pad_width=widths)
        if isinstance(values, Tracer):
            if shape_of(values) != ():
                raise NotImplementedError(
                    "np.pad with traced constant_values supports one scalar only; pad with "
                    "zeros and add each border separately.")
            border = np.pad(np.zeros(shape, dtype_of(result)), widths, constant_values=1)
            return result + values * border
        if np.any(np.asarray(values) != 0):
            return result + np.pad(np.zeros(shape, dtype_of(result)), widths,
                                   constant_values=values)
        return result
    if mode in _GATHER_MODES:
        if kwargs.pop("reflect_type", "even") != "even":
            raise NotImplementedError(
                f"np.pad(mode={mode!r}, reflect_type='odd') is not supported on traced values "
                "in chainrule; use reflect_type='even'.")
        _no_extra_pad_arguments(mode, kwargs)
        for axis, (size, width) in enumerate(zip(shape, widths)):
            if width != (0, 0):
                x = take(x, np.pad(np.arange(size), width, mode=mode), axis=axis)
        return x
    raise NotImplementedError(
        f"np.pad(mode={mode!r}) is not supported on traced values in chainrule: the modes "
        f"that work are 'constant', {', '.join(repr(m) for m in _GATHER_MODES)}.\n"
        "  For statistics modes (mean, maximum, ...) compute the border values yourself and "
        "join them with np.concatenate.")


def _no_extra_pad_arguments(mode, kwargs):
    if kwargs:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {set(kwargs)}")


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
    counts = np.asarray(base_value(repeats))
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
