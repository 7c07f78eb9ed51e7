"""NumPy functions that write into arrays and had no rule elsewhere: ``np.put``,
``np.copyto``, ``np.putmask``, ``np.fill_diagonal``. Each is a scatter into
the traced array, so it needs no rule of its own.

The writing ones (and the methods ``x.sort()``, ``x.put()``, ``x.fill()``)
update their traced array as any item assignment does; a traced value written
into a plain array raises, as ``out[i] = t`` does.
"""

from __future__ import annotations

import numpy as np

from ..core import Tracer, base_value
from ..core.batching import is_batched
from . import arithmetic, indexing, manipulation
from .batching import plain_argument
from .elementwise import astype
from .mutation import LOST_DERIVATIVE_HINT, update
from .wrap import dtype_of, handles, shape_of


def _traced_target(a, function: str, hint: str = LOST_DERIVATIVE_HINT) -> None:
    if not isinstance(a, Tracer):
        raise TypeError(f"chainrule cannot write a traced value into a plain NumPy array "
                        f"({function}): its derivative would be lost.\n" + hint)


# np.full(shape, t, dtype=...) and np.full_like(plain, t) reach np.copyto with a plain target
COPYTO_HINT = ("  Create the array from the traced value instead: cnp.full(shape, t), "
               "np.full(shape, t, like=t) or cnp.full_like(a, t).")


@handles(np.put)
def put(a, ind, v, mode="raise"):
    """``np.put``: write ``v`` at the flat positions ``ind`` of ``a``, in place.

    >>> def f(x):
    ...     y = np.zeros(3, like=x)
    ...     put(y, [0, 2], x)
    ...     return (y * [1.0, 10.0, 100.0]).sum()
    >>> cr.grad(f)(np.array([1.0, 2.0]))
    array([  1., 100.])
    """
    _traced_target(a, "np.put")
    size = int(np.prod(shape_of(a)))
    positions = np.array(plain_argument(ind, "np.put", "ind")).ravel()  # a copy: ind may change
    if mode == "wrap":
        positions = np.mod(positions, size)
    elif mode == "clip":
        positions = np.clip(positions, 0, size - 1)
    elif positions.size and not (-size <= positions.min() and positions.max() < size):
        raise IndexError(f"index {positions.max()} is out of bounds for size {size}")
    values = manipulation.reshape(v, (-1,)) if isinstance(v, Tracer) else np.ravel(v)
    count = int(np.prod(shape_of(values)))
    if count != positions.size:  # NumPy repeats v to the length of ind
        values = indexing.getitem(values, np.arange(positions.size) % count)
    flat = indexing.setitem(manipulation.reshape(a, (-1,)), positions, values)
    update(a, manipulation.reshape(flat, shape_of(a)))


@handles(np.copyto)
def copyto(dst, src, casting="same_kind", where=True):
    """``np.copyto``: ``src`` written into ``dst`` (where ``where`` is true), in place.

    >>> def f(x):
    ...     y = np.zeros(2, like=x)
    ...     copyto(y, x * 3.0, where=np.array([True, False]))
    ...     return y.sum()
    >>> cr.grad(f)(np.array([1.0, 2.0]))
    array([3., 0.])
    """
    _traced_target(dst, "np.copyto", COPYTO_HINT)
    mask = where if is_batched(where) else base_value(where)  # a batched mask stays traced
    new = (arithmetic.add(arithmetic.multiply(dst, 0.0), src) if mask is True
           else arithmetic.where(mask, src, dst))
    update(dst, new)


@handles(np.putmask)
def putmask(a, mask, values):
    """``np.putmask``: ``a.flat[n] = values[n % len(values)]`` where ``mask`` is true.

    >>> def f(x):
    ...     y = x * 1.0
    ...     putmask(y, np.array([False, True, True]), x[0] * 10.0)
    ...     return y.sum()
    >>> cr.grad(f)(np.array([1.0, 2.0, 3.0]))
    array([21.,  0.,  0.])
    """
    _traced_target(a, "np.putmask")
    if is_batched(mask):  # each member has its own positions: a select keeps one shape
        shape = shape_of(a)
        flat_values = manipulation.reshape(values, (-1,)) if isinstance(
            values, Tracer) else np.ravel(values)
        count = int(np.prod(shape_of(flat_values)))
        spread = indexing.getitem(flat_values, np.arange(int(np.prod(shape))) % count)
        spread = manipulation.reshape(spread, shape)
        if dtype_of(spread) != dtype_of(a):
            spread = astype(spread, dtype_of(a))
        update(a, arithmetic.where(mask, spread, a))
        return
    positions = np.flatnonzero(np.broadcast_to(base_value(mask), shape_of(a)))
    flat_values = (manipulation.reshape(values, (-1,)) if isinstance(values, Tracer)
                   else np.ravel(values))
    count = int(np.prod(shape_of(flat_values)))
    put(a, positions, indexing.getitem(flat_values, positions % count))


@handles(np.fill_diagonal)
def fill_diagonal(a, val, wrap=False):
    """``np.fill_diagonal``: the main diagonal (of equal-length axes) set to ``val``, in place.

    >>> def f(x):
    ...     M = np.zeros((2, 2), like=x)
    ...     fill_diagonal(M, x)
    ...     return (M * np.array([[1.0, 2.0], [3.0, 4.0]])).sum()
    >>> cr.grad(f)(np.array([1.0, 1.0]))
    array([1., 4.])
    """
    _traced_target(a, "np.fill_diagonal")
    shape = shape_of(a)
    plain = np.zeros(shape, bool)
    np.fill_diagonal(plain, True, wrap=wrap)  # NumPy's own checks and positions
    put(a, np.flatnonzero(plain), val)
