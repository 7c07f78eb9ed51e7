"""Selecting entries: select, choose, compress, extract, place, piecewise,
nan_to_num, real_if_close, apply_along_axis and sliding_window_view.

Which entry goes where is decided by plain values (conditions, index
arrays, the data's own NaNs), so each function is a ``where``, a gather
(``take``/indexing) or an item assignment on traced values, and its
derivative flows through the entries chosen. ``sliding_window_view``
gathers by the window's indices, computed once by NumPy's own function
applied to the entries' positions.

>>> cr.grad(lambda x: np.nan_to_num(x).sum())(np.array([1.0, np.inf]))
array([1., 0.])

A replaced entry passes no cotangent back, but an operation before it that
made the infinity may still multiply that zero by an infinite partial
derivative (``np.nan_to_num(x * np.inf)``): NaN, as in every framework;
replace the inputs first, or select them with ``np.where`` before dividing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import math

from ..core import Tracer, base_value
from ..core.batching import is_batched
from .batching import unbatched_argument
from .arithmetic import where
from .complex_numbers import imag, real
from .creation import asarray, zeros_like
from .elementwise import astype
from .indexing import getitem, setitem, take
from .joining import stack
from .manipulation import _axis, broadcast_to, moveaxis, ravel, reshape, transpose
from .mutation import LOST_DERIVATIVE_HINT, update
from .wrap import dtype_of, handles, shape_of

__all__ = [
    "apply_along_axis", "choose", "compress", "extract", "nan_to_num", "piecewise", "place",
    "real_if_close", "select", "sliding_window_view",
]


def _plain(condition) -> np.ndarray:
    return np.asarray(base_value(condition))


def _unbatched(condition, function: str, instead: str) -> np.ndarray:
    """A condition that decides the result's shape, as a plain array: under vmap it must
    be the same for every member (a batched one would give each a different shape)."""
    return _plain(unbatched_argument(condition, f"np.{function}", "the condition", instead))


def _condition(condition) -> Any:
    """A condition as an array: a traced one (batched under vmap) stays traced."""
    return condition if isinstance(condition, Tracer) else np.asarray(condition)


@handles(np.select)
def select(condlist: Any, choicelist: Any, default: Any = 0) -> Any:
    """``np.select``: from each choice where its condition holds first, else ``default``.

    >>> select([np.array([True, False]), np.array([True, True])], [1.0, 2.0])
    array([1., 2.])
    """
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if not condlist:
        raise ValueError("select with an empty condition list is not possible")
    conditions = [_condition(condition) for condition in condlist]
    for i, condition in enumerate(conditions):
        if dtype_of(condition).type is not np.bool_:
            raise TypeError(f"invalid entry {i} in condlist: should be boolean ndarray")
    choices = [asarray(choice) for choice in choicelist]
    shape = np.broadcast_shapes(*(shape_of(c) for c in conditions),
                                *(shape_of(c) for c in choices), shape_of(asarray(default)))
    # NumPy's promotion: Python numbers are weak (NEP 50), arrays are not
    dtype = np.result_type(*(value if type(value) in (int, float, complex) else dtype_of(value)
                             for value in (*choicelist, default)))
    result = broadcast_to(asarray(default), shape)
    for condition, choice in reversed(list(zip(conditions, choices))):
        result = where(condition, choice, result)
    return result if dtype_of(result) == dtype else astype(result, dtype)


@handles(np.choose)
def choose(a: Any, choices: Any, out: Any = None, mode: Any = "raise") -> Any:
    """``np.choose``: ``choices[a[i]][i]``, broadcast; ``mode`` "raise", "wrap" or "clip".

    >>> choose(np.array([1, 0]), [np.array([1.0, 2.0]), np.array([3.0, 4.0])])
    array([3., 2.])
    """
    if out is not None:
        raise NotImplementedError("np.choose(..., out=...) is not supported on traced values; "
                                  "assign the result instead.")
    index = _condition(a)  # traced (a batched index under vmap) or plain
    if not np.issubdtype(dtype_of(index), np.integer):
        if not np.can_cast(dtype_of(index), np.intp, casting="safe"):
            raise TypeError(f"Cannot cast array data from {dtype_of(index)!r} to "
                            "dtype('int64') according to the rule 'safe'")
        index = astype(index, np.intp)
    choices = [asarray(choice) for choice in choices]
    shape = np.broadcast_shapes(shape_of(index), *(shape_of(choice) for choice in choices))
    count = len(choices)
    if mode == "wrap":
        index = np.mod(index, count)
    elif mode == "clip":
        index = np.clip(index, 0, count - 1)
    elif mode == "raise":
        plain = _plain(index)  # every batch member's entries: one of them invalid is an error
        if plain.size and (plain.min() < 0 or plain.max() >= count):
            raise ValueError("invalid entry in choice array")
    else:
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    stacked = stack([broadcast_to(choice, shape) for choice in choices])
    grid: tuple = tuple(np.indices(shape, sparse=True))
    return getitem(stacked, (np.broadcast_to(index, shape), *grid))


@handles(np.compress)
def compress(condition: Any, a: Any, axis: Any = None, out: Any = None) -> Any:
    """``np.compress``: the slices along ``axis`` (or entries) where ``condition`` holds.

    >>> compress([True, False, True], np.array([1.0, 2.0, 3.0]))
    array([1., 3.])
    """
    if out is not None:
        raise NotImplementedError("np.compress(..., out=...) is not supported on traced values; "
                                  "assign the result instead.")
    condition = _unbatched(condition, "compress", "np.where(condition, a, 0), the condition "
                           "shaped to broadcast along the axis")
    if condition.ndim != 1:
        raise ValueError("condition must be a 1-d array")
    return take(asarray(a), np.flatnonzero(condition), axis=axis)


@handles(np.extract)
def extract(condition: Any, arr: Any) -> Any:
    """``np.extract``: the entries of ``arr`` where ``condition`` holds, flattened.

    >>> extract(np.array([[True, False], [False, True]]), np.arange(4.0).reshape(2, 2))
    array([0., 3.])
    """
    condition = _unbatched(condition, "extract", "np.where(condition, arr, 0)")
    return take(ravel(asarray(arr)), np.flatnonzero(condition))


@handles(np.place)
def place(arr: Any, mask: Any, vals: Any) -> None:
    """``np.place``: write ``vals`` (repeated as needed) where ``mask`` holds, in place.

    >>> def f(v):
    ...     y = np.zeros(3, like=v)
    ...     np.place(y, y == 0, [v, 2 * v])
    ...     return y.sum()
    >>> cr.grad(f)(1.0)
    4.0
    """
    if not isinstance(arr, Tracer):
        raise TypeError("np.place cannot write traced values into a plain ndarray: the "
                        "derivative would be lost.\n" + LOST_DERIVATIVE_HINT)
    mask = _unbatched(mask, "place", "arr[...] = np.where(mask, value, arr) with one value for "
                      "every entry").astype(bool)
    count = int(mask.sum())
    vals = ravel(asarray(vals))
    size = shape_of(vals)[0]
    if size == 0:
        if count:
            raise ValueError("Cannot insert from an empty array!")
        return
    update(arr, setitem(arr, mask, take(vals, np.arange(count) % size)))


def _is_array_like(condition) -> bool:
    """NumPy's test in np.piecewise: is ``condlist[0]`` an array (or is condlist one mask)?"""
    if isinstance(condition, Tracer):
        return shape_of(condition) != ()  # an entry of a traced mask is a traced scalar
    return isinstance(condition, (list, np.ndarray))


@handles(np.piecewise)
def piecewise(x: Any, condlist: Any, funclist: Any, *args: Any, **kw: Any) -> Any:
    """``np.piecewise``: each function (or constant) applied where its condition holds.

    >>> cr.grad(lambda x: np.piecewise(x, [x < 0, x >= 0], [lambda v: -v, lambda v: v**2]).sum())(
    ...     np.array([-1.0, 3.0]))
    array([-1.,  6.])
    """
    x = asarray(x)
    ndim = len(shape_of(x))
    if ndim == 0:
        x = reshape(x, ())  # a Python number becomes a 0-d array, which can be indexed
    if np.isscalar(condlist) or (not _is_array_like(condlist[0]) and ndim != 0):
        condlist = [condlist]
    if any(is_batched(condition) for condition in condlist):
        return _piecewise_batched(x, condlist, funclist, args, kw)
    conditions = np.asarray([_plain(condition) for condition in condlist], dtype=bool)
    count = len(conditions)
    if count == len(funclist) - 1:
        otherwise = ~np.any(conditions, axis=0, keepdims=True)
        conditions = np.concatenate([conditions, otherwise], axis=0)
        count += 1
    elif count != len(funclist):
        raise ValueError(f"with {count} condition(s), either {count} or {count + 1} functions "
                         f"are expected")
    result = zeros_like(x)
    for condition, function in zip(conditions, funclist):
        if not callable(function):
            result = setitem(result, condition, function)
            continue
        values = getitem(x, condition)
        if math.prod(shape_of(values)) > 0:
            result = setitem(result, condition, function(values, *args, **kw))
    return result


def _piecewise_batched(x: Any, condlist: Any, funclist: Any, args: tuple, kw: dict) -> Any:
    """``np.piecewise`` with conditions that differ between batch members (under vmap):
    each function is applied to all of ``x`` and its values kept where its condition holds
    (NumPy applies it to the chosen entries only, whose number differs between members).
    As with ``np.where``, a function undefined where it is not chosen (``np.sqrt`` of the
    negative entries) still computes there, and a NaN it makes in a derivative there is
    multiplied by zero, which stays NaN: guard its input (``np.sqrt(np.abs(t))``)."""
    conditions = [_condition(condition) for condition in condlist]
    for condition in conditions:
        if dtype_of(condition).type is not np.bool_:
            conditions = [astype(c, bool) for c in conditions]
            break
    count = len(conditions)
    if count == len(funclist) - 1:
        taken = conditions[0]
        for condition in conditions[1:]:
            taken = taken | condition
        conditions.append(~taken)
        count += 1
    elif count != len(funclist):
        raise ValueError(f"with {count} condition(s), either {count} or {count + 1} functions "
                         f"are expected")
    result = np.zeros(shape_of(x), dtype_of(x))  # the same for every member
    for condition, function in zip(conditions, funclist):
        value = function(x, *args, **kw) if callable(function) else function
        result = where(condition, astype(asarray(value), dtype_of(result)), result)
    return result


@handles(np.nan_to_num)
def nan_to_num(x: Any, copy: bool = True, nan: Any = 0.0, posinf: Any = None,
               neginf: Any = None) -> Any:
    """``np.nan_to_num``: NaNs and infinities replaced (derivative 1 where finite, else that
    of the replacement, which may be traced).

    >>> nan_to_num(np.array([np.nan, 1.0, -np.inf]), neginf=-9.0)
    array([ 0.,  1., -9.])
    """
    x = asarray(x)
    dtype = np.dtype(dtype_of(x))
    if not np.issubdtype(dtype, np.inexact):
        return x
    if np.issubdtype(dtype, np.complexfloating):
        parts = (real(x), imag(x))
        return nan_to_num(parts[0], nan=nan, posinf=posinf, neginf=neginf) + 1j * nan_to_num(
            parts[1], nan=nan, posinf=posinf, neginf=neginf)
    largest = np.finfo(dtype).max
    result = x
    # the masks are traced (batched under vmap, where each member has its own); where no
    # member has an entry to replace, the where is skipped
    for mask, value in ((np.isnan(x), nan),
                        (np.isinf(x) & (x > 0), largest if posinf is None else posinf),
                        (np.isinf(x) & (x < 0), -largest if neginf is None else neginf)):
        if np.any(_plain(mask)):
            value = value if isinstance(value, Tracer) else np.asarray(value, dtype)
            result = where(mask, value, result)
    if result is x and not isinstance(x, Tracer):
        return np.array(x, copy=True)
    return result if dtype_of(result) == dtype else astype(result, dtype)


@handles(np.real_if_close)
def real_if_close(a: Any, tol: Any = 100) -> Any:
    """``np.real_if_close``: the real part if every imaginary part is within ``tol`` (in
    machine epsilons when above 1) of zero, else ``a`` as it is.

    >>> real_if_close(np.array([1.0 + 1e-20j]))
    array([1.])
    """
    a = asarray(a)
    dtype = np.dtype(dtype_of(a))
    if not np.issubdtype(dtype, np.complexfloating):
        return a
    if tol > 1:
        tol = np.finfo(dtype).eps * tol
    if np.all(np.absolute(np.imag(_plain(a))) < tol):
        return real(a)
    return a


@handles(np.apply_along_axis)
def apply_along_axis(func1d: Any, axis: Any, arr: Any, *args: Any, **kwargs: Any) -> Any:
    """``np.apply_along_axis``: ``func1d`` of each 1-D slice along ``axis``, the results stacked
    where that axis was.

    >>> apply_along_axis(lambda v: v[::-1], 1, np.arange(4.0).reshape(2, 2))
    array([[1., 0.],
           [3., 2.]])
    """
    arr = asarray(arr)
    shape = shape_of(arr)
    axis = _axis(axis, len(shape))
    lines = moveaxis(arr, axis, -1)
    outer = shape_of(lines)[:-1]
    if not all(outer):
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    results = [asarray(func1d(getitem(lines, index), *args, **kwargs))
               for index in np.ndindex(*outer)]
    result_ndim = len(shape_of(results[0]))
    stacked = reshape(stack(results), outer + shape_of(results[0]))
    before = list(range(axis))
    after = list(range(axis, len(outer)))
    own = list(range(len(outer), len(outer) + result_ndim))
    return transpose(stacked, tuple(before + own + after))


@handles(np.lib.stride_tricks.sliding_window_view)
def sliding_window_view(x: Any, window_shape: Any, axis: Any = None, *, subok: bool = False,
                        writeable: bool = False) -> Any:
    """``np.lib.stride_tricks.sliding_window_view``: every window, as a gather (a copy, so
    ``writeable`` changes nothing).

    >>> sliding_window_view(np.arange(4.0), 2)
    array([[0., 1.],
           [1., 2.],
           [2., 3.]])
    """
    x = asarray(x)
    shape = shape_of(x)
    positions = np.arange(int(np.prod(shape, dtype=int)), dtype=np.intp).reshape(shape)
    windows = np.lib.stride_tricks.sliding_window_view(positions, window_shape, axis)
    return take(ravel(x), np.array(windows))
