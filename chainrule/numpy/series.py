"""``chainrule.numpy.polynomial``: NumPy's ``np.polynomial`` evaluation
(coefficients lowest degree first) for traced coefficients and points.

NumPy's own ``np.polynomial.polynomial.polyval(x, c)`` (and ``chebval``,
``legval``, ``hermval``, ``hermeval``, ``lagval``) are plain Python that
converts ``c`` with ``np.array``, which no protocol lets a tracer intercept:
with a traced ``x`` and plain 1-D ``c`` they work as they are (their
recurrences use only operators on ``x``), but traced coefficients need these
functions, which run the same recurrences (Horner's, Clenshaw's) with
chainrule's operations. ``Polynomial(coef)(x)`` likewise: NumPy's class maps
``x`` with ``np.asanyarray``, so use ``cnp.polynomial.Polynomial``.

>>> import chainrule.numpy as cnp
>>> cr.grad(lambda c: cnp.polynomial.chebval(0.5, c))(np.array([1.0, 2.0, 3.0]))
array([ 1. ,  0.5, -0.5])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .creation import asarray
from .elementwise import astype
from .indexing import getitem
from .manipulation import reshape
from .wrap import dtype_of, shape_of

__all__ = ["Polynomial", "chebval", "hermeval", "hermval", "lagval", "legval", "polyval"]


def _prepared(x, c, tensor: bool):
    """NumPy's preamble: ``c`` at least 1-D and float, reshaped for ``tensor`` evaluation."""
    c = asarray(c)
    if not shape_of(c):
        c = reshape(c, (1,))
    if not np.issubdtype(dtype_of(c), np.inexact):
        c = astype(c, np.double)  # integer coefficients (traced under vmap too)
    x = asarray(x) if isinstance(x, (list, tuple)) else x
    if tensor and shape_of(x) and not np.isscalar(x):
        c = reshape(c, shape_of(c) + (1,) * len(shape_of(x)))
    return x, c, shape_of(c)[0]


def polyval(x: Any, c: Any, tensor: bool = True) -> Any:
    """``np.polynomial.polynomial.polyval``: ``c[0] + c[1] x + ...`` by Horner's rule.

    >>> polyval(2.0, [1.0, 0.0, 3.0])
    13.0
    """
    x, c, n = _prepared(x, c, tensor)
    result = getitem(c, n - 1) + x * 0
    for i in range(2, n + 1):
        result = getitem(c, n - i) + result * x
    return result


def _clenshaw(x, c, tensor: bool, step, last):
    """A series by Clenshaw's recurrence, the way NumPy evaluates it: ``step(c_i, c0, c1,
    x, degree)`` gives the next ``(c0, c1)`` (degree counts down from the top), and
    ``last(c0, c1, x)`` the value."""
    x, c, n = _prepared(x, c, tensor)
    if n == 1:
        c0, c1 = getitem(c, 0), 0.0
    else:
        c0, c1 = getitem(c, n - 2), getitem(c, n - 1)
    degree = n
    for i in range(3, n + 1):
        degree -= 1
        c0, c1 = step(getitem(c, n - i), c0, c1, x, degree)
    return last(c0, c1, x)


def chebval(x: Any, c: Any, tensor: bool = True) -> Any:
    """``np.polynomial.chebyshev.chebval``: a Chebyshev series, by Clenshaw's recurrence.

    >>> chebval(0.5, [1.0, 2.0, 3.0])
    0.5
    """
    return _clenshaw(x, c, tensor, lambda ci, c0, c1, x, degree: (ci - c1, c0 + c1 * (2 * x)),
                     lambda c0, c1, x: c0 + c1 * x)


def legval(x: Any, c: Any, tensor: bool = True) -> Any:
    """``np.polynomial.legendre.legval``: a Legendre series.

    >>> legval(0.5, [1.0, 2.0, 3.0])
    1.625
    """
    return _clenshaw(x, c, tensor,
                     lambda ci, c0, c1, x, degree: (ci - (c1 * (degree - 1)) / degree,
                                                    c0 + (c1 * x * (2 * degree - 1)) / degree),
                     lambda c0, c1, x: c0 + c1 * x)


def hermval(x: Any, c: Any, tensor: bool = True) -> Any:
    """``np.polynomial.hermite.hermval``: a series of physicists' Hermite polynomials.

    >>> hermval(0.5, [1.0, 2.0, 3.0])
    0.0
    """
    return _clenshaw(x, c, tensor,
                     lambda ci, c0, c1, x, degree: (ci - c1 * (2 * (degree - 1)),
                                                    c0 + c1 * (2 * x)),
                     lambda c0, c1, x: c0 + c1 * (2 * x))


def hermeval(x: Any, c: Any, tensor: bool = True) -> Any:
    """``np.polynomial.hermite_e.hermeval``: a series of probabilists' Hermite polynomials.

    >>> hermeval(0.5, [1.0, 2.0, 3.0])
    -0.25
    """
    return _clenshaw(x, c, tensor,
                     lambda ci, c0, c1, x, degree: (ci - c1 * (degree - 1), c0 + c1 * x),
                     lambda c0, c1, x: c0 + c1 * x)


def lagval(x: Any, c: Any, tensor: bool = True) -> Any:
    """``np.polynomial.laguerre.lagval``: a Laguerre series.

    >>> lagval(1.0, [1.0, 2.0, 3.0])
    -0.5
    """
    return _clenshaw(x, c, tensor,
                     lambda ci, c0, c1, x, degree: (ci - (c1 * (degree - 1)) / degree,
                                                    c0 + (c1 * ((2 * degree - 1) - x)) / degree),
                     lambda c0, c1, x: c0 + c1 * (1 - x))


class Polynomial:
    """``np.polynomial.Polynomial`` for evaluation: traced coefficients and points.

    ``domain`` is mapped onto ``window`` first, as NumPy does; the
    coefficients may be traced (the domain and window are plain numbers).

    >>> Polynomial([1.0, 2.0], domain=[0.0, 2.0])(2.0)
    3.0
    """

    def __init__(self, coef: Any, domain: Any = (-1.0, 1.0), window: Any = (-1.0, 1.0),
                 symbol: str = "x"):
        self.coef = asarray(coef)
        self.domain, self.window, self.symbol = np.asarray(domain), np.asarray(window), symbol

    def mapparms(self) -> tuple:
        """``(offset, scale)`` of the linear map from ``domain`` onto ``window``."""
        return tuple(np.polynomial.polyutils.mapparms(self.domain, self.window))

    def __call__(self, x: Any) -> Any:
        offset, scale = self.mapparms()
        x = asarray(x) if isinstance(x, (list, tuple)) else x
        return polyval(offset + scale * x, self.coef)

    def __repr__(self) -> str:
        return f"chainrule.numpy.polynomial.Polynomial({self.coef!r}, domain={self.domain!r})"
