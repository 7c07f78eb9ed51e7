"""Set operations: ``unique_all``, ``unique_counts``, ``unique_inverse``,
``unique_values`` (NumPy 2), ``intersect1d``, ``union1d``, ``setdiff1d``,
``setxor1d`` and ``isin``.

Every value a set operation returns is an element of one of its inputs, so it
is a gather from that input: differentiable in it (the gradient goes back to
the element the value was taken from), while the indices, inverses, counts
and masks are plain integers and booleans, computed from the plain values by
non-differentiable primitives (a recording level sees them, a replay
recomputes them). Where NumPy takes a value present in both inputs from the
first (``intersect1d``), so does chainrule. ``isin`` is non-differentiable.

>>> cr.grad(lambda x: np.union1d(x, np.array([5.0])).sum())(np.array([2.0, 2.0, 1.0]))
array([1., 0., 1.])
"""

from __future__ import annotations

import collections
from typing import Any

import numpy as np

from ..core import Tracer
from .batching import batch_size, logical_ndim, shape_depends_on_data, with_batch_axis
from .creation import asarray
from .indexing import getitem, take
from .joining import concatenate
from .nondiff import unique
from .views import ravel
from .wrap import handles, primitive, since_numpy

__all__ = ["intersect1d", "isin", "setdiff1d", "setxor1d", "union1d", "unique_all",
           "unique_counts", "unique_inverse", "unique_values"]


def _plain_function(name: str, function: Any, multiple_results: bool = False) -> Any:
    """A non-differentiable primitive: plain results computed from plain values."""
    prim: Any = primitive(name, function, multiple_results)
    prim.numpy_function = function
    prim.def_nondiff()
    return prim


def _first_occurrences(x: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each of ``values`` (unique elements of ``x``), where it first occurs in ``x``
    flattened."""
    flat = x.ravel()
    order = np.argsort(flat, kind="stable")
    return order[np.searchsorted(flat[order], values)]


def _unique_all(x: np.ndarray) -> tuple:
    if since_numpy(np, "unique_all") is not None:
        result = np.unique_all(x)
        return result.indices, result.inverse_indices, result.counts
    _, index, inverse, counts = np.unique(x, return_index=True, return_inverse=True,
                                          return_counts=True, equal_nan=False)
    return index, inverse.reshape(x.shape), counts


def _unique_values(x: np.ndarray) -> np.ndarray:
    if since_numpy(np, "unique_values") is not None:
        return _first_occurrences(x, np.unique_values(x))
    return np.unique(x, return_index=True, equal_nan=False)[1]


def _unique_counts(x: np.ndarray) -> tuple:
    index, _, counts = _unique_all(x)
    return index, counts


def _unique_inverse(x: np.ndarray) -> tuple:
    index, inverse, _ = _unique_all(x)
    return index, inverse


def _result_type(name: str, fields: str) -> Any:
    """NumPy 2's namedtuple ``name`` (on NumPy 1.x, one of the same fields)."""
    function = since_numpy(np, name.lower().replace("result", "").replace("unique", "unique_"))
    if function is not None:
        return type(function(np.zeros(0)))
    return collections.namedtuple(name, fields)


UniqueAllResult = _result_type("UniqueAllResult", "values indices inverse_indices counts")
UniqueCountsResult = _result_type("UniqueCountsResult", "values counts")
UniqueInverseResult = _result_type("UniqueInverseResult", "values inverse_indices")


unique_all_p = _plain_function("unique_all_indices", _unique_all, multiple_results=True)
unique_values_p = _plain_function("unique_values_indices", _unique_values)
unique_counts_p = _plain_function("unique_counts_indices", _unique_counts, multiple_results=True)
unique_inverse_p = _plain_function("unique_inverse_indices", _unique_inverse,
                                   multiple_results=True)
isin_p = _plain_function("isin", np.isin)
# intersect1d's indices into each input (its values are gathered with the first)
intersect_indices_p = _plain_function(
    "intersect1d_indices", lambda a, b, assume_unique: np.intersect1d(
        a, b, assume_unique=assume_unique, return_indices=True)[1:], multiple_results=True)
# the positions of setxor1d's values in its inputs, concatenated (below)


def _isin_batch(args, batched, **params):
    # elementwise in ``element``; a batched set of test elements (one per member): each
    # element compared with each of its member's, == as NumPy's isin does (NaN is in nothing)
    element, test_elements = args
    if not batched[1]:
        return isin_p(*args, **params)
    size = batch_size(args, batched)
    element = with_batch_axis(element, batched[0], size)
    tests = np.reshape(test_elements, (size,) + (1,) * logical_ndim(element, True) + (-1,))
    found = np.any(np.expand_dims(element, -1) == tests, axis=-1)
    return np.logical_not(found) if params.get("invert") else found


isin_p.def_batch(_isin_batch)


def _gathered(x: Any, index: np.ndarray) -> Any:
    return take(ravel(x), index)


def unique_all(x: Any) -> Any:
    """``np.unique_all``: values (a gather from ``x``), indices, inverse, counts.

    >>> unique_all(np.array([3.0, 1.0, 3.0])).counts
    array([1, 2])
    """
    x = asarray(x)
    indices, inverse, counts = unique_all_p(x)
    return UniqueAllResult(_gathered(x, indices), indices, inverse, counts)


def unique_counts(x: Any) -> Any:
    """``np.unique_counts``: values (a gather from ``x``) and counts.

    >>> unique_counts(np.array([3.0, 1.0, 3.0])).values
    array([1., 3.])
    """
    x = asarray(x)
    index, counts = unique_counts_p(x)
    return UniqueCountsResult(_gathered(x, index), counts)


def unique_inverse(x: Any) -> Any:
    """``np.unique_inverse``: values (a gather from ``x``) and the inverse indices.

    >>> unique_inverse(np.array([3.0, 1.0, 3.0])).inverse_indices
    array([1, 0, 1])
    """
    x = asarray(x)
    index, inverse = unique_inverse_p(x)
    return UniqueInverseResult(_gathered(x, index), inverse)


def unique_values(x: Any) -> Any:
    """``np.unique_values``: the distinct values of ``x`` (in NumPy's order), a gather.

    >>> cr.grad(lambda x: unique_values(x).sum())(np.array([3.0, 1.0, 3.0]))
    array([1., 1., 0.])
    """
    x = asarray(x)
    return _gathered(x, unique_values_p(x))


# NumPy 2 names; on NumPy 1.x chainrule.numpy has them too (the plain NumPy has not)
handles(since_numpy(np, "unique_all"))(unique_all)
handles(since_numpy(np, "unique_counts"))(unique_counts)
handles(since_numpy(np, "unique_inverse"))(unique_inverse)
handles(since_numpy(np, "unique_values"))(unique_values)


@handles(np.intersect1d)
def intersect1d(ar1: Any, ar2: Any, assume_unique: bool = False,
                return_indices: bool = False) -> Any:
    """``np.intersect1d``: the sorted common values, gathered from ``ar1`` as NumPy
    takes them (``ar2`` decides only which); the indices are plain.

    >>> cr.grad(lambda x: intersect1d(x, np.array([2.0, 7.0])).sum())(np.array([7.0, 1.0]))
    array([1., 0.])
    """
    ar1, ar2 = asarray(ar1), asarray(ar2)
    if not (isinstance(ar1, Tracer) or isinstance(ar2, Tracer)):
        return np.intersect1d(ar1, ar2, assume_unique=assume_unique,
                              return_indices=return_indices)  # type: ignore[call-overload]
    index1, index2 = intersect_indices_p(ar1, ar2, assume_unique=assume_unique)
    if isinstance(ar1, Tracer):
        values = _gathered(ar1, index1)
    else:  # the values NumPy gives, as plain constants: ar2 only decides which
        values = ravel(ar1)[index1]
    return (values, index1, index2) if return_indices else values


@handles(np.union1d)
def union1d(ar1: Any, ar2: Any) -> Any:
    """``np.union1d``: the sorted distinct values of both, each gathered from its first
    occurrence (in ``ar1``, then ``ar2``).

    >>> union1d(np.array([2.0, 1.0]), np.array([2.0, 3.0]))
    array([1., 2., 3.])
    """
    return unique(concatenate([ravel(asarray(ar1)), ravel(asarray(ar2))]))


@handles(np.setdiff1d)
def setdiff1d(ar1: Any, ar2: Any, assume_unique: bool = False) -> Any:
    """``np.setdiff1d``: the values of ``ar1`` not in ``ar2``, gathered from ``ar1``.

    >>> cr.grad(lambda x: setdiff1d(x, np.array([1.0])).sum())(np.array([3.0, 1.0, 3.0]))
    array([1., 0., 0.])
    """
    ar1 = ravel(asarray(ar1)) if assume_unique else unique(asarray(ar1))
    ar2 = unique(asarray(ar2))
    keep = isin(ar1, ar2, assume_unique=True, invert=True)
    return getitem(ar1, keep)


def _setxor_positions(aux: np.ndarray) -> np.ndarray:
    """Where the values of ``setxor1d`` sit in ``aux`` (the two inputs, concatenated)."""
    order = np.argsort(aux, kind="stable")
    ordered = aux[order]
    flag = np.concatenate(([True], ordered[1:] != ordered[:-1], [True]))
    return order[flag[1:] & flag[:-1]]


setxor_indices_p = _plain_function("setxor1d_indices", _setxor_positions)

# a set's size depends on the values: no batched form
for _prim, _name in ((unique_all_p, "np.unique_all"), (unique_values_p, "np.unique_values"),
                     (unique_counts_p, "np.unique_counts"),
                     (unique_inverse_p, "np.unique_inverse"),
                     (intersect_indices_p, "np.intersect1d"), (setxor_indices_p, "np.setxor1d")):
    _prim.def_batch(shape_depends_on_data(
        _name, "np.sort(x) keeps the shape (equal values side by side), and np.isin(x, y) "
        "marks the common values with a mask of x's shape"))


@handles(np.setxor1d)
def setxor1d(ar1: Any, ar2: Any, assume_unique: bool = False) -> Any:
    """``np.setxor1d``: the sorted values in exactly one input, each gathered from it.

    >>> setxor1d(np.array([1.0, 2.0]), np.array([2.0, 3.0]))
    array([1., 3.])
    """
    ar1, ar2 = asarray(ar1), asarray(ar2)
    if not assume_unique:
        ar1, ar2 = unique(ar1), unique(ar2)
    aux = concatenate([ravel(ar1), ravel(ar2)])
    if not isinstance(aux, Tracer):
        return np.setxor1d(ar1, ar2, assume_unique=True)
    return take(aux, setxor_indices_p(aux))


@handles(np.isin)
def isin(element: Any, test_elements: Any, assume_unique: bool = False, invert: bool = False,
         *, kind: Any = None) -> Any:
    """``np.isin``: plain booleans, no derivative.

    >>> isin(np.array([1.0, 2.0]), np.array([2.0]))
    array([False,  True])
    """
    return isin_p(asarray(element), asarray(test_elements), assume_unique=assume_unique,
                  invert=invert, kind=kind)
