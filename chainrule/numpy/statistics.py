"""Order statistics: median, quantile, percentile, and their NaN-ignoring forms;
and put_along_axis, the write matching sorting's take_along_axis.

Every quantile ``method=`` NumPy has is one of two kinds. The discrete ones
(lower, higher, nearest, inverted_cdf, closest_observation) pick one order
statistic, so the derivative goes to that sorted entry. The others interpolate
between two neighbouring order statistics with a weight ``gamma`` that depends
only on the sample size and ``q``: the derivative goes to both, weighted
``1 - gamma`` and ``gamma`` (and, when ``q`` is traced, the result is also
differentiable in ``q``). The order comes from ``np.sort``, so tied values share
the derivative evenly (see ``sorting.py``). The indices and weights are computed
exactly as NumPy computes them, so the values are NumPy's.

>>> cr.grad(lambda x: np.median(x))(np.array([4.0, 1.0, 3.0, 2.0]))
array([0. , 0. , 0.5, 0.5])
"""

from __future__ import annotations

import math

import numpy as np

from ..core import Tracer, base_value
from ..core.batching import is_batched
from . import arithmetic
from .creation import asarray
from .indexing import getitem, setitem
from .manipulation import reshape, transpose
from .mutation import LOST_DERIVATIVE_HINT, update
from .reductions import _output, mean, normalize_axis
from .sorting import along_axis_index, sort
from .wrap import (NUMPY_2, all_entries, any_entry, dtype_of, handles, shape_of,
                   since_numpy_2_keywords)

__all__ = ["median", "nanmedian", "nanpercentile", "nanquantile", "percentile", "put_along_axis",
           "quantile"]


def _array(a):
    return asarray(a) if isinstance(a, (list, tuple)) else a


def _keepdims(keepdims) -> bool:
    return False if keepdims is np._NoValue else bool(keepdims)


# -- sorted slices: the reduced axes moved last, merged and sorted --------------------


def _sorted_slices(a, axis):
    """``a`` with the axes reduced over moved last, merged into one and sorted (NaNs
    last, as NumPy sorts them); also the reduced axes."""
    shape = shape_of(a)
    axes = normalize_axis(axis, len(shape))
    kept = tuple(d for d in range(len(shape)) if d not in axes)
    if kept + axes != tuple(range(len(shape))):
        a = transpose(a, kept + axes)
    merged = tuple(shape[d] for d in kept) + (math.prod(shape[d] for d in axes),)
    return sort(reshape(a, merged), axis=-1), axes


def _gather(x, positions):
    """``x[..., positions]`` slice by slice: ``x`` of shape S + (n,), ``positions`` of
    shape Q + S (one position per slice and quantile) give Q + S."""
    slices = shape_of(x)[:-1]
    fans = tuple(np.arange(size).reshape((size,) + (1,) * (len(slices) - 1 - d))
                 for d, size in enumerate(slices))
    positions = (positions.astype(np.intp) if isinstance(positions, Tracer)
                 else np.asarray(positions, np.intp))  # traced ones stay traced
    return getitem(x, fans + (positions,))


def _reshaped(result, a_shape: tuple, axes: tuple, q_shape: tuple, keepdims: bool):
    """The result of a reduction in the shape NumPy gives it (0-d as a scalar)."""
    if not keepdims:
        return getitem(result, ()) if shape_of(result) == () else result
    kept = tuple(1 if d in axes else size for d, size in enumerate(a_shape))
    return reshape(result, q_shape + kept)


def _valid_counts(x, ignore_nan: bool):
    """How many entries of each sorted slice count, and which slices hold a NaN."""
    shape, inexact = shape_of(x), np.issubdtype(dtype_of(x), np.inexact)
    if ignore_nan and is_batched(x):  # each member has its own counts: batched, traced
        nan = np.isnan(x) if inexact else np.zeros(shape, bool)
        return np.sum(~nan, axis=-1), np.zeros(shape[:-1], bool)
    if ignore_nan:  # the counts decide positions: plain values (docs/graph.md)
        plain = base_value(x)
        nan = np.isnan(plain) if inexact else np.zeros(shape, bool)
        return np.sum(~nan, axis=-1), np.zeros(shape[:-1], bool)
    # which slices hold a NaN: traced, so a recording sees it (np.any is a guard there)
    has_nan = np.any(np.isnan(x), axis=-1) if inexact else np.zeros(shape[:-1], bool)
    return np.full(shape[:-1], shape[-1]), has_nan


# -- quantile methods: NumPy's, with its arithmetic ----------------------------------------


def _virtual(alpha: float, beta: float):
    return lambda n, q: n * q + (alpha + q * (1 - alpha - beta)) - 1


def _boundary(index, take_previous):
    """The discrete methods' positions: ``floor(index)`` where ``take_previous``, else next."""
    previous = np.floor(index)
    gamma = index - previous
    return np.where(take_previous(gamma, index), previous, previous + 1)


# The interpolating methods: (the virtual index into the sorted slice, as NumPy
# computes it; NumPy's override of the weight gamma of the next entry, or None for
# gamma = index - floor(index)). The discrete methods give the index of the one
# order statistic they pick.
_CONTINUOUS = {
    "linear": (lambda n, q: (n - 1) * q, None),
    "interpolated_inverted_cdf": (_virtual(0, 1), None),
    "hazen": (_virtual(0.5, 0.5), None),
    "weibull": (_virtual(0, 0), None),
    "median_unbiased": (_virtual(1 / 3.0, 1 / 3.0), None),
    "normal_unbiased": (_virtual(3 / 8.0, 3 / 8.0), None),
    "averaged_inverted_cdf": (lambda n, q: n * q - 1,
                              lambda gamma, index: np.where(gamma == 0, 0.5, 1.0)),
    "midpoint": (lambda n, q: 0.5 * (np.floor((n - 1) * q) + np.ceil((n - 1) * q)),
                 lambda gamma, index: np.where(index % 1 == 0, 0.0, 0.5)),
}
_DISCRETE = {
    "lower": lambda n, q: np.floor((n - 1) * q),
    "higher": lambda n, q: np.ceil((n - 1) * q),
    "nearest": lambda n, q: np.around((n - 1) * q),
    "inverted_cdf": lambda n, q: _boundary(n * q - 1, lambda gamma, _: gamma == 0),
    # NumPy 2 fixed the parity of the tie rule (the nearest even 1-based order statistic)
    "closest_observation": lambda n, q: _boundary(
        n * q - 1 - 0.5,
        lambda gamma, index: (gamma == 0) & (np.floor(index) % 2 == (1 if NUMPY_2 else 0))),
}
QUANTILE_METHODS = tuple(_CONTINUOUS) + tuple(_DISCRETE)


def _lerp(below, above, gamma, one_minus_gamma):
    """NumPy's interpolation, with its two formulas (exact at either end)."""
    step = above - below
    return arithmetic.where(gamma >= 0.5, above - step * one_minus_gamma,
                            below + step * gamma)


def _interpolated(x, n, q, method: str, weak: bool):
    """The quantiles ``q`` (shape Q + (1,)*len(S)) of the sorted slices ``x``."""
    # the positions are computed from q as it is (traced when q is): a recording sees them
    last = np.maximum(n - 1, 0)
    if method in _DISCRETE:
        return _gather(x, np.clip(_DISCRETE[method](n, q), 0, last))
    position, fixed_gamma = _CONTINUOUS[method]
    index = position(n, q)
    previous = np.floor(index)
    following = previous + 1
    above, below = (index >= n - 1) | np.isnan(index), index < 0
    previous, following = (np.where(above, last, np.where(below, 0, p))
                           for p in (previous, following))
    if fixed_gamma is None:
        gamma = position(n, q) - previous  # traced when q is
    else:
        gamma = fixed_gamma(index - previous, index)
    one_minus_gamma = 1 - gamma
    if weak:  # a Python float q: NumPy keeps the array's precision
        dtype = dtype_of(x)
        gamma, one_minus_gamma = (asarray(g, dtype) for g in (gamma, one_minus_gamma))
    return _lerp(_gather(x, previous), _gather(x, following), gamma, one_minus_gamma)


def _weak(q) -> bool:
    """Whether NumPy keeps the array's precision for this ``q``: a Python number in
    NumPy 2 (NEP 50); never in NumPy 1.x, whose interpolation is in float64."""
    return NUMPY_2 and type(q) in (int, float)


def _empty_under_vmap(function: str) -> NotImplementedError:
    return NotImplementedError(f"{function} of an empty array under vmap: NumPy's answer (NaNs, "
                               "or its error) has no entries to batch. Call it outside vmap.")


def _quantile(name, a, q, axis, method, keepdims, ignore_nan, weights, weak):
    a = _array(a)
    if np.issubdtype(dtype_of(a), np.complexfloating):
        raise TypeError("a must be an array of real numbers")
    q_plain = np.asarray(base_value(q))  # every member's q, for the range check
    q_shape = shape_of(q) if isinstance(q, Tracer) else q_plain.shape
    if q_plain.dtype.kind not in "fiub" or np.any(q_plain < 0) or np.any(q_plain > 1):
        raise ValueError("Quantiles must be in the range [0, 1]" if name.endswith("quantile")
                         else "Percentiles must be in the range [0, 100]")
    if method not in QUANTILE_METHODS:
        raise ValueError(f"{method!r} is not a valid method. Use one of: {QUANTILE_METHODS}")
    a_shape = shape_of(a)
    if 0 in a_shape:  # nothing to differentiate: NumPy's result, or its error
        if is_batched(a) or is_batched(q):
            raise _empty_under_vmap(f"np.{name}")
        function = getattr(np, name)
        return function(base_value(a), q_plain * (1 if name.endswith("quantile") else 100),
                        axis, method=method, keepdims=keepdims)
    x, axes = _sorted_slices(a, axis)
    slices = shape_of(x)[:-1]
    n, has_nan = _valid_counts(x, ignore_nan)
    if weights is not None:
        if any(is_batched(value) for value in (a, q, weights)):
            raise NotImplementedError(
                f"np.{name}(..., weights=...) is not supported under vmap: the weighted "
                "positions are searched member by member in plain NumPy. Loop over the batch "
                f"instead: np.stack([np.{name}(a, q, weights=w, method='inverted_cdf') for a, w "
                "in zip(batch, weights)]).")
        result = _weighted(x, a, axes, q_plain, method, weights, ignore_nan)
    else:
        if not isinstance(q, Tracer):
            q = q_plain
        q = reshape(q, q_shape + (1,) * len(slices)) if slices else q
        if method not in _DISCRETE and not np.issubdtype(dtype_of(x), np.inexact):
            x = asarray(x, np.float64)  # interpolation is in floating point; picking is not
        result = _interpolated(x, n, q, method, weak)
    if any_entry(has_nan) or any_entry(n == 0):
        result = arithmetic.where(has_nan | (n == 0), np.nan, result)
    return _reshaped(result, a_shape, axes, q_shape, keepdims)


def _weighted(x, a, axes, q, method, weights, ignore_nan):
    """``weights=`` (method inverted_cdf only): the first sorted entry whose cumulative
    weight reaches ``q``. The choice is piecewise constant in the weights, so only
    ``a`` is differentiated."""
    if method != "inverted_cdf":
        raise ValueError(f"Only method 'inverted_cdf' supports weights. Got: {method}.")
    a_plain, weights = base_value(a), np.asarray(base_value(weights), float)
    if weights.shape != a_plain.shape:
        weights = np.broadcast_to(np.expand_dims(weights, tuple(
            d for d in range(a_plain.ndim) if d not in axes)), a_plain.shape)
    if any_entry(weights < 0):
        raise ValueError("Weights must be non-negative.")
    if ignore_nan:  # NumPy leaves out the NaNs and their weights
        weights = np.where(np.isnan(a_plain), 0.0, weights)
    kept = tuple(d for d in range(a_plain.ndim) if d not in axes)
    flat = lambda v: np.transpose(v, kept + axes).reshape(shape_of(x))
    order = np.argsort(flat(a_plain), axis=-1, kind="stable")
    cdf = np.cumsum(np.take_along_axis(flat(weights), order, axis=-1), axis=-1)
    cdf /= cdf[..., -1:]
    if any_entry(np.isnan(cdf[..., -1])):
        raise ValueError("Weights included NaN, inf or were all zero.")
    cdf[cdf == 0] = -1
    positions = np.empty(q.shape + cdf.shape[:-1], np.intp)
    for slice_index in np.ndindex(cdf.shape[:-1]):
        found = np.searchsorted(cdf[slice_index].astype(q.dtype if q.dtype.kind == "f" else float),
                                q, side="left")
        positions[(...,) + slice_index] = np.minimum(found, cdf.shape[-1] - 1)
    return _gather(x, positions)


@handles(np.quantile)
def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None):
    """``np.quantile`` with every ``method=``; differentiable in ``a`` (and in ``q``).

    >>> cr.grad(lambda x: quantile(x, 0.25))(np.array([1.0, 2.0, 3.0]))
    array([0.5, 0.5, 0. ])
    """
    since_numpy_2_keywords("quantile", weights=weights)
    weak = _weak(q)
    return _output(_quantile("quantile", a, q, axis, method, keepdims, False, weights, weak), out)


@handles(np.percentile)
def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None):
    """``np.percentile``: ``quantile(a, q / 100)``.

    >>> percentile(np.array([1.0, 2.0, 3.0, 4.0]), 50.0)
    2.5
    """
    since_numpy_2_keywords("percentile", weights=weights)
    weak = _weak(q)
    q = q / 100 if isinstance(q, Tracer) else np.true_divide(q, 100)
    return _output(_quantile("percentile", a, q, axis, method, keepdims, False, weights, weak),
                   out)


@handles(np.nanquantile)
def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=np._NoValue, *, weights=None):
    """``np.nanquantile``: NaNs are left out (and get a zero derivative).

    >>> nanquantile(np.array([1.0, np.nan, 3.0]), 0.5)
    2.0
    """
    since_numpy_2_keywords("nanquantile", weights=weights)
    weak = _weak(q)
    return _output(_quantile("nanquantile", a, q, axis, method, _keepdims(keepdims), True,
                             weights, weak), out)


@handles(np.nanpercentile)
def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=np._NoValue, *, weights=None):
    """``np.nanpercentile``: ``nanquantile(a, q / 100)``.

    >>> nanpercentile(np.array([1.0, np.nan, 3.0]), 100.0)
    3.0
    """
    since_numpy_2_keywords("nanpercentile", weights=weights)
    weak = _weak(q)
    q = q / 100 if isinstance(q, Tracer) else np.true_divide(q, 100)
    return _output(_quantile("nanpercentile", a, q, axis, method, _keepdims(keepdims), True,
                             weights, weak), out)


def _median(a, axis, keepdims, ignore_nan):
    a = _array(a)
    a_shape = shape_of(a)
    if 0 in a_shape:  # nothing to differentiate: NumPy's NaNs (and warning), or its error
        if is_batched(a):
            raise _empty_under_vmap("np.median")
        function = np.nanmedian if ignore_nan else np.median
        return function(base_value(a), axis, keepdims=keepdims)
    x, axes = _sorted_slices(a, axis)
    n, has_nan = _valid_counts(x, ignore_nan)
    # NumPy's median is the mean of the one or two middle entries
    middle = _gather(x, np.stack([np.maximum((n - 1) // 2, 0), np.maximum(n // 2, 0)]))
    odd = n % 2 == 1
    single = mean(getitem(middle, slice(0, 1)), axis=0)
    if all_entries(odd):
        result = single
    else:
        pair = mean(middle, axis=0)
        result = arithmetic.where(odd, single, pair) if any_entry(odd) else pair
    if any_entry(has_nan) or any_entry(n == 0):
        result = arithmetic.where(has_nan | (n == 0), np.nan, result)
    return _reshaped(result, a_shape, axes, (), keepdims)


@handles(np.median)
def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """``np.median``: the middle entry, or the mean of the two middle entries.

    >>> cr.grad(median)(np.array([3.0, 1.0, 2.0]))
    array([0., 0., 1.])
    """
    return _output(_median(a, axis, _keepdims(keepdims), False), out)


@handles(np.nanmedian)
def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=np._NoValue):
    """``np.nanmedian``: the median of the non-NaN entries of each slice.

    >>> nanmedian(np.array([3.0, np.nan, 1.0]))
    2.0
    """
    return _output(_median(a, axis, _keepdims(keepdims), True), out)


# -- put_along_axis: a write --------------------------------------------------------------


@handles(np.put_along_axis)
def put_along_axis(arr, indices, values, axis):
    """``np.put_along_axis`` into a traced array: a functional update, in place as in NumPy.

    >>> def f(x):
    ...     y = np.zeros_like(x)
    ...     np.put_along_axis(y, np.array([1]), x[0] * 3.0, axis=0)
    ...     return y.sum()
    >>> cr.grad(f)(np.array([1.0, 2.0]))
    array([3., 0.])
    """
    if not isinstance(arr, Tracer):
        if isinstance(values, Tracer):
            raise TypeError("chainrule cannot write a traced value into a plain NumPy array "
                            "(np.put_along_axis): its derivative would be lost.\n"
                            + LOST_DERIVATIVE_HINT)
        return np.put_along_axis(arr, base_value(indices), values, axis)
    shape = shape_of(arr)
    indices = indices if is_batched(indices) else base_value(indices)  # batched: kept traced
    if axis is None:
        if len(shape_of(indices)) != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        flat = setitem(reshape(arr, (-1,)), (indices,), values)
        update(arr, reshape(flat, shape))
        return None
    if not -len(shape) <= axis < len(shape):
        raise np.exceptions.AxisError(axis, len(shape))
    index = along_axis_index(indices, axis % len(shape), shape)
    update(arr, setitem(arr, index, values))
    return None
