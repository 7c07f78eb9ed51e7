"""``numpy.linalg``: solve, inv, det, slogdet, norms, matrix_power, multi_dot.

The module doubles as ``chainrule.numpy.linalg``, named like ``np.linalg``:
the products and decompositions that ``np.linalg`` also holds (matmul,
tensordot, cholesky, eigh, svd, ...) are re-exported here from
``products.py`` and ``decompositions.py``. Every rule is written with the
wrapped operations, so it differentiates again. Complex inputs follow JAX's
convention where the function is holomorphic (solve, inv, det); the norms
take real inputs.
"""

from __future__ import annotations

import numpy as np
try:  # NumPy's own result types, as NumPy 2 keeps them
    from numpy.linalg._linalg import SlogdetResult
except ImportError:  # and as NumPy 1.x does
    from numpy.linalg.linalg import SlogdetResult

from ..core import base_value
from .decompositions import cholesky as cholesky
from .decompositions import eigh as eigh
from .decompositions import eigvalsh as eigvalsh
from .decompositions import pinv as pinv
from .decompositions import svd as svd
from .decompositions import svdvals as svdvals
from .products import _array, _no_out, _reshape, _sum, _swap_last
from .products import cross as cross
from .products import dot as dot  # noqa: F401  the array tracer's .dot
from .products import matmul as matmul
from .products import outer as outer
from .products import tensordot as tensordot
from .products import vecdot as vecdot
from .wrap import NUMPY_2, dtype_of, handles, primitive, shape_of, since_numpy, unbroadcast


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


det_p = primitive("linalg.det", np.linalg.det)
det_p.def_vjp(lambda g, ans, a: _expand2(g * ans) * _inv_transposed(a))
det_p.def_jvp(lambda t, ans, a: ans * _sum(_inv_transposed(a) * t, (-2, -1)))


@handles(np.linalg.det)
def det(a):
    """``np.linalg.det``; its gradient is ``det(a) * inv(a).T``.

    >>> round(float(det(np.array([[2.0, 1.0], [1.0, 3.0]]))), 6)
    5.0
    """
    return det_p(a)


def _slogdet_vjp(g, ans, a):
    g_logabsdet = g[1]
    if g_logabsdet is None:
        return (None,)
    return (_expand2(_real(g_logabsdet)) * _inv_transposed(a),)


slogdet_p = primitive("linalg.slogdet", lambda a: tuple(np.linalg.slogdet(a)),
                      multiple_results=True)
slogdet_p.def_vjp_joint(_slogdet_vjp)
slogdet_p.def_jvp_joint(
    lambda tangents, ans, a: (None, _real(_sum(_inv_transposed(a) * tangents[0], (-2, -1)))))


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
    return SlogdetResult(base_value(sign), logabsdet)


# -- numpy.linalg: norms ----------------------------------------------------------------


def _abs(x):
    from .arithmetic import absolute

    return absolute(x)


def _sum_squares(x, axis, keepdims):
    if np.issubdtype(dtype_of(x), np.complexfloating):
        squares = _abs(x) ** 2
    else:
        squares = x * x
    return _sum(squares, axis, keepdims)


def _reduce(name, x, axis, keepdims):
    from . import reductions

    return getattr(reductions, name)(x, axis=axis, keepdims=keepdims)


def _vector_norm(x, ord, axis, keepdims):
    from .arithmetic import sqrt

    if ord is None or ord == 2:
        return sqrt(_sum_squares(x, axis, keepdims))
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    if ord == np.inf:
        return _reduce("max", _abs(x), axis, keepdims)
    if ord == -np.inf:
        return _reduce("min", _abs(x), axis, keepdims)
    if ord == 0:  # the count of nonzeros: no derivative
        plain = base_value(x)
        return np.sum(plain != 0, axis=axis, keepdims=keepdims).astype(plain.real.dtype)
    if ord == 1:
        return _sum(_abs(x), axis, keepdims)
    return _sum(_abs(x) ** ord, axis, keepdims) ** (1.0 / ord)


def _matrix_norm(x, ord, axis, keepdims):
    from .arithmetic import sqrt

    row, col = axis
    if ord is None or ord in ("fro", "f"):
        return sqrt(_sum_squares(x, axis, keepdims))
    if ord in (1, -1, np.inf, -np.inf):
        summed, reduced = (row, col) if ord in (1, -1) else (col, row)
        sums = _sum(_abs(x), summed, keepdims=True)
        result = _reduce("max" if ord > 0 else "min", sums, reduced, keepdims=True)
        return result if keepdims else _reshape(
            result, tuple(n for k, n in enumerate(shape_of(result)) if k not in axis))
    if ord in (2, -2, "nuc"):  # from the singular values
        from .shape import moveaxis

        values = svdvals(moveaxis(x, axis, (-2, -1)))
        if ord == "nuc":
            result = _sum(values, -1)
        else:
            result = _reduce("max" if ord == 2 else "min", values, -1, False)
        return _reshape(result, tuple(1 if k in axis else n for k, n in enumerate(
            shape_of(x)))) if keepdims else result
    raise ValueError("Invalid norm order for matrices.")


@handles(np.linalg.norm)
def norm(x, ord=None, axis=None, keepdims=False):
    """``np.linalg.norm``: vector norms (``ord`` None/2, 1, inf, -inf, 0, any p) and
    matrix norms (``'fro'``, ``'nuc'``, 1, -1, 2, -2, inf, -inf), over ``axis``,
    with ``keepdims``.

    >>> norm(np.array([3.0, 4.0]))
    5.0
    """
    x = _array(x)
    ndim = len(shape_of(x))
    if axis is None:
        if ord is None or (ord in ("fro", "f") and ndim == 2) or (ord == 2 and ndim == 1):
            flat = _reshape(x, (-1,))
            if np.issubdtype(dtype_of(x), np.complexfloating):
                squares = _sum_squares(flat, (0,), False)
            else:
                squares = matmul(flat, flat)
            from .arithmetic import sqrt

            result = sqrt(squares)
            return _reshape(result, (1,) * ndim) if keepdims else result
        if ndim not in (1, 2):
            raise ValueError("Improper number of dimensions to norm.")
        axis = tuple(range(ndim))
    axis = tuple(int(k) % ndim for k in (axis if isinstance(axis, tuple) else (axis,)))
    if len(axis) == 1:
        return _vector_norm(x, ord, axis, keepdims)
    if len(axis) == 2:
        if axis[0] == axis[1]:
            raise ValueError("Duplicate axes given.")
        return _matrix_norm(x, ord, axis, keepdims)
    raise ValueError("Improper number of dimensions to norm.")


@handles(since_numpy(np.linalg, "vector_norm"))
def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """``np.linalg.vector_norm``: the vector norm over ``axis`` (all axes by default).

    >>> vector_norm(np.array([[3.0], [4.0]]))
    5.0
    """
    x = _array(x)
    ndim = len(shape_of(x))
    if axis is None:
        result = _vector_norm(_reshape(x, (-1,)), ord, (0,), False)
        return _reshape(result, (1,) * ndim) if keepdims else result
    axes = tuple(int(k) % ndim for k in (axis if isinstance(axis, tuple) else (axis,)))
    if len(axes) == 1:
        return _vector_norm(x, ord, axes, keepdims)
    from .shape import transpose

    rest = [k for k in range(ndim) if k not in axes]
    moved = transpose(x, tuple(rest) + axes)
    flat = _reshape(moved, tuple(shape_of(x)[k] for k in rest) + (-1,))
    result = _vector_norm(flat, ord, (len(rest),), False)
    if keepdims:
        result = _reshape(result, tuple(1 if k in axes else n for k, n in enumerate(shape_of(x))))
    return result


@handles(since_numpy(np.linalg, "matrix_norm"))
def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """``np.linalg.matrix_norm``: the matrix norm over the last two axes.

    >>> matrix_norm(np.array([[3.0, 0.0], [0.0, 4.0]]))
    5.0
    """
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


# -- numpy.linalg: compositions -------------------------------------------------------------


@handles(np.linalg.matrix_power)
def matrix_power(a, n):
    """``np.linalg.matrix_power``: ``a @ a @ ... @ a`` (``inv(a)`` for ``n < 0``), by
    repeated squaring in NumPy's order.

    >>> matrix_power(np.array([[1.0, 1.0], [0.0, 1.0]]), 3)
    array([[1., 3.],
           [0., 1.]])
    """
    n = int(n)
    if n == 0:
        shape = shape_of(a)
        return np.broadcast_to(np.eye(shape[-1], dtype=dtype_of(a)), shape).copy()
    if n < 0:
        a, n = inv(a), -n
    if n <= 3:
        result = a
        for _ in range(n - 1):
            result = matmul(result, a)
        return result
    power = result = None
    while n > 0:
        power = a if power is None else matmul(power, power)
        n, bit = divmod(n, 2)
        if bit:
            result = power if result is None else matmul(result, power)
    return result


@handles(np.linalg.multi_dot)
def multi_dot(arrays, *, out=None):
    """``np.linalg.multi_dot``: ``dot`` of a chain of arrays, left to right (the first
    and last may be vectors).

    >>> multi_dot([np.ones(2), np.eye(2), np.array([1.0, 2.0])])
    3.0
    """
    _no_out(out, "linalg.multi_dot")
    arrays = list(arrays)
    result = arrays[0]
    for array in arrays[1:]:
        result = dot(result, array)
    return result


@handles(since_numpy(np.linalg, "matrix_transpose"))
def matrix_transpose(x, /):
    """``np.linalg.matrix_transpose``: swap the last two axes.

    >>> matrix_transpose(np.ones((2, 3, 4))).shape
    (2, 4, 3)
    """
    return _swap_last(x)


# what ``chainrule.numpy.linalg`` offers, as ``np.linalg`` names it
__all__ = [
    "cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "matmul", "matrix_norm",
    "matrix_power", "matrix_transpose", "multi_dot", "norm", "outer", "pinv", "slogdet",
    "solve", "svd", "svdvals", "tensordot", "vecdot", "vector_norm",
]
