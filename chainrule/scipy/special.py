"""``chainrule.scipy.special``: SciPy's special functions, differentiable in both modes.

The error functions, the logistic family, the entropies, sinc-style helpers and
logsumexp/softmax live here; the gamma family (``special_gamma.py``) and the
Bessel functions (``special_bessel.py``) are re-exported, so every name is
``chainrule.scipy.special.<name>``, as in SciPy.

Every ufunc among them is also reached by plain SciPy on a traced value:
``scipy.special.erf(t)`` goes through ``__array_ufunc__`` to the rule here.
SciPy's Python functions that convert their input with ``np.asarray``
(``logsumexp``, ``softmax``, ``log_softmax``, ``polygamma``, ``multigammaln``)
cannot be intercepted: call them from this module instead.

>>> import chainrule.scipy.special as special
>>> float(cr.grad(special.erf)(0.0))          # 2 / sqrt(pi)
1.1283791670955126
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special as sc

from ..core import base_value
from ..core.batching import is_batched
from ..numpy import abs as absolute  # noqa: A004
from ..numpy import amax, exp, isfinite, log, log1p, sign, sinc, squeeze, sum, where  # noqa: A004
from ..numpy.wrap import all_entries, shape_of
from .special_bessel import (i0, i0e, i1, i1e, iv, ive, j0, j1, jn, jv, k0, k0e, k1, k1e, kv,
                             kve, y0, y1, yn, yv)
from .special_gamma import (beta, betainc, betaln, digamma, gamma, gammainc, gammaincc,
                            gammaln, gammasgn, loggamma, multigammaln, polygamma, psi, rgamma,
                            zeta)
from .wrap import SpecialFunction, covers, covers_primitive, decision_value, special_ufunc

__all__ = [
    "beta", "betainc", "betaln", "cosdg", "digamma", "entr", "erf", "erfc", "erfcinv", "erfcx",
    "erfinv", "expit", "exprel", "gamma", "gammainc", "gammaincc", "gammaln", "gammasgn",
    "i0", "i0e", "i1", "i1e", "iv", "ive", "j0", "j1", "jn", "jv", "k0", "k0e", "k1", "k1e",
    "kl_div", "kv", "kve", "log_expit", "log_ndtr", "log_softmax", "loggamma", "logit",
    "logsumexp", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "rel_entr", "rgamma",
    "sinc", "sindg", "softmax", "xlog1py", "xlogy", "y0", "y1", "yn", "yv", "zeta",
]

HOME = "chainrule.scipy.special"
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
SQRT_PI_OVER_TWO = math.sqrt(math.pi) / 2.0
ONE_OVER_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
SQRT_2PI = math.sqrt(2.0 * math.pi)
RADIANS_PER_DEGREE = math.pi / 180.0

# -- the error function and the normal distribution's --------------------------------------

erf = special_ufunc("erf", sc.erf)
erf.def_partials(lambda ans, x: TWO_OVER_SQRT_PI * exp(-x * x))

erfc = special_ufunc("erfc", sc.erfc)
erfc.def_partials(lambda ans, x: -TWO_OVER_SQRT_PI * exp(-x * x))

# erfcx(x) = exp(x^2) erfc(x)
erfcx = special_ufunc("erfcx", sc.erfcx)
erfcx.def_partials(lambda ans, x: 2.0 * x * ans - TWO_OVER_SQRT_PI)

erfinv = special_ufunc("erfinv", sc.erfinv)
erfinv.def_partials(lambda ans, x: SQRT_PI_OVER_TWO * exp(ans * ans))

erfcinv = special_ufunc("erfcinv", sc.erfcinv)
erfcinv.def_partials(lambda ans, x: -SQRT_PI_OVER_TWO * exp(ans * ans))

ndtr = special_ufunc("ndtr", sc.ndtr)
ndtr.def_partials(lambda ans, x: ONE_OVER_SQRT_2PI * exp(-0.5 * x * x))

# the density over the distribution function, in logs: stable far into the left tail
log_ndtr = special_ufunc("log_ndtr", sc.log_ndtr)
log_ndtr.def_partials(lambda ans, x: ONE_OVER_SQRT_2PI * exp(-0.5 * x * x - ans))

ndtri = special_ufunc("ndtri", sc.ndtri)
ndtri.def_partials(lambda ans, x: SQRT_2PI * exp(0.5 * ans * ans))

# -- the logistic function ------------------------------------------------------------------

expit = special_ufunc("expit", sc.expit)
expit.def_partials(lambda ans, x: ans * (1.0 - ans))

logit = special_ufunc("logit", sc.logit)
logit.def_partials(lambda ans, x: 1.0 / (x * (1.0 - x)))

log_expit = special_ufunc("log_expit", sc.log_expit)
log_expit.def_partials(lambda ans, x: expit(-x))

# -- x log y and the entropies --------------------------------------------------------------

xlogy = special_ufunc("xlogy", sc.xlogy)
xlogy.def_partials(lambda ans, x, y: log(y), lambda ans, x, y: x / y)

xlog1py = special_ufunc("xlog1py", sc.xlog1py)
xlog1py.def_partials(lambda ans, x, y: log1p(y), lambda ans, x, y: x / (1.0 + y))

entr = special_ufunc("entr", sc.entr)  # -x log x
entr.def_partials(lambda ans, x: -log(x) - 1.0)

rel_entr = special_ufunc("rel_entr", sc.rel_entr)  # x log(x / y)
rel_entr.def_partials(lambda ans, x, y: log(x / y) + 1.0, lambda ans, x, y: -x / y)

kl_div = special_ufunc("kl_div", sc.kl_div)  # x log(x / y) - x + y
kl_div.def_partials(lambda ans, x, y: log(x / y), lambda ans, x, y: 1.0 - x / y)

# -- sinc-style helpers ---------------------------------------------------------------------

sindg = special_ufunc("sindg", sc.sindg)  # sin of an angle in degrees
sindg.def_partials(lambda ans, x: RADIANS_PER_DEGREE * cosdg(x))

cosdg: SpecialFunction = special_ufunc("cosdg", sc.cosdg)
cosdg.def_partials(lambda ans, x: -RADIANS_PER_DEGREE * sindg(x))

# exprel(x) = (exp(x) - 1) / x. Its slope (exp(x) - exprel(x)) / x cancels near 0, so
# there it is the Maclaurin series sum_k k x^(k-1) / (k+1)!, a polynomial (exact at 0).
EXPREL_SERIES_BELOW = 0.5
EXPREL_SLOPE_COEFFICIENTS = tuple(k / math.factorial(k + 1) for k in range(1, 22))


def _exprel_slope(ans: Any, x: Any) -> Any:
    near_zero = np.abs(decision_value(x)) < EXPREL_SERIES_BELOW  # each member's, under vmap
    small = where(near_zero, x, 0.0)
    series = 0.0 * small
    for coefficient in reversed(EXPREL_SLOPE_COEFFICIENTS):  # Horner's scheme
        series = series * small + coefficient
    if all_entries(near_zero):
        return series
    large = where(near_zero, 1.0, x)  # keeps the unused branch finite, and its derivative
    return where(near_zero, series, (exp(large) - exprel(large)) / large)


exprel = special_ufunc("exprel", sc.exprel)
exprel.def_partials(_exprel_slope)

# -- logsumexp, softmax, log_softmax: SciPy's Python functions, written with chainrule's ----


def _plain_max(a: Any, axis: Any) -> Any:
    # the shift that keeps exp from overflowing: a constant (the result does not depend on it)
    if is_batched(a):  # each member's maximum: traced, its derivative cancels in the result
        shift = amax(a, axis=axis, keepdims=True)
        return where(isfinite(shift), shift, 0.0)
    shift = np.amax(base_value(a), axis=axis, keepdims=True)
    return np.where(np.isfinite(shift), shift, 0.0).astype(np.result_type(base_value(a), 1.0))


def logsumexp(a: Any, axis: Any = None, b: Any = None, keepdims: bool = False,
              return_sign: bool = False) -> Any:
    """``scipy.special.logsumexp``: ``log(sum(b * exp(a)))``, computed without overflow.

    Plain ``scipy.special.logsumexp(t)`` converts ``t`` with ``np.asarray`` and so
    raises chainrule's lost-derivative error: call this one.

    >>> cr.grad(logsumexp)(np.log(np.array([1.0, 3.0])))   # the softmax weights
    array([0.25, 0.75])
    """
    shift = _plain_max(a, axis)
    scaled = exp(a - shift)
    if b is not None:
        scaled = scaled * b
    total = sum(scaled, axis=axis, keepdims=True)
    signs = None
    if return_sign:
        signs = sign(total)
        total = absolute(total)
    result = log(total) + shift
    if not keepdims:
        result = _drop_axes(result, axis)
        signs = None if signs is None else _drop_axes(signs, axis)
    return (result, signs) if return_sign else result


def _drop_axes(value: Any, axis: Any) -> Any:
    if axis is None:
        return squeeze(value) if shape_of(value) else value
    return squeeze(value, axis=axis)


def softmax(x: Any, axis: Any = None) -> Any:
    """``scipy.special.softmax``: ``exp(x) / sum(exp(x))`` along ``axis``.

    >>> softmax(np.log(np.array([1.0, 3.0])))
    array([0.25, 0.75])
    """
    shifted = exp(x - _plain_max(x, axis))
    return shifted / sum(shifted, axis=axis, keepdims=True)


def log_softmax(x: Any, axis: Any = None) -> Any:
    """``scipy.special.log_softmax``: ``x - logsumexp(x)`` along ``axis``.

    >>> np.exp(log_softmax(np.log(np.array([1.0, 3.0]))))
    array([0.25, 0.75])
    """
    shifted = x - _plain_max(x, axis)
    return shifted - log(sum(exp(shifted), axis=axis, keepdims=True))


for _prim in (erf, erfc, erfcx, erfinv, erfcinv, ndtr, log_ndtr, ndtri, expit, logit, log_expit,
              xlogy, xlog1py, entr, rel_entr, kl_div, sindg, cosdg, exprel):
    covers_primitive(_prim, HOME)
for _name in ("logsumexp", "softmax", "log_softmax", "sinc"):
    covers(f"scipy.special.{_name}", HOME)
