"""``numpy.linalg``: norms, matrix_power, multi_dot, tensorsolve, tensorinv, cond,
matrix_rank, and NumPy's names for the rest.

The module doubles as ``chainrule.numpy.linalg``, named like ``np.linalg``:
the products and decompositions that ``np.linalg`` also holds (matmul,
tensordot, cholesky, eigh, eig, svd, qr, lstsq, ...) are re-exported here from
``products.py``, ``solve.py``, ``decompositions.py``, ``eigen.py`` and
``least_squares.py``. The functions here are compositions of those, so they
differentiate in both modes to any order. Complex inputs follow JAX's
convention.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import reductions
from ..core.batching import is_batched
from .arithmetic import absolute, sqrt, where
from .batching import stacked_batch
from .decompositions import svdvals_p
from .decompositions import cholesky as cholesky
from .decompositions import eigh as eigh
from .decompositions import eigvalsh as eigvalsh
from .decompositions import pinv as pinv
from .decompositions import svd as svd
from .decompositions import svdvals as svdvals
from .eigen import eig as eig
from .eigen import eigvals as eigvals
from .least_squares import lstsq as lstsq
from .least_squares import qr as qr
from .manipulation import diagonal as _diagonal
from .manipulation import moveaxis, transpose
from .products import _array, _no_out, _reshape, _sum, _swap_last
from .products import cross as cross
from .products import dot as dot  # noqa: F401  the array tracer's .dot
from .products import matmul as matmul
from .products import outer as outer
from .products import tensordot as tensordot
from .products import vecdot as vecdot
from .solve import det as det
from .solve import inv as inv
from .solve import slogdet as slogdet
from .solve import solve as solve
from .solve import solve_p
from .wrap import (all_entries, any_entry, dtype_of, handles, nondiff, shape_of, since_numpy,
                   since_numpy_2_keywords)


# -- numpy.linalg: norms ----------------------------------------------------------------

def _abs(x):
    return absolute(x)


def _sum_squares(x, axis, keepdims):
    if np.issubdtype(dtype_of(x), np.complexfloating):
        squares = _abs(x) ** 2
    else:
        squares = x * x
    return _sum(squares, axis, keepdims)


def _root(squares):
    """sqrt of a sum of squares; where it is 0, the apex of a cone, the slope is 0
    (docs/numpy.md, "Values at kinks"), not 0 * inf = NaN."""
    apex = squares == 0  # traced: a recording sees it, and np.any is a guard there
    if not any_entry(apex):
        return sqrt(squares)
    return where(apex, 0.0, sqrt(where(apex, 1.0, squares)))


def _reduce(name, x, axis, keepdims):
    return getattr(reductions, name)(x, axis=axis, keepdims=keepdims)


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return _root(_sum_squares(x, axis, keepdims))
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    if ord == np.inf:
        return _reduce("max", _abs(x), axis, keepdims)
    if ord == -np.inf:
        return _reduce("min", _abs(x), axis, keepdims)
    if ord == 0:  # the count of nonzeros: no derivative
        real_dtype = np.empty(0, dtype_of(x)).real.dtype
        return np.sum(x != 0, axis=axis, keepdims=keepdims).astype(real_dtype)
    if ord == 1:
        return _sum(_abs(x), axis, keepdims)
    return _sum(_abs(x) ** ord, axis, keepdims) ** (1.0 / ord)


def _matrix_norm(x, ord, axis, keepdims):
    row, col = axis
    if ord is None or ord in ("fro", "f"):
        return _root(_sum_squares(x, axis, keepdims))
    if ord in (1, -1, np.inf, -np.inf):
        summed, reduced = (row, col) if ord in (1, -1) else (col, row)
        sums = _sum(_abs(x), summed, keepdims=True)
        result = _reduce("max" if ord > 0 else "min", sums, reduced, keepdims=True)
        return result if keepdims else _reshape(
            result, tuple(n for k, n in enumerate(shape_of(result)) if k not in axis))
    if ord in (2, -2, "nuc"):  # from the singular values
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
            result = _root(squares)
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


@handles(since_numpy(np.linalg, "diagonal"))
def diagonal(x: Any, /, *, offset: int = 0) -> Any:
    """``np.linalg.diagonal``: the diagonals of the last two axes.

    >>> diagonal(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([1., 4.])
    """
    return _diagonal(x, offset, -2, -1)


@handles(since_numpy(np.linalg, "trace"))
def trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> Any:
    """``np.linalg.trace``: the traces of the last two axes.

    >>> trace(np.ones((2, 3, 3)))
    array([3., 3.])
    """
    return reductions.trace(x, offset, -2, -1, dtype=dtype)


# -- numpy.linalg: tensor equations, condition numbers, rank ----------------------------


@handles(np.linalg.tensorsolve)
def tensorsolve(a: Any, b: Any, axes: Any = None) -> Any:
    """``np.linalg.tensorsolve``: ``x`` with ``tensordot(a, x, x.ndim) == b``, as NumPy
    computes it (a reshaped ``solve``), differentiable in ``a`` and ``b``.

    >>> tensorsolve(2.0 * np.eye(4).reshape(2, 2, 2, 2), np.ones((2, 2)))
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    a, b = _array(a), _array(b)
    a_ndim, b_ndim = len(shape_of(a)), len(shape_of(b))
    if axes is not None:
        order = list(range(a_ndim))
        for k in axes:
            order.remove(k)
            order.insert(a_ndim, k)
        a = transpose(a, tuple(order))
    old_shape = shape_of(a)[-(a_ndim - b_ndim):]
    size = int(np.prod(old_shape))
    if int(np.prod(shape_of(a))) != size ** 2:
        raise np.linalg.LinAlgError(
            "Input arrays must satisfy the requirement "
            "prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    return _reshape(solve_p(_reshape(a, (size, size)), _reshape(b, (size,))), old_shape)


@handles(np.linalg.tensorinv)
def tensorinv(a: Any, ind: int = 2) -> Any:
    """``np.linalg.tensorinv``: the inverse of ``a`` read as a matrix of its first ``ind``
    axes by the rest, shaped back as NumPy shapes it.

    >>> tensorinv(2.0 * np.eye(4).reshape(4, 2, 2), ind=1).shape
    (2, 2, 4)
    """
    a = _array(a)
    shape = shape_of(a)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    size = int(np.prod(shape[ind:]))
    return _reshape(inv(_reshape(a, (size, -1))), shape[ind:] + shape[:ind])


def _matrix_rank_impl(a, tol, hermitian, rtol):
    options = {} if rtol is None else {"rtol": rtol}
    return np.linalg.matrix_rank(a, tol, hermitian, **options)


matrix_rank_p = nondiff("linalg.matrix_rank", _matrix_rank_impl)
matrix_rank_p.def_batch(stacked_batch(matrix_rank_p))


@handles(np.linalg.matrix_rank)
def matrix_rank(A: Any, tol: Any = None, hermitian: bool = False, *, rtol: Any = None) -> Any:
    """``np.linalg.matrix_rank``: an integer, so without derivative.

    >>> int(matrix_rank(np.array([[1.0, 2.0], [2.0, 4.0]])))
    1
    """
    since_numpy_2_keywords("matrix_rank", rtol=rtol)
    return matrix_rank_p(A, tol, hermitian, rtol)


cond_value_p = nondiff("linalg.cond_value", lambda x, p: np.linalg.cond(x, p))
cond_value_p.def_batch(stacked_batch(cond_value_p))


@handles(np.linalg.cond)
def cond(x: Any, p: Any = None) -> Any:
    """``np.linalg.cond``: the condition number, from the singular values (``p`` None,
    2, -2) or from ``norm(x, p) * norm(inv(x), p)`` (``'fro'``, ``'nuc'``, 1, -1, inf,
    -inf). Where it is infinite (a singular matrix) it is NumPy's value, without a
    derivative.

    >>> float(cond(np.array([[2.0, 0.0], [0.0, 0.5]])))
    4.0
    """
    x = _array(x)
    value = cond_value_p(x, p=p)  # nondiff: a recording sees it, and np.all is a guard there
    finite = np.isfinite(value)
    if is_batched(value):  # each member decides: singular ones keep NumPy's infinity
        eye = np.eye(shape_of(x)[-1], dtype=dtype_of(x))
        return where(finite, _cond(where(finite[..., None, None], x, eye), p), value)
    if not np.all(finite):
        return value
    return _cond(x, p)


def _cond(x: Any, p: Any) -> Any:
    """The condition number of invertible matrices, differentiably."""
    if p is None or p in (2, -2):
        s = svdvals_p(x, hermitian=False)  # descending
        largest, smallest = _reduce("max", s, -1, False), _reduce("min", s, -1, False)
        return smallest / largest if p == -2 else largest / smallest
    return norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))


# what ``chainrule.numpy.linalg`` offers, as ``np.linalg`` names it
__all__ = [
    "cholesky", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals", "eigvalsh",
    "inv", "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank",
    "matrix_transpose", "multi_dot", "norm", "outer", "pinv", "qr", "slogdet", "solve",
    "svd", "svdvals", "tensordot", "tensorinv", "tensorsolve", "trace", "vecdot",
    "vector_norm",
]
