"""Creating arrays that stay traced: ``array``/``asarray`` of traced values, and
``zeros(n, like=x)``, ``zeros_like(x)`` and friends, whose results can then be
filled by item assignment without losing the derivative."""

from __future__ import annotations

import numpy as np

from ..core import Tracer, base_value, new_tracer
from .arithmetic import add
from .elementwise import astype
from .joining import stack
from .wrap import handles, set_sequence_converter


def constant_like(value, like):
    """``value`` as a tracer with no derivative at every level ``like`` is traced at."""
    if not isinstance(like, Tracer):
        return value
    return new_tracer(constant_like(value, like.primal), like.level)


def _contains_tracer(value) -> bool:
    if isinstance(value, Tracer):
        return True
    if isinstance(value, (list, tuple)):
        return any(_contains_tracer(item) for item in value)
    return False


def array(value, dtype=None, copy=True, ndmin=0, **kwargs):
    """``np.array`` that keeps traced values traced (plain ``np.array`` cannot).

    >>> array([1.0, 2.0])
    array([1., 2.])
    """
    if isinstance(value, Tracer):
        result = value
    elif isinstance(value, (list, tuple)) and _contains_tracer(value):
        result = stack([array(item) for item in value])
    else:
        return np.array(value, dtype=dtype, copy=copy, ndmin=ndmin, **kwargs)
    if dtype is not None:
        result = astype(result, dtype)
    return result


def asarray(value, dtype=None, **kwargs):
    """``np.asarray`` that keeps traced values traced.

    >>> cr.grad(lambda x: asarray(x).sum())(np.ones(2))
    array([1., 1.])
    """
    if isinstance(value, Tracer) and dtype is None:
        return value
    return array(value, dtype=dtype, **kwargs)


def _dtype_of(x, dtype):
    return np.result_type(base_value(x)) if dtype is None else dtype


@handles(np.zeros_like)
def zeros_like(x, dtype=None, order="K", subok=True, shape=None):
    """Zeros shaped like ``x``: a traced constant, so it can be filled with traced values.

    >>> def f(x):
    ...     y = np.zeros_like(x)
    ...     y[0] = x[1] ** 2
    ...     return y.sum()
    >>> cr.grad(f)(np.array([1.0, 3.0]))
    array([0., 6.])
    """
    x = asarray(x)
    return constant_like(np.zeros_like(base_value(x), dtype=dtype, shape=shape), x)


@handles(np.ones_like)
def ones_like(x, dtype=None, order="K", subok=True, shape=None):
    """Ones shaped like ``x``, as a traced constant.

    >>> ones_like(np.zeros(2))
    array([1., 1.])
    """
    x = asarray(x)
    return constant_like(np.ones_like(base_value(x), dtype=dtype, shape=shape), x)


@handles(np.empty_like)
def empty_like(x, dtype=None, order="K", subok=True, shape=None):
    """Like ``np.empty_like`` but filled with zeros, as a traced constant.

    >>> empty_like(np.ones(2))
    array([0., 0.])
    """
    return zeros_like(x, dtype=dtype, shape=shape)


@handles(np.full_like)
def full_like(x, fill_value, dtype=None, order="K", subok=True, shape=None):
    """``np.full_like``; the fill value may be traced.

    >>> cr.grad(lambda v: full_like(np.zeros(3), v).sum())(2.0)
    3.0
    """
    x = asarray(x)
    filled = zeros_like(x, dtype=dtype, shape=shape)
    return add(filled, fill_value) if isinstance(fill_value, Tracer) else constant_like(
        np.full_like(base_value(x), fill_value, dtype=dtype, shape=shape), x)


def _creation_like(numpy_function):
    def create(*args, like, **kwargs):
        return constant_like(numpy_function(*args, **kwargs), like)

    create.__name__ = numpy_function.__name__
    create.__doc__ = f"``np.{numpy_function.__name__}(..., like=x)``: a traced constant."
    return create


# NumPy calls these through ``like.__array_function__`` without passing ``like``
# on; the array tracer adds it back.
LIKE_FUNCTIONS = {
    np.zeros: _creation_like(np.zeros),
    np.ones: _creation_like(np.ones),
    np.empty: _creation_like(np.zeros),
    np.full: _creation_like(np.full),
    np.eye: _creation_like(np.eye),
    np.identity: _creation_like(np.identity),
    np.arange: _creation_like(np.arange),
    np.linspace: _creation_like(np.linspace),
    np.array: lambda value, *args, like, **kwargs: array(value, *args, **kwargs),
    np.asarray: lambda value, *args, like, **kwargs: asarray(value, *args, **kwargs),
}


# Lists and tuples holding tracers, given to any function of the NumPy layer
# (``cnp.exp([x, y])``), become traced arrays through ``asarray``: the layer's
# lower files reach it through this slot in wrap.py (see ``wrap.array_of``).
set_sequence_converter(asarray)
