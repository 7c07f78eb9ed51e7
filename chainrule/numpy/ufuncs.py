"""The rest of NumPy's elementwise functions: copysign, float_power, ldexp, frexp,
modf, divmod, i0 (a function, not a ufunc), and the ufuncs without a derivative
(nextafter, spacing, the bitwise and integer ones), declared so explicitly.

Several results are tuples (``frexp``, ``modf``, ``divmod``): each part is its
own primitive, the integer-valued parts non-differentiable.

>>> import chainrule.numpy.ufuncs as uf
>>> cr.grad(lambda x: uf.ldexp(x, 3))(1.5)     # x * 2**3
8.0
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core import Tracer
from .arithmetic import remainder, where
from .batching import elementwise_batch
from .elementwise import Elementwise, astype, elementwise
from .exp_log import log
from .wrap import UFUNCS, all_entries, dtype_of, handles, nondiff, primitive, registered, since_numpy

# -- copysign: |x| with the sign of y; y only chooses a sign, so it has no derivative --

copysign_p = elementwise("copysign", np.copysign)
# (y's partial is zero; the wrapper below passes y untraced, so it is never computed)
copysign_p.def_partials(lambda ans, x, y: _copysign_slope(x, y), lambda ans, x, y: 0.0 * ans)


def _copysign_slope(x, y):
    # the slope of |x| (0 at the kink, as for np.abs), negated where y's sign bit is set
    slope = np.sign(x)  # nondiff functions of the traced values: constants, batched as they are
    return np.where(np.signbit(y), -slope, slope)


def copysign(x: Any, y: Any, out: Any = None) -> Any:
    """``np.copysign``: differentiable in ``x``; ``y`` chooses the sign only.

    >>> cr.grad(lambda x: copysign(x, -1.0))(2.0)
    -1.0
    """
    _no_out(out, "copysign")
    return copysign_p(x, _sign_source(y))


def _sign_source(y):
    # y only lends its sign bit: a traced y becomes +-1 of its dtype with that sign bit, a
    # constant (signbit is nondiff), still batched under vmap
    if not isinstance(y, Tracer):
        return y
    return astype(where(np.signbit(y), -1.0, 1.0), dtype_of(y))


UFUNCS[np.copysign] = copysign

# -- float_power: power computed in float64 (or complex128) ---------------------------


def _float_power_slope(x, y):
    # d x**y / dx = y x**(y-1), 0 where y == 0 (not 0 * 0**-1 = nan)
    if isinstance(y, (int, float)):
        return y * float_power(x, y - 1) if y != 0 else 0 * float_power(x, 1.0)
    return y * float_power(x, where(y == 0, 1.0, y - 1))


float_power = elementwise("float_power", np.float_power)
float_power.def_partials(lambda ans, x, y: _float_power_slope(x, y),
                         lambda ans, x, y: ans * log(where(x == 0, 1.0, x)))

# -- ldexp, frexp: x * 2**n and its inverse; the exponents are integers ---------------


def _float_dtype(x) -> np.dtype:
    """The floating-point type NumPy computes ``x`` in (float64 for Python numbers)."""
    dtype = dtype_of(x)
    return dtype if dtype.kind in "fc" else np.dtype(np.float64)


def _powers_of_two(like, exponent):
    """2**exponent (shaped like ``exponent``, an integer array without derivative) in the
    floating-point type of ``like``: exact, a constant."""
    return np.ldexp(np.ones((), _float_dtype(like)), exponent)


ldexp_p = elementwise("ldexp", np.ldexp)
ldexp_p.def_partials(lambda ans, x, n: _powers_of_two(x, n), None)  # n: integers
ldexp_p.written_doc = "numpy.ldexp(x, n) = x * 2**n: the slope in x is 2**n; n is an integer.\n"


def ldexp(x: Any, n: Any, out: Any = None) -> Any:
    """``np.ldexp``: ``x * 2**n``, differentiable in ``x`` (``n`` is an integer).

    >>> ldexp(np.array([1.0, 3.0]), 2)
    array([ 4., 12.])
    """
    _no_out(out, "ldexp")
    return ldexp_p(x, n)  # integers: no derivative level, batched as they are


UFUNCS[np.ldexp] = ldexp

exponent_p = nondiff("frexp.exponent", lambda x: np.frexp(x)[1])
mantissa_p = registered(Elementwise("numpy.frexp.mantissa", lambda x: np.frexp(x)[0]))
# mantissa = x / 2**exponent with the exponent piecewise constant
mantissa_p.def_partials(lambda ans, x: _powers_of_two(x, -exponent_p(x)))
mantissa_p.written_doc = "The mantissa of numpy.frexp: x / 2**exponent, slope 2**-exponent.\n"
exponent_p.written_doc = "The exponent of numpy.frexp: an integer, no derivative.\n"
mantissa_p.def_batch(elementwise_batch(mantissa_p))
exponent_p.def_batch(elementwise_batch(exponent_p))


def frexp(x: Any, out: Any = None) -> tuple:
    """``np.frexp``: ``(mantissa, exponent)`` with ``x = mantissa * 2**exponent``; the
    mantissa is differentiable, the (integer) exponent is not.

    >>> frexp(np.array([8.0]))
    (array([0.5]), array([4], dtype=int32))
    """
    _no_out(out, "frexp")
    return mantissa_p(x), exponent_p(x)


UFUNCS[np.frexp] = frexp

# -- modf, divmod: a differentiable part and an integral (constant) part ----------------

fractional_p = registered(Elementwise("numpy.modf.fractional", lambda x: np.modf(x)[0]))
fractional_p.def_partials(lambda ans, x: 1.0)
integral_p = nondiff("modf.integral", lambda x: np.modf(x)[1])
fractional_p.written_doc = "The fractional part of numpy.modf: slope 1.\n"
integral_p.written_doc = "The integral part of numpy.modf: piecewise constant, no derivative.\n"
fractional_p.def_batch(elementwise_batch(fractional_p))
integral_p.def_batch(elementwise_batch(integral_p))


def modf(x: Any, out: Any = None) -> tuple:
    """``np.modf``: ``(fractional, integral)`` parts; the fractional part has slope 1.

    >>> cr.grad(lambda x: modf(x)[0] + modf(x)[1])(2.5)
    1.0
    """
    _no_out(out, "modf")
    return fractional_p(x), integral_p(x)


UFUNCS[np.modf] = modf

quotient_p = nondiff("divmod.quotient", lambda x, y: np.divmod(x, y)[0])
quotient_p.written_doc = "The quotient of numpy.divmod, x // y: piecewise constant.\n"
quotient_p.def_batch(elementwise_batch(quotient_p))


def divmod(x: Any, y: Any, out: Any = None) -> tuple:  # NumPy's name
    """``np.divmod``: ``(x // y, x % y)``; the quotient is piecewise constant, the
    remainder is differentiated as ``np.remainder`` is.

    >>> cr.grad(lambda x: divmod(x, 2.0)[1])(5.5)
    1.0
    """
    _no_out(out, "divmod")
    return quotient_p(x, y), remainder(x, y)


UFUNCS[np.divmod] = divmod


def _no_out(out, name):
    if out is not None:
        raise NotImplementedError(f"np.{name} with out= is not supported on traced values; "
                                  "use the returned arrays instead.")


# -- i0: the modified Bessel function of order 0 (a NumPy function, not a ufunc) --------
# I_m' = (I_{m-1} + I_{m+1}) / 2 with I_{-m} = I_m, so one primitive of every integer
# order m serves each derivative of the next. Order 0 is np.i0; the others are the
# power series sum_k (x/2)^(2k+m) / (k! (k+m)!), whose terms all have one sign.


def _bessel_i_series(x, order):
    half = np.asarray(x, np.float64) / 2
    squared = half * half
    term = half ** order / math.factorial(order)
    total = term
    for k in range(1, 10_000):
        term = term * squared / (k * (k + order))
        total = total + term
        if all_entries((np.abs(term) <= 1e-17 * np.abs(total)) | ~np.isfinite(total)):
            break
    return total


def _bessel_i_impl(x, order):
    if order == 0:
        return np.i0(x)
    return np.asarray(_bessel_i_series(x, order), _float_dtype(x))


bessel_i_p = primitive("i0.bessel_i", _bessel_i_impl)
bessel_i_p.def_partials(lambda ans, x, order: bessel_i_p(x, order=1) if order == 0 else
                        0.5 * (bessel_i_p(x, order=order - 1) + bessel_i_p(x, order=order + 1)))
bessel_i_p.written_doc = ("The modified Bessel function I_order of integer order (np.i0 for 0); "
                          "its slope is (I_(order-1) + I_(order+1)) / 2.\n")
bessel_i_p.def_batch(elementwise_batch(bessel_i_p))


@handles(np.i0)
def i0(x: Any) -> Any:
    """``np.i0``, the modified Bessel function of the first kind of order 0; its
    derivative is ``I_1``, and every order after it is exact.

    >>> float(cr.grad(i0)(0.0)), float(cr.grad(cr.grad(i0))(0.0))
    (0.0, 0.5)
    """
    return bessel_i_p(x, order=0)


# -- no derivative: steps of the floating-point grid, and the integer ufuncs -----------

nextafter = nondiff("nextafter", np.nextafter)
spacing = nondiff("spacing", np.spacing)

_INTEGER_UFUNCS = [
    "bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift",
    "gcd", "lcm", "isnat",
    # NumPy 2's names (aliases of invert, left_shift, right_shift) and bitwise_count
    "bitwise_not", "bitwise_invert", "bitwise_left_shift", "bitwise_right_shift",
    "bitwise_count",
]


def _integer_ufunc(name: str):
    prim = nondiff(name, since_numpy(np, name))
    prim.written_doc = f"numpy.{name}, of integers (or booleans, dates): no derivative.\n"
    return prim


INTEGER_UFUNCS = {name: _integer_ufunc(name)
                  for name in _INTEGER_UFUNCS if since_numpy(np, name) is not None}
