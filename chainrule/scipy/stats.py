"""``chainrule.scipy.stats``: SciPy's distributions as formulas in chainrule's
operations, differentiable in ``x``, ``loc``, ``scale`` and every shape parameter.

Each distribution is an object with SciPy's methods and signatures
(``norm.logpdf(x, loc=0, scale=1)``, ``t.cdf(x, df, loc, scale)``): pdf,
logpdf, cdf, logcdf, sf, logsf and, where it has a closed form, entropy. The
log-densities are written from gammaln, log, xlogy; the distribution functions
from ndtr, gammainc, betainc, whose derivatives in their shape parameters
make ``gamma.cdf`` differentiable in ``a`` and ``t.cdf`` in ``df``. SciPy's
frozen-distribution machinery is not used: values agree with SciPy's to
rounding. Off the support a log-density is ``-inf`` and a distribution
function 0 or 1, as in SciPy; invalid parameters (``scale <= 0``) give nan.

The discrete (``poisson``, ``binom``, ``nbinom``, ``bernoulli``, ``geom``)
and multivariate (``dirichlet``, ``multivariate_normal``) distributions are
re-exported from ``stats_discrete.py`` and ``stats_multivariate.py``.

>>> import chainrule.scipy.stats as stats
>>> float(cr.grad(lambda loc: stats.norm.logpdf(1.0, loc, 2.0))(0.0))   # (x - loc) / scale^2
0.25
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..numpy import abs as absolute  # noqa: A004
from ..numpy import arctan, asarray, clip, exp, expm1, log, log1p
from ..numpy.wrap import all_entries
from .special import (betainc, betaln, digamma, expit, gammainc, gammaincc, gammaln, log_expit,
                      log_ndtr, ndtr, xlog1py, xlogy)
from .stats_discrete import bernoulli, binom, geom, nbinom, poisson
from .stats_multivariate import dirichlet, multivariate_normal
from .wrap import Distribution, covers, decision_value, masked

__all__ = ["bernoulli", "beta", "binom", "cauchy", "chi2", "dirichlet", "expon", "gamma", "geom",
           "laplace", "logistic", "lognorm", "multivariate_normal", "nbinom", "norm", "poisson",
           "t", "uniform"]

HOME = "chainrule.scipy.stats"
METHODS = ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf", "entropy")
LOG_2PI = math.log(2.0 * math.pi)
LOG_2 = math.log(2.0)
LOG_PI = math.log(math.pi)


class ContinuousDistribution(Distribution):
    """A distribution of ``z = (x - loc) / scale`` given by ``_logpdf``, ``_cdf``, ``_sf``
    (and ``_logcdf``, ``_logsf``, ``_entropy`` where they are better than the defaults).

    >>> float(norm.cdf(0.0))
    0.5
    """

    support = (-np.inf, np.inf)  # of z; a distribution may make it depend on its shapes
    inside_point = 0.0           # a z on the support, where the unused branch is evaluated

    def _support(self, *shapes: Any) -> tuple:
        return self.support

    def _valid(self, *shapes: Any) -> Any:
        return True  # which shape parameters are allowed (a plain boolean array)

    def _standardized(self, method: str, x: Any, args: tuple, kwds: dict) -> tuple:
        *shapes, loc, scale = self.arguments(method, args, kwds)
        z = (x - loc) / scale
        z_value = decision_value(z)
        plain = [decision_value(shape) for shape in shapes]
        low, high = self._support(*plain)
        valid = asarray(self._valid(*plain)) & (asarray(decision_value(scale)) > 0)
        return z, z_value, shapes, scale, low, high, valid

    def _on_support(self, z: Any, z_value: Any, low: Any, high: Any) -> tuple:
        inside = (z_value >= low) & (z_value <= high)
        return inside, (z if all_entries(inside) else masked(z, inside, self.inside_point))

    def logpdf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """The log of the density at ``x``."""
        z, z_value, shapes, scale, low, high, valid = self._standardized("logpdf", x, args, kwds)
        inside, z = self._on_support(z, z_value, low, high)
        value = masked(self._logpdf(z, *shapes) - log(scale), inside, -np.inf)
        return masked(value, valid, np.nan)

    def pdf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """The density at ``x``."""
        return exp(self.logpdf(x, *args, **kwds))

    def _distribution_function(self, method: str, x: Any, args: tuple, kwds: dict) -> Any:
        z, z_value, shapes, _, low, high, valid = self._standardized(method, x, args, kwds)
        inside, z = self._on_support(z, z_value, low, high)
        value = getattr(self, "_" + method)(z, *shapes)
        below, above = {"cdf": (0.0, 1.0), "sf": (1.0, 0.0),
                        "logcdf": (-np.inf, 0.0), "logsf": (0.0, -np.inf)}[method]
        value = masked(masked(value, inside | (z_value > high), below), inside | (z_value < low),
                       above)
        return masked(value, valid, np.nan)

    def cdf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """The probability of a value at most ``x``."""
        return self._distribution_function("cdf", x, args, kwds)

    def sf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """The probability of a value above ``x``: ``1 - cdf``, computed directly."""
        return self._distribution_function("sf", x, args, kwds)

    def logcdf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """``log(cdf)``."""
        return self._distribution_function("logcdf", x, args, kwds)

    def logsf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """``log(sf)``."""
        return self._distribution_function("logsf", x, args, kwds)

    def _logpdf(self, z: Any, *shapes: Any) -> Any:
        raise NotImplementedError(f"{self.name} defines no log-density")

    def _cdf(self, z: Any, *shapes: Any) -> Any:
        raise NotImplementedError(f"{self.name} defines no distribution function")

    def _sf(self, z: Any, *shapes: Any) -> Any:
        raise NotImplementedError(f"{self.name} defines no survival function")

    def _entropy(self, *shapes: Any) -> Any:
        raise NotImplementedError(f"{self.name} has no closed-form entropy in chainrule")

    def _logcdf(self, z: Any, *shapes: Any) -> Any:
        return log(self._cdf(z, *shapes))

    def _logsf(self, z: Any, *shapes: Any) -> Any:
        return log(self._sf(z, *shapes))

    def entropy(self, *args: Any, **kwds: Any) -> Any:
        """The differential entropy."""
        *shapes, _, scale = self.arguments("entropy", args, kwds)  # loc moves, changes nothing
        return self._entropy(*shapes) + log(scale)


class Norm(ContinuousDistribution):
    """``scipy.stats.norm``.

    >>> float(norm.logpdf(0.0)) == -0.5 * np.log(2 * np.pi)
    True
    """

    name = "norm"

    def _logpdf(self, z):
        return -0.5 * z * z - 0.5 * LOG_2PI

    def _cdf(self, z):
        return ndtr(z)

    def _sf(self, z):
        return ndtr(-z)

    def _logcdf(self, z):
        return log_ndtr(z)

    def _logsf(self, z):
        return log_ndtr(-z)

    def _entropy(self):
        return 0.5 * (LOG_2PI + 1.0)


class StudentT(ContinuousDistribution):
    """``scipy.stats.t``, with ``df`` degrees of freedom.

    >>> float(t.cdf(0.0, 4.0))
    0.5
    """

    name, shapes = "t", ("df",)

    def _valid(self, df):
        return df > 0

    def _logpdf(self, z, df):
        return (gammaln(0.5 * (df + 1.0)) - gammaln(0.5 * df) - 0.5 * (log(df) + LOG_PI)
                - 0.5 * (df + 1.0) * log1p(z * z / df))

    def _tail(self, z, df):  # the probability beyond |z| on one side
        return 0.5 * betainc(0.5 * df, 0.5, df / (df + z * z))

    def _cdf(self, z, df):
        tail = self._tail(z, df)
        positive = decision_value(z) > 0
        return masked(1.0 - tail, positive, 0.0) + masked(tail, ~positive, 0.0)

    def _sf(self, z, df):
        return self._cdf(-z, df)

    def _entropy(self, df):
        half = 0.5 * (df + 1.0)
        return (half * (digamma(half) - digamma(0.5 * df)) + 0.5 * log(df)
                + betaln(0.5 * df, 0.5))


class Gamma(ContinuousDistribution):
    """``scipy.stats.gamma``, of shape ``a``.

    >>> float(gamma.logpdf(1.0, 1.0))    # exp(-x) at 1
    -1.0
    """

    name, shapes, support, inside_point = "gamma", ("a",), (0.0, np.inf), 1.0

    def _valid(self, a):
        return a > 0

    def _logpdf(self, z, a):
        return xlogy(a - 1.0, z) - z - gammaln(a)

    def _cdf(self, z, a):
        return gammainc(a, z)

    def _sf(self, z, a):
        return gammaincc(a, z)

    def _entropy(self, a):
        return a + gammaln(a) + (1.0 - a) * digamma(a)


class Chi2(ContinuousDistribution):
    """``scipy.stats.chi2``, with ``df`` degrees of freedom.

    >>> float(chi2.sf(0.0, 3.0))
    1.0
    """

    name, shapes, support, inside_point = "chi2", ("df",), (0.0, np.inf), 1.0

    def _valid(self, df):
        return df > 0

    def _logpdf(self, z, df):
        return xlogy(0.5 * df - 1.0, z) - 0.5 * z - gammaln(0.5 * df) - LOG_2 * 0.5 * df

    def _cdf(self, z, df):
        return gammainc(0.5 * df, 0.5 * z)

    def _sf(self, z, df):
        return gammaincc(0.5 * df, 0.5 * z)

    def _entropy(self, df):
        half = 0.5 * df
        return half + LOG_2 + gammaln(half) + (1.0 - half) * digamma(half)


class Beta(ContinuousDistribution):
    """``scipy.stats.beta``, of shapes ``a`` and ``b``.

    >>> float(beta.pdf(0.5, 1.0, 1.0))
    1.0
    """

    name, shapes, support, inside_point = "beta", ("a", "b"), (0.0, 1.0), 0.5

    def _valid(self, a, b):
        return (a > 0) & (b > 0)

    def _logpdf(self, z, a, b):
        return xlog1py(b - 1.0, -z) + xlogy(a - 1.0, z) - betaln(a, b)

    def _cdf(self, z, a, b):
        return betainc(a, b, z)

    def _sf(self, z, a, b):
        return betainc(b, a, 1.0 - z)

    def _entropy(self, a, b):
        return (betaln(a, b) - (a - 1.0) * digamma(a) - (b - 1.0) * digamma(b)
                + (a + b - 2.0) * digamma(a + b))


class Expon(ContinuousDistribution):
    """``scipy.stats.expon``.

    >>> float(expon.logsf(2.0))
    -2.0
    """

    name, support, inside_point = "expon", (0.0, np.inf), 1.0

    def _logpdf(self, z):
        return -z

    def _cdf(self, z):
        return -expm1(-z)

    def _sf(self, z):
        return exp(-z)

    def _logsf(self, z):
        return -z

    def _entropy(self):
        return 1.0


class Laplace(ContinuousDistribution):
    """``scipy.stats.laplace``: ``exp(-|z|) / 2``.

    >>> float(laplace.cdf(0.0))
    0.5
    """

    name = "laplace"

    def _logpdf(self, z):
        return -absolute(z) - LOG_2

    def _cdf(self, z):
        positive = decision_value(z) > 0
        return masked(1.0 - 0.5 * exp(-z), positive, 0.0) + masked(0.5 * exp(z), ~positive, 0.0)

    def _sf(self, z):
        return self._cdf(-z)

    def _entropy(self):
        return LOG_2 + 1.0


class Cauchy(ContinuousDistribution):
    """``scipy.stats.cauchy``.

    >>> float(cauchy.cdf(1.0))
    0.75
    """

    name = "cauchy"

    def _logpdf(self, z):
        return -LOG_PI - log1p(z * z)

    def _cdf(self, z):
        return 0.5 + arctan(z) / math.pi

    def _sf(self, z):
        return 0.5 - arctan(z) / math.pi

    def _entropy(self):
        return math.log(4.0 * math.pi)


class Logistic(ContinuousDistribution):
    """``scipy.stats.logistic``.

    >>> float(logistic.cdf(0.0))
    0.5
    """

    name = "logistic"

    def _logpdf(self, z):
        minus_abs = -absolute(z)  # symmetric: written for the tail that does not overflow
        return minus_abs - 2.0 * log1p(exp(minus_abs))

    def _cdf(self, z):
        return expit(z)

    def _sf(self, z):
        return expit(-z)

    def _logcdf(self, z):
        return log_expit(z)

    def _logsf(self, z):
        return log_expit(-z)

    def _entropy(self):
        return 2.0


class Lognorm(ContinuousDistribution):
    """``scipy.stats.lognorm``, of shape ``s`` (the normal's standard deviation).

    >>> float(lognorm.cdf(1.0, 0.5))
    0.5
    """

    name, shapes, support, inside_point = "lognorm", ("s",), (0.0, np.inf), 1.0

    def _valid(self, s):
        return s > 0

    def _logpdf(self, z, s):
        log_z = log(z)
        return -0.5 * log_z * log_z / (s * s) - log(s) - log_z - 0.5 * LOG_2PI

    def _cdf(self, z, s):
        return ndtr(log(z) / s)

    def _sf(self, z, s):
        return ndtr(-log(z) / s)

    def _logcdf(self, z, s):
        return log_ndtr(log(z) / s)

    def _logsf(self, z, s):
        return log_ndtr(-log(z) / s)

    def _entropy(self, s):
        return 0.5 * (1.0 + LOG_2PI) + log(s)


class Uniform(ContinuousDistribution):
    """``scipy.stats.uniform`` on ``[loc, loc + scale]``; differentiable inside it.

    >>> float(cr.grad(lambda x: uniform.cdf(x, 0.0, 4.0))(1.0))
    0.25
    """

    name, support, inside_point = "uniform", (0.0, 1.0), 0.5

    def _logpdf(self, z):
        return 0.0 * z

    def _cdf(self, z):
        return clip(z, 0.0, 1.0)

    def _sf(self, z):
        return 1.0 - clip(z, 0.0, 1.0)

    def _entropy(self):
        return 0.0


norm = Norm()
t = StudentT()
gamma = Gamma()
chi2 = Chi2()
beta = Beta()
expon = Expon()
laplace = Laplace()
cauchy = Cauchy()
logistic = Logistic()
lognorm = Lognorm()
uniform = Uniform()

CONTINUOUS = (norm, t, gamma, chi2, beta, expon, laplace, cauchy, logistic, lognorm, uniform)
DISCRETE = (poisson, binom, nbinom, bernoulli, geom)
MULTIVARIATE = (dirichlet, multivariate_normal)

for _distribution in CONTINUOUS:
    for _method in METHODS:
        covers(f"scipy.stats.{_distribution.name}.{_method}", HOME)
