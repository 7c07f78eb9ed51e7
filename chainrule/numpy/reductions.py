"""Reductions: sum, mean, prod, max, min, var, std, cumsum, cumprod, average,
nansum, nanmean, with NumPy's ``axis`` (None, int, negative, tuple) and ``keepdims``;
and sort, whose ties are treated as max's are.

One stanza per primitive. ``axis`` is normalized to a sorted tuple before it
reaches a primitive, so the rules see one spelling. Rules use wrapped
operations, so every order works. Two choices worth knowing:

- ``prod`` and ``cumprod`` never divide by ``x``: the product of the other
  elements is built from cumulative products from both sides, and the rules
  of ``cumprod`` are linear recurrences solved by a doubling scan (a few
  wrapped multiplications and shifts), so zeros in the input get exact
  derivatives of every order.
- ``max``/``min`` send the gradient to the positions equal to the result,
  split evenly among ties (as JAX and autograd do); ``sort`` averages it over
  each run of tied values, and ``std`` gives 0 where all values are equal
  (docs/numpy.md, "Values at kinks").
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from ..core import Tracer
from ..core.batching import is_batched
from . import arithmetic, indexing, manipulation
from .batching import batch_axis_param
from .complex_numbers import imag, real
from .creation import asarray
from .elementwise import astype
from .manipulation import diagonal
from .mutation import write_out
from .wrap import (NUMPY_2, NumpyPrimitive, all_entries, any_entry, dtype_of, handles, primitive,
                   registered, shape_of, since_numpy_2_keywords)


def normalize_axis(axis, ndim: int) -> tuple:
    """``axis`` (None, int or tuple) as a sorted tuple of non-negative axes.

    >>> normalize_axis((-1, 0), 3)
    (0, 2)
    """
    if axis is None:
        return tuple(range(ndim))
    return tuple(sorted(_axis_tuple(axis, ndim)))


def _axis_tuple(axis, ndim: int) -> tuple:
    """``axis`` as a tuple of non-negative axes in the order given; NumPy's errors."""
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    normalized = []
    for a in axes:
        a = builtins.int(a)
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(a, ndim)
        normalized.append(a % ndim)
    if len(set(normalized)) != len(normalized):
        raise ValueError("duplicate value in 'axis'")
    return tuple(normalized)


def expand_to(g, shape: tuple, axes: tuple, keepdims: bool):
    """Broadcast a reduced ``g`` back to ``shape`` (the transpose of summing over ``axes``)."""
    if shape_of(g) == shape:
        return g
    if not keepdims:
        kept = tuple(1 if axis in axes else size for axis, size in enumerate(shape))
        g = manipulation.reshape(g, kept)
    return manipulation.broadcast_to(g, shape)


def _count(shape: tuple, axes: tuple) -> int:
    """How many elements each reduction over ``axes`` combines."""
    return math.prod(shape[axis] for axis in axes)


def _keepdims(keepdims) -> bool:
    return False if keepdims is np._NoValue else builtins.bool(keepdims)


def _array(a):
    """Lists and tuples (possibly of traced values) as arrays, as NumPy reads them."""
    if isinstance(a, (list, tuple)):
        return asarray(a)
    return a


def _cast(x, dtype):
    x = _array(x)
    return x if dtype is None else astype(x, dtype)


def _output(result, out):
    """Write ``result`` into ``out`` when one is given (NumPy's ``out=``)."""
    if out is None:
        return result
    if isinstance(out, tuple):
        (out,) = out
    if not isinstance(out, Tracer) and not isinstance(result, Tracer):
        np.copyto(out, result, casting="unsafe")
        return out
    return write_out(out, result)


def _unsupported(function: str, hint: str, **options) -> None:
    for name, value in options.items():
        if value is not None and value is not np._NoValue:
            raise NotImplementedError(
                f"numpy.{function} with {name}= is not supported on traced values by "
                f"chainrule; {hint}")


def _select(x, where, fill):
    """``x`` where the ``where=`` mask holds, ``fill`` elsewhere (NumPy's ``where=``)."""
    if where is True or where is np._NoValue:
        return x
    return arithmetic.where(where, x, fill)  # a traced mask stays traced: a recording sees it


# -- sum ------------------------------------------------------------------------

sum_p = primitive("sum", lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims))
sum_p.def_linear(lambda g, ans, x, axis, keepdims: expand_to(g, shape_of(x), axis, keepdims))
sum_p.def_batch(batch_axis_param(sum_p))


@handles(np.sum)
def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):  # noqa: A001
    """``np.sum`` with ``axis`` and ``keepdims``.

    >>> sum(np.ones((2, 3)), axis=1)
    array([3., 3.])
    """
    x = _select(_cast(a, dtype), where, 0)
    result = sum_p(x, axis=normalize_axis(axis, len(shape_of(x))), keepdims=_keepdims(keepdims))
    if initial is not None and initial is not np._NoValue:
        result = result + initial
    return _output(result, out)


# -- mean -----------------------------------------------------------------------

mean_p = primitive("mean", lambda x, axis, keepdims: np.mean(x, axis=axis, keepdims=keepdims))
mean_p.def_linear(lambda g, ans, x, axis, keepdims: (
    expand_to(g, shape_of(x), axis, keepdims) / _count(shape_of(x), axis)))
mean_p.def_batch(batch_axis_param(mean_p))


@handles(np.mean)
def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """``np.mean`` with ``axis`` and ``keepdims``.

    >>> mean(np.array([[1.0, 2.0], [3.0, 5.0]]), axis=0)
    array([2. , 3.5])
    """
    x = _cast(a, dtype)
    keepdims = _keepdims(keepdims)
    if where is True or where is np._NoValue:
        result = mean_p(x, axis=normalize_axis(axis, len(shape_of(x))), keepdims=keepdims)
    else:
        mask = np.broadcast_to(where, shape_of(x))
        count = np.sum(mask, axis=axis, keepdims=keepdims).astype(dtype_of(x))
        result = sum(x, axis, where=mask, keepdims=keepdims) / count
    return _output(result, out)


# -- prod -----------------------------------------------------------------------


def _others(x, axes: tuple):
    """The product of the other elements of each reduced group, without division."""
    shape = shape_of(x)
    if not axes:
        return np.ones(shape, dtype_of(x))
    if len(axes) == 1:
        (axis,) = axes
        return _exclusive_cumprod(x, axis) * _flip(_exclusive_cumprod(_flip(x, axis), axis), axis)
    kept = tuple(a for a in range(len(shape)) if a not in axes)
    order = kept + axes
    moved = manipulation.transpose(x, order)
    flat = manipulation.reshape(moved, tuple(shape[a] for a in kept) + (_count(shape, axes),))
    others = manipulation.reshape(_others(flat, (len(kept),)), shape_of(moved))
    return manipulation.transpose(others, tuple(builtins.int(a) for a in np.argsort(order)))


class WeightedReduction(NumpyPrimitive):
    # A reduction whose derivative is one weight per input entry (prod: the
    # product of the others; max: the tie weights; var: the centred values),
    # declared with def_partials: the cotangent is g spread back over the
    # reduced axes times the weight, the tangent the reduced sum of t times it.

    __slots__ = ()
    __doc__ = NumpyPrimitive.__dict__["__doc__"]

    def cotangent_from_partial(self, g, factor, argnum, args, params):
        return expand_to(g, shape_of(args[0]), params["axis"], params["keepdims"]) * factor

    def tangent_from_partial(self, t, factor, ans, params):
        return sum_p(t * factor, axis=params["axis"], keepdims=params["keepdims"])


def weighted_reduction(name: str, impl) -> WeightedReduction:
    """A reduction primitive over ``axis`` with ``keepdims``; give it ``def_partials``."""
    prim = registered(WeightedReduction(f"numpy.{name}", impl))
    prim.numpy_function = None
    prim.def_batch(batch_axis_param(prim))
    return prim


prod_p = weighted_reduction("prod", lambda x, axis, keepdims: np.prod(
    x, axis=axis, keepdims=keepdims))
prod_p.def_partials(lambda ans, x, axis, keepdims: _others(x, axis))


@handles(np.prod)
def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """``np.prod``; its gradient is exact where the input has zeros.

    >>> cr.grad(prod)(np.array([2.0, 0.0, 3.0]))
    array([0., 6., 0.])
    """
    x = _select(_cast(a, dtype), where, 1)
    result = prod_p(x, axis=normalize_axis(axis, len(shape_of(x))), keepdims=_keepdims(keepdims))
    if initial is not None and initial is not np._NoValue:
        result = result * initial
    return _output(result, out)


# -- max and min -----------------------------------------------------------------


def _tie_weights(x, ans, axes: tuple, keepdims: bool):
    """1/count at the positions equal to the result, 0 elsewhere: a constant (traced
    comparisons, so a recording sees the ties and the NaN check is a guard there)."""
    if not keepdims:
        ans = np.expand_dims(ans, axes)
    hit = x == ans
    if any_entry(np.isnan(ans)):  # NaN propagates: the gradient goes to the NaN entries
        hit = hit | (np.isnan(x) & np.isnan(ans))
    weight = hit / np.sum(hit, axis=axes, keepdims=True)
    return weight if dtype_of(weight) == dtype_of(x) else weight.astype(dtype_of(x))


def _extremum(name: str, function):
    prim = weighted_reduction(name, lambda x, axis, keepdims: function(
        x, axis=axis, keepdims=keepdims))
    prim.def_partials(lambda ans, x, axis, keepdims: _tie_weights(x, ans, axis, keepdims))
    return prim


max_p = _extremum("max", np.max)
min_p = _extremum("min", np.min)


@handles(np.max, np.amax)
def max(a, axis=None, out=None, keepdims=False, initial=None, where=None):  # noqa: A001
    """``np.max``; the gradient is split evenly among tied maxima.

    >>> cr.grad(max)(np.array([3.0, 1.0, 3.0]))
    array([0.5, 0. , 0.5])
    """
    _unsupported("max", "select with np.where(mask, x, -np.inf) first", where=where)
    a = _array(a)
    result = max_p(a, axis=normalize_axis(axis, len(shape_of(a))), keepdims=_keepdims(keepdims))
    if initial is not None and initial is not np._NoValue:
        result = arithmetic.maximum(result, initial)
    return _output(result, out)


@handles(np.min, np.amin)
def min(a, axis=None, out=None, keepdims=False, initial=None, where=None):  # noqa: A001
    """``np.min``; the gradient is split evenly among tied minima.

    >>> cr.grad(min)(np.array([1.0, 2.0, 1.0]))
    array([0.5, 0. , 0.5])
    """
    _unsupported("min", "select with np.where(mask, x, np.inf) first", where=where)
    a = _array(a)
    result = min_p(a, axis=normalize_axis(axis, len(shape_of(a))), keepdims=_keepdims(keepdims))
    if initial is not None and initial is not np._NoValue:
        result = arithmetic.minimum(result, initial)
    return _output(result, out)


amax = max
amin = min


# -- var and std ---------------------------------------------------------------------


def _var_scale(x, ans, axes: tuple, ddof):
    """2 / (n - ddof), the factor in the derivative of the variance, in the dtype of
    the variance ``ans`` (a Python float would make a float32 scalar float64 before
    NEP 50, in NumPy 1.x)."""
    dof = _count(shape_of(x), axes) - ddof
    return dtype_of(ans).type(2.0 / dof if dof > 0 else math.inf)


def _centered(x, axes: tuple):
    return x - mean_p(x, axis=axes, keepdims=True)


# d var = 2/(n - ddof) * sum((x - mean) * dx): the mean's own change sums to zero.
var_p = weighted_reduction("var", lambda x, axis, ddof, keepdims: np.var(
    x, axis=axis, ddof=ddof, keepdims=keepdims))
var_p.def_partials(lambda ans, x, axis, ddof, keepdims: (
    _centered(x, axis) * _var_scale(x, ans, axis, ddof)))


def _spread_inputs(function, a, dtype, ddof, where, mean, correction):
    """The array and ``ddof`` that ``var``/``std`` reduce, with NumPy's keyword checks."""
    since_numpy_2_keywords(function, mean=mean, correction=correction)
    _unsupported(function, "compute it as np.mean((x - np.mean(x)) ** 2)" if function == "var"
                 else "compute it as np.sqrt(np.mean((x - np.mean(x)) ** 2))",
                 where=where, mean=mean)
    if correction is not None and correction is not np._NoValue:
        ddof = correction
    return _cast(a, dtype), ddof


def _complex_traced(x) -> bool:
    return isinstance(x, Tracer) and np.issubdtype(dtype_of(x), np.complexfloating)


@handles(np.var)
def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None,
        correction=None):
    """``np.var`` with ``ddof`` (or ``correction``).

    >>> var(np.array([1.0, 2.0, 3.0, 4.0]), ddof=1)
    1.6666666666666667
    """
    x, ddof = _spread_inputs("var", a, dtype, ddof, where, mean, correction)
    if _complex_traced(x):
        # |z - mean z|^2 = (re - mean re)^2 + (im - mean im)^2: the variances of the parts add
        return _output(var(real(x), axis, None, None, ddof, keepdims)
                       + var(imag(x), axis, None, None, ddof, keepdims), out)
    result = var_p(x, axis=normalize_axis(axis, len(shape_of(x))), ddof=ddof,
                   keepdims=_keepdims(keepdims))
    return _output(result, out)


def _std_slope(ans, x, axis: tuple, ddof, keepdims: bool):
    """d std = sum((x - mean) dx) / ((n - ddof) std). Where std is 0 the values are all
    equal, the apex of a cone (std is a norm of x - mean): the slope there is 0, a
    constant, as abs's is at 0 (docs/numpy.md, "Values at kinks")."""
    spread = expand_to(ans, shape_of(x), axis, keepdims)
    scale = 0.5 * _var_scale(x, ans, axis, ddof)  # 1 / (n - ddof)
    apex = spread == 0  # traced: a recording sees it, and np.any is a guard there
    if not any_entry(apex):
        return _centered(x, axis) * scale / spread
    safe = arithmetic.where(apex, 1.0, spread)
    return arithmetic.where(apex, 0.0, _centered(x, axis) * scale / safe)


std_p = weighted_reduction("std", lambda x, axis, ddof, keepdims: np.std(
    x, axis=axis, ddof=ddof, keepdims=keepdims))
std_p.def_partials(_std_slope)


@handles(np.std)
def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None,
        correction=None):
    """``np.std``, the square root of ``var``; where all values are equal its gradient
    is 0 (a cone's apex: see docs/numpy.md, "Values at kinks").

    >>> std(np.array([1.0, 3.0])), cr.grad(std)(np.array([2.0, 2.0]))
    (1.0, array([0., 0.]))
    """
    x, ddof = _spread_inputs("std", a, dtype, ddof, where, mean, correction)
    if _complex_traced(x):
        return _output(arithmetic.sqrt(var(x, axis, None, None, ddof, keepdims)), out)
    result = std_p(x, axis=normalize_axis(axis, len(shape_of(x))), ddof=ddof,
                   keepdims=_keepdims(keepdims))
    return _output(result, out)


# -- cumulative sums and products -------------------------------------------------------


def _along(axis: int, index) -> tuple:
    return (slice(None),) * axis + (index,)


def _flip(x, axis: int):
    return indexing.getitem(x, _along(axis, slice(None, None, -1)))


def _shift_impl(x, axis, offset):
    out = np.zeros_like(x)
    n = x.shape[axis]
    if abs(offset) < n:
        if offset >= 0:
            out[_along(axis, slice(offset, n))] = x[_along(axis, slice(0, n - offset))]
        else:
            out[_along(axis, slice(0, n + offset))] = x[_along(axis, slice(-offset, n))]
    return out


# out[i] = x[i - offset] along ``axis``, zeros shifted in: linear, its transpose shifts back.
shift_p = primitive("shift", _shift_impl)
shift_p.def_linear(lambda g, ans, x, axis, offset: shift_p(g, axis=axis, offset=-offset))
shift_p.def_batch(batch_axis_param(shift_p))


def _first_one(x, axis: int):
    """A constant that is 1 at position 0 along ``axis`` and 0 elsewhere."""
    n = shape_of(x)[axis]
    one = np.zeros((1,) * axis + (n,) + (1,) * (len(shape_of(x)) - axis - 1), dtype_of(x))
    if n:
        one[_along(axis, 0)] = 1
    return one


def _exclusive(cumulative_product, axis: int):
    """``[1, y0, y1, ...]`` from ``y = cumprod(x)``: the product of the elements before."""
    return shift_p(cumulative_product, axis=axis, offset=1) + _first_one(cumulative_product, axis)


def _exclusive_cumprod(x, axis: int):
    return _exclusive(cumprod_p(x, axis=axis), axis)


def _linear_scan(a, b, axis: int, reverse: bool = False):
    """Solve ``h[i] = a[i] * h[i-1] + b[i]`` along ``axis`` (``h[i+1]`` when ``reverse``),
    starting from zero, in log2(n) doubling steps of wrapped operations."""
    n = shape_of(b)[axis]
    step = 1
    while step < n:
        offset = -step if reverse else step
        b = b + a * shift_p(b, axis=axis, offset=offset)
        if 2 * step < n:
            a = a * shift_p(a, axis=axis, offset=offset)
        step *= 2
    return b


cumsum_p = primitive("cumsum", lambda x, axis: np.cumsum(x, axis=axis))
reverse_cumsum_p = primitive("reverse_cumsum", lambda x, axis: np.flip(
    np.cumsum(np.flip(x, axis), axis=axis), axis))
cumsum_p.def_linear(lambda g, ans, x, axis: reverse_cumsum_p(g, axis=axis))
reverse_cumsum_p.def_linear(lambda g, ans, x, axis: cumsum_p(g, axis=axis))
cumsum_p.def_batch(batch_axis_param(cumsum_p))
reverse_cumsum_p.def_batch(batch_axis_param(reverse_cumsum_p))

# y[i] = x[i] y[i-1], so dy[i] = x[i] dy[i-1] + dx[i] y[i-1]: a linear recurrence in the
# tangent; the cotangent solves the transposed one, g_x[k] = y[k-1] (g[k] + x[k+1] (g[k+1] + ...)).
cumprod_p = primitive("cumprod", lambda x, axis: np.cumprod(x, axis=axis))
cumprod_p.def_vjp(lambda g, ans, x, axis: _exclusive(ans, axis) * _linear_scan(
    shift_p(x, axis=axis, offset=-1), g, axis, reverse=True))
cumprod_p.def_jvp(lambda t, ans, x, axis: _linear_scan(x, t * _exclusive(ans, axis), axis))
cumprod_p.def_batch(batch_axis_param(cumprod_p))


def _cumulative(prim, a, axis, dtype, out):
    x = _cast(a, dtype)
    if axis is None:
        x = manipulation.reshape(x, (-1,))
        axis = 0
    else:
        (axis,) = _axis_tuple(axis, len(shape_of(x)))
    return _output(prim(x, axis=axis), out)


@handles(np.cumsum)
def cumsum(a, axis=None, dtype=None, out=None):
    """``np.cumsum`` (of the flattened array when ``axis`` is None).

    >>> cumsum(np.array([1.0, 2.0, 3.0]))
    array([1., 3., 6.])
    """
    return _cumulative(cumsum_p, a, axis, dtype, out)


@handles(np.cumprod)
def cumprod(a, axis=None, dtype=None, out=None):
    """``np.cumprod``; its derivatives are exact where the input has zeros.

    >>> cr.grad(lambda x: cumprod(x)[-1])(np.array([2.0, 0.0, 3.0]))
    array([0., 6., 0.])
    """
    return _cumulative(cumprod_p, a, axis, dtype, out)


# -- averages and NaN-aware reductions ---------------------------------------------------


@handles(np.average)
def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """``np.average``, differentiable in ``a`` and in ``weights``.

    >>> average(np.array([1.0, 2.0, 4.0]), weights=np.array([1.0, 1.0, 2.0]))
    2.75
    """
    keepdims = _keepdims(keepdims)
    a = _array(a)
    a_shape = shape_of(a)
    if weights is None:
        result = mean(a, axis, keepdims=keepdims)
        scale = dtype_of(result).type(math.prod(a_shape) / math.prod(shape_of(result)))
    else:
        weights = _array(weights)
        if shape_of(weights) != a_shape:
            if axis is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            if not NUMPY_2 and len(shape_of(weights)) != 1:  # NumPy 2: along several axes
                raise TypeError("1D weights expected when shapes of a and weights differ.")
            axes = _axis_tuple(axis, len(a_shape))
            if shape_of(weights) != tuple(a_shape[ax] for ax in axes):
                raise ValueError("Shape of weights must be consistent with shape of a along "
                                 "specified axis.")
            order = tuple(builtins.int(i) for i in np.argsort(axes))
            weights = manipulation.transpose(weights, order)
            weights = manipulation.reshape(
                weights, tuple(size if ax in axes else 1 for ax, size in enumerate(a_shape)))
        scale = sum(weights, axis, keepdims=keepdims)
        if any_entry(scale == 0.0):  # a guard in a recording
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        result = sum(a * weights, axis, keepdims=keepdims) / scale
    if not returned:
        return result
    if shape_of(scale) != shape_of(result):
        scale = manipulation.broadcast_to(scale, shape_of(result))
    return result, scale


@handles(np.nansum)
def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """``np.nansum``: NaNs count as zero and get a zero gradient.

    >>> cr.grad(nansum)(np.array([1.0, np.nan, 2.0]))
    array([1., 0., 1.])
    """
    a = _array(a)
    nan = np.isnan(a)  # traced: a recording sees where the NaNs are (np.any is a guard)
    x = arithmetic.where(nan, 0, a) if any_entry(nan) else a
    return sum(x, axis, dtype, out, keepdims, initial, where)


@handles(np.nanmean)
def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """``np.nanmean``: the mean of the non-NaN entries; NaNs get a zero gradient.

    >>> cr.grad(nanmean)(np.array([1.0, np.nan, 2.0]))
    array([0.5, 0. , 0.5])
    """
    x = _cast(a, dtype)
    counted = ~np.isnan(x)  # traced: a recording sees the mask (np.all is a guard)
    if where is not True and where is not np._NoValue:
        counted = counted & where
    if all_entries(counted):
        return mean(x, axis, None, out, keepdims)
    keepdims = _keepdims(keepdims)
    total = sum(arithmetic.where(counted, x, 0), axis, keepdims=keepdims)
    count = np.sum(counted, axis=axis, keepdims=keepdims).astype(dtype_of(x))
    return _output(total / count, out)


@handles(np.trace)
def trace(x, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """``np.trace``: the sum along a diagonal.

    >>> trace(np.array([[1.0, 2.0], [3.0, 4.0]]))
    5.0
    """
    if out is not None:
        raise NotImplementedError("np.trace(..., out=...) is not supported on traced values; "
                                  "assign the result instead.")
    return sum(diagonal(x, offset, axis1, axis2), axis=-1, dtype=dtype)
