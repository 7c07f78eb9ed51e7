"""A sample's distribution: cov and corrcoef (second moments), histogram,
histogram2d, histogramdd, histogram_bin_edges and bincount (counts).

``cov`` follows NumPy's own algorithm step by step with traced operations, so
it is differentiable in the data and in ``aweights`` (``fweights`` are integer
counts: constants). Counts do not change when the data move a little, so a
histogram's counts have no derivative in ``a``; weighted counts are sums of
weights, linear in them; and bin edges NumPy computes from the data (``bins``
a number or a rule's name, no ``range``) lie evenly between ``min(a)`` and
``max(a)``, so they, and densities, are differentiable in ``a`` through those two.

>>> cr.grad(lambda w: np.histogram(np.array([0.1, 0.7, 0.8]), 2, weights=w)[0][1])(np.ones(3))
array([0., 1., 1.])
"""

from __future__ import annotations

import builtins

import numpy as np

from ..core import Tracer, base_value
from ..core.batching import is_batched
from .arithmetic import clip, sqrt, where
from .batching import batched_shape_error, unbatched_argument
from .complex_numbers import conjugate, imag, real
from .creation import asarray, batched_constant, member_stand_in
from .indexing import getitem, scatter_add_p
from .joining import concatenate
from .manipulation import diagonal, reshape, squeeze, transpose
from .products import dot
from .reductions import average, max, min, sum
from .wrap import all_entries, dtype_of, handles, shape_of

__all__ = ["bincount", "corrcoef", "cov", "histogram", "histogram2d", "histogram_bin_edges",
           "histogramdd"]


def _array(a):
    return asarray(a) if isinstance(a, (list, tuple)) else a


def _rows(m, dtype, rowvar: bool, name: str):
    """``m`` as a 2-D array of variables (rows) by observations (columns), as np.cov reads it."""
    m = asarray(_array(m), dtype)
    shape = shape_of(m)
    if len(shape) > 2:
        raise ValueError(f"{name} has more than 2 dimensions")
    if len(shape) < 2:
        m = reshape(m, (1, -1) if shape else (1, 1))
    if not rowvar and shape_of(m)[0] != 1:
        m = transpose(m)
    return m


_FIXED_BINS = ("np.histogram with fixed edges (bins=an array, or range=), or count with "
               "comparisons that keep the shape: "
               "((a[:, None] >= edges[:-1]) & (a[:, None] < edges[1:])).sum(axis=0)")


def _sample_weights(values, count: int, name: str):
    if len(shape_of(values)) > 1:
        raise RuntimeError(f"cannot handle multidimensional {name}")
    if shape_of(values)[0] != count:
        raise RuntimeError(f"incompatible numbers of samples and {name}")
    if np.any(base_value(values) < 0):
        raise ValueError(f"{name} cannot be negative")


@handles(np.cov)
def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    """``np.cov`` with all its keywords; differentiable in ``m``, ``y`` and ``aweights``.

    >>> cov(np.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
    array([[ 1., -1.],
           [-1.,  1.]])
    """
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    if dtype is None:
        dtype = np.result_type(*(member_stand_in(v) for v in (m, y) if v is not None),
                               np.float64)
    x = _rows(m, dtype, rowvar, "m")
    if shape_of(x)[0] == 0:
        return np.array([]).reshape(0, 0)
    if y is not None:
        x = concatenate((x, _rows(y, dtype, rowvar, "y")), axis=0)
    if ddof is None:
        ddof = 1 if bias == 0 else 0
    samples = shape_of(x)[1]
    weights = None
    if fweights is not None:
        unbatched_argument(fweights, "np.cov", "fweights", "give them as aweights, which may differ")
        fweights = np.asarray(base_value(fweights), dtype=float)
        if not all_entries(fweights == np.around(fweights)):
            raise TypeError("fweights must be integer")
        _sample_weights(fweights, samples, "fweights")
        weights = fweights
    if aweights is not None:
        aweights = asarray(_array(aweights), float)
        _sample_weights(aweights, samples, "aweights")
        weights = aweights if weights is None else weights * aweights
    mean, weight_sum = average(x, axis=1, weights=weights, returned=True)
    weight_sum = getitem(weight_sum, 0)
    if weights is None:
        factor = samples - ddof
    elif ddof == 0:
        factor = weight_sum
    elif aweights is None:
        factor = weight_sum - ddof
    else:
        factor = weight_sum - ddof * sum(weights * aweights) / weight_sum
    if is_batched(factor):  # each member's own: a constant 0 where it is not positive
        factor = where(factor > 0, factor, 0.0)
    elif base_value(factor) <= 0:
        factor = 0.0
    x = x - reshape(mean, (-1, 1))
    weighted = x if weights is None else x * weights
    if dtype_of(weighted).kind == "c":
        weighted = conjugate(weighted)
    with np.errstate(divide="ignore"):
        scale = 1 / factor
    return squeeze(dot(x, transpose(weighted)) * scale)


@handles(np.corrcoef)
def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """``np.corrcoef``: the covariance scaled to unit diagonal (clipped to [-1, 1], as
    NumPy clips it; the clipped entries, where rounding pushed them past, get no derivative).

    >>> corrcoef(np.array([0.0, 1.0, 2.0]), np.array([2.0, 1.0, 0.0]))
    array([[ 1., -1.],
           [-1.,  1.]])
    """
    c = cov(x, y, rowvar, dtype=dtype)
    if shape_of(c) == ():
        return c / c
    spread = sqrt(real(diagonal(c)))
    c = c / reshape(spread, (-1, 1))
    c = c / reshape(spread, (1, -1))
    if dtype_of(c).kind == "c":
        return clip(real(c), -1, 1) + 1j * clip(imag(c), -1, 1)
    return clip(c, -1, 1)


# -- counts ----------------------------------------------------------------------------


def _traced_edges(a, edges, bins, range):
    """NumPy's edges, made differentiable in ``a`` where NumPy derives them from
    ``min(a)`` and ``max(a)``: evenly spaced between them, so each moves with both."""
    if not isinstance(a, Tracer) or range is not None or np.ndim(bins) != 0 or edges.size < 2:
        return edges
    low, high = min(a), max(a)
    share = np.linspace(0.0, 1.0, edges.size).astype(edges.dtype)
    # NumPy's values exactly (low - its value is an exact zero), with the derivatives
    return (edges + (low - base_value(low)) * (1 - share)) + (high - base_value(high)) * share


@handles(np.histogram_bin_edges)
def histogram_bin_edges(a, bins=10, range=None, weights=None):  # noqa: A002 - NumPy's name
    """``np.histogram_bin_edges``; edges computed from the data move with ``min(a)`` and ``max(a)``.

    >>> cr.grad(lambda a: histogram_bin_edges(a, 2)[1])(np.array([0.0, 1.0, 4.0]))
    array([0.5, 0. , 0.5])
    """
    a = unbatched_argument(_array(a), "np.histogram_bin_edges", "data", _FIXED_BINS)
    bins = unbatched_argument(bins, "np.histogram_bin_edges", "bins", "give every member the same bins")
    edges = np.histogram_bin_edges(base_value(a), base_value(bins), range,
                                   None if weights is None else member_stand_in(weights))
    return _traced_edges(a, edges, bins, range)


def _binned(a, edges, weights):
    """The sum of ``weights`` per bin of ``edges`` (NumPy's bins: the last one closed)."""
    values = np.ravel(base_value(a))
    inside = (values >= edges[0]) & (values <= edges[-1])
    bin_index = np.searchsorted(edges, values[inside], side="right") - 1
    bin_index[bin_index == edges.size - 1] = edges.size - 2
    chosen = getitem(reshape(weights, (-1,)), inside)
    return scatter_add_p(chosen, index=(bin_index,), shape=(edges.size - 1,),
                         dtype=dtype_of(chosen))


def _binned_members(a, edges, weights):
    """The counts (sums of ``weights``) per bin of fixed ``edges`` for every batch member of
    ``a`` at once: each value's bin marked in a (values, bins) table of each member."""
    plain = base_value(a)
    leading = np.ndim(plain) - len(shape_of(a))  # the batch axes in front
    values = plain.reshape(plain.shape[:leading] + (-1,))
    bins = edges.size - 1
    index = np.searchsorted(edges, values, side="right") - 1
    index[values == edges[-1]] = bins - 1  # NumPy's last bin is closed
    inside = (values >= edges[0]) & (values <= edges[-1])
    marks = (index[..., None] == np.arange(bins)) & inside[..., None]
    if weights is None:
        return batched_constant(marks.sum(axis=-2), a)
    return _counted(marks, weights, a, None)


def _counted(marks, weights, like, dtype):
    """The sum of ``weights`` (one per value) marked in each column of ``marks`` (values by
    bins, batch axes in front): plain, or traced in the weights."""
    if not isinstance(weights, Tracer):
        weights = np.reshape(weights, (-1, 1))
        return batched_constant((marks * weights).sum(axis=-2).astype(dtype or weights.dtype),
                                like)
    marks = batched_constant(marks.astype(dtype or dtype_of(weights)), like)
    return sum(marks * reshape(weights if dtype is None else asarray(weights, dtype), (-1, 1)),
               axis=0)


@handles(np.histogram)
def histogram(a, bins=10, range=None, density=None, weights=None):  # noqa: A002 - NumPy's name
    """``np.histogram``: counts (no derivative), weighted counts (linear in ``weights``),
    densities, and edges that move with ``a`` where NumPy computes them from it.

    >>> histogram(np.array([0.1, 0.2, 0.9]), 2)[0]
    array([2, 1])
    """
    a = _array(a)
    bins = unbatched_argument(bins, "np.histogram", "bins", "give every member the same bins")
    fixed_edges = np.ndim(bins) == 1 or (range is not None and not isinstance(bins, str))
    if not fixed_edges:
        unbatched_argument(a, "np.histogram", "data", "give the edges (bins=an array, or range=)")
    # batched values: NumPy's edges (and checks) from a member's stand-in
    plain_weights = None if weights is None else member_stand_in(_array(weights))
    counts, edges = np.histogram(member_stand_in(a), base_value(bins), range, None,
                                 plain_weights)
    edges = _traced_edges(a, edges, bins, range)
    if is_batched(a):
        counts = _binned_members(a, edges, None if weights is None else _array(weights))
    elif weights is not None and isinstance(_array(weights), Tracer):
        counts = _binned(a, base_value(edges), _array(weights))
    if density:
        widths = getitem(edges, slice(1, None)) - getitem(edges, slice(None, -1))
        counts = counts / widths / sum(counts)
    return counts, edges


def _samples(sample):
    """``sample`` as NumPy's histogramdd reads it: (N, D), from an array or a list of D."""
    if isinstance(sample, (list, tuple)):
        return transpose(asarray(sample))
    return reshape(sample, (-1, 1)) if len(shape_of(sample)) == 1 else sample


@handles(np.histogramdd)
def histogramdd(sample, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """``np.histogramdd``: counts (no derivative), weighted counts (linear in ``weights``),
    densities, and edges that move with the data where NumPy computes them from it.

    >>> histogramdd(np.array([[0.1, 0.2], [0.9, 0.8]]), bins=2)[0]
    array([[1., 0.],
           [0., 1.]])
    """
    samples = unbatched_argument(_samples(sample), "np.histogramdd", "samples", _FIXED_BINS)
    plain = np.asarray(base_value(samples))
    plain_weights = None if weights is None else np.asarray(member_stand_in(_array(weights)))
    counts, edges = np.histogramdd(plain, bins, range, None, plain_weights)
    dimensions = plain.shape[1]
    try:  # one entry per dimension (NumPy has checked their number), or one for all
        per_dimension = list(bins)
    except TypeError:
        per_dimension = [bins] * dimensions
    ranges = [None] * dimensions if range is None else list(range)
    edges = [_traced_edges(getitem(samples, (slice(None), d)), edges[d], per_dimension[d],
                           ranges[d]) if isinstance(samples, Tracer) else edges[d]
             for d in builtins.range(dimensions)]
    if weights is not None and isinstance(_array(weights), Tracer):
        counts = _binned_dd(plain, [base_value(e) for e in edges], _array(weights))
    if density:
        total = sum(counts)
        for d, edge in enumerate(edges):
            width = getitem(edge, slice(1, None)) - getitem(edge, slice(None, -1))
            counts = counts / reshape(width, tuple(-1 if i == d else 1
                                                   for i in builtins.range(dimensions)))
        counts = counts / total
    return counts, edges


def _binned_dd(plain, edges, weights):
    """The sum of ``weights`` per cell of the grid of ``edges`` (NumPy's cells)."""
    cells = tuple(len(edge) + 1 for edge in edges)  # an outlier bin at each end
    index = []
    for d, edge in enumerate(edges):
        position = np.searchsorted(edge, plain[:, d], side="right")
        position[plain[:, d] == edge[-1]] -= 1
        index.append(position)
    flat = np.ravel_multi_index(index, cells)
    total = scatter_add_p(asarray(weights, np.float64), index=(flat,),
                          shape=(int(np.prod(cells)),), dtype=np.float64)
    return getitem(reshape(total, cells), (slice(1, -1),) * len(cells))


@handles(np.histogram2d)
def histogram2d(x, y, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """``np.histogram2d``: ``histogramdd`` of the points ``(x, y)``.

    >>> cr.grad(lambda w: histogram2d(np.array([0.1, 0.9]), np.array([0.2, 0.8]), 2,
    ...                               weights=w)[0][0, 0])(np.ones(2))
    array([1., 0.])
    """
    try:
        count = len(bins)
    except TypeError:
        count = 1
    if count not in {1, 2}:
        bins = [np.asarray(bins), np.asarray(bins)]
    counts, edges = histogramdd([x, y], bins, range, density, weights)
    return counts, edges[0], edges[1]


@handles(np.bincount)
def bincount(x, weights=None, minlength=0):
    """``np.bincount``: counts (no derivative); weighted counts are linear in ``weights``.

    >>> cr.grad(lambda w: bincount(np.array([0, 2, 2]), w)[2])(np.ones(3))
    array([0., 1., 1.])
    """
    if is_batched(x):
        return _bincount_members(x, weights, minlength)
    x = np.asarray(base_value(x))
    if not isinstance(weights, Tracer):
        return np.bincount(x, None if weights is None else base_value(weights), minlength)
    length = np.bincount(x, minlength=minlength).size
    return scatter_add_p(asarray(weights, np.float64), index=(x,), shape=(length,),
                         dtype=np.float64)


def _bincount_members(x, weights, minlength):
    """``np.bincount`` of every batch member of ``x`` at once; their counts must have one
    length (the largest value, or ``minlength``)."""
    plain = np.asarray(base_value(x))
    np.bincount(plain.ravel(), minlength=minlength)  # NumPy's checks (negative values, dtype)
    np.bincount(member_stand_in(x))  # and its check of the member's shape
    lengths = np.maximum(plain.max(axis=-1, initial=-1) + 1, minlength)
    if np.any(lengths != np.ravel(lengths)[0]):
        raise batched_shape_error(
            "np.bincount of values whose largest differs between batch members",
            "pass minlength= at least the largest value + 1, the same length for every member")
    marks = plain[..., None] == np.arange(int(np.ravel(lengths)[0]))
    if weights is None:
        return batched_constant(marks.sum(axis=-2), x)
    return _counted(marks, weights, x, np.float64)
