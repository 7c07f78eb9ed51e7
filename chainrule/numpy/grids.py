"""Grids and index tricks that keep traced values traced: ``meshgrid``, and
``r_``/``c_`` objects that join traced arrays.

NumPy's own ``np.r_[x, y]`` converts each entry with ``np.array(...)``, which
no protocol lets a traced value intercept, so it raises chainrule's
lost-derivative error; ``cnp.r_[x, y]`` and ``cnp.c_[x, y]`` work on traced
and plain values alike, with NumPy's slices (``1:4``, ``0:1:5j``) and
directives (``"0,2"``, ``"-1,2,0"``).

>>> import chainrule.numpy as cnp
>>> cr.grad(lambda x: (cnp.r_[x, 2.0 * x] ** 2).sum())(np.array([1.0]))
array([10.])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Tracer
from .creation import asarray
from .elementwise import astype
from .joining import concatenate
from .manipulation import broadcast_to, reshape, transpose
from .wrap import NUMPY_2, dtype_of, handles, shape_of

__all__ = ["c_", "meshgrid", "r_"]


@handles(np.meshgrid)
def meshgrid(*xi: Any, copy: Any = True, sparse: Any = False, indexing: Any = "xy") -> Any:
    """``np.meshgrid``: coordinate arrays from coordinate vectors, ``indexing`` "xy" or "ij".

    Traced results are always new arrays, so ``copy`` changes nothing.

    >>> [grid.shape for grid in meshgrid(np.arange(3.0), np.arange(2.0))]
    [(2, 3), (2, 3)]
    """
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    ndim = len(xi)
    ones = (1,) * ndim
    grids = [reshape(asarray(x), ones[:i] + (-1,) + ones[i + 1:]) for i, x in enumerate(xi)]
    if indexing == "xy" and ndim > 1:
        grids[0] = reshape(grids[0], (1, -1) + ones[2:])
        grids[1] = reshape(grids[1], (-1, 1) + ones[2:])
    if not sparse:
        shape = np.broadcast_shapes(*(shape_of(grid) for grid in grids))
        grids = [broadcast_to(grid, shape) if shape_of(grid) != shape else grid for grid in grids]
    return tuple(grids) if NUMPY_2 else list(grids)  # NumPy 1.x returns a list


class AxisConcatenator:
    """NumPy's ``r_``/``c_`` (``numpy.lib.index_tricks.AxisConcatenator``), joining
    with chainrule's ``concatenate`` so traced entries stay traced."""

    def __init__(self, axis: int = 0, ndmin: int = 1, trans1d: int = -1):
        self.axis, self.ndmin, self.trans1d = axis, ndmin, trans1d

    def __len__(self) -> int:
        return 0

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            raise NotImplementedError(
                "the matrix-building string form of np.r_ (np.r_['1 2; 3 4']) is not "
                "supported by chainrule.numpy.r_; build the array with cnp.array([...]).")
        key = key if isinstance(key, tuple) else (key,)
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        pieces, kinds = [], []
        for k, item in enumerate(key):
            if isinstance(item, str):
                if k != 0:
                    raise ValueError("special directives must be the first entry.")
                if item in ("r", "c"):
                    raise NotImplementedError(
                        "the matrix directives 'r' and 'c' of np.r_ are not supported by "
                        "chainrule.numpy.r_ (np.matrix is not traced); use 2-D arrays.")
                try:
                    numbers = [int(word) for word in item.split(",")]
                except ValueError as error:
                    raise ValueError(f"unknown special directive {item!r}") from error
                axis = numbers[0]
                if len(numbers) > 1:
                    ndmin = numbers[1]
                if len(numbers) > 2:
                    trans1d = numbers[2]
                continue
            if isinstance(item, slice):
                piece = _slice_values(item)
                if ndmin > 1:
                    piece = np.array(piece, ndmin=ndmin)
                    if trans1d != -1:
                        piece = piece.swapaxes(-1, trans1d)
                kinds.append(piece.dtype)
            elif type(item) in np.ScalarType:
                piece = np.array(item, ndmin=ndmin)
                kinds.append(item)  # Python scalars are weak: they do not widen arrays
            else:
                piece = _at_least(asarray(item), ndmin, trans1d)
                kinds.append(dtype_of(piece))
            pieces.append(piece)
        if not pieces:
            return np.array([])
        dtype = np.result_type(*kinds)
        pieces = [_as(piece, dtype) for piece in pieces]
        return concatenate(pieces, axis=axis)


def _slice_values(item: slice) -> np.ndarray:
    start = 0 if item.start is None else item.start
    step: Any = 1 if item.step is None else item.step
    if isinstance(step, (complex, np.complexfloating)):
        return np.linspace(start, item.stop, num=int(abs(complex(step))))
    return np.arange(start, item.stop, step)


def _at_least(x, ndmin: int, trans1d: int):
    """``np.array(x, ndmin=ndmin)`` with ``r_``'s placement of the old axes (``trans1d``)."""
    shape = shape_of(x)
    if len(shape) >= ndmin:
        return x
    x = reshape(x, (1,) * (ndmin - len(shape)) + shape)
    if trans1d == -1:
        return x
    k1, k2 = trans1d, ndmin - len(shape)
    k1 = k1 + k2 + 1 if k1 < 0 else k1
    axes = list(range(ndmin))
    return transpose(x, tuple(axes[:k1] + axes[k2:] + axes[k1:k2]))


def _as(piece, dtype):
    if dtype_of(piece) == dtype:
        return piece
    if isinstance(piece, Tracer):
        return astype(piece, dtype) if np.issubdtype(dtype, np.inexact) else piece
    return np.asarray(piece, dtype=dtype)


r_ = AxisConcatenator(0)
"""``np.r_`` for traced values: ``cnp.r_[x, 0.0, 1:3]`` joins along the first axis."""

c_ = AxisConcatenator(-1, ndmin=2, trans1d=0)
"""``np.c_`` for traced values: 1-D entries become columns."""
