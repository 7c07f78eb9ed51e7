"""The discrete distributions of ``chainrule.scipy.stats``: poisson, binom, nbinom,
bernoulli, geom, with pmf, logpmf, cdf, logcdf, sf, logsf (and entropy where it
has a closed form), differentiable in every parameter.

Each is a formula in chainrule's operations: the log-probabilities from
gammaln, xlogy and xlog1py, the distribution functions from the incomplete
gamma and beta functions (whose derivatives in their shape parameters make
``binom.cdf`` differentiable in ``n`` too). The counts ``k`` and the shift
``loc`` are integers: they carry no derivative.

>>> import chainrule.scipy.stats as stats
>>> float(cr.grad(lambda mu: stats.poisson.logpmf(3, mu))(2.0))   # k / mu - 1
0.5
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.batching import is_batched
from ..numpy import astype, exp, expm1, log, log1p
from .special import (betainc, entr, gammainc, gammaincc, gammaln, xlog1py, xlogy)
from .wrap import Distribution, covers, decision_value, masked

HOME = "chainrule.scipy.stats"
METHODS = ("pmf", "logpmf", "cdf", "logcdf", "sf", "logsf")


class DiscreteDistribution(Distribution):
    """A discrete distribution: ``_logpmf``, ``_cdf``, ``_sf`` of the count ``k - loc``.

    >>> import chainrule.scipy.stats as stats
    >>> float(stats.bernoulli.pmf(1, 0.25))
    0.25
    """

    parameters = ("loc",)
    defaults = {"loc": 0}

    def _support(self, *shapes: Any) -> tuple:
        return 0, np.inf  # in k - loc; a bound may depend on the shapes (binom's n)

    def _logpmf(self, k: Any, *shapes: Any) -> Any:
        raise NotImplementedError(f"{self.name} defines no log-probability")

    def _cdf(self, k: Any, *shapes: Any) -> Any:
        raise NotImplementedError(f"{self.name} defines no distribution function")

    def _sf(self, k: Any, *shapes: Any) -> Any:
        raise NotImplementedError(f"{self.name} defines no survival function")

    def _counts(self, method: str, k: Any, args: tuple, kwds: dict) -> tuple:
        *shapes, loc = self.arguments(method, args, kwds)
        k = decision_value(k) - decision_value(loc)
        k = astype(k, np.float64) if is_batched(k) else np.asarray(k, dtype=float)[()]
        low, high = self._support(*(decision_value(shape) for shape in shapes))
        return k, shapes, low, high

    def logpmf(self, k: Any, *args: Any, **kwds: Any) -> Any:
        """The log of the probability of ``k``; ``-inf`` off the support."""
        k, shapes, low, high = self._counts("logpmf", k, args, kwds)
        inside = (k >= low) & (k <= high) & (k == np.floor(k))
        return masked(self._logpmf(np.where(inside, k, low), *shapes), inside, -np.inf)

    def pmf(self, k: Any, *args: Any, **kwds: Any) -> Any:
        """The probability of ``k``."""
        return exp(self.logpmf(k, *args, **kwds))

    def cdf(self, k: Any, *args: Any, **kwds: Any) -> Any:
        """The probability of a count at most ``k``."""
        k, shapes, low, high = self._counts("cdf", k, args, kwds)
        k = np.floor(k)
        inside = (k >= low) & (k < high)
        value = masked(self._cdf(np.where(inside, k, low), *shapes), inside, 0.0)
        return masked(value, ~(k >= high), 1.0)

    def sf(self, k: Any, *args: Any, **kwds: Any) -> Any:
        """The probability of a count above ``k``: ``1 - cdf``, computed directly."""
        k, shapes, low, high = self._counts("sf", k, args, kwds)
        k = np.floor(k)
        inside = (k >= low) & (k < high)
        value = masked(self._sf(np.where(inside, k, low), *shapes), inside, 0.0)
        return masked(value, ~(k < low), 1.0)

    def logcdf(self, k: Any, *args: Any, **kwds: Any) -> Any:
        """``log(cdf)``: ``-inf`` below the support, as in SciPy (without a warning)."""
        with np.errstate(divide="ignore"):
            return log(self.cdf(k, *args, **kwds))

    def logsf(self, k: Any, *args: Any, **kwds: Any) -> Any:
        """``log(sf)``: ``-inf`` above the support, as in SciPy (without a warning)."""
        with np.errstate(divide="ignore"):
            return log(self.sf(k, *args, **kwds))


class Poisson(DiscreteDistribution):
    """``scipy.stats.poisson``: counts with mean ``mu``.

    >>> float(Poisson().pmf(0, 2.0)) == float(np.exp(-2.0))
    True
    """

    name, shapes = "poisson", ("mu",)

    def _logpmf(self, k, mu):
        return xlogy(k, mu) - gammaln(k + 1.0) - mu

    def _cdf(self, k, mu):
        return gammaincc(k + 1.0, mu)

    def _sf(self, k, mu):
        return gammainc(k + 1.0, mu)


class Binom(DiscreteDistribution):
    """``scipy.stats.binom``: successes in ``n`` trials of probability ``p``.

    >>> float(Binom().pmf(1, 2, 0.5))
    0.5
    """

    name, shapes = "binom", ("n", "p")

    def _support(self, n, p):
        return 0, n

    def _logpmf(self, k, n, p):
        return (gammaln(n + 1.0) - gammaln(k + 1.0) - gammaln(n - k + 1.0) + xlogy(k, p)
                + xlog1py(n - k, -p))

    def _cdf(self, k, n, p):
        return betainc(n - k, k + 1.0, 1.0 - p)

    def _sf(self, k, n, p):
        return betainc(k + 1.0, n - k, p)


class NBinom(DiscreteDistribution):
    """``scipy.stats.nbinom``: failures before the ``n``-th success of probability ``p``.

    >>> float(NBinom().pmf(0, 2.0, 0.5))
    0.25
    """

    name, shapes = "nbinom", ("n", "p")

    def _logpmf(self, k, n, p):
        return gammaln(n + k) - gammaln(k + 1.0) - gammaln(n) + n * log(p) + xlog1py(k, -p)

    def _cdf(self, k, n, p):
        return betainc(n, k + 1.0, p)

    def _sf(self, k, n, p):
        return betainc(k + 1.0, n, 1.0 - p)


class Bernoulli(DiscreteDistribution):
    """``scipy.stats.bernoulli``: 1 with probability ``p``, else 0.

    >>> float(Bernoulli().entropy(0.5)) == float(np.log(2.0))
    True
    """

    name, shapes = "bernoulli", ("p",)

    def _support(self, p):
        return 0, 1

    def _logpmf(self, k, p):
        return xlogy(k, p) + xlog1py(1.0 - k, -p)

    def _cdf(self, k, p):  # k is 0 here
        return 1.0 - p + 0.0 * k

    def _sf(self, k, p):
        return p + 0.0 * k

    def entropy(self, *args: Any, **kwds: Any) -> Any:
        """``-p log p - (1 - p) log(1 - p)``."""
        p, _ = self.arguments("entropy", args, kwds)
        return entr(p) + entr(1.0 - p)


class Geom(DiscreteDistribution):
    """``scipy.stats.geom``: the trial of the first success of probability ``p``.

    >>> float(Geom().pmf(1, 0.25))
    0.25
    """

    name, shapes = "geom", ("p",)

    def _support(self, p):
        return 1, np.inf

    def _logpmf(self, k, p):
        return xlog1py(k - 1.0, -p) + log(p)

    def _cdf(self, k, p):
        return -expm1(log1p(-p) * k)

    def _sf(self, k, p):
        return exp(log1p(-p) * k)

    def entropy(self, *args: Any, **kwds: Any) -> Any:
        """``(-p log p - (1 - p) log(1 - p)) / p``."""
        p, _ = self.arguments("entropy", args, kwds)
        return -log(p) - log1p(-p) * (1.0 - p) / p


poisson = Poisson()
binom = Binom()
nbinom = NBinom()
bernoulli = Bernoulli()
geom = Geom()

for _distribution in (poisson, binom, nbinom, bernoulli, geom):
    for _method in METHODS + (("entropy",) if hasattr(_distribution, "entropy") else ()):
        covers(f"scipy.stats.{_distribution.name}.{_method}", HOME)
