"""Linear systems and determinants: ``np.linalg.solve``, ``inv``, ``det``, ``slogdet``.

Every rule is written with the wrapped operations, so it differentiates again.
Complex inputs follow JAX's convention (the functions are holomorphic).
``decompositions.py`` builds on ``solve``; ``chainrule.numpy.linalg`` offers
these under NumPy's names.

>>> cr.grad(det)(np.array([[2.0, 0.0], [0.0, 3.0]]))
array([[3., 0.],
       [0., 2.]])
"""

from __future__ import annotations

import numpy as np
try:  # NumPy's own result types, as NumPy 2 keeps them
    from numpy.linalg._linalg import SlogdetResult
except ImportError:  # and as NumPy 1.x does
    from numpy.linalg.linalg import SlogdetResult  # type: ignore[import-not-found, no-redef]

from ..core import base_value
from ..core.batching import is_batched
from .batching import logical_ndim, shared_matrix_solve, stacked_batch
from .elementwise import unbroadcast
from .products import _array, _ones_after_batch, _reshape, _sum, _swap_last, matmul
from .wrap import NUMPY_2, dtype_of, handles, primitive, shape_of


def _col(x):  # (..., n) -> (..., n, 1)
    return _reshape(x, shape_of(x) + (1,))


def _uncol(x):  # (..., n, 1) -> (..., n)
    return _reshape(x, shape_of(x)[:-1])


def _expand2(x):  # (...) -> (..., 1, 1)
    return _reshape(x, shape_of(x) + (1, 1))


# -- numpy.linalg: solve, inv, det, slogdet --------------------------------------------


def _b_is_vector(a, b) -> bool:
    """Whether ``solve`` reads ``b`` as a vector (a stack of them): NumPy 2 when it is
    1-D, NumPy 1.x when it has one dimension fewer than ``a``."""
    if NUMPY_2:
        return len(shape_of(b)) == 1
    return len(shape_of(b)) == len(shape_of(a)) - 1


def _solve_vjp(g, ans, a, b):
    vector = _b_is_vector(a, b)
    gb = solve_p(_swap_last(a), _col(g) if vector else g)
    ga = -matmul(gb, _swap_last(_col(ans) if vector else ans))
    return unbroadcast(ga, shape_of(a)), unbroadcast(_uncol(gb) if vector else gb, shape_of(b))


def _solve_jvp(tangents, ans, a, b):
    ta, tb = tangents
    vector = _b_is_vector(a, b)
    rhs = None if tb is None else (_col(tb) if vector else tb)
    if ta is not None:
        change = matmul(ta, _col(ans) if vector else ans)
        rhs = -change if rhs is None else rhs - change
    result = solve_p(a, rhs)
    return _uncol(result) if vector else result


solve_p = primitive("linalg.solve", np.linalg.solve)
solve_p.def_vjp_joint(_solve_vjp)
solve_p.def_jvp_joint(_solve_jvp)


def _solve_batch(args, batched):
    """One solve for the batch. One shared matrix: the members' right-hand sides are
    columns of one ``b``, so ``a`` is factorised once. Otherwise a stack of systems,
    ``b`` in matrix form (a member's vector becomes a column) with as many axes as
    ``a`` (so NumPy 1.x and 2 read it alike) and the batch axes lined up."""
    (a, b), (a_batched, b_batched) = args, batched
    a_ndim, b_ndim = logical_ndim(a, a_batched), logical_ndim(b, b_batched)
    vector = b_ndim == 1 if NUMPY_2 else b_ndim == a_ndim - 1
    if not a_batched and a_ndim == 2:
        return shared_matrix_solve(solve_p, a, b, vector)
    if vector:
        b, b_ndim = _col(b), b_ndim + 1
    ndim = max(a_ndim, b_ndim)
    a, b = (_ones_after_batch(v, flag, ndim) if flag else _reshape(
        v, (1,) * (ndim + 1 - len(shape_of(v))) + shape_of(v))
        for v, flag in ((a, a_batched), (b, b_batched)))
    x = solve_p(a, b)
    return _uncol(x) if vector else x


solve_p.def_batch(_solve_batch)


@handles(np.linalg.solve)
def solve(a, b):
    """``np.linalg.solve``: ``x`` with ``a @ x == b``; ``b`` is a vector when 1-D (in
    NumPy 1.x: when it has one dimension fewer than ``a``), and batches of matrices
    broadcast. Differentiable in ``a`` and ``b``.

    >>> solve(np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([2.0, 2.0]))
    array([1. , 0.5])
    """
    return solve_p(_array(a), _array(b))


inv_p = primitive("linalg.inv", np.linalg.inv)
inv_p.def_vjp(lambda g, ans, a: -matmul(_swap_last(ans), matmul(g, _swap_last(ans))))
inv_p.def_jvp(lambda t, ans, a: -matmul(ans, matmul(t, ans)))
inv_p.def_batch(stacked_batch(inv_p))


@handles(np.linalg.inv)
def inv(a):
    """``np.linalg.inv``, for a matrix or a batch of them.

    >>> inv(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    return inv_p(a)


def _inv_transposed(a):
    return _swap_last(inv_p(a))


# -- det: its derivative is the cofactor matrix, at every matrix -----------------------


def _others_product(s):
    """``prod_{j != i} s[..., j]`` for each i, without dividing (zeros welcome)."""
    ones = np.ones(s.shape[:-1] + (1,), s.dtype)
    before = np.cumprod(np.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, s[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return before * after


def _cofactor_impl(a):
    # cof(a) = adj(a).T = d det(a) / d a, for every rank: with a = U S Vh,
    # adj(a) = adj(Vh) adj(S) adj(U), adj(Q) = det(Q) Q^H for unitary Q and
    # adj(S) = diag(prod_{j != i} s_j), so cof(a) = det(U) det(Vh) conj(U) adj(S) conj(Vh).
    # (det(a) inv(a).T is the same matrix where a is invertible, and fails where it is not.)
    a = np.asarray(a)
    if a.shape[-1] == 0:
        return np.zeros_like(a, dtype=np.result_type(a, 1.0))
    u, s, vh = np.linalg.svd(a)
    phase = np.linalg.det(u) * np.linalg.det(vh)
    cofactor = np.matmul(np.conj(u) * _others_product(s)[..., None, :].astype(u.dtype),
                         np.conj(vh))
    return phase[..., None, None] * cofactor


def _minors(x):
    """``x[..., i, j, :, :]``: the matrix without row i and column j, for every i, j."""
    n = shape_of(x)[-1]
    kept = np.array([[k for k in range(n) if k != i] for i in range(n)], dtype=np.intp)
    return x[..., kept[:, None, :, None], kept[None, :, None, :]]


def _cofactor_change(t, a):
    """The derivative of cof(a) along t: det's second derivative applied to t. It is
    symmetric in (a-entry, t-entry), so the same map is cof's JVP and its VJP."""
    n = shape_of(a)[-1]
    if n <= 1:
        return 0.0 * t  # the cofactor of a 1x1 matrix is the constant [[1]]
    with np.errstate(all="ignore"):  # a singular matrix's condition number is inf
        well_conditioned = np.all(np.linalg.cond(np.asarray(base_value(a))) < _WELL_CONDITIONED)
    if well_conditioned:
        # d(det(a) inv(a).T) = tr(inv(a) t) cof(a) - cof(a) t.T inv(a).T
        cofactor, inv_t = cofactor_p(a), _inv_transposed(a)
        return cofactor * _expand2(_sum(inv_t * t, (-2, -1))) - matmul(
            cofactor, matmul(_swap_last(t), inv_t))
    # any rank: d cof_ij = (-1)^(i+j) sum(cof(M_ij(a)) * M_ij(t)), M_ij the minors
    signs = (-1.0) ** np.add.outer(np.arange(n), np.arange(n))
    return signs * _sum(cofactor_p(_minors(a)) * _minors(t), (-2, -1))


# Beyond this condition number the inverse's rounding would show in det's second
# derivative, and the minors (exact at every rank, O(n^4) memory) are used instead.
_WELL_CONDITIONED = 1e7

cofactor_p = primitive("linalg.cofactor", _cofactor_impl)
cofactor_p.def_vjp(lambda g, ans, a: _cofactor_change(g, a))
cofactor_p.def_jvp(lambda t, ans, a: _cofactor_change(t, a))
cofactor_p.def_batch(stacked_batch(cofactor_p))

det_p = primitive("linalg.det", np.linalg.det)
det_p.def_vjp(lambda g, ans, a: _expand2(g) * cofactor_p(a))
det_p.def_jvp(lambda t, ans, a: _sum(cofactor_p(a) * t, (-2, -1)))
det_p.def_batch(stacked_batch(det_p))


@handles(np.linalg.det)
def det(a):
    """``np.linalg.det``; its gradient is the cofactor matrix ``adj(a).T`` (``det(a) *
    inv(a).T`` where ``a`` is invertible), at singular matrices too, to every order.

    >>> cr.grad(det)(np.array([[1.0, 2.0], [2.0, 4.0]]))
    array([[ 4., -2.],
           [-2.,  1.]])
    """
    return det_p(a)


def _nonsingular(ans):
    if np.any(base_value(ans[0]) == 0):
        raise np.linalg.LinAlgError(
            "numpy.linalg.slogdet of a singular matrix (sign 0, logabsdet -inf) has no "
            "derivative: log|det a| tends to -inf there and its gradient inv(a).T does not "
            "exist.\n  Differentiate np.linalg.det(a) instead (its gradient, the cofactor "
            "matrix, exists at every matrix), or move a off the singular set "
            "(a + eps * np.eye(n)).")


def _slogdet_vjp(g, ans, a):
    g_logabsdet = g[1]
    if g_logabsdet is None:
        return (None,)
    _nonsingular(ans)
    return (_expand2(_real(g_logabsdet)) * _inv_transposed(a),)


def _slogdet_jvp(tangents, ans, a):
    _nonsingular(ans)
    return None, _real(_sum(_inv_transposed(a) * tangents[0], (-2, -1)))


slogdet_p = primitive("linalg.slogdet", lambda a: tuple(np.linalg.slogdet(a)),
                      multiple_results=True)
slogdet_p.def_vjp_joint(_slogdet_vjp)
slogdet_p.def_jvp_joint(_slogdet_jvp)
slogdet_p.def_batch(stacked_batch(slogdet_p))


def _real(x):  # log|det| is real: only the real part of a complex tangent counts
    return np.real(x) if np.issubdtype(dtype_of(x), np.complexfloating) else x


@handles(np.linalg.slogdet)
def slogdet(a):
    """``np.linalg.slogdet``: ``(sign, logabsdet)``; the sign is a plain array (for
    real ``a`` it has no derivative; a complex sign is left undifferentiated too),
    ``logabsdet`` is differentiable.

    >>> sign, logabsdet = slogdet(np.array([[-2.0, 0.0], [0.0, 1.0]]))
    >>> float(sign), round(float(logabsdet), 6)
    (-1.0, 0.693147)
    """
    sign, logabsdet = slogdet_p(a)
    # under vmap each member has its sign: it stays a batched value (still without derivative)
    return SlogdetResult(sign if is_batched(sign) else base_value(sign), logabsdet)
