"""Sorting: sort, partition, msort, sort_complex, and the gather they are made of,
take_along_axis.

A sort permutes its input, so its derivative is that permutation: the tangent
(or cotangent) is gathered (or scattered back) with the indices ``argsort``
gives. Those indices come from nondiff primitives (``argsort``, and the runs of
ties), so they are constants to every higher order (a permutation is locally
constant), and a recording sees them: a replay recomputes them.

Ties: at tied values a sort is not differentiable (it has a kink), and
chainrule uses the *stable* order, as ``np.argsort(x, kind="stable")`` gives:
the k-th of several equal inputs, in input order, moves to the k-th of their
places in the output, whatever ``kind=`` asked for (all kinds give the same
values). ``partition`` uses ``np.argpartition``'s arrangement, which is the
one ``np.partition`` itself produces.

``argsort``, ``argpartition`` and ``lexsort`` return indices and are declared
non-differentiable in ``nondiff.py``; ``x[np.argsort(x)]`` is an ordinary
gather and differentiates like ``np.sort(x)``.

>>> cr.grad(lambda x: np.sort(x)[-1])(np.array([1.0, 3.0, 2.0]))
array([0., 1., 0.])
"""

from __future__ import annotations

import numpy as np

from ..core import Tracer
from ..core.batching import is_batched
from .elementwise import astype
from . import arithmetic, indexing
from .indexing import getitem
from .manipulation import reshape
from .batching import batch_axis_moved_first, batch_axis_param, plain_argument
from .reductions import _along, cumsum_p
from .wrap import dtype_of, handles, nondiff, primitive, shape_of, since_numpy, since_numpy_2_keywords

__all__ = ["msort", "partition", "sort", "sort_complex", "take_along_axis"]


def along_axis_index(indices, axis: int, shape: tuple) -> tuple:
    """The advanced index that ``np.take_along_axis(x, indices, axis)`` gathers with,
    for ``x`` of ``shape``: ``indices`` along ``axis``, an ``arange`` along each other axis.

    >>> x = np.array([[3.0, 1.0], [2.0, 5.0]])
    >>> x[along_axis_index(np.array([[1, 0], [0, 1]]), 1, x.shape)]
    array([[1., 3.],
           [2., 5.]])
    """
    if not isinstance(indices, Tracer):
        indices = np.asarray(indices)
    if not np.issubdtype(dtype_of(indices), np.integer):
        raise IndexError("`indices` must be an integer array")
    if len(shape_of(indices)) != len(shape):
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    ndim = len(shape)
    index = []
    for dimension in range(ndim):
        if dimension == axis:
            index.append(indices)
        else:
            fan = [1] * ndim
            fan[dimension] = shape[dimension]
            index.append(np.arange(shape[dimension]).reshape(fan))
    return tuple(index)


def _axis(axis, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(axis, ndim)
    return axis % ndim


@handles(np.take_along_axis)
def take_along_axis(arr, indices, axis=-1):
    """``np.take_along_axis``: a gather, linear in ``arr`` (repeated indices accumulate
    in the gradient).

    >>> cr.grad(lambda x: take_along_axis(x, np.array([2, 2, 0]), 0).sum())(np.ones(3))
    array([1., 0., 2.])
    """
    if not isinstance(indices, Tracer):  # a traced one stays traced: a recording sees it
        indices = np.asarray(indices)
    if axis is None:
        if len(shape_of(indices)) != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        arr, axis = reshape(arr, (-1,)), 0
    shape = shape_of(arr)
    return getitem(arr, along_axis_index(indices, _axis(axis, len(shape)), shape))


# -- sort ---------------------------------------------------------------------------


def _gather(v, index, axis: int):
    """``v`` gathered along ``axis`` by the constant ``index`` (take_along_axis)."""
    where = list(np.indices(shape_of(index), sparse=True))
    where[axis] = index
    return indexing.getitem(v, tuple(where))


def _runs(sorted_values, axis: int):
    """The first and the last position of each entry's run of equal entries along
    ``axis`` (stacked), and whether any run is longer than one."""
    starts = np.ones(sorted_values.shape, bool)
    starts[_along(axis, slice(1, None))] = (sorted_values[_along(axis, slice(1, None))]
                                            != sorted_values[_along(axis, slice(None, -1))])
    position = np.arange(sorted_values.shape[axis]).reshape(
        (-1,) + (1,) * (sorted_values.ndim - axis - 1))
    first = np.maximum.accumulate(np.where(starts, position, 0), axis=axis)
    stops = np.roll(starts, -1, axis=axis)
    stops[_along(axis, -1)] = True
    last = np.flip(np.minimum.accumulate(np.flip(np.where(stops, position, position.size), axis),
                                         axis=axis), axis)
    return np.stack([first, last])


# nondiff primitives of the sorted values: a recording sees the ties and a replay
# recomputes them (whether there are any is a guard there)
tied_p = nondiff("sort_tied", lambda sorted_values, axis: np.any(
    sorted_values[_along(axis, slice(1, None))] == sorted_values[_along(axis, slice(None, -1))]))
runs_p = nondiff("sort_runs", _runs)
runs_p.def_batch(batch_axis_moved_first(runs_p))  # (first, last) stacked before the batch axis


def _tie_mean(v, sorted_values, axis: int):
    """``v`` averaged over each run of equal entries of ``sorted_values`` along ``axis``."""
    # under vmap the members may tie differently: the averaging is right either way
    if not is_batched(sorted_values) and not tied_p(sorted_values, axis=axis):
        return v
    runs = runs_p(sorted_values, axis=axis)
    first, last = runs[0], runs[1]
    total = cumsum_p(v, axis=axis)  # a run's sum: total at its last minus before its first
    before = _gather(total, np.maximum(first - 1, 0), axis) * (first > 0)
    mean = (_gather(total, last, axis) - before) / (last - first + 1)
    return arithmetic.where(last == first, v, mean)


def _sorting(x, axis: int):
    # the stable order, traced (argsort is nondiff): a replay recomputes the permutation
    return np.argsort(x, axis=axis, kind="stable")


sort_p = primitive("sort", lambda x, axis: np.sort(x, axis=axis))
sort_p.def_jvp(lambda t, ans, x, axis: _tie_mean(
    _gather(t, _sorting(x, axis), axis), ans, axis))
sort_p.def_vjp(lambda g, ans, x, axis: _gather(
    _tie_mean(g, ans, axis), np.argsort(_sorting(x, axis), axis=axis), axis))
sort_p.def_batch(batch_axis_param(sort_p))


def _no_order(function: str, order) -> None:
    if order is not None:
        raise NotImplementedError(
            f"np.{function}(..., order=...) sorts structured arrays, which chainrule does not "
            "trace; sort an ordinary array, or gather with the indices of np.lexsort.")


@handles(np.sort)
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """``np.sort``; its derivative is the sorting permutation; where values tie, their
    derivatives are averaged (ties split evenly, as in ``np.max``).

    >>> cr.jacobian(sort)(np.array([2.0, 1.0]))
    array([[0., 1.],
           [1., 0.]])
    """
    since_numpy_2_keywords("sort", stable=stable)
    _no_order("sort", order)
    if axis is None:
        a, axis = reshape(a, (-1,)), 0
    return sort_p(a, axis=_axis(axis, len(shape_of(a))))


@handles(since_numpy(np, "msort"))
def msort(a):
    """``np.msort`` (NumPy 1.x only; chainrule keeps it): ``np.sort(a, axis=0)``.

    >>> msort(np.array([[2.0], [1.0]])).ravel()
    array([1., 2.])
    """
    return sort(a, axis=0)


@handles(np.sort_complex)
def sort_complex(a):
    """``np.sort_complex``: sorted by real part, then imaginary part, as complex numbers.

    >>> sort_complex(np.array([2.0, 1.0]))
    array([1.+0.j, 2.+0.j])
    """
    dtype = dtype_of(a)
    if not np.issubdtype(dtype, np.complexfloating):
        dtype = np.complex64 if dtype.char in "bhBHef" else np.complex128
    return astype(sort(a), dtype)


# -- partition --------------------------------------------------------------------------


def _partitioning_index(x, kth, axis: int) -> tuple:
    """The gather that ``np.partition`` applies: the indices of ``np.argpartition``."""
    order = np.argpartition(x, kth, axis=axis)  # nondiff: a recording sees it
    return along_axis_index(order, axis, shape_of(x))


partition_p = primitive("partition", lambda x, kth, axis: np.partition(x, kth, axis=axis))
partition_p.def_jvp(lambda t, ans, x, kth, axis: getitem(t, _partitioning_index(x, kth, axis)))
# each output's cotangent goes back to the input it came from: a gather by the inverse
# permutation (traced, as the permutation is)
partition_p.def_vjp(lambda g, ans, x, kth, axis: _gather(
    g, np.argsort(np.argpartition(x, kth, axis=axis), axis=axis), axis))
partition_p.def_batch(batch_axis_param(partition_p))


@handles(np.partition)
def partition(a, kth, axis=-1, kind="introselect", order=None):
    """``np.partition``; its derivative is the permutation ``np.argpartition`` gives.

    >>> cr.grad(lambda x: partition(x, 1)[1])(np.array([3.0, 1.0, 2.0]))
    array([0., 0., 1.])
    """
    _no_order("partition", order)
    if axis is None:
        a, axis = reshape(a, (-1,)), 0
    kth = plain_argument(kth, "np.partition", "kth")
    kth = tuple(int(k) for k in np.ravel(kth)) if np.ndim(kth) else int(kth)
    return partition_p(a, kth=kth, axis=_axis(axis, len(shape_of(a))))
