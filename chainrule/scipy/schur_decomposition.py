"""``scipy.linalg.schur``, the real Schur form ``a = Z T Z^T``, differentiable in both
modes where ``T`` is triangular (real, distinct eigenvalues).

With ``X = Z^T dA Z`` and ``Omega = Z^T dZ`` antisymmetric, ``dT = X + T Omega -
Omega T`` must stay upper triangular: its strictly lower part, linear in the
``n(n-1)/2`` entries of ``Omega``, is a square linear system. It is built with
``kron`` and solved with ``solve`` on traced values, so the rules differentiate
again.

>>> t, z = schur(np.array([[1.0, 2.0], [0.0, 3.0]]))
>>> np.round(np.diag(t), 6)
array([1., 3.])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from .. import numpy as cnp
from ..core import base_value
from ..numpy import batching as batch_tools
from .matrix_functions import _primitive, _swap_last

_shape = batch_tools.member_shape  # np.shape, of one member under vmap


def _selections(n: int) -> tuple:
    """The strictly lower entries (i > j) as rows of a selection of ``vec(M)``, and the
    antisymmetric basis ``Omega = sum_k w_k (e_i e_j^T - e_j e_i^T)``."""
    pairs = [(i, j) for i in range(n) for j in range(i)]
    select = np.zeros((len(pairs), n * n))
    basis = np.zeros((n * n, len(pairs)))
    for k, (i, j) in enumerate(pairs):
        select[k, i * n + j] = 1.0
        basis[i * n + j, k], basis[j * n + i, k] = 1.0, -1.0
    return select, basis


def _commutator_matrix(t: Any) -> Any:
    """``K`` with ``vec(T Omega - Omega T) = K vec(Omega)`` (row-major ``vec``)."""
    eye = np.eye(_shape(t)[-1])
    return cnp.kron(t, eye) - cnp.kron(eye, _swap_last(t))


def _check_triangular(t: Any) -> None:
    if np.any(np.tril(base_value(t), -1) != 0):
        raise NotImplementedError(
            "chainrule.scipy.linalg.schur differentiates real Schur forms with a triangular "
            "T (real eigenvalues) only; this T has 2x2 blocks (complex eigenvalues).\n  Use "
            "chainrule.numpy.linalg.eig, or differentiate sign-free functions of the "
            "eigenvalues.")


def _schur_jvp(tangents, ans, a, sort):
    t, z = ans
    _check_triangular(t)
    n = _shape(a)[-1]
    select, basis = _selections(n)
    x = cnp.matmul(_swap_last(z), cnp.matmul(tangents[0], z))
    system = cnp.matmul(select, cnp.matmul(_commutator_matrix(t), basis))
    omega = cnp.reshape(cnp.matmul(basis, cnp.linalg.solve(
        system, -cnp.matmul(select, cnp.reshape(x, (n * n,))))), (n, n))
    dt = cnp.triu(x + cnp.matmul(t, omega) - cnp.matmul(omega, t))
    return dt, cnp.matmul(z, omega)


def _schur_vjp(g, ans, a, sort):
    t, z = ans
    _check_triangular(t)
    gt, gz = g
    n = _shape(a)[-1]
    select, basis = _selections(n)
    gt = 0.0 * t if gt is None else cnp.triu(gt)
    h = cnp.matmul(_swap_last(_commutator_matrix(t)), cnp.reshape(gt, (n * n,)))
    if gz is not None:
        h = h + cnp.reshape(cnp.matmul(_swap_last(z), gz), (n * n,))
    system = cnp.matmul(select, cnp.matmul(_commutator_matrix(t), basis))
    weights = cnp.linalg.solve(_swap_last(system), cnp.matmul(basis.T, h))
    gx = gt - cnp.reshape(cnp.matmul(select.T, weights), (n, n))
    return (cnp.matmul(z, cnp.matmul(gx, _swap_last(z))),)


schur_p = _primitive("schur", lambda a, sort: tuple(scipy.linalg.schur(a, sort=sort)[:2]),
                     multiple_results=True)
schur_p.def_jvp_joint(_schur_jvp)
schur_p.def_vjp_joint(_schur_vjp)


def schur(a: Any, output: str = "real", lwork: Any = None, overwrite_a: bool = False,
          sort: Any = None, check_finite: bool = True) -> tuple:
    """``scipy.linalg.schur(a, output='real')``: ``(T, Z)`` with ``a = Z T Z^T``,
    differentiable where ``T`` is triangular and its diagonal distinct. With ``sort``
    (SciPy's callable or name) it returns SciPy's ``(T, Z, sdim)``.

    >>> t, z = schur(np.array([[2.0, 1.0], [0.0, 1.0]]))
    >>> np.allclose(z @ t @ z.T, [[2.0, 1.0], [0.0, 1.0]])
    True
    """
    if output != "real":
        raise NotImplementedError(
            "chainrule.scipy.linalg.schur differentiates output='real' only.\n  For the "
            "complex Schur form of a matrix with real eigenvalues, output='real' gives the "
            "same triangular T.")
    a = cnp.asarray(a)
    if np.iscomplexobj(base_value(a)):
        raise NotImplementedError("chainrule.scipy.linalg.schur takes real matrices only; "
                                  "for complex ones use chainrule.numpy.linalg.eig.")
    t, z = schur_p(a, sort=sort)
    if sort is None:
        return t, z
    if batch_tools.is_batched(a):
        raise NotImplementedError(
            "chainrule.scipy.linalg.schur(a, sort=...) under vmap: sdim, the count of sorted "
            "eigenvalues, is read from one plain matrix.\n  Call schur(a) without sort under "
            "vmap, or loop over the matrices.")
    return t, z, scipy.linalg.schur(base_value(a), sort=sort)[2]
