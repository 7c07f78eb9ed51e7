"""``numpy.linalg`` decompositions: cholesky, eigh, eigvalsh, svd, svdvals, pinv.

Each rule holds where the decomposition is smooth: distinct eigenvalues or
singular values, constant rank. Cholesky and eigh read one triangle of their
input, as NumPy does. eigh's derivatives are those of that function (the
gradient flows into the triangle ``UPLO`` names); cholesky's are those of the
symmetric (Hermitian) matrix (the perturbation is symmetrized), as in JAX.
cholesky, svd, svdvals, pinv, eigh and eigvalsh take real and complex
matrices.

Complex reverse rules are written as the literature writes them, in the
conjugate convention (the gradient ``G`` with ``d loss = Re tr(G^H dA)``), and
turned into JAX's (``conj(G)``) by ``_conjugate_convention``.
"""

from __future__ import annotations

import numpy as np
try:  # NumPy's own result types, as NumPy 2 keeps them
    from numpy.linalg._linalg import EighResult, SVDResult
except ImportError:  # and as NumPy 1.x does
    from numpy.linalg.linalg import EighResult, SVDResult  # type: ignore[import-not-found, no-redef]

from .batching import stacked_batch
from .complex_numbers import conj, imag, real
from .elementwise import astype
from .joining import concatenate
from .products import _reshape, _sum, _swap_last, einsum, matmul
from .solve import solve_p
from .wrap import dtype_of, handles, primitive, shape_of, since_numpy, since_numpy_2_keywords


def _col(x):  # (..., n) -> (..., n, 1)
    return _reshape(x, shape_of(x) + (1,))


def _solve(a, b):
    return solve_p(a, b)


def _is_complex(x) -> bool:
    return np.issubdtype(dtype_of(x), np.complexfloating)


def _conj(x):  # None (a symbolic zero) and real arrays pass through
    return conj(x) if x is not None and _is_complex(x) else x


def _herm(x):  # the conjugate transpose of the last two axes
    return _conj(_swap_last(x))


def _sym_h(x):
    return 0.5 * (x + _herm(x))


def _real_part(g):
    # The cotangent of a real output (singular values) may arrive complex, from a
    # product with complex numbers; only its real part pairs with a real tangent.
    return real(g) if _is_complex(g) else g


def _conjugate_convention(rule):
    """A reverse rule written in the conjugate convention, as JAX's: ``conj(rule(conj(g)))``.

    ``g`` may be a tuple (joint rules) with None for symbolic zeros; for real
    input both conventions agree and nothing is conjugated.
    """
    def jax_convention(g, ans, a, **params):
        if not _is_complex(a):
            return rule(g, ans, a, **params)
        g = tuple(_conj(part) for part in g) if isinstance(g, (tuple, list)) else _conj(g)
        result = rule(g, ans, a, **params)
        return tuple(_conj(part) for part in result) if isinstance(result, (tuple, list)) else (
            _conj(result))

    return jax_convention


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
    # Murray (2016), conjugate convention: sym(L^-H Phi(L^H g) L^-1)
    lower_h = _herm(ans)
    phi = matmul(lower_h, g) * _lower_half_mask(shape_of(ans)[-1], ans)
    left = _solve(lower_h, phi)
    return _sym_h(_herm(_solve(lower_h, _herm(left))))


def _cholesky_jvp(t, ans, a):
    # dL = L Phi(L^-1 sym(dA) L^-H)
    left = _solve(ans, _sym_h(t))
    middle = _herm(_solve(ans, _herm(left)))
    return matmul(ans, middle * _lower_half_mask(shape_of(ans)[-1], ans))


cholesky_p = primitive("linalg.cholesky", np.linalg.cholesky)
cholesky_p.def_vjp(_conjugate_convention(_cholesky_vjp))
cholesky_p.def_jvp(_cholesky_jvp)
cholesky_p.def_batch(stacked_batch(cholesky_p))


@handles(np.linalg.cholesky)
def cholesky(a, /, *, upper=False):
    """``np.linalg.cholesky``: ``L`` lower triangular with ``L @ L^H == a`` (or ``L^H``
    with ``upper=True``). The derivative is taken for Hermitian ``a``.

    >>> cholesky(np.array([[4.0, 2.0], [2.0, 2.0]]))
    array([[2., 0.],
           [1., 1.]])
    """
    since_numpy_2_keywords("cholesky", upper=upper or None)
    lower = cholesky_p(a)
    return _herm(lower) if upper else lower


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
    # eigh reads the Hermitian S = T + T^H - diag(T) (the diagonal's real part) from the
    # triangle T that UPLO names. In the conjugate convention (see _conjugate_convention),
    # with M the gradient of S's entries (V middle V^H), T's is M + M^H off the diagonal,
    # Re M on it, and the other triangle's is 0: the gradient of the function NumPy
    # evaluates. For real matrices this is M + M^T and M.
    w, v = ans
    gw, gv = g
    middle = None if gw is None else _diag_embed(_real_part(gw))
    if gv is not None:
        rotated = _eigh_f(w) * matmul(_herm(v), gv)
        middle = rotated if middle is None else middle + rotated
    m = matmul(v, matmul(middle, _herm(v)))
    n = shape_of(a)[-1]
    return ((m + _herm(m)) * _strict_triangle(n, m, UPLO) + _real_part(m) * _eye(n, m),)


def _eigh_jvp(tangents, ans, a, UPLO):
    # the change of S = T + T^H - diag(T) (see _eigh_vjp) along the tangent of a
    w, v = ans
    t = tangents[0]
    n = shape_of(a)[-1]
    strict = t * _strict_triangle(n, t, UPLO)
    hermitian = strict + _herm(strict) + _real_part(t) * _eye(n, t)
    rotated = matmul(_herm(v), matmul(hermitian, v))
    return _real_part(_diagonal(rotated)), matmul(v, _eigh_f(w) * rotated)


eigh_p = primitive("linalg.eigh", lambda a, UPLO: tuple(np.linalg.eigh(a, UPLO)),
                   multiple_results=True)
eigh_p.def_vjp_joint(_conjugate_convention(_eigh_vjp))
eigh_p.def_jvp_joint(_eigh_jvp)
eigh_p.def_batch(stacked_batch(eigh_p))


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
    # for constant rank (Golub & Pereyra 1973), conjugate convention, with X = pinv(a):
    # -X^H g X^H + (I - a X) g^H X X^H + X^H X g^H (I - X a)
    x, x_h, g_h = ans, _herm(ans), _herm(g)
    gxx = matmul(g_h, matmul(x, x_h))
    xxg = matmul(matmul(x_h, x), g_h)
    return (-matmul(x_h, matmul(g, x_h)) + gxx - matmul(a, matmul(x, gxx))
            + xxg - matmul(matmul(xxg, x), a))


def _pinv_jvp(t, ans, a, rcond, rtol, hermitian):
    # -X t X + X X^H t^H (I - a X) + (I - X a) t^H X^H X
    x, x_h, t_h = ans, _herm(ans), _herm(t)
    xxt = matmul(matmul(x, x_h), t_h)
    txx = matmul(t_h, matmul(x_h, x))
    return (-matmul(x, matmul(t, x)) + xxt - matmul(matmul(xxt, a), x)
            + txx - matmul(x, matmul(a, txx)))


pinv_p = primitive("linalg.pinv", _pinv_impl)
pinv_p.def_vjp(_conjugate_convention(_pinv_vjp))
pinv_p.def_jvp(_pinv_jvp)
pinv_p.def_batch(stacked_batch(pinv_p))


@handles(np.linalg.pinv)
def pinv(a, rcond=None, hermitian=False, *, rtol=np._NoValue):
    """``np.linalg.pinv``: the pseudo-inverse; differentiable where the rank is constant.

    >>> pinv(np.array([[2.0], [0.0]]))
    array([[0.5, 0. ]])
    """
    since_numpy_2_keywords("pinv", rtol=rtol)
    return pinv_p(a, rcond=rcond, rtol=rtol, hermitian=hermitian)


# -- svd ------------------------------------------------------------------------------
# The rules below work on the leading k = min(m, n) singular vectors. With
# full_matrices=True a non-square matrix has more: an orthonormal basis Q2 of the
# complement of the leading ones U1, which is not unique. Its derivative is taken
# as the one that turns Q2 with U1 and not within itself, dQ2 = -U1 dU1^H Q2: Q2
# stays orthonormal and orthogonal to U1, and everything that depends on Q2 only
# through the subspace it spans (Q2 Q2^H = I - U1 U1^H) gets its true derivative.


def _svd_f(s):
    """``F[i, j] = 1 / (s[j]**2 - s[i]**2)`` off the diagonal, 0 on it."""
    return _eigh_f(s * s)


def _row(s):  # (..., k) -> (..., 1, k)
    return _reshape(s, shape_of(s)[:-1] + (1, shape_of(s)[-1]))


def _inverse_or_zero(s):  # 1/s, and 0 where s is 0 (a phase that nothing fixes)
    zero = astype(s == 0, dtype_of(s))  # traced (without derivative): each member's zeros
    return 1.0 / (s + zero) - zero


def _complement_tangent(lead, extra, lead_tangent):
    """``dQ2 = -Q1 dQ1^H Q2``: the extra columns turn with the leading ones."""
    return -matmul(lead, matmul(_herm(lead_tangent), extra))


def _complement_cotangent(lead, extra, lead_cotangent, extra_cotangent):
    """The transpose of ``_complement_tangent``, added to the leading columns' cotangent."""
    change = matmul(extra, matmul(_herm(extra_cotangent), lead))
    return -change if lead_cotangent is None else lead_cotangent - change


def _svd_vjp(g, ans, a, full_matrices, hermitian) -> tuple:
    # Townsend (2016), conjugate convention, for distinct nonzero singular values
    u, s, vh = ans
    gu, gs, gvh = g
    m, n, k = *shape_of(a)[-2:], shape_of(s)[-1]
    if shape_of(u)[-1] > k:  # full_matrices: the extra columns of U
        if gu is not None:
            gu = _complement_cotangent(u[..., :k], u[..., k:], gu[..., :k], gu[..., k:])
        u = u[..., :k]
    if shape_of(vh)[-2] > k:  # and the extra rows of Vh
        v = _herm(vh)
        if gvh is not None:
            gv = _herm(gvh)
            gvh = _herm(_complement_cotangent(v[..., :k], v[..., k:], gv[..., :k], gv[..., k:]))
        vh = vh[..., :k, :]
    s_row = _row(s)
    core = None if gs is None else _diag_embed(_real_part(gs))
    extra = None
    if gu is not None:
        uh_gu = matmul(_herm(u), gu)
        core = _add(core, _svd_f(s) * (uh_gu - _herm(uh_gu)) * s_row)
        if _is_complex(a):  # the phase of each singular pair, which the tangent puts in U
            core = core + _diag_embed(1j * imag(_diagonal(uh_gu)) * _inverse_or_zero(s))
        if m > k:
            extra = matmul((gu - matmul(u, uh_gu)) / s_row, vh)
    if gvh is not None:
        vh_gv = matmul(vh, _herm(gvh))
        core = _add(core, _col(s) * (_svd_f(s) * (vh_gv - _herm(vh_gv))))
        if n > k:
            extra = _add(extra, matmul(u / s_row, gvh - matmul(_herm(vh_gv), vh)))
    result = None if core is None else matmul(u, matmul(core, vh))
    return (_add(result, extra),)


def _svd_jvp(tangents, ans, a, full_matrices, hermitian) -> tuple:
    # as JAX's: the phase of each pair (u_i, v_i) changes with u_i only
    u_full, s, vh_full = ans
    t = tangents[0]
    m, n, k = *shape_of(a)[-2:], shape_of(s)[-1]
    u, vh = u_full[..., :k], vh_full[..., :k, :]
    v, s_row, f = _herm(vh), _row(s), _svd_f(s)
    t_v = matmul(t, v)
    rotated = matmul(_herm(u), t_v)
    rotated_s = rotated * s_row
    s_rotated = _col(s) * rotated
    u_core = f * (rotated_s + _herm(rotated_s))
    if _is_complex(a):
        u_core = u_core + _diag_embed(1j * imag(_diagonal(rotated)) * _inverse_or_zero(s))
    du = matmul(u, u_core)
    dv = matmul(v, f * (s_rotated + _herm(s_rotated)))
    if m > k:
        du = du + (t_v - matmul(u, rotated)) / s_row
    if n > k:
        t_u = matmul(_herm(t), u)
        dv = dv + (t_u - matmul(v, matmul(vh, t_u))) / s_row
    if shape_of(u_full)[-1] > k:
        du = concatenate([du, _complement_tangent(u, u_full[..., k:], du)], axis=-1)
    if shape_of(vh_full)[-2] > k:
        dv = concatenate([dv, _complement_tangent(v, _herm(vh_full[..., k:, :]), dv)], axis=-1)
    return du, real(_diagonal(rotated)), _herm(dv)


def _add(x, y):
    return y if x is None else x if y is None else x + y


svd_p = primitive("linalg.svd", lambda a, full_matrices, hermitian: tuple(
    np.linalg.svd(a, full_matrices=full_matrices, hermitian=hermitian)), multiple_results=True)
svd_p.def_vjp_joint(_conjugate_convention(_svd_vjp))
svd_p.def_jvp_joint(_svd_jvp)
svd_p.def_batch(stacked_batch(svd_p))


def _svdvals_vjp(g, ans, a, hermitian):
    u, s, vh = svd_p(a, full_matrices=False, hermitian=hermitian)
    return matmul(u * _row(_real_part(g)), vh)


def _svdvals_jvp(t, ans, a, hermitian):
    u, s, vh = svd_p(a, full_matrices=False, hermitian=hermitian)
    return real(_sum(_conj(u) * matmul(t, _herm(vh)), -2))


svdvals_p = primitive("linalg.svdvals", lambda a, hermitian: np.linalg.svd(
    a, compute_uv=False, hermitian=hermitian))
svdvals_p.def_vjp(_conjugate_convention(_svdvals_vjp))
svdvals_p.def_jvp(_svdvals_jvp)
svdvals_p.def_batch(stacked_batch(svdvals_p))


@handles(np.linalg.svd)
def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """``np.linalg.svd``: ``(U, S, Vh)``, or the singular values alone.

    Derivatives need distinct nonzero singular values (the singular values
    alone need neither). Singular vectors are defined up to a sign (a phase for
    complex ``a``): differentiate quantities free of it, such as ``s``,
    ``U[:, i:i+1] @ Vh[i:i+1]`` or ``abs(U)``. With ``full_matrices=True`` the
    extra columns of U (rows of Vh) of a non-square matrix are not unique: their
    derivative is the one that turns them with the leading ones,
    ``dU2 = -U1 dU1^H U2``, exact for ``U2 @ U2^H`` (see docs/numpy.md).

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
