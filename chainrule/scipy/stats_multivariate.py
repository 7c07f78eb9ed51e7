"""The multivariate distributions of ``chainrule.scipy.stats``: dirichlet and
multivariate_normal, differentiable in ``x`` and every parameter (``alpha``;
``mean`` and ``cov``).

``multivariate_normal`` reads ``cov`` as a general matrix through ``slogdet``
and ``solve``, so the derivative with respect to each entry is that of the
formula (a symmetric ``cov`` gets the usual symmetric gradient).

>>> import chainrule.scipy.stats as stats
>>> float(stats.multivariate_normal.logpdf(np.zeros(2), cov=np.eye(2))) == -np.log(2 * np.pi)
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..numpy import concatenate, exp, linalg, reshape, squeeze, sum, swapaxes  # noqa: A004
from ..numpy.wrap import shape_of
from .special import digamma, gammaln, xlogy
from .wrap import covers

HOME = "chainrule.scipy.stats"
LOG_2PI = math.log(2.0 * math.pi)


def _log_beta(alpha: Any) -> Any:
    # the log of the multivariate beta function: sum gammaln(alpha) - gammaln(sum alpha)
    return sum(gammaln(alpha)) - gammaln(sum(alpha))


class Dirichlet:
    """``scipy.stats.dirichlet``: probabilities ``x`` (the components along the first axis).

    >>> float(Dirichlet().pdf(np.array([0.5, 0.5]), np.array([1.0, 1.0])))
    1.0
    """

    name = "dirichlet"

    def logpdf(self, x: Any, alpha: Any) -> Any:
        """The log-density; ``x`` may leave out its last component (it is 1 minus the rest)."""
        count = shape_of(alpha)[0]
        if shape_of(x)[0] == count - 1:
            rest = 1.0 - sum(x, axis=0, keepdims=True)
            x = concatenate([x, rest], axis=0)
        column = reshape(alpha - 1.0, (count,) + (1,) * (len(shape_of(x)) - 1))
        return sum(xlogy(column, x), axis=0) - _log_beta(alpha)

    def pdf(self, x: Any, alpha: Any) -> Any:
        """The density."""
        return exp(self.logpdf(x, alpha))

    def entropy(self, alpha: Any) -> Any:
        """The differential entropy, in closed form."""
        total = sum(alpha)
        count = shape_of(alpha)[0]
        return (_log_beta(alpha) + (total - count) * digamma(total)
                - sum((alpha - 1.0) * digamma(alpha)))

    def __repr__(self) -> str:
        return "<chainrule.scipy.stats.dirichlet>"


class MultivariateNormal:
    """``scipy.stats.multivariate_normal``: points ``x`` along the last axis.

    >>> mvn = MultivariateNormal()
    >>> cr.grad(lambda m: mvn.logpdf(np.array([1.0, 0.0]), m, np.eye(2)))(np.zeros(2))
    array([1., 0.])
    """

    name = "multivariate_normal"

    def _parameters(self, x: Any, mean: Any, cov: Any) -> tuple:
        if mean is None:  # as SciPy infers the dimension: from cov, if a matrix
            mean = np.zeros(shape_of(cov)[0] if len(shape_of(cov)) == 2 else 1)
        size = shape_of(mean)[0] if len(shape_of(mean)) else 1
        if len(shape_of(mean)) == 0:
            mean = reshape(mean, (1,))
        if len(shape_of(cov)) < 2:  # a variance, or the variances: a diagonal matrix
            cov = np.eye(size) * cov
        return mean, cov, size

    def _points(self, x: Any, size: int) -> Any:
        # as SciPy reads x: a scalar or a vector of scalars when the dimension is 1
        if len(shape_of(x)) == 0:
            return reshape(x, (1, 1))
        if len(shape_of(x)) == 1:
            return reshape(x, (-1, 1) if size == 1 else (1, size))
        return x

    def logpdf(self, x: Any, mean: Any = None, cov: Any = 1.0) -> Any:
        """The log-density at each point of ``x``."""
        mean, cov, size = self._parameters(x, mean, cov)
        points = self._points(x, size)
        deviations = swapaxes(reshape(points - mean, (-1, size)), 0, 1)  # (size, points)
        whitened = linalg.solve(cov, deviations)
        distance = sum(deviations * whitened, axis=0)
        log_det = linalg.slogdet(cov)[1]
        result = -0.5 * (size * LOG_2PI + log_det + distance)
        result = reshape(result, shape_of(points)[:-1])
        return squeeze(result) if shape_of(result) else result

    def pdf(self, x: Any, mean: Any = None, cov: Any = 1.0) -> Any:
        """The density at each point of ``x``."""
        return exp(self.logpdf(x, mean, cov))

    def entropy(self, mean: Any = None, cov: Any = 1.0) -> Any:
        """The differential entropy, ``(d (1 + log 2 pi) + log det cov) / 2``."""
        mean, cov, size = self._parameters(0.0 if mean is None else mean, mean, cov)
        return 0.5 * (size * (1.0 + LOG_2PI) + linalg.slogdet(cov)[1])

    def __repr__(self) -> str:
        return "<chainrule.scipy.stats.multivariate_normal>"


dirichlet = Dirichlet()
multivariate_normal = MultivariateNormal()

for _name in ("dirichlet.pdf", "dirichlet.logpdf", "dirichlet.entropy",
              "multivariate_normal.pdf", "multivariate_normal.logpdf",
              "multivariate_normal.entropy"):
    covers(f"scipy.stats.{_name}", HOME)
