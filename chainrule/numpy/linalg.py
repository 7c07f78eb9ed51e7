"""Linear algebra: matmul, dot, and (in numpy.linalg) solve, inv, det, slogdet, norm."""

from __future__ import annotations

import numpy as np

from .wrap import UFUNCS, handles, primitive, shape_of, unbroadcast


def _swap_last(x):
    from .shape import swapaxes

    return swapaxes(x, -1, -2)


def _matmul_vjp_x(g, ans, x, y):
    x_ndim, y_ndim = len(shape_of(x)), len(shape_of(y))
    if x_ndim == 1 and y_ndim == 1:
        return g * y
    if y_ndim == 1:  # (..., n, k) @ (k,) -> (..., n)
        return unbroadcast(g[..., None] * y, shape_of(x))
    if x_ndim == 1:  # (k,) @ (..., k, m) -> (..., m)
        return unbroadcast(matmul(y, g[..., None])[..., 0], shape_of(x))
    return unbroadcast(matmul(g, _swap_last(y)), shape_of(x))


def _matmul_vjp_y(g, ans, x, y):
    x_ndim, y_ndim = len(shape_of(x)), len(shape_of(y))
    if x_ndim == 1 and y_ndim == 1:
        return g * x
    if x_ndim == 1:  # (k,) @ (..., k, m): outer products
        return unbroadcast(x[:, None] * g[..., None, :], shape_of(y))
    if y_ndim == 1:  # (..., n, k) @ (k,)
        return unbroadcast(matmul(g, x), shape_of(y))
    return unbroadcast(matmul(_swap_last(x), g), shape_of(y))


matmul = primitive("matmul", np.matmul)
matmul.def_vjp(_matmul_vjp_x, _matmul_vjp_y)
matmul.def_jvp(lambda t, ans, x, y: matmul(t, y), lambda t, ans, x, y: matmul(x, t))
UFUNCS[np.matmul] = matmul


@handles(np.dot)
def dot(a, b, out=None):
    """``np.dot``: a product of scalars, vectors or matrices, or a sum over the last
    axis of ``a`` and the second-to-last of ``b``.

    >>> dot(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    11.0
    """
    a_ndim, b_ndim = len(shape_of(a)), len(shape_of(b))
    if a_ndim == 0 or b_ndim == 0:
        return a * b
    if a_ndim <= 2 and b_ndim <= 2:
        return matmul(a, b)
    return tensordot(a, b, axes=([-1], [max(b_ndim - 2, 0)]))


def tensordot(a, b, axes=2):
    raise NotImplementedError("numpy.tensordot is being written")
