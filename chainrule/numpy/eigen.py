"""``np.linalg.eig`` and ``eigvals``: eigenvalues and eigenvectors of general (real or
complex, non-symmetric) matrices, batched as NumPy batches them.

The rules follow JAX's ``eig_jvp_rule`` (Giles 2008, eqs. 4.60 and 4.63 of
Magnus & Neudecker's method): with ``A V = V diag(w)`` and ``X = V^-1 dA V``,

    dw = diag(X)
    dV = V (F * X) - V diag(diag(V^H V (F * X)))     F[i, j] = 1 / (w[j] - w[i]), 0 on i = j

The second term keeps each eigenvector at unit norm with no change of phase
(``v^H dv = 0``). NumPy's eigenvectors are unit vectors defined up to a
complex phase, so only quantities free of it have derivatives that agree with
NumPy's values: eigenvalues, ``abs(v)``, projectors ``v v^H / (v^H v)``,
``A v - w v``. The eigenvector rules need distinct eigenvalues; the
eigenvalues' rules need a diagonalizable matrix (``V`` invertible), so
eigenvalue-only functions stay finite at repeated eigenvalues of a
diagonalizable matrix (the identity, say).

The reverse rules are the transposes of those under JAX's pairing
``Re(sum(a * b))``: no conjugates beyond the normalisation's.

>>> w = cr.grad(lambda m: np.real(np.linalg.eigvals(m)).sum())(np.array([[1.0, 2.0], [0.0, 3.0]]))
>>> w.round(12)
array([[1., 0.],
       [0., 1.]])
"""

from __future__ import annotations

from typing import Any

import numpy as np
try:  # NumPy's own result type, as NumPy 2 keeps it
    from numpy.linalg._linalg import EigResult
except ImportError:  # and as NumPy 1.x does
    from numpy.linalg.linalg import EigResult  # type: ignore[import-not-found, no-redef]

from .batching import stacked_batch
from .complex_numbers import real
from .decompositions import _conj, _diag_embed, _diagonal, _is_complex
from .products import _reshape, _sum, _swap_last, matmul
from .solve import solve_p
from .wrap import dtype_of, handles, primitive, shape_of


def _row(w):  # (..., n) -> (..., 1, n)
    return _reshape(w, shape_of(w)[:-1] + (1, shape_of(w)[-1]))


def _gaps_inverse(w):
    """``F[i, j] = 1 / (w[j] - w[i])`` off the diagonal, 0 on it (as JAX's ``Fmat``)."""
    n = shape_of(w)[-1]
    eye = np.eye(n, dtype=dtype_of(w))
    gaps = _row(w) - _reshape(w, shape_of(w) + (1,))
    return 1.0 / (gaps + eye) - eye


def _cotangent_of(a, ct):  # a real matrix's cotangent is real
    return ct if _is_complex(a) or not _is_complex(ct) else real(ct)


def _eig_jvp(tangents, ans, a):
    w, v = ans
    rotated = matmul(solve_p(v, tangents[0]), v)  # X = V^-1 dA V
    du = matmul(v, _gaps_inverse(w) * rotated)
    dv = du - v * _sum(_conj(v) * du, -2, keepdims=True)
    return _diagonal(rotated), dv


def _eig_vjp(g, ans, a):
    w, v = ans
    gw, gv = g
    middle = None if gw is None else _diag_embed(gw)
    if gv is not None:
        # the transpose of dv = du - v diag(v^H du), then of du = V (F * X)
        g_du = gv - _conj(v) * _sum(gv * v, -2, keepdims=True)
        part = _gaps_inverse(w) * matmul(_swap_last(v), g_du)
        middle = part if middle is None else middle + part
    # the transpose of X = V^-1 dA V: V^-T middle V^T
    v_t = _swap_last(v)
    return (_cotangent_of(a, solve_p(v_t, matmul(middle, v_t))),)


eig_p = primitive("linalg.eig", lambda a: tuple(np.linalg.eig(a)), multiple_results=True)
eig_p.def_vjp_joint(_eig_vjp)
eig_p.def_jvp_joint(_eig_jvp)
eig_p.def_batch(stacked_batch(eig_p))


@handles(np.linalg.eig)
def eig(a: Any) -> EigResult:
    """``np.linalg.eig``: ``(eigenvalues, eigenvectors)`` of a square matrix (a batch of
    them); complex where NumPy's are. Eigenvectors are unit columns defined up to a
    phase: differentiate phase-free quantities (see the module's note).

    >>> eig(np.array([[2.0, 0.0], [0.0, 1.0]])).eigenvalues
    array([2., 1.])
    """
    w, v = eig_p(a)
    return EigResult(w, v)


# The eigenvalues alone: the value is eig's (the same LAPACK call, so the order of the
# eigenvalues matches the eigenvectors the rules use); only V^-1 dA V's diagonal.

def _eigvals_jvp(t, ans, a):
    w, v = eig_p(a)
    return _sum(solve_p(v, t) * _swap_last(v), -1)


def _eigvals_vjp(g, ans, a):
    w, v = eig_p(a)
    v_t = _swap_last(v)
    return _cotangent_of(a, solve_p(v_t, _reshape(g, shape_of(g) + (1,)) * v_t))


eigvals_p = primitive("linalg.eigvals", lambda a: np.linalg.eig(a)[0])
eigvals_p.def_vjp(_eigvals_vjp)
eigvals_p.def_jvp(_eigvals_jvp)
eigvals_p.def_batch(stacked_batch(eigvals_p))


@handles(np.linalg.eigvals)
def eigvals(a: Any) -> Any:
    """``np.linalg.eigvals``: the eigenvalues of a square matrix (a batch of them),
    complex where NumPy's are. Differentiable wherever the matrix is
    diagonalizable, repeated eigenvalues included.

    >>> eigvals(np.array([[2.0, 0.0], [0.0, 1.0]]))
    array([2., 1.])
    """
    return eigvals_p(a)
