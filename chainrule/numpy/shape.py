"""Shape functions: reshape, transpose, swapaxes, moveaxis, expand_dims, squeeze,
broadcast_to, ravel. Each is linear: its VJP is the inverse reshaping."""

from __future__ import annotations

import numpy as np

from .wrap import handles, primitive, shape_of, unbroadcast

reshape_p = primitive("reshape", lambda x, shape, order: np.reshape(x, shape, order=order))
reshape_p.def_linear(lambda g, ans, x, shape, order: reshape_p(g, shape=shape_of(x), order=order))


@handles(np.reshape)
def reshape(x, shape, order="C", **kwargs):
    """``np.reshape``.

    >>> reshape(np.arange(6.0), (2, 3)).shape
    (2, 3)
    """
    shape = kwargs.pop("newshape", shape)
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    return reshape_p(x, shape=tuple(shape), order=order)


transpose_p = primitive("transpose", lambda x, axes: np.transpose(x, axes))
transpose_p.def_linear(
    lambda g, ans, x, axes: transpose_p(g, axes=None if axes is None else tuple(np.argsort(axes))))


@handles(np.transpose)
def transpose(x, axes=None):
    """``np.transpose``: reverse the axes, or permute them as ``axes`` says."""
    if axes is not None:
        ndim = len(shape_of(x))
        axes = tuple(int(a) % ndim for a in axes)
    return transpose_p(x, axes=axes)


broadcast_to_p = primitive("broadcast_to", lambda x, shape: np.broadcast_to(x, shape))
broadcast_to_p.def_linear(lambda g, ans, x, shape: unbroadcast(g, shape_of(x)))


@handles(np.broadcast_to)
def broadcast_to(x, shape, subok=False):
    """``np.broadcast_to`` (the result is a fresh array, never a read-only view)."""
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if shape_of(x) == shape:
        return x
    return broadcast_to_p(x, shape=shape)


swapaxes_p = primitive("swapaxes", lambda x, axis1, axis2: np.swapaxes(x, axis1, axis2))
swapaxes_p.def_linear(lambda g, ans, x, axis1, axis2: swapaxes_p(g, axis1=axis1, axis2=axis2))


@handles(np.swapaxes)
def swapaxes(x, axis1, axis2):
    """``np.swapaxes``."""
    return swapaxes_p(x, axis1=axis1, axis2=axis2)


@handles(np.expand_dims)
def expand_dims(x, axis):
    """``np.expand_dims``: insert axes of length one."""
    return reshape(x, np.expand_dims(np.empty(shape_of(x), dtype=bool), axis).shape)
