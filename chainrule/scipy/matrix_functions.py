"""``scipy.linalg`` matrix functions and matrix equations: expm, expm_frechet, logm,
sqrtm, fractional_matrix_power, solve_sylvester, solve_continuous_lyapunov.

A primary matrix function ``F`` (expm, logm, sqrtm, A**p) has the Fréchet
derivative ``L_F(A, E)``, and the block-matrix identity

    F([[A, E], [0, A]]) = [[F(A), L_F(A, E)], [0, F(A)]]

computes it with ``F`` itself. So the forward rule is ``F`` of a block matrix
and the reverse rule ``F`` of the transposed block matrix (``L_F(A, .)``'s
transpose is ``L_F(A.T, .)`` for a function with a real power series): both
rules call the primitive again, so every order in both modes works by the same
recursion (the matrix doubles in size per order).

>>> a = np.array([[0.0, 1.0], [0.0, 0.0]])
>>> expm(a)
array([[1., 1.],
       [0., 1.]])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from .. import numpy as cnp
from ..core import Primitive, Tracer, base_value
from ..numpy import batching as batch_tools

_shape = batch_tools.member_shape  # np.shape, of one member under vmap

# the primitives of this file, for coverage_rows()
_PRIMITIVES: list = []


def _primitive(name: str, impl: Any, namespace: str = "scipy.linalg",
               multiple_results: bool = False) -> Primitive:
    """A primitive named ``<namespace>.<name>`` in messages, listed for coverage_rows()."""
    prim = Primitive(f"{namespace}.{name}", impl, multiple_results)
    _PRIMITIVES.append(prim)
    return prim


def _swap_last(x: Any) -> Any:
    return cnp.swapaxes(x, -1, -2)


def _block(a: Any, e: Any) -> Any:
    """``[[a, e], [0, a]]`` over the last two axes."""
    zeros = np.zeros(_shape(a), np.result_type(cnp.result_type(a), cnp.result_type(e)))
    top = cnp.concatenate([a, e], axis=-1)
    bottom = cnp.concatenate([zeros, a], axis=-1)
    return cnp.concatenate([top, bottom], axis=-2)


def _corner(big: Any, n: int) -> Any:
    return big[..., :n, n:]


def frechet(prim: Primitive, a: Any, e: Any, **params: Any) -> Any:
    """``L_F(a, e)``, the Fréchet derivative of ``prim`` at ``a`` along ``e``, by the
    block-matrix identity (``prim`` of a matrix twice the size).

    >>> frechet(expm_p, np.zeros((1, 1)), np.ones((1, 1)))
    array([[1.]])
    """
    corner = _corner(prim(_block(a, e), **params), _shape(a)[-1])
    if np.iscomplexobj(base_value(corner)) and not (
            np.iscomplexobj(base_value(a)) or np.iscomplexobj(base_value(e))):
        # the block matrix's eigenvalues repeat: SciPy may answer complex with a
        # rounding-level imaginary part where the derivative of a real result is real
        corner = cnp.real(corner)
    return corner


def _matrix_function(name: str, impl: Any) -> Primitive:
    """A primitive for the primary matrix function ``impl``, with both rules from
    ``frechet``."""
    prim = _primitive(name, impl)
    prim.def_jvp(lambda t, ans, a, **params: frechet(prim, a, t, **params))
    prim.def_vjp(lambda g, ans, a, **params: frechet(prim, _swap_last(a), g, **params))
    return prim


expm_p = _matrix_function("expm", lambda a: scipy.linalg.expm(a))
logm_p = _matrix_function("logm", lambda a: scipy.linalg.logm(a))
sqrtm_p = _matrix_function("sqrtm", lambda a: scipy.linalg.sqrtm(a))
fractional_matrix_power_p = _matrix_function(
    "fractional_matrix_power", lambda a, power: scipy.linalg.fractional_matrix_power(a, power))

# Batched: expm has always taken a stack of matrices; SciPy 1.15 taught logm, sqrtm and
# fractional_matrix_power to (before it they loop over the batch).
STACKS_MATRIX_FUNCTIONS = np.lib.NumpyVersion(scipy.__version__) >= "1.15.0"
for _prim in (expm_p,) + ((logm_p, sqrtm_p, fractional_matrix_power_p)
                          if STACKS_MATRIX_FUNCTIONS else ()):
    _prim.def_batch(batch_tools.stacked_batch(_prim))


def expm(A: Any) -> Any:
    """``scipy.linalg.expm``; its derivative is the Fréchet derivative (see the module).

    >>> float(cr.grad(lambda t: expm(t * np.eye(2))[0, 0])(1.0))
    2.718281828459045
    """
    return expm_p(cnp.asarray(A))


def expm_frechet(A: Any, E: Any, method: Any = None, compute_expm: bool = True,
                 check_finite: bool = True) -> Any:
    """``scipy.linalg.expm_frechet``: ``(expm(A), L(A, E))``, or ``L(A, E)`` alone, read
    from ``expm([[A, E], [0, A]])``, so it differentiates in ``A`` and ``E``.

    >>> expm_frechet(np.zeros((1, 1)), np.ones((1, 1)), compute_expm=False)
    array([[1.]])
    """
    n = _shape(A)[-1]
    big = expm_p(_block(cnp.asarray(A), cnp.asarray(E)))
    frechet_value = _corner(big, n)
    return (big[..., :n, :n], frechet_value) if compute_expm else frechet_value


def logm(A: Any, disp: bool = True) -> Any:
    """``scipy.linalg.logm``, the principal logarithm; with ``disp=False`` it returns
    ``(logm, error estimate)`` as SciPy does, the estimate a plain number.

    >>> logm(np.e * np.eye(2))
    array([[1., 0.],
           [0., 1.]])
    """
    result = logm_p(cnp.asarray(A))
    if disp:
        return result
    if batch_tools.is_batched(A):
        raise NotImplementedError(
            "chainrule.scipy.linalg.logm(A, disp=False) under vmap: the error estimate is "
            "computed on one plain matrix.\n  Call logm(A) (disp=True) under vmap, and "
            "estimate the error outside it.")
    plain, value = base_value(A), base_value(result)  # SciPy's estimate, without its
    error = (np.linalg.norm(scipy.linalg.expm(value) - plain, 1)  # deprecated disp=
             / np.linalg.norm(plain, 1))
    return result, error


def sqrtm(A: Any, *args: Any, **kwargs: Any) -> Any:
    """``scipy.linalg.sqrtm``, the principal square root (SciPy's options, ``disp`` and
    ``blocksize``, do not change the value and are ignored).

    >>> sqrtm(4.0 * np.eye(2))
    array([[2., 0.],
           [0., 2.]])
    """
    return sqrtm_p(cnp.asarray(A))


def fractional_matrix_power(A: Any, t: float) -> Any:
    """``scipy.linalg.fractional_matrix_power``: ``A ** t`` for a constant ``t``.

    >>> fractional_matrix_power(4.0 * np.eye(2), 0.5)
    array([[2., 0.],
           [0., 2.]])
    """
    if _traced(t):
        raise NotImplementedError(
            "chainrule.scipy.linalg.fractional_matrix_power differentiates in A only; the "
            "power t is a constant.\n  For a traced power write expm(t * logm(A)).")
    return fractional_matrix_power_p(cnp.asarray(A), power=float(t))


def _traced(x: Any) -> bool:
    return isinstance(x, Tracer)


# -- Sylvester and Lyapunov equations ------------------------------------------------------


def _sylvester_vjp(g, ans, a, b, q):
    # A X + X B = Q: the transpose of Q -> X solves A^T Y + Y B^T = G
    gq = solve_sylvester_p(_swap_last(a), _swap_last(b), g)
    return -cnp.matmul(gq, _swap_last(ans)), -cnp.matmul(_swap_last(ans), gq), gq


def _sylvester_jvp(tangents, ans, a, b, q):
    ta, tb, tq = tangents
    rhs = 0.0 * ans if tq is None else tq
    if ta is not None:
        rhs = rhs - cnp.matmul(ta, ans)
    if tb is not None:
        rhs = rhs - cnp.matmul(ans, tb)
    return solve_sylvester_p(a, b, rhs)


solve_sylvester_p = _primitive("solve_sylvester", scipy.linalg.solve_sylvester)
solve_sylvester_p.def_vjp_joint(_sylvester_vjp)
solve_sylvester_p.def_jvp_joint(_sylvester_jvp)


def solve_sylvester(a: Any, b: Any, q: Any) -> Any:
    """``scipy.linalg.solve_sylvester``: ``X`` with ``a X + X b = q``, differentiable in
    all three.

    >>> solve_sylvester(np.eye(2), np.eye(2), 2.0 * np.eye(2))
    array([[1., 0.],
           [0., 1.]])
    """
    return solve_sylvester_p(cnp.asarray(a), cnp.asarray(b), cnp.asarray(q))


def solve_continuous_lyapunov(a: Any, q: Any) -> Any:
    """``scipy.linalg.solve_continuous_lyapunov``: ``X`` with ``a X + X a^H = q``, as the
    Sylvester equation with ``b = a^H``.

    >>> solve_continuous_lyapunov(np.eye(2), 2.0 * np.eye(2))
    array([[1., 0.],
           [0., 1.]])
    """
    a = cnp.asarray(a)
    return solve_sylvester_p(a, cnp.conj(_swap_last(a)), cnp.asarray(q))


__all__ = ["expm", "expm_frechet", "fractional_matrix_power", "logm", "solve_continuous_lyapunov",
           "solve_sylvester", "sqrtm"]
