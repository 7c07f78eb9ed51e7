"""``numpy.linalg`` decompositions: cholesky, eigh, eigvalsh, svd, svdvals, pinv.

Each rule holds where the decomposition is smooth: distinct eigenvalues or
singular values, constant rank. Cholesky and eigh read one triangle of their
input, as NumPy does. eigh's derivatives are those of that function (the
gradient flows into the triangle ``UPLO`` names); cholesky's are those of the
symmetric matrix (the perturbation is symmetrized), as in JAX. Real inputs.
"""

from __future__ import annotations

import numpy as np
try:  # NumPy's own result types, as NumPy 2 keeps them
    from numpy.linalg._linalg import EighResult, SVDResult
except ImportError:  # and as NumPy 1.x does
    from numpy.linalg.linalg import EighResult, SVDResult

from .products import _reshape, _sum, _swap_last, einsum, matmul
from .solve import solve_p
from .wrap import dtype_of, handles, primitive, shape_of, since_numpy, since_numpy_2_keywords


def _col(x):  # (..., n) -> (..., n, 1)
    return _reshape(x, shape_of(x) + (1,))


def _solve(a, b):
    return solve_p(a, b)


def _real_only(rule):
    """The rule, refusing complex input: the Hermitian rules need conjugates."""
    def checked(first, ans, a, **params):
        if np.issubdtype(dtype_of(a), np.complexfloating):
            raise NotImplementedError(
                "chainrule differentiates cholesky, eigh, svd and pinv of real matrices "
                "only; the complex (Hermitian) rules are not written yet.")
        return rule(first, ans, a, **params)

    return checked


def _sym(x):
    return 0.5 * (x + _swap_last(x))


def _eye(n, like):
    return np.eye(n, dtype=dtype_of(like))


def _diagonal(x):  # (..., n, n) -> (..., n)
    return einsum("...ii->...i", x)


def _diag_embed(d):  # (..., n) -> (..., n, n)
    n = shape_of(d)[-1]
    return _reshape(d, shape_of(d)[:-1] + (1, n)) * _eye(n, d)


def _lower_half_mask(n, like):  # the lower triangle, with the diagonal halved
    return np.tril(np.ones((n, n), dtype=dtype_of(like)), -1) + 0.5 * _eye(n, like)


def _cholesky_vjp(g, ans, a):
    # Murray (2016): sym(L^-T Phi(L^T g) L^-1)
    lower_t = _swap_last(ans)
    phi = matmul(lower_t, g) * _lower_half_mask(shape_of(ans)[-1], ans)
    left = _solve(lower_t, phi)
    return _sym(_swap_last(_solve(lower_t, _swap_last(left))))


def _cholesky_jvp(t, ans, a):
    # dL = L Phi(L^-1 sym(dA) L^-T)
    left = _solve(ans, _sym(t))
    middle = _swap_last(_solve(ans, _swap_last(left)))
    return matmul(ans, middle * _lower_half_mask(shape_of(ans)[-1], ans))


cholesky_p = primitive("linalg.cholesky", np.linalg.cholesky)
cholesky_p.def_vjp(_real_only(_cholesky_vjp))
cholesky_p.def_jvp(_real_only(_cholesky_jvp))


@handles(np.linalg.cholesky)
def cholesky(a, /, *, upper=False):
    """``np.linalg.cholesky``: ``L`` lower triangular with ``L @ L.T == a`` (or its
    transpose with ``upper=True``). The derivative is taken for symmetric ``a``.

    >>> cholesky(np.array([[4.0, 2.0], [2.0, 2.0]]))
    array([[2., 0.],
           [1., 1.]])
    """
    since_numpy_2_keywords("cholesky", upper=upper or None)
    lower = cholesky_p(a)
    return _swap_last(lower) if upper else lower


def _eigh_f(w):
    """``F[i, j] = 1 / (w[j] - w[i])`` off the diagonal, 0 on it."""
    n = shape_of(w)[-1]
    eye = _eye(n, w)
    gaps = _reshape(w, shape_of(w)[:-1] + (1, n)) - _col(w)
    return (1.0 - eye) / (gaps + eye)


def _strict_triangle(n, like, UPLO):
    """The mask of the triangle ``UPLO`` names, without the diagonal."""
    ones = np.ones((n, n), dtype=dtype_of(like))
    return np.tril(ones, -1) if UPLO.upper() == "L" else np.triu(ones, 1)


def _eigh_vjp(g, ans, a, UPLO):
    # eigh reads S = T + T.T - diag(T) from the triangle T that UPLO names; with M the
    # cotangent of S's entries (V middle V^T), T's is M + M.T off the diagonal, M on it,
    # and the other triangle's is 0: the gradient of the function NumPy evaluates.
    w, v = ans
    gw, gv = g
    middle = None if gw is None else _diag_embed(gw)
    if gv is not None:
        rotated = _eigh_f(w) * matmul(_swap_last(v), gv)
        middle = rotated if middle is None else middle + rotated
    m = matmul(v, matmul(middle, _swap_last(v)))
    n = shape_of(a)[-1]
    return ((m + _swap_last(m)) * _strict_triangle(n, m, UPLO) + m * _eye(n, m),)


def _eigh_jvp(tangents, ans, a, UPLO):
    # the change of S = T + T.T - diag(T) (see _eigh_vjp) along the tangent of a
    w, v = ans
    t = tangents[0]
    n = shape_of(a)[-1]
    strict = t * _strict_triangle(n, t, UPLO)
    symmetric = strict + _swap_last(strict) + t * _eye(n, t)
    rotated = matmul(_swap_last(v), matmul(symmetric, v))
    return _diagonal(rotated), matmul(v, _eigh_f(w) * rotated)


eigh_p = primitive("linalg.eigh", lambda a, UPLO: tuple(np.linalg.eigh(a, UPLO)),
                   multiple_results=True)
eigh_p.def_vjp_joint(_real_only(_eigh_vjp))
eigh_p.def_jvp_joint(_real_only(_eigh_jvp))


@handles(np.linalg.eigh)
def eigh(a, UPLO="L"):
    """``np.linalg.eigh``: ``(eigenvalues, eigenvectors)`` of the symmetric matrix that
    the triangle ``UPLO`` names ("L": the lower, NumPy's default).

    As NumPy, it reads only that triangle, and its derivatives are those of the
    function NumPy evaluates: the other triangle's gradient is 0, and the
    diagonal's counts once. They need distinct eigenvalues (eigenvectors are
    defined up to sign: differentiate sign-free quantities).

    >>> eigh(np.array([[2.0, 0.0], [0.0, 1.0]])).eigenvalues
    array([1., 2.])
    """
    w, v = eigh_p(a, UPLO=UPLO)
    return EighResult(w, v)


@handles(np.linalg.eigvalsh)
def eigvalsh(a, UPLO="L"):
    """``np.linalg.eigvalsh``: the eigenvalues of the symmetric matrix the triangle
    ``UPLO`` names, ascending; differentiable in that triangle (see ``eigh``).

    >>> eigvalsh(np.array([[2.0, 0.0], [0.0, 1.0]]))
    array([1., 2.])
    """
    return eigh(a, UPLO)[0]


def _pinv_impl(a, rcond, rtol, hermitian):
    # only what was given: NumPy 1.x has no rtol, and its rcond defaults to 1e-15, not None
    options = {} if rcond is None else {"rcond": rcond}
    if rtol is not np._NoValue:
        options["rtol"] = rtol  # None: the Array API's default cutoff (NumPy 2)
    return np.linalg.pinv(a, hermitian=hermitian, **options)


def _pinv_vjp(g, ans, a, rcond, rtol, hermitian):
    # for constant rank (Golub & Pereyra 1973), with X = pinv(a):
    # -X^T g X^T + (I - a X) g^T X X^T + X^T X g^T (I - X a)
    x, x_t, g_t = ans, _swap_last(ans), _swap_last(g)
    gxx = matmul(g_t, matmul(x, x_t))
    xxg = matmul(matmul(x_t, x), g_t)
    return (-matmul(x_t, matmul(g, x_t)) + gxx - matmul(a, matmul(x, gxx))
            + xxg - matmul(matmul(xxg, x), a))


def _pinv_jvp(t, ans, a, rcond, rtol, hermitian):
    # -X t X + X X^T t^T (I - a X) + (I - X a) t^T X^T X
    x, x_t, t_t = ans, _swap_last(ans), _swap_last(t)
    xxt = matmul(matmul(x, x_t), t_t)
    txx = matmul(t_t, matmul(x_t, x))
    return (-matmul(x, matmul(t, x)) + xxt - matmul(matmul(xxt, a), x)
            + txx - matmul(x, matmul(a, txx)))


pinv_p = primitive("linalg.pinv", _pinv_impl)
pinv_p.def_vjp(_real_only(_pinv_vjp))
pinv_p.def_jvp(_real_only(_pinv_jvp))


@handles(np.linalg.pinv)
def pinv(a, rcond=None, hermitian=False, *, rtol=np._NoValue):
    """``np.linalg.pinv``: the pseudo-inverse; differentiable where the rank is constant.

    >>> pinv(np.array([[2.0], [0.0]]))
    array([[0.5, 0. ]])
    """
    since_numpy_2_keywords("pinv", rtol=rtol)
    return pinv_p(a, rcond=rcond, rtol=rtol, hermitian=hermitian)


def _svd_f(s):
    """``F[i, j] = 1 / (s[j]**2 - s[i]**2)`` off the diagonal, 0 on it."""
    return _eigh_f(s * s)


def _row(s):  # (..., k) -> (..., 1, k)
    return _reshape(s, shape_of(s)[:-1] + (1, shape_of(s)[-1]))


def _check_reduced(a, u, vh):
    m, n = shape_of(a)[-2:]
    if shape_of(u)[-1] != min(m, n) or shape_of(vh)[-2] != min(m, n):
        raise NotImplementedError(
            "numpy.linalg.svd with full_matrices=True of a non-square matrix has no "
            "derivative: the extra singular vectors are not unique.\n"
            "  Use np.linalg.svd(a, full_matrices=False).")


def _svd_vjp(g, ans, a, full_matrices, hermitian):
    # Townsend (2016), for distinct nonzero singular values
    u, s, vh = ans
    gu, gs, gvh = g
    m, n, k = *shape_of(a)[-2:], shape_of(s)[-1]
    if gu is not None or gvh is not None:
        _check_reduced(a, u, vh)
    elif shape_of(u)[-1] != k or shape_of(vh)[-2] != k:  # full_matrices: S alone is fine
        u, vh = u[..., :k], vh[..., :k, :]
    s_row = _row(s)
    core = None if gs is None else _diag_embed(gs)
    extra = None
    if gu is not None:
        ut_gu = matmul(_swap_last(u), gu)
        core = _add(core, _svd_f(s) * (ut_gu - _swap_last(ut_gu)) * s_row)
        if m > k:
            extra = matmul((gu - matmul(u, ut_gu)) / s_row, vh)
    if gvh is not None:
        gv = _swap_last(gvh)
        vt_gv = matmul(vh, gv)
        core = _add(core, _col(s) * (_svd_f(s) * (vt_gv - _swap_last(vt_gv))))
        if n > k:
            extra = _add(extra, matmul(u / s_row, gvh - matmul(_swap_last(vt_gv), vh)))
    result = None if core is None else matmul(u, matmul(core, vh))
    return (_add(result, extra),)


def _svd_jvp(tangents, ans, a, full_matrices, hermitian):
    u, s, vh = ans
    _check_reduced(a, u, vh)
    t = tangents[0]
    m, n, k = *shape_of(a)[-2:], shape_of(s)[-1]
    v, s_row, f = _swap_last(vh), _row(s), _svd_f(s)
    t_v = matmul(t, v)
    rotated = matmul(_swap_last(u), t_v)
    rotated_s = rotated * s_row
    s_rotated = _col(s) * rotated
    du = matmul(u, f * (rotated_s + _swap_last(rotated_s)))
    dv = matmul(v, f * (s_rotated + _swap_last(s_rotated)))
    if m > k:
        du = du + (t_v - matmul(u, rotated)) / s_row
    if n > k:
        t_u = matmul(_swap_last(t), u)
        dv = dv + (t_u - matmul(v, matmul(vh, t_u))) / s_row
    return du, _diagonal(rotated), _swap_last(dv)


def _add(x, y):
    return y if x is None else x if y is None else x + y


svd_p = primitive("linalg.svd", lambda a, full_matrices, hermitian: tuple(
    np.linalg.svd(a, full_matrices=full_matrices, hermitian=hermitian)), multiple_results=True)
svd_p.def_vjp_joint(_real_only(_svd_vjp))
svd_p.def_jvp_joint(_real_only(_svd_jvp))


def _svdvals_vjp(g, ans, a, hermitian):
    u, s, vh = svd_p(a, full_matrices=False, hermitian=hermitian)
    return matmul(u * _row(g), vh)


def _svdvals_jvp(t, ans, a, hermitian):
    u, s, vh = svd_p(a, full_matrices=False, hermitian=hermitian)
    return _sum(u * matmul(t, _swap_last(vh)), -2)


svdvals_p = primitive("linalg.svdvals", lambda a, hermitian: np.linalg.svd(
    a, compute_uv=False, hermitian=hermitian))
svdvals_p.def_vjp(_real_only(_svdvals_vjp))
svdvals_p.def_jvp(_real_only(_svdvals_jvp))


@handles(np.linalg.svd)
def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """``np.linalg.svd``: ``(U, S, Vh)``, or the singular values alone.

    Derivatives need distinct nonzero singular values, and for a non-square
    matrix ``full_matrices=False`` (singular vectors are defined up to sign:
    differentiate sign-free quantities).

    >>> svd(np.array([[3.0, 0.0], [0.0, -4.0]]), compute_uv=False)
    array([4., 3.])
    """
    if not compute_uv:
        return svdvals_p(a, hermitian=hermitian)
    u, s, vh = svd_p(a, full_matrices=full_matrices, hermitian=hermitian)
    return SVDResult(u, s, vh)


@handles(since_numpy(np.linalg, "svdvals"))
def svdvals(x, /):
    """``np.linalg.svdvals``: the singular values, descending.

    >>> svdvals(np.array([[3.0, 0.0], [0.0, -4.0]]))
    array([4., 3.])
    """
    return svdvals_p(x, hermitian=False)
