"""Conversions and small compositions: ``asanyarray`` and its layout-asking
siblings, ``asarray_chkfinite``, ``astype``, ``broadcast_arrays``,
``matrix_transpose``, ``apply_over_axes``, ``cumulative_sum`` /
``cumulative_prod``, ``unwrap``, the coefficient arithmetic ``polyadd`` /
``polysub`` / ``polymul`` / ``polydiv``, and the index helpers
``diag_indices_from``, ``tril_indices_from``, ``triu_indices_from``, ``ix_``.

Each is built from chainrule's own operations, so every mode and order follows
from theirs; no new rules. A tracer has no memory layout, so
``ascontiguousarray`` and ``asfortranarray`` differ from ``asarray`` only in
shape (they give at least one dimension, as NumPy does). Plain
``np.asanyarray(t)`` (and the two layout ones) cannot be intercepted: NumPy
converts ``t`` before any protocol runs; spell them ``np.asanyarray(t, like=t)``
or ``chainrule.numpy.asanyarray(t)``. ``np.asarray_chkfinite`` takes no
``like=``: call ``chainrule.numpy.asarray_chkfinite``. The index helpers read
only the shape of their argument (or the plain integer values of ``ix_``'s),
so a traced argument gives the same plain indices as its value.

>>> import chainrule.numpy as cnp  # np.cumulative_sum where NumPy has it (2.1+)
>>> cr.grad(lambda x: cnp.cumulative_sum(x, include_initial=True)[-1])(np.ones(3))
array([1., 1., 1.])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core import Tracer, base_value
from ..core.batching import is_batched
from .arithmetic import mod, where
from .batching import batched_shape_error
from .creation import asarray, member_stand_in
from .differences import diff
from .elementwise import astype as _astype
from .indexing import getitem
from .joining import concatenate, stack
from .polynomials import convolve
from .reductions import cumprod, cumsum
from .views import atleast_1d, broadcast_to, expand_dims, swapaxes
from .wrap import NUMPY_2, dtype_of, handles, shape_of, since_numpy

__all__ = ["apply_over_axes", "asanyarray", "asarray_chkfinite", "ascontiguousarray",
           "asfortranarray", "astype", "broadcast_arrays", "cumulative_prod", "cumulative_sum",
           "diag_indices_from", "ix_", "matrix_transpose", "polyadd", "polydiv", "polymul",
           "polysub", "tril_indices_from", "triu_indices_from", "unwrap"]


def _traced(*values: Any) -> bool:
    return any(isinstance(value, Tracer) or (isinstance(value, (list, tuple))
                                             and _traced(*value)) for value in values)


# -- conversions --------------------------------------------------------------------


@handles(np.asanyarray)
def asanyarray(a: Any, dtype: Any = None, order: Any = None, **kwargs: Any) -> Any:
    """``np.asanyarray``: ``asarray`` (a tracer is no subclass to keep).

    >>> cr.grad(lambda x: asanyarray(x).sum())(np.ones(2))
    array([1., 1.])
    """
    return asarray(a, dtype=dtype) if _traced(a) else np.asanyarray(a, dtype, order, **kwargs)


@handles(np.ascontiguousarray)
def ascontiguousarray(a: Any, dtype: Any = None, **kwargs: Any) -> Any:
    """``np.ascontiguousarray``: at least one dimension; a tracer has no layout to change.

    >>> ascontiguousarray(2.0)
    array([2.])
    """
    if not _traced(a):
        return np.ascontiguousarray(a, dtype, **kwargs)
    return atleast_1d(asarray(a, dtype=dtype))


@handles(np.asfortranarray)
def asfortranarray(a: Any, dtype: Any = None, **kwargs: Any) -> Any:
    """``np.asfortranarray``: at least one dimension; a tracer has no layout to change.

    >>> cr.grad(lambda x: asfortranarray(x)[0])(3.0)
    1.0
    """
    if not _traced(a):
        return np.asfortranarray(a, dtype, **kwargs)
    return atleast_1d(asarray(a, dtype=dtype))


@handles(np.asarray_chkfinite)
def asarray_chkfinite(a: Any, dtype: Any = None, order: Any = None) -> Any:
    """``np.asarray_chkfinite``: ``asarray``, refusing infinities and NaNs with NumPy's
    ValueError.

    >>> cr.grad(lambda x: asarray_chkfinite(x).sum())(np.ones(2))
    array([1., 1.])
    """
    if not _traced(a):
        return np.asarray_chkfinite(a, dtype, order)
    a = asarray(a, dtype=dtype)
    plain = base_value(a)
    if plain.dtype.char in np.typecodes["AllFloat"] and not np.isfinite(plain).all():
        raise ValueError("array must not contain infs or NaNs")
    return a


def astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Any:
    """``np.astype`` (NumPy 2.1): a cast; to an integer or boolean type it carries no
    derivative. A traced result is never a view, so ``copy`` changes nothing.

    >>> astype(np.array([1.5, 2.5]), np.float32)
    array([1.5, 2.5], dtype=float32)
    """
    if not _traced(x):
        if since_numpy(np, "astype") is not None and isinstance(x, (np.ndarray, np.generic)):
            return np.astype(x, dtype, copy=copy, device=device)  # type: ignore[arg-type]
        return np.asarray(x).astype(dtype, copy=copy)  # chainrule also takes lists, floats
    if device not in (None, "cpu"):
        raise ValueError(f"Device not understood. Only \"cpu\" is allowed, but received: {device}")
    return _astype(x, dtype)


handles(since_numpy(np, "astype"))(astype)


@handles(np.broadcast_arrays)
def broadcast_arrays(*args: Any, subok: bool = False) -> Any:
    """``np.broadcast_arrays``: each argument broadcast to the common shape (a tuple in
    NumPy 2, a list in 1.x), each differentiable (its cotangent summed back).

    >>> [a.shape for a in broadcast_arrays(np.ones(3), np.ones((2, 1)))]
    [(2, 3), (2, 3)]
    """
    arrays = [asarray(a) for a in args]
    shape = np.broadcast_shapes(*(shape_of(a) for a in arrays))
    result = [a if shape_of(a) == shape else broadcast_to(a, shape) for a in arrays]
    return tuple(result) if NUMPY_2 else result


def matrix_transpose(x: Any, /) -> Any:
    """``np.matrix_transpose`` (NumPy 2): the last two axes swapped.

    >>> matrix_transpose(np.ones((2, 3, 4))).shape
    (2, 4, 3)
    """
    x = asarray(x)
    if len(shape_of(x)) < 2:
        raise ValueError("Input array must be at least 2-dimensional, "
                         f"but it is {len(shape_of(x))}")
    return swapaxes(x, -1, -2)


handles(since_numpy(np, "matrix_transpose"))(matrix_transpose)


@handles(np.apply_over_axes)
def apply_over_axes(func: Any, a: Any, axes: Any) -> Any:
    """``np.apply_over_axes``: ``func(a, axis)`` applied axis after axis, each result
    given its reduced axis back; differentiable where ``func`` is.

    >>> cr.grad(lambda x: apply_over_axes(np.sum, x, [0, 1])[0, 0])(np.ones((2, 2)))
    array([[1., 1.],
           [1., 1.]])
    """
    value = asarray(a)
    ndim = len(shape_of(value))
    if np.ndim(axes) == 0:
        axes = (axes,)
    for axis in axes:
        axis = int(axis)
        if axis < 0:
            axis += ndim
        result = func(value, axis)
        if len(shape_of(result)) != len(shape_of(value)):
            result = expand_dims(result, axis)
            if len(shape_of(result)) != len(shape_of(value)):
                raise ValueError("function is not returning an array of the correct shape")
        value = result
    return value


# -- cumulative_sum, cumulative_prod, unwrap ------------------------------------------


def _cumulative(name: str, accumulate: Any, identity: float, x: Any, axis: Any, dtype: Any,
                out: Any, include_initial: bool) -> Any:
    if out is not None:
        raise NotImplementedError(
            f"np.{name}(..., out=...) on traced values is not supported by chainrule; "
            f"assign the result instead: out[...] = np.{name}(x, ...)")
    x = atleast_1d(asarray(x))
    ndim = len(shape_of(x))
    if axis is None:
        if ndim >= 2:
            raise ValueError("For arrays which have more than one dimension "
                             "``axis`` argument is required.")
        axis = 0
    result = accumulate(x, axis=axis, dtype=dtype)
    if not include_initial:
        return result
    axis = int(axis) % ndim
    initial_shape = list(shape_of(result))
    initial_shape[axis] = 1
    initial = np.full(initial_shape, identity, dtype=dtype_of(result))
    return concatenate([initial, result], axis=axis)


def cumulative_sum(x: Any, /, *, axis: Any = None, dtype: Any = None, out: Any = None,
                   include_initial: bool = False) -> Any:
    """``np.cumulative_sum`` (NumPy 2.1): ``cumsum`` along ``axis`` (required for more
    than one dimension), with a leading 0 when ``include_initial``.

    >>> cumulative_sum(np.array([1.0, 2.0]), include_initial=True)
    array([0., 1., 3.])
    """
    return _cumulative("cumulative_sum", cumsum, 0, x, axis, dtype, out, include_initial)


def cumulative_prod(x: Any, /, *, axis: Any = None, dtype: Any = None, out: Any = None,
                    include_initial: bool = False) -> Any:
    """``np.cumulative_prod`` (NumPy 2.1): ``cumprod`` along ``axis``, with a leading 1
    when ``include_initial``; exact derivatives where ``x`` has zeros.

    >>> cr.grad(lambda x: cumulative_prod(x)[-1])(np.array([2.0, 0.0, 3.0]))
    array([0., 6., 0.])
    """
    return _cumulative("cumulative_prod", cumprod, 1, x, axis, dtype, out, include_initial)


handles(since_numpy(np, "cumulative_sum"))(cumulative_sum)
handles(since_numpy(np, "cumulative_prod"))(cumulative_prod)


@handles(np.unwrap)
def unwrap(p: Any, discont: Any = None, axis: int = -1, *, period: Any = 2 * math.pi) -> Any:
    """``np.unwrap``: jumps larger than ``discont`` replaced by their complement
    modulo ``period``. The corrections are whole periods, so the derivative in ``p``
    is the identity; in a traced ``period`` it counts the periods added.

    >>> cr.grad(lambda p: unwrap(p)[-1])(np.array([0.0, 3.0, 6.5]))
    array([0., 0., 1.])
    """
    if not _traced(p, discont, period):
        return np.unwrap(p, discont, axis, period=period)
    p = asarray(p)
    ndim = len(shape_of(p))
    dd = diff(p, axis=axis)
    if discont is None:
        discont = period / 2
    dtype = np.result_type(member_stand_in(dd), member_stand_in(period))
    if np.issubdtype(dtype, np.integer):
        high, remainder = divmod(period, 2)
        ambiguous = remainder == 0
    else:
        high, ambiguous = period / 2, True
    low = -high
    ddmod = mod(dd - low, period) + low
    # the choices are comparisons (nondiff: constants), made member by member under vmap
    if ambiguous:
        ddmod = where((ddmod == low) & (dd > 0), high, ddmod)
    correction = where(np.abs(dd) < discont, 0, ddmod - dd)
    first = [slice(None)] * ndim
    rest = [slice(None)] * ndim
    first[axis], rest[axis] = slice(None, 1), slice(1, None)
    head = _astype(getitem(p, tuple(first)), dtype)
    tail = getitem(p, tuple(rest)) + cumsum(correction, axis=axis)
    return concatenate([head, _astype(tail, dtype)], axis=axis)


# -- coefficient arithmetic -----------------------------------------------------------


def _coefficients(*polys: Any) -> list:
    if any(isinstance(p, np.poly1d) for p in polys):
        raise NotImplementedError(
            "chainrule's polynomial arithmetic on traced values takes coefficient arrays, "
            "not np.poly1d: pass p.coeffs (and wrap the result in np.poly1d yourself)")
    return [atleast_1d(asarray(p)) for p in polys]


def _padded_pair(a1: Any, a2: Any) -> tuple:
    difference = shape_of(a2)[0] - shape_of(a1)[0]
    if difference > 0:
        a1 = concatenate([np.zeros(difference, dtype_of(a1)), a1])
    elif difference < 0:
        a2 = concatenate([np.zeros(-difference, dtype_of(a2)), a2])
    return a1, a2


@handles(np.polyadd)
def polyadd(a1: Any, a2: Any) -> Any:
    """``np.polyadd``: coefficients (highest power first) added, the shorter padded.

    >>> polyadd(np.array([1.0, 2.0]), np.array([1.0, 0.0, 1.0]))
    array([1., 1., 3.])
    """
    if not _traced(a1, a2):
        return np.polyadd(a1, a2)
    a1, a2 = _padded_pair(*_coefficients(a1, a2))
    return a1 + a2


@handles(np.polysub)
def polysub(a1: Any, a2: Any) -> Any:
    """``np.polysub``: coefficients (highest power first) subtracted, the shorter padded.

    >>> polysub(np.array([1.0, 2.0]), np.array([1.0, 0.0, 1.0]))
    array([-1.,  1.,  1.])
    """
    if not _traced(a1, a2):
        return np.polysub(a1, a2)
    a1, a2 = _padded_pair(*_coefficients(a1, a2))
    return a1 - a2


def _leading_zeros_trimmed(p: Any) -> Any:
    """``p`` without its leading exact zeros (``np.poly1d`` does this), or ``[0.]``;
    under vmap every batch member must have as many (the length depends on them)."""
    plain = base_value(p)
    nonzero = plain != 0
    if not np.any(nonzero):
        return np.zeros(1, dtype_of(p)) if not is_batched(p) else 0.0 * getitem(p, slice(0, 1))
    first = np.argmax(nonzero, axis=-1)
    if not np.all(np.any(nonzero, axis=-1)) or np.any(first != np.ravel(first)[0]):
        raise batched_shape_error("np.polymul with leading zeros that differ between batch "
                                  "members", "trim them before vmap, or use np.convolve")
    start = int(np.ravel(first)[0])
    return getitem(p, slice(start, None)) if start else p


@handles(np.polymul)
def polymul(a1: Any, a2: Any) -> Any:
    """``np.polymul``: the product polynomial (a convolution of the coefficients,
    leading zeros dropped first), bilinear in both.

    >>> polymul(np.array([1.0, 1.0]), np.array([1.0, -1.0]))
    array([ 1.,  0., -1.])
    """
    if not _traced(a1, a2):
        return np.polymul(a1, a2)
    a1, a2 = (_leading_zeros_trimmed(p) for p in _coefficients(a1, a2))
    return convolve(a1, a2)


@handles(np.polydiv)
def polydiv(u: Any, v: Any) -> tuple:
    """``np.polydiv``: quotient and remainder, by NumPy's long division (its values to
    the bit), differentiable in both; the remainder's leading near-zeros are dropped
    as NumPy drops them.

    >>> q, r = polydiv(np.array([1.0, 0.0, -1.0]), np.array([1.0, 1.0]))
    >>> q, r
    (array([ 1., -1.]), array([0.]))
    """
    if not _traced(u, v):
        return np.polydiv(u, v)
    u, v = _coefficients(u, v)
    u, v = u + 0.0, v + 0.0
    dtype = np.result_type(member_stand_in(getitem(u, 0)), member_stand_in(getitem(v, 0)))
    m, n = shape_of(u)[0] - 1, shape_of(v)[0] - 1
    scale = 1.0 / getitem(v, 0)
    remainder = _astype(u, dtype)
    quotient = []
    for k in range(m - n + 1):
        d = scale * getitem(remainder, k)
        quotient.append(d)
        remainder = concatenate([getitem(remainder, slice(None, k)),
                                 getitem(remainder, slice(k, k + n + 1)) - d * v,
                                 getitem(remainder, slice(k + n + 1, None))])
    q = _astype(stack(quotient), dtype) if quotient else np.zeros(1, dtype)
    while shape_of(remainder)[-1] > 1 and _leading_zero(getitem(remainder, 0), "np.polydiv"):
        remainder = getitem(remainder, slice(1, None))
    return q, remainder


def _leading_zero(coefficient: Any, name: str) -> bool:
    """Whether NumPy drops this leading remainder coefficient (close to 0); under vmap
    every batch member must agree (the remainder's length depends on it)."""
    close = np.abs(base_value(coefficient)) <= 1e-8  # np.allclose(c, 0, rtol=1e-14)
    if np.all(close) or not np.any(close):
        return bool(np.all(close))
    raise batched_shape_error(f"{name} with remainders of different lengths between batch "
                              "members", "divide each member without vmap")


# -- index helpers: plain indices from a shape ------------------------------------------


def _shaped(x: Any) -> np.ndarray:
    """A plain array of ``x``'s shape and dtype (a zero-stride stand-in, no copy)."""
    return np.broadcast_to(np.zeros((), dtype_of(x)), shape_of(x))


@handles(np.diag_indices_from)
def diag_indices_from(arr: Any) -> tuple:
    """``np.diag_indices_from``: plain indices of the main diagonal of ``arr``'s shape.

    >>> diag_indices_from(np.ones((2, 2)))
    (array([0, 1]), array([0, 1]))
    """
    return np.diag_indices_from(_shaped(arr))


@handles(np.tril_indices_from)
def tril_indices_from(arr: Any, k: int = 0) -> tuple:
    """``np.tril_indices_from``: plain indices of the lower triangle of ``arr``'s shape.

    >>> tril_indices_from(np.ones((2, 2)))
    (array([0, 1, 1]), array([0, 0, 1]))
    """
    return np.tril_indices_from(_shaped(arr), k)


@handles(np.triu_indices_from)
def triu_indices_from(arr: Any, k: int = 0) -> tuple:
    """``np.triu_indices_from``: plain indices of the upper triangle of ``arr``'s shape.

    >>> triu_indices_from(np.ones((2, 2)))
    (array([0, 0, 1]), array([0, 1, 1]))
    """
    return np.triu_indices_from(_shaped(arr), k)


@handles(np.ix_)
def ix_(*args: Any) -> tuple:
    """``np.ix_``: an open mesh of plain indices, from the plain values (integers or
    booleans carry no derivative).

    >>> ix_([0, 1], [2])
    (array([[0],
           [1]]), array([[2]]))
    """
    if any(is_batched(a) for a in args):
        raise TypeError("np.ix_ of indices that differ between batch members under vmap is not "
                        "supported: pass the same indices to every member (in_axes=None).")
    return np.ix_(*(base_value(a) if isinstance(a, Tracer) else a for a in args))
