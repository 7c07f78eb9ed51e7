"""``chainrule.scipy``: SciPy's functions, differentiable in both modes.

``chainrule.scipy.special`` holds the special functions and
``chainrule.scipy.stats`` the distributions (``stats.norm.logpdf(x, loc,
scale)``), written as formulas in chainrule's operations. Importing this
package also routes SciPy's own ufuncs on traced values to chainrule, so
``scipy.special.gammaln(t)`` works unchanged. ``chainrule.scipy.linalg``,
``integrate`` and ``signal`` hold matrix functions, ODE solvers (adjoint and
sensitivity equations) and filters: SciPy's own versions turn their inputs
into plain arrays (``np.asarray``), which loses the derivative, so a plain
``scipy.linalg.expm(t)`` on a traced ``t`` raises chainrule's TypeError;
spell it ``chainrule.scipy.linalg.expm(t)``.

>>> import chainrule.scipy as cs
>>> float(cr.grad(cs.special.gammaln)(1.0))
-0.5772156649015329
"""

# The area files, bottom to top. Each imports only files before it in this order,
# the NumPy layer and the engine (tests/scipy/test_scipy_architecture.py checks).
_LAYER_ORDER = (
    "wrap",             # the factories; the tables of primitives, missing rules, coverage
    "special_gamma",    # gamma, digamma, polygamma, beta, zeta, incomplete gamma and beta
    "special_bessel",
    "special",          # erf, logistic, entropies, logsumexp, softmax; the namespace
    "stats_discrete",   # poisson, binom, nbinom, bernoulli, geom
    "stats_multivariate",  # dirichlet, multivariate_normal
    "stats",            # the continuous distributions; the namespace
    "matrix_functions",  # expm, logm, sqrtm, fractional powers, Sylvester and Lyapunov
    "schur_decomposition",
    "linalg",           # triangular, Cholesky, LU, QR, eigh, banded; the namespace
    "ode",              # the trajectory primitive behind odeint and solve_ivp
    "integrate",        # odeint, solve_ivp, quad, trapezoid, simpson
    "signal",           # convolve, correlate, fftconvolve, oaconvolve, lfilter, sosfilt
)

try:
    import scipy as _scipy  # noqa: F401
except ImportError:
    raise ImportError("chainrule.scipy needs SciPy: pip install 'chainrule[scipy]'") from None

from . import integrate as integrate  # noqa: E402
from . import linalg as linalg  # noqa: E402
from . import signal as signal  # noqa: E402
from . import special as special  # noqa: E402
from . import stats as stats  # noqa: E402
from .wrap import coverage_rows as _special_and_stats_rows  # noqa: E402


def coverage_rows() -> list:
    """``(SciPy name, chainrule module, modes)`` for every SciPy function chainrule covers.

    >>> ("scipy.linalg.expm", "chainrule.scipy.matrix_functions", "forward, reverse") in coverage_rows()
    True
    """
    return sorted(_special_and_stats_rows() + linalg.coverage_rows() + integrate.coverage_rows()
                  + signal.coverage_rows())
