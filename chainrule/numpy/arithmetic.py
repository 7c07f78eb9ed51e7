"""Arithmetic: + - * / ** and their relatives, maximum/minimum, clip, where.

One stanza per function: the primitive, its VJP rules (one per argument),
its JVP rules, side by side. Rules use the wrapped operations, so they are
differentiable themselves; ``Elementwise`` sums cotangents back to each
argument's shape, so broadcasting needs no code here.
"""

from __future__ import annotations

import operator

import numpy as np

from . import exp_log
from ..core import base_value
from .wrap import broadcast_tangent, dtype_of, elementwise, handles, primitive, shape_of, unbroadcast

# Python's operators give NumPy's results on arrays and stay fast on floats.
add = elementwise("add", np.add, operator.add)
add.def_vjp(lambda g, ans, x, y: g, lambda g, ans, x, y: g)
add.def_jvp(lambda t, ans, x, y: t, lambda t, ans, x, y: t)

subtract = elementwise("subtract", np.subtract, operator.sub)
subtract.def_vjp(lambda g, ans, x, y: g, lambda g, ans, x, y: -g)
subtract.def_jvp(lambda t, ans, x, y: t, lambda t, ans, x, y: -t)

multiply = elementwise("multiply", np.multiply, operator.mul)
multiply.def_vjp(lambda g, ans, x, y: g * y, lambda g, ans, x, y: g * x)
multiply.def_jvp(lambda t, ans, x, y: t * y, lambda t, ans, x, y: x * t)

divide = elementwise("divide", np.true_divide, operator.truediv)
divide.def_vjp(lambda g, ans, x, y: g / y, lambda g, ans, x, y: -g * ans / y)
divide.def_jvp(lambda t, ans, x, y: t / y, lambda t, ans, x, y: -t * ans / y)
true_divide = divide

negative = elementwise("negative", np.negative, operator.neg)
negative.def_vjp(lambda g, ans, x: -g)
negative.def_jvp(lambda t, ans, x: -t)

positive = elementwise("positive", np.positive, operator.pos)
positive.def_vjp(lambda g, ans, x: g)
positive.def_jvp(lambda t, ans, x: t)


def _log_base(x):
    # d(x**y)/dy = x**y log x; where x == 0 the term is 0 (0**y is flat in y for y > 0)
    return exp_log.log(where(x == 0, 1.0, x))


power = elementwise("power", np.power)
power.def_vjp(
    lambda g, ans, x, y: g * y * x ** where(y == 0, 1.0, y - 1),
    lambda g, ans, x, y: g * ans * _log_base(x),
)
power.def_jvp(
    lambda t, ans, x, y: t * y * x ** where(y == 0, 1.0, y - 1),
    lambda t, ans, x, y: t * ans * _log_base(x),
)

square = elementwise("square", np.square)
square.def_vjp(lambda g, ans, x: g * 2 * x)
square.def_jvp(lambda t, ans, x: t * 2 * x)

sqrt = elementwise("sqrt", np.sqrt)
sqrt.def_vjp(lambda g, ans, x: g * 0.5 / ans)
sqrt.def_jvp(lambda t, ans, x: t * 0.5 / ans)

cbrt = elementwise("cbrt", np.cbrt)
cbrt.def_vjp(lambda g, ans, x: g / (3 * ans * ans))
cbrt.def_jvp(lambda t, ans, x: t / (3 * ans * ans))

reciprocal = elementwise("reciprocal", np.reciprocal)
reciprocal.def_vjp(lambda g, ans, x: -g * ans * ans)
reciprocal.def_jvp(lambda t, ans, x: -t * ans * ans)

absolute = elementwise("absolute", np.absolute)
absolute.def_vjp(lambda g, ans, x: g * np.sign(x))
absolute.def_jvp(lambda t, ans, x: t * np.sign(x))
abs = absolute  # noqa: A001 - NumPy's own alias

fabs = elementwise("fabs", np.fabs)
fabs.def_vjp(lambda g, ans, x: g * np.sign(x))
fabs.def_jvp(lambda t, ans, x: t * np.sign(x))


def _where_first(x, y):
    # ties split evenly, as JAX and autograd do, so the gradient stays symmetric
    return where(x > y, 1.0, where(x == y, 0.5, 0.0))


maximum = elementwise("maximum", np.maximum)
maximum.def_vjp(lambda g, ans, x, y: g * _where_first(x, y),
                lambda g, ans, x, y: g * _where_first(y, x))
maximum.def_jvp(lambda t, ans, x, y: t * _where_first(x, y),
                lambda t, ans, x, y: t * _where_first(y, x))

minimum = elementwise("minimum", np.minimum)
minimum.def_vjp(lambda g, ans, x, y: g * _where_first(y, x),
                lambda g, ans, x, y: g * _where_first(x, y))
minimum.def_jvp(lambda t, ans, x, y: t * _where_first(y, x),
                lambda t, ans, x, y: t * _where_first(x, y))

fmax = elementwise("fmax", np.fmax)
fmax.def_vjp(lambda g, ans, x, y: g * _where_first(x, y),
             lambda g, ans, x, y: g * _where_first(y, x))
fmax.def_jvp(lambda t, ans, x, y: t * _where_first(x, y),
             lambda t, ans, x, y: t * _where_first(y, x))

fmin = elementwise("fmin", np.fmin)
fmin.def_vjp(lambda g, ans, x, y: g * _where_first(y, x),
             lambda g, ans, x, y: g * _where_first(x, y))
fmin.def_jvp(lambda t, ans, x, y: t * _where_first(y, x),
             lambda t, ans, x, y: t * _where_first(x, y))

remainder = elementwise("remainder", np.remainder, operator.mod)
remainder.def_vjp(lambda g, ans, x, y: g, lambda g, ans, x, y: -g * np.floor_divide(x, y))
remainder.def_jvp(lambda t, ans, x, y: t, lambda t, ans, x, y: -t * np.floor_divide(x, y))
mod = remainder

fmod = elementwise("fmod", np.fmod)
fmod.def_vjp(lambda g, ans, x, y: g, lambda g, ans, x, y: -g * np.trunc(np.true_divide(x, y)))
fmod.def_jvp(lambda t, ans, x, y: t, lambda t, ans, x, y: -t * np.trunc(np.true_divide(x, y)))


# where(condition, x, y): the condition is a boolean constant; linear in x and y.
_where = primitive("where", np.where)
_where.def_vjp(
    None,
    lambda g, ans, c, x, y: unbroadcast(_where(c, g, 0.0), shape_of(x)),
    lambda g, ans, c, x, y: unbroadcast(_where(c, 0.0, g), shape_of(y)),
)
_where.def_jvp(
    None,
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
        return np.nonzero(base_value(condition))
    return _where(base_value(condition), x, y)


clip_p = primitive("clip", np.clip)
clip_p.def_vjp(lambda g, ans, x, lo, hi: g * _inside(x, lo, hi), None, None)
clip_p.def_jvp(lambda t, ans, x, lo, hi: t * _inside(x, lo, hi), None, None)


def _inside(x, lo, hi):
    x = base_value(x)
    keep = np.ones(np.shape(x), bool)
    if lo is not None:
        keep &= x >= lo
    if hi is not None:
        keep &= x <= hi
    return keep


@handles(np.clip)
def clip(x, a_min=None, a_max=None, **kwargs):
    """``np.clip``: the gradient is 1 inside the interval and 0 where clipped.

    >>> clip(np.array([-2.0, 0.5, 3.0]), -1.0, 1.0)
    array([-1. ,  0.5,  1. ])
    """
    a_min = kwargs.pop("min", a_min)
    a_max = kwargs.pop("max", a_max)
    return clip_p(x, base_value(a_min), base_value(a_max))


def _cast(x, dtype):
    return x.astype(dtype) if hasattr(x, "astype") else np.dtype(dtype).type(x)


astype_p = primitive("astype", _cast)
astype_p.def_linear(lambda g, ans, x, dtype: astype(g, dtype_of(x)))


def astype(x, dtype):
    """``x.astype(dtype)``; a cast to an integer or boolean type carries no derivative.

    >>> astype(np.array([1.5, 2.5]), np.float32)
    array([1.5, 2.5], dtype=float32)
    """
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.inexact):
        return _cast(base_value(x), dtype)
    if dtype_of(x) == dtype:
        return x
    return astype_p(x, dtype)
