"""Polynomials (NumPy's ``np.poly*`` functions, coefficients highest power
first), convolution and correlation, and linear interpolation.

Evaluation is Horner's rule with chainrule's operations, so it is
differentiable in the coefficients and in ``x``; ``polyfit`` applies the
pseudo-inverse of the (column-scaled) Vandermonde matrix, differentiable in
``y``, ``x`` and the weights; ``convolve`` multiplies by a Toeplitz matrix gathered from one
argument (bilinear in both); ``interp`` gathers the two neighbouring points
of each ``x``. ``np.roots`` and ``np.poly`` of a matrix use the eigenvalues of a
general matrix (``eigen.py``): differentiable where the roots are simple.

>>> cr.grad(lambda p: np.polyval(p, 2.0))(np.array([1.0, 0.0, 3.0]))
array([4., 2., 1.])
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..core import Tracer, base_value
from ..core.batching import is_batched
from .arithmetic import where
from .complex_numbers import conj, real
from .creation import asarray
from .decompositions import pinv, svd
from .eigen import eigvals
from .elementwise import astype
from .indexing import getitem, take
from .joining import concatenate, stack
from .manipulation import flip, reshape
from .products import matmul, outer
from .reductions import max as _max
from .reductions import sum as _sum
from .solve import inv
from .wrap import dtype_of, handles, shape_of

__all__ = ["convolve", "correlate", "interp", "poly", "polyder", "polyfit", "polyint", "polyval",
           "roots", "vander"]

# polyfit's warning; NumPy 2 moved it into np.exceptions
RankWarning = getattr(getattr(np, "exceptions", None), "RankWarning", None) or getattr(
    np, "RankWarning")


def _vector(p, name: str):
    p = asarray(p)
    if len(shape_of(p)) != 1:
        raise ValueError(f"{name} must be a 1-D array of coefficients, highest power first")
    return p


@handles(np.polyval)
def polyval(p: Any, x: Any) -> Any:
    """``np.polyval``: the polynomial with coefficients ``p`` (highest first) at ``x``.

    >>> polyval([1.0, 0.0, 3.0], 2.0)
    7.0
    """
    p, x = asarray(p), asarray(x)
    y = 0.0 * x
    for i in range(shape_of(p)[0]):
        y = y * x + getitem(p, i)
    return y


@handles(np.vander)
def vander(x: Any, N: Any = None, increasing: Any = False) -> Any:
    """``np.vander``: columns ``x**(N-1), ..., x, 1`` (or increasing powers).

    >>> vander(np.array([2.0, 3.0]), 3)
    array([[4., 2., 1.],
           [9., 3., 1.]])
    """
    x = asarray(x)
    if len(shape_of(x)) != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    N = shape_of(x)[0] if N is None else int(N)
    columns = []
    power = np.ones(shape_of(x), dtype_of(x))  # the same for every member of a batch
    for _ in range(N):
        columns.append(power)
        power = power * x
    if not increasing:
        columns.reverse()
    dtype = np.promote_types(dtype_of(x), int)  # NumPy's: float32 input, float64 columns
    if not columns:
        return np.empty((shape_of(x)[0], 0), dtype=dtype)
    result = stack(columns, axis=1)
    return result if dtype_of(result) == dtype else astype(result, dtype)


@handles(np.polyder)
def polyder(p: Any, m: Any = 1) -> Any:
    """``np.polyder``: the coefficients of the ``m``-th derivative.

    >>> polyder(np.array([1.0, 1.0, 1.0]))
    array([2., 1.])
    """
    m = int(m)
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    p = _vector(p, "p")
    for _ in range(m):
        n = shape_of(p)[0] - 1
        p = getitem(p, slice(0, max(n, 0))) * np.arange(max(n, 0), 0, -1)
    return p


@handles(np.polyint)
def polyint(p: Any, m: Any = 1, k: Any = None) -> Any:
    """``np.polyint``: the coefficients of the ``m``-th antiderivative; constants ``k`` may be
    traced.

    >>> polyint(np.array([3.0, 2.0]), k=5.0)
    array([1.5, 2. , 5. ])
    """
    m = int(m)
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    k = np.zeros(m) if k is None else asarray(k)
    if len(shape_of(k)) == 0:
        k = reshape(k, (1,))
    if shape_of(k)[0] == 1 and m > 1:
        k = getitem(k, 0) * np.ones(m)
    if shape_of(k)[0] < m:
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or >m.")
    p = _vector(p, "p")
    for i in range(m):
        n = shape_of(p)[0]
        p = concatenate([p / np.arange(n, 0, -1), reshape(getitem(k, i) + 0.0 * getitem(p, 0),
                                                           (1,))])
    return p


@handles(np.poly)
def poly(seq_of_zeros: Any) -> Any:
    """``np.poly``: the coefficients of the monic polynomial with these roots.

    >>> poly(np.array([1.0, 2.0]))
    array([ 1., -3.,  2.])
    """
    zeros = asarray(seq_of_zeros)
    shape = shape_of(zeros)
    if len(shape) == 2 and shape[0] == shape[1] and shape[0] != 0:
        return poly(eigvals(zeros))  # the characteristic polynomial, as NumPy computes it
    if len(shape) != 1:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    coefficients = np.ones(1, dtype=np.result_type(dtype_of(zeros), 1.0))
    for i in range(shape[0]):
        coefficients = convolve(coefficients, concatenate([np.ones(1), -reshape(
            getitem(zeros, i), (1,))]))
    plain = np.asarray(base_value(zeros))
    if np.iscomplexobj(plain) and np.array_equal(np.sort_complex(plain),
                                                 np.sort_complex(plain.conjugate())):
        coefficients = real(coefficients)  # conjugate pairs: NumPy returns real coefficients
    return coefficients


@handles(np.roots)
def roots(p: Any) -> Any:
    """``np.roots``: the eigenvalues of the companion matrix, as NumPy computes them, so
    differentiable where the roots are simple.

    >>> roots(np.array([1.0, -3.0, 2.0]))
    array([2., 1.])
    >>> cr.jacobian(roots)(np.array([1.0, -3.0, 2.0]))  # d(roots) / d(coefficients)
    array([[-4., -2., -1.],
           [ 1.,  1.,  1.]])
    """
    p = asarray(p)
    if len(shape_of(p)) != 1:
        raise ValueError("Input must be a rank-1 array.")
    if is_batched(p):
        raise ValueError(
            "np.roots under vmap: how many roots there are depends on the coefficients (their "
            "leading and trailing zeros), so it can differ between members of the batch. Give "
            "coefficients without leading zeros and take np.linalg.eigvals of the companion "
            "matrix, which batches.")
    nonzero = np.nonzero(np.asarray(base_value(p)))[0]  # the data decides the degree
    if len(nonzero) == 0:
        return np.array([])
    trailing = shape_of(p)[0] - nonzero[-1] - 1
    p = getitem(p, slice(int(nonzero[0]), int(nonzero[-1]) + 1))
    n = shape_of(p)[0]
    found = None
    if n > 1:
        first = reshape(-getitem(p, slice(1, None)) / getitem(p, 0), (1, n - 1))
        companion = concatenate([first, np.eye(n - 2, n - 1, dtype=dtype_of(first))])
        found = eigvals(companion)
    if trailing == 0:
        return found if found is not None else np.zeros(0, dtype_of(p))
    zeros = np.zeros(trailing, found.dtype if found is not None else dtype_of(p))
    return zeros if found is None else concatenate([found, zeros])


# -- polyfit: least squares by the pseudo-inverse ---------------------------------

@handles(np.polyfit)
def polyfit(x: Any, y: Any, deg: int, rcond: Any = None, full: bool = False, w: Any = None,
            cov: Any = False) -> Any:
    """``np.polyfit``: least-squares coefficients, differentiable in ``y``, ``x`` and ``w``.

    The pseudo-inverse of the column-scaled Vandermonde matrix (NumPy's
    scaling and ``rcond`` cutoff) times ``y``: the least-squares solution
    NumPy's ``lstsq`` finds, minimum-norm where the fit is rank deficient
    (which warns, as NumPy does). ``full=True`` gives the residuals and
    singular values too (``rank`` and ``rcond`` as NumPy's, not
    differentiable).

    >>> polyfit(np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0]), 1)
    array([2., 1.])
    """
    order = int(deg) + 1
    x, y = asarray(x), asarray(y)
    if deg < 0:
        raise ValueError("expected deg >= 0")
    if len(shape_of(x)) != 1:
        raise TypeError("expected 1D vector for x")
    if shape_of(x)[0] == 0:
        raise TypeError("expected non-empty vector for x")
    if len(shape_of(y)) not in (1, 2):
        raise TypeError("expected 1D or 2D array for y")
    if shape_of(x)[0] != shape_of(y)[0]:
        raise TypeError("expected x and y to have same length")
    rcond = shape_of(x)[0] * np.finfo(np.result_type(dtype_of(x), 1.0)).eps if rcond is None \
        else rcond
    lhs, rhs = vander(x, order), y
    if w is not None:
        w = asarray(w)
        if len(shape_of(w)) != 1 or shape_of(w)[0] != shape_of(y)[0]:
            raise TypeError("expected a 1-d weight vector of the same length as x")
        lhs = lhs * reshape(w, (-1, 1))
        rhs = rhs * (reshape(w, (-1, 1)) if len(shape_of(y)) == 2 else w)
    scale = _sum(lhs * lhs, axis=0) ** 0.5
    lhs = lhs / scale
    vector_y = len(shape_of(y)) == 1
    scaled = matmul(pinv(lhs, rcond=rcond), rhs)  # NumPy's lstsq: the same cutoff
    coefficients = scaled / (scale if vector_y else reshape(scale, (-1, 1)))
    rank, every_full, any_full = _fit_rank(lhs, rcond, order)
    if not every_full and not full:
        warnings.warn("Polyfit may be poorly conditioned", RankWarning,
                      stacklevel=2)
    if not (full or cov):
        return coefficients
    singular_values = svd(lhs, compute_uv=False)
    fitted = matmul(lhs, scaled)
    if every_full and shape_of(x)[0] > order:
        residuals = reshape(_sum((fitted - rhs) ** 2, axis=0), (-1,))
    elif any_full and shape_of(x)[0] > order:  # only under vmap: members disagree
        raise np.linalg.LinAlgError(
            "np.polyfit(..., full=True or cov=True) under vmap: some fits of the batch have "
            "full rank and some not, so NumPy's residuals would have different shapes. "
            "Compute them yourself: np.sum((np.polyval(c, x) - y) ** 2, axis=0).")
    else:
        residuals = np.array([])
    if full:
        return coefficients, residuals, rank, singular_values, rcond
    base = inv(matmul(lhs.T, lhs)) / outer(scale, scale)
    if cov == "unscaled":
        factor = 1.0
    else:
        if shape_of(x)[0] <= order:
            raise ValueError("the number of data points must exceed order to scale the "
                             "covariance matrix")
        factor = residuals / (shape_of(x)[0] - order)
    if vector_y:
        return coefficients, base * factor
    return coefficients, reshape(base, shape_of(base) + (1,)) * factor


def _fit_rank(lhs, rcond, order):
    """The rank of the scaled Vandermonde matrix as lstsq reads it (a plain int; under
    vmap a traced one per member), whether every member has full rank, whether any has."""
    if not is_batched(lhs):
        plain_s = np.linalg.svd(np.asarray(base_value(lhs)), compute_uv=False)
        rank = int(np.sum(plain_s > rcond * plain_s.max()))
        return rank, rank == order, rank == order
    s = svd(lhs, compute_uv=False)
    rank = astype(_sum(s > rcond * _max(s, axis=-1, keepdims=True), axis=-1), np.int64)
    full = base_value(rank) == order  # plain, one entry per member of the batch
    return rank, bool(np.all(full)), bool(np.any(full))


# -- convolution and correlation: a Toeplitz matrix gathered from one argument -----

def _full_convolution(a, v):
    n, m = shape_of(a)[0], shape_of(v)[0]
    rows, columns = np.arange(n + m - 1)[:, None], np.arange(n)[None, :]
    lag = rows - columns
    index = np.where((lag >= 0) & (lag < m), lag, m)   # m: the zero appended to v
    padded = concatenate([v, np.zeros(1, dtype=dtype_of(v))])
    return matmul(take(padded, index), a)


def _cut(full, n: int, m: int, mode: str):
    if mode == "full":
        return full
    if mode == "same":
        start = (min(n, m) - 1) // 2
        return getitem(full, slice(start, start + max(n, m)))
    if mode == "valid":
        return getitem(full, slice(min(n, m) - 1, max(n, m)))
    raise ValueError(f"mode must be one of 'full', 'same', or 'valid' (got {mode!r})")


def _pair(a, v):
    a, v = (reshape(asarray(z), (1,)) if not shape_of(asarray(z)) else asarray(z) for z in (a, v))
    if len(shape_of(a)) != 1 or len(shape_of(v)) != 1:
        raise ValueError("object too deep for desired array")
    if not shape_of(a)[0] or not shape_of(v)[0]:
        raise ValueError("a cannot be empty" if not shape_of(a)[0] else "v cannot be empty")
    return a, v


@handles(np.convolve)
def convolve(a: Any, v: Any, mode: Any = "full") -> Any:
    """``np.convolve`` in every ``mode`` ("full", "same", "valid"), bilinear in ``a`` and ``v``.

    >>> convolve(np.array([1.0, 2.0]), np.array([1.0, 1.0, 1.0]))
    array([1., 3., 3., 2.])
    """
    a, v = _pair(a, v)
    n, m = shape_of(a)[0], shape_of(v)[0]
    if m > n:
        a, v = v, a
    return _cut(_full_convolution(a, v), n, m, mode)


@handles(np.correlate)
def correlate(a: Any, v: Any, mode: Any = "valid") -> Any:
    """``np.correlate``: ``c[k] = sum_n a[n + k] * conj(v[n])``, in every ``mode``.

    >>> correlate(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0]))
    array([2., 3.])
    """
    a, v = _pair(a, v)
    n, m = shape_of(a)[0], shape_of(v)[0]
    if np.issubdtype(dtype_of(v), np.complexfloating):
        v = conj(v)
    reversed_v = flip(v, 0)
    full = _full_convolution(a, reversed_v) if n >= m else _full_convolution(reversed_v, a)
    if mode == "same" and m > n:  # NumPy correlates the swapped pair and reverses the result
        start = n + m - 1 - ((n - 1) // 2 + m)
        return getitem(full, slice(start, start + m))
    return _cut(full, n, m, mode)


# -- interp: the two neighbours of each point ---------------------------------------

@handles(np.interp)
def interp(x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None,
           period: Any = None) -> Any:
    """``np.interp``: piecewise-linear interpolation, differentiable in ``x``, ``fp`` and
    ``xp`` (and in traced ``left``/``right``).

    >>> cr.grad(lambda x: np.interp(x, [0.0, 1.0, 3.0], [0.0, 2.0, 3.0]))(2.0)
    0.5
    """
    x, xp, fp = asarray(x), asarray(xp), asarray(fp)
    if len(shape_of(xp)) != 1 or len(shape_of(fp)) != 1:
        raise ValueError("Data points must be 1-D sequences")
    if shape_of(xp)[0] != shape_of(fp)[0]:
        raise ValueError("fp and xp are not of the same length")
    if shape_of(xp)[0] == 0:
        raise ValueError("array of sample points is empty")
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        period = abs(period)
        x = x % period
        xp = xp % period
        order = np.argsort(xp, kind="stable")
        xp, fp = take(xp, order), take(fp, order)
        xp = concatenate([reshape(getitem(xp, -1), (1,)) - period, xp,
                          reshape(getitem(xp, 0), (1,)) + period])
        fp = concatenate([getitem(fp, slice(-1, None)), fp, getitem(fp, slice(0, 1))])
        left = right = None
    # the neighbours are found by traced (derivative-free) searches: under vmap each
    # member finds its own
    count = shape_of(xp)[0]
    first, last = getitem(xp, 0), getitem(xp, -1)
    if count == 1:
        inside = getitem(fp, 0) + 0.0 * x
    else:
        i = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, count - 2)
        x0, x1, f0, f1 = take(xp, i), take(xp, i + 1), take(fp, i), take(fp, i + 1)
        inside = f0 + (f1 - f0) * ((x - x0) / (x1 - x0))
        inside = where(x == last, getitem(fp, -1), inside)
    below = getitem(fp, 0) if left is None else left
    above = getitem(fp, -1) if right is None else right
    result = where(x < first, below, where(x > last, above, inside))
    return result if shape_of(result) or isinstance(result, Tracer) else result[()]
