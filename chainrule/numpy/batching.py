"""Batching rules for NumPy primitives: the helpers every area's rules use, and
the one rule shared by all elementwise functions.

A batching rule receives the primitive's arguments, the batched ones with the
batch axis first, and a flag per argument saying which are batched; it
returns the result with the batch axis first. It is written with NumPy calls,
which reach chainrule's primitives when the values are themselves traced by an
outer transformation (``grad(vmap(f))``), so rules need no second version for
that case. Declared next to the function, like the derivative rules:

    sum_p.def_batch(batch_axis_param(sum_p))    # a reduction: shift its axis

A primitive without a rule is batched by a loop over the batch (the engine's
``loop_over_batch``); ``python -m chainrule rules`` shows which have one.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..core import Tracer, base_value
from ..core.batching import is_batched, loop_over_batch, register_batch_tools
from .wrap import align_for_broadcasting, elementwise_batch, logical_ndim, shape_of

# the engine's and wrap's helpers that rules use, re-exported so an area imports one module
__all__ = ["align_for_broadcasting", "batch_axis_moved_first", "batch_axis_param",
           "batch_size", "batched_shape_error", "elementwise_batch", "is_batched",
           "logical_ndim", "loop_over_batch", "member_axes", "member_axis", "member_shape",
           "plain_argument", "shape_depends_on_data", "shared_matrix_solve", "stacked_batch",
           "unbatched_argument", "with_batch_axis"]


def batch_size(args: Any, batched: Any) -> int:
    """The batch size: the first axis of any batched argument."""
    for value, flag in zip(args, batched):
        if flag:
            return shape_of(value)[0]
    raise ValueError("a batching rule was called with no batched argument")


def with_batch_axis(value: Any, flag: bool, size: int) -> Any:
    """``value`` with the batch axis first: as it is if batched, else repeated (a view)."""
    if flag:
        return value
    return np.broadcast_to(value, (size,) + shape_of(value))


def member_axis(axis: int, ndim: int) -> int:
    """A member's ``axis`` (negative allowed) as an axis of the batched value."""
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(axis, ndim)
    return (axis % ndim) + 1


def member_axes(axis: Any, ndim: int) -> Any:
    """``axis`` (None, an int or a tuple) of a member, as axes of the batched value."""
    if axis is None:
        return tuple(range(1, ndim + 1))
    if isinstance(axis, (tuple, list)):
        return tuple(member_axis(a, ndim) for a in axis)
    return member_axis(int(axis), ndim)


def batch_axis_param(primitive: Any, name: str = "axis", argnum: int = 0,
                     none_means_all: bool = True) -> Callable:
    """The rule of a primitive of one array whose keyword ``name`` is an axis (or axes).

    ``axis=None`` means every member axis when ``none_means_all`` (reductions);
    otherwise (cumulative functions flatten) the primitive runs on each member.
    """

    def rule(args: list, batched: list, **params: Any) -> Any:
        args = list(args)
        size = batch_size(args, batched)
        args[argnum] = with_batch_axis(args[argnum], batched[argnum], size)
        ndim = logical_ndim(args[argnum], True)
        axis = params.get(name)
        if axis is None and not none_means_all:
            args[argnum] = np.reshape(args[argnum], (size, -1))
            params = dict(params, **{name: 1})
            return primitive(*args, **params)
        params = dict(params, **{name: member_axes(axis, ndim)})
        return primitive(*args, **params)

    return rule


def _broadcast_over_batch(value: Any, size: int) -> Any:
    return np.broadcast_to(value, (size,) + shape_of(value))


register_batch_tools(stack=np.stack, broadcast=_broadcast_over_batch)


# -- linear algebra (products, solve, decompositions, eigen, least_squares, linalg; the
# SciPy layer reaches these as chainrule.numpy.batching) -----------------------------------



def stacked_batch(primitive: Any) -> Callable:
    """The rule of a primitive that NumPy already applies to each matrix of a stack
    (``inv``, ``det``, ``eigh``, ``svd``, ...): a batch of stacks is one bigger stack,
    so the primitive runs once on it. Only its first argument may be batched (the
    others, options like ``rcond``, broadcast against the stack's leading axes); a
    batched option falls back to one call per batch member."""

    def rule(args: list, batched: list, **params: Any) -> Any:
        if any(batched[1:]):
            return loop_over_batch(primitive, list(args), list(batched), params,
                                   batch_size(args, batched))
        return primitive(*args, **params)

    return rule


def shared_matrix_solve(solve: Callable, a: Any, b: Any, vector: bool) -> Any:
    """``solve(a, b)`` for one shared matrix ``a`` and a batch ``b`` of right-hand sides
    (batch axis first; each member a vector when ``vector``, else a stack of matrices
    ``(..., n, k)``): the members become columns of one ``(n, m)`` right-hand side, so
    ``a`` is factorised once, and the solution is put back in the members' shape."""
    if vector:  # (B, n) -> (n, B)
        return np.swapaxes(solve(a, np.swapaxes(b, 0, 1)), 0, 1)
    moved = np.moveaxis(b, -2, 0)  # (B, ..., n, k) -> (n, B, ..., k) -> (n, B * ... * k)
    shape = shape_of(moved)
    x = solve(a, np.reshape(moved, (shape[0], -1)))
    return np.moveaxis(np.reshape(x, shape), 0, -2)


def member_shape(value: Any) -> tuple:
    """``np.shape(value)``, for a tracer one batch member's shape (``np.shape`` of a
    tracer answers its plain value's, batch axes included).

    >>> member_shape([1.0, 2.0])
    (2,)
    """
    return shape_of(value) if isinstance(value, Tracer) else np.shape(value)


# -- shapes, joining, reductions, sorting, statistics ----------------------------------------



def unbatched_argument(value: Any, function: str, what: str, instead: str | None = None) -> Any:
    """``value``, refused with a clear error where it differs between the members of a
    ``vmap`` batch: ``function`` reads its plain numbers (counts, indices, bins, a
    condition that decides the result's shape), one set for the whole call.

    >>> unbatched_argument([1, 2], "np.repeat", "repeats")
    [1, 2]
    """
    if is_batched(value):
        instead = instead or f"pass {what} as an unbatched value (in_axes=None) or close over it"
        raise TypeError(f"{function}: {what} varies over the vmap batch (its values differ "
                        "between batch members), but it is read as plain numbers, one set for "
                        f"the whole call.\n  Instead: {instead}, or call the function on each "
                        "member without vmap.")
    return value


def plain_argument(value: Any, function: str, what: str) -> Any:
    """The plain value of an argument that fixes the result's shape (see unbatched_argument).

    >>> plain_argument([1, 2], "np.repeat", "repeats")
    [1, 2]
    """
    return base_value(unbatched_argument(value, function, what))


def batch_axis_moved_first(primitive: Any, name: str = "axis", shift: int = 1) -> Callable:
    """The rule of a one-array primitive whose keyword ``name`` is one int axis, whose
    result has ``shift`` extra leading axes (``(2,) + shape`` for stacked results): the
    axis moves one place on, and the batch axis is moved back to the front."""

    def rule(args: list, batched: list, **params: Any) -> Any:
        params = dict(params, **{name: params[name] + 1})
        result = primitive(*args, **params)
        if shift:
            result = np.moveaxis(result, shift, 0)
        return result

    return rule


# -- functions whose result's shape depends on the data --------------------------------------


def batched_shape_error(name: str, instead: str) -> TypeError:
    """The error for a function whose output shape depends on the data, under vmap.

    >>> print(batched_shape_error("np.nonzero", "np.where(mask, x, 0)"))  # doctest: +ELLIPSIS
    np.nonzero under vmap: its result's shape depends on the values, ...
    """
    return TypeError(
        f"{name} under vmap: its result's shape depends on the values, so each batch member "
        f"may get a different shape and the results cannot be stacked into one array.\n"
        f"  Instead: {instead}, or call the function on each member without vmap.")


def shape_depends_on_data(name: str, instead: str) -> Callable:
    """The batching rule of a primitive whose output shape depends on the data: it raises
    :func:`batched_shape_error` (the loop over the batch would stack ragged results).

    >>> shape_depends_on_data("np.nonzero", "np.where(mask, x, 0)")([], [])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    TypeError: np.nonzero under vmap: its result's shape depends on the values, ...
    """

    def rule(args: list, batched: list, **params: Any) -> Any:
        raise batched_shape_error(name, instead)

    return rule

