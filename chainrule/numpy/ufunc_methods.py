"""The methods of NumPy's ufuncs on traced arrays (``np.add.reduce(x)``,
``np.maximum.accumulate(x)``, ``np.multiply.outer(x, y)``, ``np.add.at(x, i, v)``),
in one table, ``UFUNC_METHODS``, that ``__array_ufunc__`` reads.

Every binary ufunc chainrule knows gets each method that NumPy defines for it:

- ``reduce``: ``sum``, ``prod``, ``max``, ``min`` for add, multiply, maximum,
  minimum; for the others a fold, ``f(...f(f(x0, x1), x2)..., xn)``, in NumPy's
  order, so the value is NumPy's and every derivative follows from ``f``'s.
- ``accumulate``: ``cumsum``, ``cumprod``; the running maximum and minimum
  gather the element that set the record (of tied elements, the first one gets
  the gradient); the others a fold that keeps every partial result.
- ``outer``: ``f(x[..., None, ...], y)``, the same broadcasting NumPy does.
- ``at``: an unbuffered in-place update with repeated indices applied one after
  another (``np.add.at(x, [0, 0], 1.0)`` adds 2 to ``x[0]``), as a functional
  update of the traced array (``mutation.update``); unary ufuncs too.

Non-differentiable ufuncs answer with NumPy's own method on the plain values.

>>> cr.grad(lambda x: UFUNC_METHODS[np.multiply, "reduce"](x))(np.array([2.0, 3.0, 4.0]))
array([12.,  8.,  6.])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import Primitive, Tracer, base_value
from ..core.batching import is_batched

# every file that routes ufuncs, so that all of them are in UFUNCS when the table is built
from . import arithmetic, complex_numbers, exp_log, nondiff, reductions, trig, ufuncs  # noqa: F401
from .creation import batched_constant, member_stand_in
from .indexing import getitem, scatter_add_p, setitem
from .joining import stack
from .manipulation import broadcast_to, moveaxis, reshape
from .mutation import LOST_DERIVATIVE_HINT, update
from .sorting import take_along_axis
from .wrap import UFUNCS, dtype_of, shape_of


def _differentiable(function: Callable) -> bool:
    return not (isinstance(function, Primitive) and function.nondiff)


def _check_where(where: Any, ufunc: np.ufunc, method: str) -> None:
    if where is not True:
        raise NotImplementedError(f"np.{ufunc.__name__}.{method} with where= is not supported "
                                  "on traced values; select with np.where() first.")


def _reduced_axes(axis: Any, ndim: int) -> tuple:
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(a % ndim for a in axes)


# -- reduce ----------------------------------------------------------------------------

def _plain_or_member(*values: Any) -> list:
    """The plain values for NumPy's own method: the values themselves, or, where any is
    batched (its plain value has batch axes in front), stand-ins of a member's shape."""
    if any(is_batched(value) for value in values):
        return [member_stand_in(value) for value in values]
    return [base_value(value) for value in values]


def _folded(function, ufunc, x, axis, keepdims, initial):
    """``ufunc.reduce`` as a left fold of ``function``; NumPy checks the arguments first
    (on stand-ins of a batch member under vmap: a batched result is folded, even of a
    non-differentiable ufunc)."""
    plain_x, plain_initial = _plain_or_member(x, initial)
    with np.errstate(all="ignore"):
        expected = ufunc.reduce(plain_x, axis=axis, keepdims=keepdims, initial=plain_initial)
    batched = is_batched(x) or is_batched(initial)
    if not batched and (not _differentiable(function)
                        or not (isinstance(x, Tracer) or isinstance(initial, Tracer))):
        return expected
    x = x if isinstance(x, Tracer) else np.asarray(x)
    axes = _reduced_axes(axis, len(shape_of(x)))
    moved = moveaxis(x, axes, tuple(range(len(axes))))
    count = int(np.prod([shape_of(x)[a] for a in axes]))
    items = reshape(moved, (count,) + shape_of(moved)[len(axes):])
    if initial is np._NoValue:
        result, start = getitem(items, 0), 1
    elif count == 0:
        return broadcast_to(initial, np.shape(expected))
    else:
        result, start = initial, 0
    for index in range(start, count):
        result = function(result, getitem(items, index))
    return reshape(result, np.shape(expected))


def _reduce_method(ufunc: np.ufunc, function: Callable) -> Callable:
    fast = {np.add: reductions.sum, np.multiply: reductions.prod,  # type: ignore[call-overload]
            np.maximum: reductions.max, np.minimum: reductions.min}.get(ufunc)

    def reduce(array, axis=0, keepdims=False, initial=np._NoValue, where=True):
        _check_where(where, ufunc, "reduce")
        if fast is not None and np.prod(shape_of(array)):
            return fast(array, axis, keepdims=keepdims,
                        initial=None if initial is np._NoValue else initial)
        return _folded(function, ufunc, array, axis, keepdims, initial)

    reduce.__doc__ = f"``np.{ufunc.__name__}.reduce`` on traced arrays."
    return reduce


# -- accumulate ------------------------------------------------------------------------

def _record_holders(plain, axis, beats):
    """The index (along ``axis``) of the element holding each running extremum: the
    latest to beat every element before it, or the first NaN (NaN then propagates)."""
    moved = np.moveaxis(plain, axis, -1)
    steps = np.arange(moved.shape[-1])
    running = (np.maximum if beats is np.greater else np.minimum).accumulate(moved, axis=-1)
    nan_seen = np.logical_or.accumulate(np.isnan(moved), axis=-1)
    before = np.zeros_like(nan_seen)
    before[..., 1:] = nan_seen[..., :-1]  # a NaN came before this element
    record = np.zeros_like(nan_seen)
    record[..., 1:] = beats(moved[..., 1:], running[..., :-1])
    record[..., 0] = True
    record = (record & ~before) | (np.isnan(moved) & ~before)
    holders = np.maximum.accumulate(np.where(record, steps, 0), axis=-1)
    return np.moveaxis(holders, -1, axis)


def _running_extremum(x, axis, beats):
    plain = base_value(x)
    leading = np.ndim(plain) - len(shape_of(x))  # the batch axes of vmap levels, in front
    holders = _record_holders(plain, axis + leading, beats)
    if leading:  # a constant of each batch member: batched like x, a gather per member
        return take_along_axis(x, batched_constant(holders, x), axis)
    index = tuple(np.indices(plain.shape, sparse=True))
    return getitem(x, index[:axis] + (holders,) + index[axis + 1:])


def _accumulate_method(ufunc: np.ufunc, function: Callable) -> Callable:
    def accumulate(array, axis=0):
        with np.errstate(all="ignore"):  # NumPy's checks (on a member's stand-in under vmap)
            expected = ufunc.accumulate(_plain_or_member(array)[0], axis=axis)
        if not is_batched(array) and (not _differentiable(function)
                                      or not isinstance(array, Tracer)):
            return expected
        axis = axis % len(shape_of(array))
        if ufunc is np.add:
            return reductions.cumsum(array, axis)
        if ufunc is np.multiply:
            return reductions.cumprod(array, axis)
        if ufunc in (np.maximum, np.minimum) and _differentiable(function):
            return _running_extremum(array, axis, np.greater if ufunc is np.maximum else np.less)
        moved = moveaxis(array, axis, 0)
        results = [getitem(moved, 0)]
        for index in range(1, shape_of(moved)[0]):
            results.append(function(results[-1], getitem(moved, index)))
        return moveaxis(stack(results), 0, axis) if results else expected

    accumulate.__doc__ = f"``np.{ufunc.__name__}.accumulate`` on traced arrays."
    return accumulate


# -- outer -----------------------------------------------------------------------------

def _outer_method(ufunc: np.ufunc, function: Callable) -> Callable:
    def outer(x, y):
        extra = (1,) * len(shape_of(y))
        x = x if isinstance(x, Tracer) else np.asarray(x)
        return function(reshape(x, shape_of(x) + extra), y)

    outer.__doc__ = f"``np.{ufunc.__name__}.outer`` on traced arrays."
    return outer


# -- at ----------------------------------------------------------------------------------

def _occurrences(positions: np.ndarray) -> np.ndarray:
    """For each entry, how many times its position appeared before it (0 for the first)."""
    order = np.argsort(positions, kind="stable")
    ordered = positions[order]
    starts = np.ones(len(ordered), bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    steps = np.arange(len(ordered))
    rank = steps - np.maximum.accumulate(np.where(starts, steps, 0))
    occurrences = np.empty_like(rank)
    occurrences[order] = rank
    return occurrences


def _at_method(ufunc: np.ufunc, function: Callable) -> Callable:
    def at(a, indices, b=None):
        if not isinstance(a, Tracer) and not isinstance(b, Tracer):
            return ufunc.at(a, indices, *(() if b is None else (b,)))  # nothing traced
        if not (isinstance(a, Tracer) and hasattr(a, "__setitem__")):
            raise TypeError(
                f"chainrule cannot apply np.{ufunc.__name__}.at to a plain NumPy array with "
                "traced values: the derivative would be lost.\n" + LOST_DERIVATIVE_HINT)
        if is_batched(indices):
            raise TypeError(
                f"np.{ufunc.__name__}.at with indices that differ between batch members "
                "under vmap is not supported; pass the same indices to every member (in_axes="
                "None), or build the update with np.where(mask, f(a, b), a).")
        index = base_value(indices)
        plain_a, plain_b = _plain_or_member(a, b)
        # NumPy checks the index, the broadcasting and the casting on a copy
        with np.errstate(all="ignore"):
            ufunc.at(np.array(plain_a), index, *(() if b is None else (plain_b,)))
        shape = shape_of(a)
        positions = np.arange(int(np.prod(shape))).reshape(shape)[index]
        flat = reshape(a, (-1,))
        values = None
        if b is not None:
            values = b if shape_of(b) == positions.shape else broadcast_to(b, positions.shape)
            values = reshape(values, (-1,)) if isinstance(values, Tracer) else np.ravel(values)
        positions = positions.ravel()
        occurrences = _occurrences(positions)
        rounds = int(occurrences.max()) + 1 if positions.size else 0
        if ufunc in (np.add, np.subtract) and rounds > 1:  # all repeats in one scatter
            total = scatter_add_p(values, index=positions, shape=(int(np.prod(shape)),),
                                  dtype=np.result_type(dtype_of(a), dtype_of(values)))
            flat = flat + total if ufunc is np.add else flat - total
            rounds = 0
        for round_ in range(rounds):
            chosen = np.flatnonzero(occurrences == round_)
            where = positions[chosen]
            current = getitem(flat, where)
            new = function(current) if b is None else function(current, getitem(values, chosen))
            flat = setitem(flat, where, new)
        update(a, reshape(flat, shape))

    at.__doc__ = f"``np.{ufunc.__name__}.at`` on traced arrays: a functional update."
    return at


# -- the table ---------------------------------------------------------------------------

def method_table(routes: dict) -> dict:
    """``(ufunc, method) -> function`` for every ufunc in ``routes`` and each method NumPy
    defines for it (reduce, accumulate and outer for binary ufuncs; at for all).

    >>> (np.add, "outer") in method_table({np.add: np.add})
    True
    """
    table = {}
    for ufunc, function in routes.items():
        if ufunc.nout != 1 or ufunc.signature is not None:
            continue
        if ufunc.nin == 2:
            table[ufunc, "reduce"] = _reduce_method(ufunc, function)
            table[ufunc, "accumulate"] = _accumulate_method(ufunc, function)
            table[ufunc, "outer"] = _outer_method(ufunc, function)
        if ufunc.nin in (1, 2):
            table[ufunc, "at"] = _at_method(ufunc, function)
    return table


UFUNC_METHODS: dict = method_table(UFUNCS)
