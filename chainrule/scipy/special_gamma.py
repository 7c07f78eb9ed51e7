"""The gamma family of ``scipy.special``: gamma, gammaln, loggamma, rgamma,
gammasgn, digamma (psi), polygamma, multigammaln, beta, betaln, zeta, and the
regularized incomplete functions gammainc, gammaincc, betainc.

The derivatives lean on each other: gammaln's is digamma, digamma's
``polygamma(1, x)``, ``polygamma(n, x)``'s ``polygamma(n + 1, x)``. The
incomplete functions are differentiable in every argument: in ``x`` by their
integrand, in the shape parameters by a series of positive terms written with
chainrule's operations (so its own derivatives follow), and ``zeta`` in its
exponent by Euler-Maclaurin summation.

>>> from chainrule.scipy.special_gamma import gammaln
>>> float(cr.grad(gammaln)(1.0))      # digamma(1) = -0.5772...
-0.5772156649015329
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special as sc
import scipy.special._ufuncs as sc_ufuncs

from ..core import base_value, jvp
from ..numpy import exp, log, log1p, sum, where  # noqa: A004
from ..numpy.wrap import shape_of
from .wrap import (SpecialFunction, covers, covers_primitive, decision_value, float_dtype,
                   not_differentiable_in, special_nondiff, special_ufunc)

HOME = "chainrule.scipy.special"
LOG_PI = math.log(math.pi)

# -- gamma and its logarithms -------------------------------------------------------------

gamma = special_ufunc("gamma", sc.gamma)
gamma.def_partials(lambda ans, x: ans * digamma(x))

gammaln = special_ufunc("gammaln", sc.gammaln)
gammaln.def_partials(lambda ans, x: digamma(x))

loggamma = special_ufunc("loggamma", sc.loggamma)
loggamma.def_partials(lambda ans, x: digamma(x))

rgamma = special_ufunc("rgamma", sc.rgamma)  # 1 / gamma(x)
rgamma.def_partials(lambda ans, x: -ans * digamma(x))

gammasgn = special_nondiff("gammasgn", sc.gammasgn)

digamma: SpecialFunction = special_ufunc("digamma", sc.digamma)
digamma.def_partials(lambda ans, x: polygamma_p(1, x))
psi = digamma  # SciPy's other name, the same ufunc


# polygamma is a Python function in SciPy: the primitive keeps x's precision
def _polygamma_impl(n: Any, x: Any) -> Any:
    return np.asarray(sc.polygamma(n, x)).astype(float_dtype(x))[()]


polygamma_p: SpecialFunction = special_ufunc("polygamma", sc.polygamma, impl=_polygamma_impl)
polygamma_p.def_partials(None, lambda ans, n, x: polygamma_p(decision_value(n) + 1, x))
not_differentiable_in(polygamma_p, 0, "the order n")


def polygamma(n: Any, x: Any) -> Any:
    """``scipy.special.polygamma(n, x)``, the n-th derivative of digamma; differentiable in x.

    >>> float(cr.grad(lambda x: polygamma(1, x))(1.0))   # polygamma(2, 1) = -2 zeta(3)
    -2.404113806319188
    """
    return polygamma_p(decision_value(n), x)


def multigammaln(a: Any, d: int) -> Any:
    """``scipy.special.multigammaln(a, d)``, the log of the multivariate gamma function.

    >>> float(cr.grad(lambda a: multigammaln(a, 2))(3.0))   # digamma(3) + digamma(2.5)
    1.6259409757437102
    """
    plain = np.asarray(d)
    if plain.ndim != 0 or np.floor(plain) != plain:
        raise ValueError("d should be a positive integer (dimension)")
    dimension = int(plain)
    if np.any(base_value(a) <= 0.5 * (dimension - 1)):
        raise ValueError(f"condition a ({base_value(a)}) > 0.5 * (d-1) ({0.5 * (dimension - 1)}) "
                         "not met")
    result = gammaln(a)
    for j in range(1, dimension):
        result = result + gammaln(a - 0.5 * j)
    return result + dimension * (dimension - 1) * 0.25 * LOG_PI


# -- beta -------------------------------------------------------------------------------

beta = special_ufunc("beta", sc.beta)
beta.def_partials(lambda ans, a, b: ans * (digamma(a) - digamma(a + b)),
                  lambda ans, a, b: ans * (digamma(b) - digamma(a + b)))

betaln = special_ufunc("betaln", sc.betaln)
betaln.def_partials(lambda ans, a, b: digamma(a) - digamma(a + b),
                    lambda ans, a, b: digamma(b) - digamma(a + b))

# -- zeta: Riemann's zeta(x) and Hurwitz's zeta(x, q) ----------------------------------------

# Bernoulli numbers B_2, B_4, ..., B_20 for the Euler-Maclaurin tail
BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
             43867 / 798, -174611 / 330)
EULER_MACLAURIN_TERMS = 12


def _zeta_by_euler_maclaurin(s: Any, q: Any) -> Any:
    # zeta(s, q) = sum_{k<N} (q+k)^-s + w^(1-s)/(s-1) + w^-s/2
    #              + sum_j B_2j/(2j)! s(s+1)...(s+2j-2) w^(1-s-2j),   w = q + N
    # written with chainrule operations, so it is differentiable in s (and q)
    count = EULER_MACLAURIN_TERMS
    k = np.arange(count, dtype=float_dtype(s, q)).reshape((count,) + (1,) * _ndim(s, q))
    total = sum(exp(-s * log(q + k)), axis=0)
    w = q + float(count)
    log_w = log(w)
    total = total + exp((1.0 - s) * log_w) / (s - 1.0) + 0.5 * exp(-s * log_w)
    rising = s  # s (s+1) ... (s+2j-2)
    factorial = 2.0  # (2j)!
    for j, bernoulli in enumerate(BERNOULLI, start=1):
        total = total + (bernoulli / factorial) * rising * exp((1.0 - s - 2 * j) * log_w)
        rising = rising * (s + (2 * j - 1)) * (s + 2 * j)
        factorial *= (2 * j + 1) * (2 * j + 2)
    return total


def _zeta_slope_in_exponent(s: Any, q: Any) -> Any:
    # the forward derivative of the series in s (one tangent of ones: the partial, entrywise)
    direction = np.ones(shape_of(s), dtype=float_dtype(s))[()]
    return jvp(lambda s: _zeta_by_euler_maclaurin(s, q), (s,), (direction,))[1]


# scipy.special.zeta is a Python function calling these two ufuncs (private names: where
# a SciPy lacks them, the primitives call zeta itself, and plain SciPy is not intercepted)
riemann_zeta = special_ufunc("_riemann_zeta",
                             getattr(sc_ufuncs, "_riemann_zeta", None) or sc.zeta)
riemann_zeta.def_partials(lambda ans, x: _zeta_slope_in_exponent(x, 1.0))

hurwitz_zeta = special_ufunc("_zeta", getattr(sc_ufuncs, "_zeta", None) or sc.zeta)
hurwitz_zeta.def_partials(lambda ans, x, q: _zeta_slope_in_exponent(x, q),
                          lambda ans, x, q: -x * hurwitz_zeta(x + 1.0, q))


def zeta(x: Any, q: Any = None) -> Any:
    """``scipy.special.zeta``: Riemann's zeta(x), or Hurwitz's zeta(x, q); differentiable in both.

    >>> round(float(cr.grad(zeta)(2.0)), 12)         # zeta'(2)
    -0.937548254316
    """
    return riemann_zeta(x) if q is None else hurwitz_zeta(x, q)


# -- the regularized incomplete gamma functions ---------------------------------------------


def _ndim(*values: Any) -> int:
    return max(len(shape_of(value)) for value in values)


def _series_index(count: int, *values: Any) -> np.ndarray:
    """0, 1, ..., count-1 along a new first axis, in front of the values' broadcast shape."""
    return np.arange(count, dtype=float_dtype(*values)).reshape((count,) + (1,) * _ndim(*values))


def _gammainc_slope_in_a(a: Any, x: Any) -> Any:
    # P(a, x) = sum_n exp((a+n) log x - x - gammaln(a+n+1)): positive terms, a Poisson
    # weight in n; each term's slope in a is its value times log x - digamma(a+n+1)
    x_max = float(np.max(base_value(x), initial=0.0))
    count = int(math.ceil(x_max + 12.0 * math.sqrt(x_max) + 40.0))
    a_n = a + _series_index(count, a, x)
    log_x = log(x)
    terms = exp(a_n * log_x - x - gammaln(a_n + 1.0))
    return sum(terms * (log_x - digamma(a_n + 1.0)), axis=0)


def _gammainc_slope_in_x(a: Any, x: Any) -> Any:
    return exp((a - 1.0) * log(x) - x - gammaln(a))


gammainc = special_ufunc("gammainc", sc.gammainc)
gammainc.def_partials(lambda ans, a, x: _gammainc_slope_in_a(a, x),
                      lambda ans, a, x: _gammainc_slope_in_x(a, x))

gammaincc = special_ufunc("gammaincc", sc.gammaincc)  # 1 - gammainc
gammaincc.def_partials(lambda ans, a, x: -_gammainc_slope_in_a(a, x),
                       lambda ans, a, x: -_gammainc_slope_in_x(a, x))

# -- the regularized incomplete beta function ----------------------------------------------


def _beta_series_slopes(p: Any, q: Any, y: Any) -> tuple:
    # I_y(p, q) = sum_n exp(gammaln(p+q+n) - gammaln(p+n+1) - gammaln(q) + (p+n) log y
    #                       + q log(1-y)), positive terms that fall like y^n (y <= 1/2 here)
    y_max = float(np.max(base_value(y), initial=0.0))
    size_max = float(np.max(base_value(p) + base_value(q), initial=0.0))
    spread = math.sqrt(size_max * y_max) / (1.0 - y_max)
    count = int(math.ceil(size_max * y_max / (1.0 - y_max) + 12.0 * spread + 40.0))
    p_n = p + _series_index(count, p, q, y)
    log_y, log_1my = log(y), log1p(-y)
    terms = exp(gammaln(p_n + q) - gammaln(p_n + 1.0) - gammaln(q) + p_n * log_y + q * log_1my)
    digamma_pqn = digamma(p_n + q)
    slope_p = sum(terms * (digamma_pqn - digamma(p_n + 1.0) + log_y), axis=0)
    slope_q = sum(terms * (digamma_pqn - digamma(q) + log_1my), axis=0)
    return slope_p, slope_q


def _betainc_slopes_in_shapes(a: Any, b: Any, x: Any) -> tuple:
    # For x > 1/2 the series runs on the mirror image I_x(a, b) = 1 - I_{1-x}(b, a).
    mirrored = decision_value(x) > 0.5  # traced under vmap: each member mirrors its own
    p, q = where(mirrored, b, a), where(mirrored, a, b)
    slope_p, slope_q = _beta_series_slopes(p, q, where(mirrored, 1.0 - x, x))
    return where(mirrored, -slope_q, slope_p), where(mirrored, -slope_p, slope_q)


def _betainc_slope_in_x(a: Any, b: Any, x: Any) -> Any:
    return exp((a - 1.0) * log(x) + (b - 1.0) * log1p(-x) - betaln(a, b))


betainc = special_ufunc("betainc", sc.betainc)
betainc.def_partials(lambda ans, a, b, x: _betainc_slopes_in_shapes(a, b, x)[0],
                     lambda ans, a, b, x: _betainc_slopes_in_shapes(a, b, x)[1],
                     lambda ans, a, b, x: _betainc_slope_in_x(a, b, x))

for _prim in (gamma, gammaln, loggamma, rgamma, gammasgn, digamma, polygamma_p, beta, betaln,
              gammainc, gammaincc, betainc):
    covers_primitive(_prim, HOME)
covers("scipy.special.psi", HOME)
covers("scipy.special.multigammaln", HOME)
covers("scipy.special.zeta", HOME)
