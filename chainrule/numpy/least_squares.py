"""QR and least squares: ``np.linalg.qr`` (every mode) and ``np.linalg.lstsq``.

QR follows JAX's rule (Townsend's note on the QR derivative), for real and
complex matrices, batched: with ``C = Q^H dA R^-1``, ``dR = U(C) R`` and
``dQ = dA R^-1 - Q U(C)``, where ``U(C)`` is the upper triangle of ``C`` plus the
conjugate transpose of its strict lower one (the diagonal's real part), which
keeps ``R``'s diagonal real as LAPACK's is. NumPy's Q and R are unique for
a full-rank matrix (LAPACK fixes the signs), so they are differentiated
directly. A wide matrix ``[A1 A2]`` is ``Q [R1 R2]`` with ``Q R1`` the QR of the
square ``A1`` and ``R2 = Q^H A2``. In ``mode='complete'`` the extra columns Q2
of a tall matrix are not unique: they turn with the leading columns
(``dQ2 = -Q1 dQ1^H Q2``, as svd's), so Q stays unitary and ``Q2 Q2^H`` gets its
true derivative; the zero rows of R stay zero.

``lstsq``'s solution is ``pinv(a) @ b`` with lstsq's own cutoff, and is
differentiated as that (constant rank); its residuals are computed from it.
Reverse rules are written in the conjugate convention and turned into JAX's as
in ``decompositions.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
try:  # NumPy's own result type, as NumPy 2 keeps it
    from numpy.linalg._linalg import QRResult
except ImportError:  # and as NumPy 1.x does
    from numpy.linalg.linalg import QRResult  # type: ignore[import-not-found, no-redef]

from ..core import base_value
from ..core.batching import is_batched
from . import reductions
from .batching import stacked_batch
from .complex_numbers import conj, real
from .decompositions import (
    _complement_cotangent,
    _complement_tangent,
    _conjugate_convention,
    _diag_embed,
    _diagonal,
    _herm,
    _is_complex,
    _pinv_jvp,
    _pinv_vjp,
    _real_part,
    pinv_p,
    svdvals_p,
)
from .elementwise import astype
from .joining import concatenate
from .manipulation import tril, triu
from .products import _array, _matmul_batch, _sum, _swap_last, matmul
from .solve import solve_p
from .wrap import NUMPY_2, dtype_of, handles, primitive, shape_of


def _add(x, y):
    return y if x is None else x if y is None else x + y


def _right_solve(x, r):  # x R^-1, as (R^-H x^H)^H
    return _herm(solve_p(_herm(r), _herm(x)))


def _upper_part(c):
    """``U(C)``: strict upper triangle, plus the strict lower one conjugate-transposed,
    plus the real part of the diagonal."""
    return triu(c, 1) + _herm(tril(c, -1)) + _diag_embed(_real_part(_diagonal(c)))


def _upper_part_transpose(m):
    """The transpose of ``U`` (conjugate convention): a Hermitian matrix from M's upper
    triangle and the real part of its diagonal."""
    upper = triu(m, 1)
    return upper + _herm(upper) + _diag_embed(_real_part(_diagonal(m)))


def _qr_tall_jvp(q, r, t):  # m >= n, reduced: (dQ, dR)
    t_rinv = _right_solve(t, r)
    upper = _upper_part(matmul(_herm(q), t_rinv))
    return t_rinv - matmul(q, upper), matmul(upper, r)


def _qr_tall_vjp(gq, gr, q, r):  # its transpose: (gQ + Q U*(gR R^H - Q^H gQ)) R^-H
    middle = None if gr is None else matmul(gr, _herm(r))
    if gq is not None:
        middle = _add(middle, -matmul(_herm(q), gq))
    base = _add(gq, matmul(q, _upper_part_transpose(middle)))
    return _right_solve(base, _herm(r))


def _qr_jvp(tangents, ans, a, complete):
    q, r = ans
    t = tangents[0]
    m, n = shape_of(a)[-2:]
    if m < n:  # Q R1 = A1, R2 = Q^H A2
        dq, dr1 = _qr_tall_jvp(q, r[..., :m], t[..., :m])
        dr2 = matmul(_herm(dq), a[..., m:]) + matmul(_herm(q), t[..., m:])
        return dq, concatenate([dr1, dr2], axis=-1)
    if shape_of(q)[-1] > n:  # complete: Q2 turns with Q1, R's zero rows stay
        q1 = q[..., :n]
        dq1, dr1 = _qr_tall_jvp(q1, r[..., :n, :], t)
        dq = concatenate([dq1, _complement_tangent(q1, q[..., n:], dq1)], axis=-1)
        zeros = np.zeros(shape_of(r)[:-2] + (m - n, n), dtype=dtype_of(r))
        return dq, concatenate([dr1, zeros], axis=-2)
    return _qr_tall_jvp(q, r, t)


def _qr_vjp(g, ans, a, complete):
    q, r = ans
    gq, gr = g
    m, n = shape_of(a)[-2:]
    if m < n:
        g_a2 = None
        gr1 = None if gr is None else gr[..., :m]
        if gr is not None:
            gr2 = gr[..., m:]
            gq = _add(gq, matmul(a[..., m:], _herm(gr2)))
            g_a2 = matmul(q, gr2)
        g_a1 = _qr_tall_vjp(gq, gr1, q, r[..., :m])
        if g_a2 is None:
            g_a2 = np.zeros(shape_of(a)[:-1] + (n - m,), dtype=dtype_of(g_a1))
        return (concatenate([g_a1, g_a2], axis=-1),)
    if shape_of(q)[-1] > n:
        q1 = q[..., :n]
        if gq is not None:
            gq = _complement_cotangent(q1, q[..., n:], gq[..., :n], gq[..., n:])
        q, r, gr = q1, r[..., :n, :], None if gr is None else gr[..., :n, :]
    return (_qr_tall_vjp(gq, gr, q, r),)


qr_p = primitive("linalg.qr", lambda a, complete: tuple(
    np.linalg.qr(a, mode="complete" if complete else "reduced")), multiple_results=True)
qr_p.def_vjp_joint(_conjugate_convention(_qr_vjp))
qr_p.def_jvp_joint(_qr_jvp)
qr_p.def_batch(stacked_batch(qr_p))


@handles(np.linalg.qr)
def qr(a: Any, mode: str = "reduced") -> Any:
    """``np.linalg.qr``: ``(Q, R)`` with ``mode='reduced'`` or ``'complete'``, ``R`` alone
    with ``mode='r'``; differentiable for full-rank matrices, tall or wide, real or
    complex, batched. ``mode='raw'`` (Householder reflectors) has no derivative.

    >>> qr(np.array([[3.0, 1.0], [4.0, 2.0]]), mode="r")
    array([[-5. , -2.2],
           [ 0. ,  0.4]])
    """
    if mode == "raw":
        raise NotImplementedError(
            "np.linalg.qr(a, mode='raw') on traced values: chainrule has no derivative for "
            "the Householder reflectors.\n  Use np.linalg.qr(a, mode='reduced') (or 'complete') "
            "and differentiate Q and R.")
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"Unrecognized mode '{mode}'")
    q, r = qr_p(a, complete=mode == "complete")
    return r if mode == "r" else QRResult(q, r)


# -- lstsq -----------------------------------------------------------------------------


def _cutoff_ratio(rcond, a, b):
    """lstsq's ``rcond`` as pinv reads it: singular values below ``rcond * s_max`` are zero."""
    common = np.result_type(dtype_of(a), dtype_of(b))
    eps = np.finfo(common if np.issubdtype(common, np.inexact) else np.float64).eps
    if rcond is None:
        return eps * max(shape_of(a)[-2:])
    if isinstance(rcond, str):  # NumPy 1.x's rcond="warn" means -1
        rcond = -1
    return eps if rcond < 0 else rcond  # LAPACK reads a negative rcond as machine precision


def _lstsq_pinv(a, ratio):
    return pinv_p(a, rcond=ratio, rtol=np._NoValue, hermitian=False)


def _real_cotangent(of, ct):  # a real operand's cotangent is real
    return real(ct) if _is_complex(ct) and not _is_complex(of) else ct


def _lstsq_jvp(tangents, ans, a, b, rcond, ratio):
    ta, tb = tangents
    x = _lstsq_pinv(a, ratio)
    result = None
    if ta is not None:
        result = matmul(_pinv_jvp(ta, x, a, rcond=ratio, rtol=np._NoValue, hermitian=False), b)
    if tb is not None:
        result = _add(result, matmul(x, tb))
    return result


_pinv_vjp_jax = _conjugate_convention(_pinv_vjp)


def _lstsq_vjp(g, ans, a, b, rcond, ratio):
    x = _lstsq_pinv(a, ratio)
    vector = len(shape_of(b)) == 1
    g_x = (g[:, None] * b[None, :]) if vector else matmul(g, _swap_last(b))
    ga = _pinv_vjp_jax(g_x, x, a, rcond=ratio, rtol=np._NoValue, hermitian=False)
    gb = matmul(_swap_last(x), g)
    return _real_cotangent(a, ga), _real_cotangent(b, gb)


lstsq_p = primitive("linalg.lstsq", lambda a, b, rcond, ratio: (
    np.linalg.lstsq(a, b) if rcond is np._NoValue else np.linalg.lstsq(a, b, rcond))[0])
lstsq_p.def_vjp_joint(_lstsq_vjp)
lstsq_p.def_jvp_joint(_lstsq_jvp)


def _lstsq_batch(args, batched, rcond, ratio):
    # NumPy's lstsq takes one matrix: the batch goes through the pseudo-inverse (which
    # stacks) with lstsq's cutoff, times each member's b
    (a, b), (a_batched, b_batched) = args, batched
    return _matmul_batch([_lstsq_pinv(a, ratio), b], [a_batched, b_batched])


lstsq_p.def_batch(_lstsq_batch)


@handles(np.linalg.lstsq)
def lstsq(a: Any, b: Any, rcond: Any = np._NoValue) -> tuple:
    """``np.linalg.lstsq``: ``(x, residuals, rank, s)``. The solution, the residuals
    (where NumPy gives them: full column rank and ``m > n``) and the singular values
    are differentiable; the rank is NumPy's integer.

    >>> x, residuals, rank, s = lstsq(np.array([[1.0], [1.0]]), np.array([1.0, 3.0]))
    >>> x, residuals, int(rank)
    (array([2.]), array([2.]), 1)
    """
    a, b = _array(a), _array(b)
    given = () if rcond is np._NoValue else (rcond,)
    if rcond is np._NoValue:
        rcond = None if NUMPY_2 else -1
    ratio = _cutoff_ratio(rcond, a, b)
    x = lstsq_p(a, b, rcond=given[0] if given else np._NoValue, ratio=ratio)
    s = svdvals_p(a, hermitian=False)
    if is_batched(a) or is_batched(b):
        rank, residuals_given, real_dtype = _batched_rank(a, b, s, ratio)
    else:
        _, plain_residuals, rank, plain_s = np.linalg.lstsq(base_value(a), base_value(b), *given)
        residuals_given, real_dtype = shape_of(plain_residuals)[0] != 0, plain_s.dtype
    if not residuals_given:
        residuals = np.zeros(0, real_dtype)
    else:
        change = b - matmul(a, x)
        squares = real(change * conj(change)) if _is_complex(change) else change * change
        residuals = _sum(squares, 0) if len(shape_of(b)) == 2 else _sum(squares, 0, True)
    if dtype_of(s) != real_dtype:
        s = astype(s, real_dtype)
    return x, residuals, rank, s


def _batched_rank(a, b, s, ratio):
    """lstsq's rank of each member (traced, without derivative), whether NumPy gives the
    residuals (full column rank and more rows than columns), and the singular values'
    dtype. The residuals' shape depends on the rank, so it must be one for the batch."""
    m, n = shape_of(a)[-2:]
    largest = reductions.max(s, axis=-1, keepdims=True, initial=0.0)
    rank = astype(reductions.sum(s > ratio * largest, axis=-1), np.int32)
    full = base_value(rank) == n  # every member of the batch, plain
    if m > n and np.any(full) and not np.all(full):
        raise np.linalg.LinAlgError(
            "np.linalg.lstsq under vmap: some members of the batch have full column rank and "
            "some not, so NumPy's residuals would have different shapes. Compute them "
            "yourself: x = np.linalg.lstsq(a, b)[0]; np.sum(np.abs(b - a @ x) ** 2, axis=0).")
    real_dtype = np.finfo(np.result_type(dtype_of(a), dtype_of(b), np.float32)).dtype
    return rank, bool(m > n and np.all(full)), real_dtype
