"""``chainrule.scipy``: SciPy's functions, differentiable in both modes.

``chainrule.scipy.special`` holds the special functions and
``chainrule.scipy.stats`` the distributions (``stats.norm.logpdf(x, loc,
scale)``), written as formulas in chainrule's operations. Importing this
package also routes SciPy's own ufuncs on traced values to chainrule, so
``scipy.special.gammaln(t)`` works unchanged.

>>> import chainrule.scipy as cs
>>> float(cr.grad(cs.special.gammaln)(1.0))
-0.5772156649015329
"""

# The area files, bottom to top. Each imports only files before it in this order,
# the NumPy layer and the engine (tests/scipy/test_architecture.py checks).
# linalg, integrate and signal take their places after the special functions.
_LAYER_ORDER = (
    "wrap",             # the factories; the tables of primitives, missing rules, coverage
    "special_gamma",    # gamma, digamma, polygamma, beta, zeta, incomplete gamma and beta
    "special_bessel",
    "special",          # erf, logistic, entropies, logsumexp, softmax; the namespace
    "stats_discrete",   # poisson, binom, nbinom, bernoulli, geom
    "stats_multivariate",  # dirichlet, multivariate_normal
    "stats",            # the continuous distributions; the namespace
)

try:
    import scipy as _scipy  # noqa: F401
except ImportError:
    raise ImportError("chainrule.scipy needs SciPy: pip install 'chainrule[scipy]'") from None

from . import special as special  # noqa: E402
from . import stats as stats  # noqa: E402
from .wrap import coverage_rows as coverage_rows  # noqa: E402
