"""Trigonometric and hyperbolic functions, their inverses, angle conversions and sinc.

One stanza per function: the primitive, its VJP rule, its JVP rule. The rules
call the wrapped functions (``cos``, ``sqrt``, ...), so they are
differentiable themselves and every order works.

>>> import chainrule.numpy.trig as trig
>>> cr.grad(trig.arctan)(1.0)
0.5
"""

from __future__ import annotations

import math

import numpy as np

from .arithmetic import sqrt, where
from .batching import elementwise_batch
from .elementwise import Elementwise, elementwise
from .wrap import any_entry, handles, primitive

sin = elementwise("sin", np.sin)
sin.def_partials(lambda ans, x: cos(x))

cos: Elementwise = elementwise("cos", np.cos)
cos.def_partials(lambda ans, x: -sin(x))

tan = elementwise("tan", np.tan)
tan.def_partials(lambda ans, x: 1.0 + ans * ans)

arcsin = elementwise("arcsin", np.arcsin)
arcsin.def_partials(lambda ans, x: 1.0 / sqrt(1.0 - x * x))

arccos = elementwise("arccos", np.arccos)
arccos.def_partials(lambda ans, x: -1.0 / sqrt(1.0 - x * x))

arctan = elementwise("arctan", np.arctan)
arctan.def_partials(lambda ans, x: 1.0 / (1.0 + x * x))

# arctan2(y, x): the angle of the point (x, y)
arctan2 = elementwise("arctan2", np.arctan2)
arctan2.def_partials(lambda ans, y, x: x / (x * x + y * y), lambda ans, y, x: -y / (x * x + y * y))



def _hypot_slope(ans, x):
    # d hypot(x, y) / dx = x / hypot(x, y). At the origin hypot is a cone (|x| along each
    # axis): the slope there is 0, a constant, as abs's is at 0 (docs/numpy.md, "Values
    # at kinks"), so hypot(x, 0) and |x| agree at every order.
    at_origin = ans == 0  # traced: a recording sees it, and np.any is a guard there
    if not any_entry(at_origin):
        return x / ans
    return where(at_origin, 0.0, x / where(at_origin, 1.0, ans))


hypot = elementwise("hypot", np.hypot)
hypot.def_partials(lambda ans, x, y: _hypot_slope(ans, x), lambda ans, x, y: _hypot_slope(ans, y))

sinh = elementwise("sinh", np.sinh)
sinh.def_partials(lambda ans, x: cosh(x))

cosh: Elementwise = elementwise("cosh", np.cosh)
cosh.def_partials(lambda ans, x: sinh(x))

tanh = elementwise("tanh", np.tanh)
tanh.def_partials(lambda ans, x: 1.0 - ans * ans)

arcsinh = elementwise("arcsinh", np.arcsinh)
arcsinh.def_partials(lambda ans, x: 1.0 / sqrt(x * x + 1.0))

arccosh = elementwise("arccosh", np.arccosh)
arccosh.def_partials(lambda ans, x: 1.0 / sqrt(x * x - 1.0))

arctanh = elementwise("arctanh", np.arctanh)
arctanh.def_partials(lambda ans, x: 1.0 / (1.0 - x * x))

# Angle conversions are linear: NumPy has two names (ufuncs) for each.
DEGREES_PER_RADIAN = 180.0 / math.pi
RADIANS_PER_DEGREE = math.pi / 180.0

deg2rad = elementwise("deg2rad", np.deg2rad)
deg2rad.def_partials(lambda ans, x: RADIANS_PER_DEGREE)

radians = elementwise("radians", np.radians)
radians.def_partials(lambda ans, x: RADIANS_PER_DEGREE)

rad2deg = elementwise("rad2deg", np.rad2deg)
rad2deg.def_partials(lambda ans, x: DEGREES_PER_RADIAN)

degrees = elementwise("degrees", np.degrees)
degrees.def_partials(lambda ans, x: DEGREES_PER_RADIAN)


# sinc(x) = sin(pi x) / (pi x), with sinc(0) = 1. Its slope (cos(pi x) - sinc(x)) / x
# is 0/0 at x = 0, so there the rules use the Maclaurin coefficients instead, as a
# primitive whose own derivative is the next coefficient: every order is exact at 0.
sinc_p = primitive("sinc", np.sinc)
sinc_p.def_partials(lambda ans, x: _sinc_slope(x))
sinc_p.def_batch(elementwise_batch(sinc_p))


@handles(np.sinc)
def sinc(x):
    """``np.sinc``, the normalized sinc ``sin(pi x) / (pi x)``; its slope at 0 is 0.

    >>> cr.grad(sinc)(0.0), cr.grad(cr.grad(sinc))(0.0) == -np.pi**2 / 3
    (0.0, True)
    """
    return sinc_p(x)


def _sinc_slope(x):
    at_zero = x == 0  # traced: a recording sees it, and np.any is a guard there
    if not any_entry(at_zero):
        return (cos(math.pi * x) - sinc_p(x)) / x
    safe = where(at_zero, 1.0, x)  # keeps the other branch finite, and its derivative
    return where(at_zero, _sinc_derivative_at_zero(x, order=1),
                 (cos(math.pi * safe) - sinc_p(safe)) / safe)


def _sinc_maclaurin(order: int) -> float:
    # sinc(x) = sum_m (-1)^m (pi x)^(2m) / (2m + 1)!, so its derivative of order 2m
    # at 0 is (-1)^m pi^(2m) / (2m + 1), and those of odd order are 0.
    if order % 2:
        return 0.0
    m = order // 2
    return (-1) ** m * math.pi ** order / (order + 1)


def _sinc_derivative_at_zero_impl(x, order):
    dtype = np.result_type(x, 1.0)
    return np.full(np.shape(x), _sinc_maclaurin(order), dtype)[()]


_sinc_derivative_at_zero = primitive("sinc_derivative_at_zero", _sinc_derivative_at_zero_impl)
_sinc_derivative_at_zero.def_partials(lambda ans, x, order: _sinc_derivative_at_zero(x, order=order + 1))
_sinc_derivative_at_zero.def_batch(elementwise_batch(_sinc_derivative_at_zero))
