"""Reductions: sum, mean, prod, max, min, var, std, cumsum, with ``axis``/``keepdims``."""

from __future__ import annotations

import builtins

import numpy as np

from .wrap import handles, primitive, shape_of


def normalize_axis(axis, ndim: int) -> tuple:
    """``axis`` (None, int or tuple) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(sorted(builtins.int(a) % ndim if ndim else 0 for a in axes))


def expand_to(g, shape: tuple, axes: tuple, keepdims: bool):
    """Broadcast a reduced ``g`` back to ``shape`` (the transpose of summing over ``axes``)."""
    from .shape import broadcast_to, reshape

    if not keepdims:
        kept = [1 if axis in axes else size for axis, size in enumerate(shape)]
        g = reshape(g, tuple(kept))
    return broadcast_to(g, shape)


sum_p = primitive("sum", lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims))
sum_p.def_linear(lambda g, ans, x, axis, keepdims: expand_to(g, shape_of(x), axis, keepdims))


@handles(np.sum)
def sum(x, axis=None, dtype=None, out=None, keepdims=False, **kwargs):  # noqa: A001
    """``np.sum`` with ``axis`` and ``keepdims``.

    >>> sum(np.ones((2, 3)), axis=1)
    array([3., 3.])
    """
    if dtype is not None:
        from .arithmetic import astype

        x = astype(x, dtype)
    return sum_p(x, axis=normalize_axis(axis, len(shape_of(x))), keepdims=keepdims)
