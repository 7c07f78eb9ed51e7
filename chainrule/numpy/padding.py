"""``np.pad`` in every mode.

Each mode pads one axis after another, as NumPy does, so the corners come
out as NumPy's. Modes that copy entries (edge, reflect, symmetric, wrap)
gather by indices NumPy computes on ``arange``; modes linear in the entries
in some other way (odd reflections, linear ramps) apply the matrix NumPy's
own ``np.pad`` makes of the identity; the statistics modes (maximum,
minimum, mean, median) join their statistics, computed with the reductions,
to each side; constants (plain or traced) are joined the same way; a callable
mode writes into traced views, as NumPy's writes into its own.

>>> pad(np.array([1.0, 2.0]), 1, mode="mean")
array([1.5, 1. , 2. , 1.5])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Tracer, base_value
from ..core.batching import is_batched
from .elementwise import astype
from .indexing import getitem, take
from .joining import concatenate
from .manipulation import _array, broadcast_to, moveaxis
from .products import tensordot
from .reductions import max as _max
from .reductions import mean as _mean
from .reductions import min as _min
from .statistics import median as _sorted_median
from .wrap import array_of, dtype_of, handles, primitive, shape_of

__all__ = ["pad"]


def _pad_zeros_transpose(g, ans, x, pad_width):
    return getitem(g, tuple(slice(before, before + size)
                            for (before, _), size in zip(pad_width, shape_of(x))))


pad_zeros_p = primitive("pad", lambda x, pad_width: np.pad(x, pad_width))
pad_zeros_p.def_linear(_pad_zeros_transpose)
pad_zeros_p.def_batch(lambda args, batched, pad_width: pad_zeros_p(
    args[0], pad_width=((0, 0),) + tuple(pad_width)))

_GATHER_MODES = ("edge", "reflect", "symmetric", "wrap")
_STATISTICS = ("maximum", "minimum", "mean", "median")
_MODES = ("constant", *_GATHER_MODES, "linear_ramp", *_STATISTICS, "empty")


def _pad_widths(pad_width, ndim: int) -> tuple:
    widths = np.asarray(pad_width)
    if widths.size and not np.issubdtype(widths.dtype, np.integer):
        raise TypeError("`pad_width` must be of integral type.")
    widths = np.broadcast_to(widths, (ndim, 2))
    if (widths < 0).any():
        raise ValueError("index can't contain negative values")
    return tuple((int(before), int(after)) for before, after in widths)


def _pairs(values, ndim: int) -> list:
    """``values`` (plain or traced) broadcast to one (before, after) pair per axis."""
    values = array_of(values)
    if isinstance(values, Tracer):
        both = broadcast_to(values, (ndim, 2))
        return [(getitem(both, (axis, 0)), getitem(both, (axis, 1))) for axis in range(ndim)]
    both = np.broadcast_to(np.asarray(values), (ndim, 2))
    return [(both[axis, 0], both[axis, 1]) for axis in range(ndim)]


def _side(x, axis: int, width: int, value):
    """A block ``width`` long along ``axis``, shaped like ``x`` otherwise, filled with ``value``."""
    shape = list(shape_of(x))
    shape[axis] = width
    value = value if isinstance(value, Tracer) else np.asarray(value, dtype_of(x))
    if isinstance(value, Tracer) and dtype_of(value) != dtype_of(x) and np.issubdtype(
            dtype_of(x), np.inexact):
        value = astype(value, dtype_of(x))
    return broadcast_to(value, tuple(shape))


def _joined(x, axis: int, width: tuple, before, after):
    pieces = ([_side(x, axis, width[0], before)] if width[0] else []) + [x] + (
        [_side(x, axis, width[1], after)] if width[1] else [])
    return concatenate(pieces, axis=axis) if len(pieces) > 1 else x


def _along(axis: int, index) -> tuple:
    return (slice(None),) * axis + (index,)


# -- statistics of the entries next to each border ------------------------------

def _median(x, axis: int):
    """The median along ``axis`` (kept), through the sorted entries: a gather, then a mean."""
    if is_batched(x):  # each member has its own order: np.median's sort, batched
        return _sorted_median(x, axis=axis, keepdims=True)
    plain = np.asarray(base_value(x))
    order = np.argsort(plain, axis=axis)
    size = plain.shape[axis]
    middle = order.take([(size - 1) // 2, size // 2], axis=axis)
    grid: list = list(np.indices(middle.shape, sparse=True))
    grid[axis] = middle
    return _mean(getitem(x, tuple(grid)), axis=axis, keepdims=True)


_STATISTIC_FUNCTIONS = {
    "maximum": lambda x, axis: _max(x, axis=axis, keepdims=True),
    "minimum": lambda x, axis: _min(x, axis=axis, keepdims=True),
    "mean": lambda x, axis: _mean(x, axis=axis, keepdims=True),
    "median": _median,
}


def _statistics(x, axis: int, width: tuple, lengths: tuple, mode: str):
    size = shape_of(x)[axis]
    if size == 0 and any(width):
        raise ValueError(f"can't extend empty axis {axis} using modes other than 'constant' "
                         "or 'empty'")
    statistic = _STATISTIC_FUNCTIONS[mode]
    sides = []
    for side, length in enumerate(lengths):
        length = size if length is None else min(int(length), size)
        if length < 1 and width[side]:
            raise ValueError("stat_length of 0 yields no value for padding")
        window = slice(0, length) if side == 0 else slice(size - length, size)
        sides.append(statistic(getitem(x, _along(axis, window)), axis) if width[side] else 0.0)
    if not np.issubdtype(dtype_of(x), np.inexact):
        sides = [astype(np.round(side), dtype_of(x)) if width[i] and is_batched(side)
                 else np.round(base_value(side)).astype(dtype_of(x)) if width[i] else side
                 for i, side in enumerate(sides)]
    return _joined(x, axis, width, *sides)


def _stat_lengths(stat_length, ndim: int) -> list:
    if stat_length is None:
        return [(None, None)] * ndim
    lengths = np.broadcast_to(np.asarray(stat_length), (ndim, 2))
    if (lengths < 0).any():
        raise ValueError("index can't contain negative values")
    return [(int(a), int(b)) for a, b in lengths]


# -- linear maps: what NumPy makes of the identity -----------------------------

def _by_matrix(x, axis: int, width: tuple, mode: Any, **options):
    """Pad one axis by the (padded size x size) matrix NumPy's np.pad makes of the identity."""
    size = shape_of(x)[axis]
    identity: Any = np.eye(size, dtype=dtype_of(x))
    matrix = np.pad(identity, (width, (0, 0)), mode=mode, **options)
    return moveaxis(tensordot(matrix, x, axes=([1], [axis])), 0, axis)


def _linear_ramp(x, axis: int, width: tuple, end_values: tuple):
    size = shape_of(x)[axis]
    if size == 0 and any(width):
        raise ValueError(f"can't extend empty axis {axis} using modes other than 'constant' "
                         "or 'empty'")
    result = _by_matrix(x, axis, width, "linear_ramp", end_values=0)
    for side, end in enumerate(end_values):
        if not width[side] or (not isinstance(end, Tracer) and end == 0):
            continue
        ones = (1.0, 0.0) if side == 0 else (0.0, 1.0)
        ramp = np.pad(np.zeros(size, dtype_of(result)), width, mode="linear_ramp",
                      end_values=ones)
        shape = [1] * len(shape_of(result))
        shape[axis] = ramp.size
        end = end if isinstance(end, Tracer) else np.asarray(end, dtype_of(result))
        result = result + ramp.reshape(shape) * end
    return result


def _callable_mode(x, widths, function, kwargs):
    """NumPy's callable mode: ``function(vector, widths, axis, kwargs)`` writes each line."""
    padded = pad_zeros_p(x, pad_width=widths)
    if not isinstance(padded, Tracer):
        return np.pad(x, widths, mode=function, **kwargs)
    shape = shape_of(padded)
    for axis in range(len(shape)):
        for index in np.ndindex(*(shape[:axis] + shape[axis + 1:])):
            line = padded[index[:axis] + (slice(None),) + index[axis:]]
            function(line, widths[axis], axis, kwargs)
    return padded


@handles(np.pad)
def pad(x: Any, pad_width: Any, mode: Any = "constant", **kwargs: Any) -> Any:
    """``np.pad`` in every mode NumPy has, and with a callable ``mode``.

    ``constant_values`` and ``end_values`` may be traced (scalars or per-axis
    pairs); "empty" pads with zeros (NumPy leaves the entries undefined).

    >>> pad(np.array([1.0, 2.0]), 1, constant_values=9.0)
    array([9., 1., 2., 9.])
    """
    x = _array(x)
    ndim = len(shape_of(x))
    widths = _pad_widths(pad_width, ndim)
    if callable(mode):
        return _callable_mode(x, widths, mode, kwargs)
    allowed = {"constant": {"constant_values"}, "linear_ramp": {"end_values"},
               "reflect": {"reflect_type"}, "symmetric": {"reflect_type"}}.get(
        mode, {"stat_length"} if mode in _STATISTICS else set())
    if mode not in _MODES:
        raise ValueError(f"mode '{mode}' is not supported")
    if set(kwargs) - allowed:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': "
                         f"{set(kwargs) - allowed}")
    if mode in ("constant", "empty"):
        values = kwargs.get("constant_values", 0)
        result = pad_zeros_p(x, pad_width=widths)
        if mode == "empty" or not isinstance(array_of(values), Tracer) and not np.any(
                np.asarray(values) != 0):
            return result
        if not isinstance(array_of(values), Tracer):
            return result + np.pad(np.zeros(shape_of(x), dtype_of(result)), widths,
                                   constant_values=values)
        for axis, pair in enumerate(_pairs(values, ndim)):
            x = _joined(x, axis, widths[axis], *pair)
        return x
    reflect_type = kwargs.get("reflect_type", "even")
    if reflect_type not in ("even", "odd"):
        raise ValueError(f"reflect_type must be 'even' or 'odd', not {reflect_type!r}")
    pairs = _pairs(kwargs.get("end_values", 0), ndim) if mode == "linear_ramp" else []
    lengths = _stat_lengths(kwargs.get("stat_length"), ndim) if mode in _STATISTICS else []
    for axis, (size, width) in enumerate(zip(shape_of(x), widths)):
        if width == (0, 0):
            continue
        if mode in _STATISTICS:
            x = _statistics(x, axis, width, lengths[axis], mode)
        elif mode == "linear_ramp":
            x = _linear_ramp(x, axis, width, pairs[axis])
        elif reflect_type == "odd" and mode in ("reflect", "symmetric") and size > 1:
            x = _by_matrix(x, axis, width, mode, reflect_type="odd")
        else:
            if size == 0:
                raise ValueError(f"can't extend empty axis {axis} using modes other than "
                                 "'constant' or 'empty'")
            x = take(x, np.pad(np.arange(size), width, mode=mode), axis=axis)
    return x
