"""Arithmetic: + - * / ** and their relatives, maximum/minimum, clip, where.

One stanza per function: the primitive, its VJP rules (one per argument),
its JVP rules, side by side. Rules use the wrapped operations, so they are
differentiable themselves; ``Elementwise`` sums cotangents back to each
argument's shape, so broadcasting needs no code here.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from ..core import Tracer, base_value
from . import exp_log
from .batching import elementwise_batch
from .complex_numbers import conjugate, real
from .elementwise import Elementwise, broadcast_tangent, elementwise, unbroadcast
from .wrap import (any_entry, dtype_of, handles, primitive, registered, shape_of,
                   since_numpy_2_keywords)

# Python's operators give NumPy's results on arrays and stay fast on floats.
add = elementwise("add", np.add, operator.add)
add.def_vjp(lambda g, ans, x, y: g, lambda g, ans, x, y: g)
add.def_jvp(lambda t, ans, x, y: t, lambda t, ans, x, y: t)

subtract = elementwise("subtract", np.subtract, operator.sub)
subtract.def_vjp(lambda g, ans, x, y: g, lambda g, ans, x, y: -g)
subtract.def_jvp(lambda t, ans, x, y: t, lambda t, ans, x, y: -t)

multiply = elementwise("multiply", np.multiply, operator.mul)
multiply.def_partials(lambda ans, x, y: y, lambda ans, x, y: x)

divide = elementwise("divide", np.true_divide, operator.truediv)
divide.def_partials(lambda ans, x, y: 1.0 / y, lambda ans, x, y: -ans / y)
true_divide = divide

negative = elementwise("negative", np.negative, operator.neg)
negative.def_vjp(lambda g, ans, x: -g)
negative.def_jvp(lambda t, ans, x: -t)

positive = elementwise("positive", np.positive, operator.pos)
positive.def_vjp(lambda g, ans, x: g)
positive.def_jvp(lambda t, ans, x: t)


def _log_base(x):
    # d(x**y)/dy = x**y log x; where x == 0 the term is 0 (0**y is flat in y for y > 0)
    if isinstance(x, (int, float)):  # a Python number stays one, so float32 stays float32
        return math.log(x) if x > 0 else 0.0 if x == 0 else math.nan
    return exp_log.log(where(x == 0, 1.0, x))


def _power_slope(x, y):
    # d(x**y)/dx = y x**(y-1); where y == 0 it is 0, not 0 * 0**-1 = nan.
    # A plain scalar exponent stays a Python/NumPy scalar, so float32 stays float32,
    # and the common x**2 costs one operation.
    if type(y) in (int, float) or (np.ndim(base_value(y)) == 0 and not isinstance(y, Tracer)):
        if y == 2:
            return 2 * x
        return y * _scalar_power(x, y - 1) if y != 0 else 0 * x
    return y * x ** where(y == 0, 1, y - 1)


def _scalar_power(x, exponent):
    # NumPy's x**exponent: a Python float's own ** raises at 0.0 ** -0.5 and turns
    # (-1.0) ** 0.5 complex, where NumPy gives inf and nan. A Python number stays one.
    if type(x) not in (int, float):
        return x ** exponent
    result = np.power(float(x), exponent)
    return float(result) if np.isrealobj(result) else result


power = elementwise("power", np.power)
power.def_partials(lambda ans, x, y: _power_slope(x, y), lambda ans, x, y: ans * _log_base(x))

square = elementwise("square", np.square)
square.def_partials(lambda ans, x: 2 * x)

sqrt = elementwise("sqrt", np.sqrt)
sqrt.def_partials(lambda ans, x: 0.5 / ans)

cbrt = elementwise("cbrt", np.cbrt)
cbrt.def_partials(lambda ans, x: 1.0 / (3 * ans * ans))

reciprocal = elementwise("reciprocal", np.reciprocal)
reciprocal.def_partials(lambda ans, x: -ans * ans)


def _abs_vjp(g, ans, x):
    if not np.iscomplexobj(base_value(x)):
        return g * np.sign(x)  # slope 0 at the kink; traced, so a recording sees it
    # |z| is real, d|z| = Re(conj(z) dz) / |z|; a complex cotangent pairs only by its real part
    if np.iscomplexobj(base_value(g)):
        g = real(g)
    return g * conjugate(x) / where(ans == 0, 1, ans)


def _abs_jvp(t, ans, x):
    if not np.iscomplexobj(base_value(x)):
        return t * np.sign(x)
    return real(t * conjugate(x)) / where(ans == 0, 1, ans)


absolute = elementwise("absolute", np.absolute)
absolute.def_vjp(_abs_vjp)
absolute.def_jvp(_abs_jvp)
abs = absolute  # noqa: A001 - NumPy's own alias

fabs = elementwise("fabs", np.fabs)
fabs.def_partials(lambda ans, x: np.sign(x))


def _tie_split(x, y, wins):
    # The weight of x in maximum/minimum(x, y): 1 where x wins, 1/2 at a tie, 0 where y
    # does. NaN propagates, and so does the gradient: to the NaN argument (half each if both).
    # On tracers (a recording's) every step dispatches to a primitive, so a recording
    # sees the winners, and the NaN check is a guard there.
    weight = np.where(wins(x, y), 1.0, np.where(x == y, 0.5, 0.0))
    x_nan, y_nan = np.isnan(x), np.isnan(y)
    if any_entry(x_nan) or any_entry(y_nan):
        weight = np.where(x_nan, np.where(y_nan, 0.5, 1.0), np.where(y_nan, 0.0, weight))
    return weight


def _chosen(x, y, ans, wins, skip_nan=False):
    # The constant weight of x in maximum/minimum-like ops: 1 where x is chosen, 0 where
    # y is; ties split evenly, as JAX and autograd do, so the gradient stays symmetric.
    # fmax/fmin (skip_nan) choose the other argument where one is NaN.
    weight = _tie_split(x, y, wins)
    if skip_nan:
        weight = np.where(np.isnan(y), 1, np.where(np.isnan(x), 0, weight))
    return _as_dtype(weight, dtype_of(ans))


def _as_dtype(weight, dtype):
    # a constant weight in the result's dtype; a traced one (a recording's) is cast by a
    # primitive, so float32 stays float32 there too
    if isinstance(weight, Tracer):
        return weight.astype(dtype) if dtype_of(weight) != dtype else weight
    return (weight if hasattr(weight, "__array_function__") else np.asarray(weight)).astype(dtype)


maximum = elementwise("maximum", np.maximum)
maximum.def_partials(lambda ans, x, y: _chosen(x, y, ans, np.greater),
                     lambda ans, x, y: _chosen(y, x, ans, np.greater))

minimum = elementwise("minimum", np.minimum)
minimum.def_partials(lambda ans, x, y: _chosen(x, y, ans, np.less),
                     lambda ans, x, y: _chosen(y, x, ans, np.less))

fmax = elementwise("fmax", np.fmax)
fmax.def_partials(lambda ans, x, y: _chosen(x, y, ans, np.greater, skip_nan=True),
                  lambda ans, x, y: _chosen(y, x, ans, np.greater, skip_nan=True))

fmin = elementwise("fmin", np.fmin)
fmin.def_partials(lambda ans, x, y: _chosen(x, y, ans, np.less, skip_nan=True),
                  lambda ans, x, y: _chosen(y, x, ans, np.less, skip_nan=True))

remainder = elementwise("remainder", np.remainder, operator.mod)
remainder.def_vjp(lambda g, ans, x, y: g, lambda g, ans, x, y: -g * np.floor_divide(x, y))
remainder.def_jvp(lambda t, ans, x, y: t, lambda t, ans, x, y: -t * np.floor_divide(x, y))
mod = remainder

fmod = elementwise("fmod", np.fmod)
fmod.def_vjp(lambda g, ans, x, y: g, lambda g, ans, x, y: -g * _truncated_quotient(x, y))
fmod.def_jvp(lambda t, ans, x, y: t, lambda t, ans, x, y: -t * _truncated_quotient(x, y))


def _truncated_quotient(x, y):
    # piecewise constant: trunc is nondiff, so the slope is a constant, and traced
    return np.trunc(np.true_divide(x, y))


# where(condition, x, y): linear in x and y. The condition stays an argument, so a
# recording sees it and a replay recomputes it; it has no derivative (None).
_where = primitive("where", np.where)
_where.def_batch(elementwise_batch(_where))  # it broadcasts its three arguments
_where.def_vjp(
    lambda g, ans, c, x, y: None,
    lambda g, ans, c, x, y: unbroadcast(_where(c, g, 0.0), shape_of(x)),
    lambda g, ans, c, x, y: unbroadcast(_where(c, 0.0, g), shape_of(y)),
)
_where.def_jvp(
    lambda t, ans, c, x, y: None,
    lambda t, ans, c, x, y: broadcast_tangent(_where(c, t, 0.0), shape_of(ans)),
    lambda t, ans, c, x, y: broadcast_tangent(_where(c, 0.0, t), shape_of(ans)),
)


@handles(np.where)
def where(condition, x=None, y=None):
    """``np.where(condition, x, y)``, differentiable in ``x`` and ``y``.

    >>> where(np.array([True, False]), 1.0, 2.0)
    array([1., 2.])
    """
    if x is None and y is None:
        return np.nonzero(condition)  # a tracer reaches nondiff.nonzero
    return _where(condition, x, y)


def _clip_weights(ans, x, lo, hi):
    # np.clip(x, lo, hi) is minimum(maximum(x, lo), hi), and its weights (constants, one
    # per argument) are those of that composition: ties split evenly, as in maximum, so
    # at a bound x and the bound get 1/2 each. They sum to 1: clip(x + c, lo + c, hi + c)
    # is clip(x, lo, hi) + c.
    # Computed on the (possibly traced) values, so a recording sees which bound binds.
    shape = np.broadcast_shapes(*(shape_of(v) for v in (x, lo, hi) if v is not None))
    raised = x if lo is None else np.maximum(x, lo)
    x_in_raised = 1.0 if lo is None else _tie_split(x, lo, np.greater)
    raised_in_ans = 1.0 if hi is None else _tie_split(raised, hi, np.less)
    dtype = dtype_of(ans)
    return tuple(np.broadcast_to(_as_dtype(weight, dtype), shape)
                 for weight in (x_in_raised * raised_in_ans,
                                (1.0 - x_in_raised) * raised_in_ans, 1.0 - raised_in_ans))


clip_p = registered(Elementwise("numpy.clip", np.clip))
clip_p.def_batch(elementwise_batch(clip_p))  # a bound may be None: it stays as it is
clip_p.def_partials(lambda ans, x, lo, hi: _clip_weights(ans, x, lo, hi)[0],
                    lambda ans, x, lo, hi: _clip_weights(ans, x, lo, hi)[1],
                    lambda ans, x, lo, hi: _clip_weights(ans, x, lo, hi)[2])


@handles(np.clip)
def clip(x, a_min=None, a_max=None, **kwargs):
    """``np.clip``: the gradient goes to ``x`` inside the interval, to the bound where
    clipped, and half to each at a bound (``minimum(maximum(x, lo), hi)``'s ties).

    >>> clip(np.array([-2.0, 0.5, 3.0]), -1.0, 1.0)
    array([-1. ,  0.5,  1. ])
    """
    # NumPy 2 also names the bounds min= and max= (explicit None included)
    since_numpy_2_keywords("clip", **{name: True for name in ("min", "max") if name in kwargs})
    a_min = kwargs.pop("min", a_min)
    a_max = kwargs.pop("max", a_max)
    if kwargs.pop("out", None) is not None or kwargs:
        raise NotImplementedError(
            f"np.clip with {sorted(kwargs) or ['out']} is not supported on traced values.")
    return clip_p(x, None if a_min is np._NoValue else a_min,
                  None if a_max is np._NoValue else a_max)
