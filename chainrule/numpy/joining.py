"""Joining and splitting: stack, concatenate, split, tile, repeat."""

from __future__ import annotations

import numpy as np

from .wrap import handles, primitive, shape_of


def _unstack(g, axis, count):
    from .indexing import getitem

    index = (slice(None),) * axis
    return [getitem(g, index + (i,)) for i in range(count)]


stack_p = primitive("stack", lambda *arrays, axis: np.stack(arrays, axis=axis))
stack_p.def_vjp_joint(lambda g, ans, *arrays, axis: _unstack(g, axis, len(arrays)))
stack_p.def_jvp_joint(lambda tangents, ans, *arrays, axis: stack_p(
    *[np.zeros(shape_of(a), ans.dtype if hasattr(ans, "dtype") else float) if t is None else t
      for t, a in zip(tangents, arrays)], axis=axis))


@handles(np.stack)
def stack(arrays, axis=0, out=None, **kwargs):
    """``np.stack``: join arrays along a new axis.

    >>> stack([np.ones(2), np.zeros(2)]).shape
    (2, 2)
    """
    arrays = list(arrays)
    ndim = len(shape_of(arrays[0])) + 1
    return stack_p(*arrays, axis=int(axis) % ndim)
