"""Elementwise operations: the ``Elementwise`` primitive class, its factory, and
the three operations every elementwise rule leans on: broadcasting up
(``broadcast_to``), summing down (``sum_to``), and casting (``astype``).

An elementwise function declares its partial derivatives once, one per
argument; reverse mode multiplies the cotangent by them and sums it back to
each argument's shape, forward mode multiplies the tangent and broadcasts it
to the output's shape:

    sin = elementwise("sin", np.sin)
    sin.def_partials(lambda ans, x: cos(x))

>>> import chainrule.numpy as cnp
>>> cr.grad(lambda x: cnp.sum(x * 2.0))(np.ones(2))
array([2., 2.])
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .wrap import (NUMPY_2, SCALAR_TYPES, UFUNCS, NumpyPrimitive, array_of, dtype_of,
                   elementwise_batch, logical_ndim, nondiff, primitive, registered, shape_of)

# -- broadcasting and its transpose ----------------------------------------------


def _sum_to_impl(g: Any, shape: tuple) -> Any:
    g_shape = np.shape(g)
    extra = len(g_shape) - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + axis for axis, size in enumerate(shape) if size == 1 and g_shape[extra + axis] != 1)
    summed = np.sum(g, axis=axes) if axes else g
    return np.reshape(summed, shape) if np.shape(summed) != shape else summed


# sum_to(g, shape) and broadcast_to(x, shape) are each other's transpose.
sum_to_p = primitive("sum_to", _sum_to_impl)
broadcast_to_p = primitive("broadcast_to", lambda x, shape: np.broadcast_to(x, shape))
sum_to_p.def_linear(lambda g, ans, x, shape: broadcast_to_p(g, shape=shape_of(x)))
broadcast_to_p.def_linear(lambda g, ans, x, shape: unbroadcast(g, shape_of(x)))


# Batched, both keep the batch axis first: the member axes line up from the right, so
# the member shape is padded with ones to the batched value's rank (no axis is added
# or dropped in front of the batch), the size-1 axes summed or broadcast, then dropped.
def _sum_to_batch(args, batched, shape):
    g = args[0]
    padded = (shape_of(g)[0],) + (1,) * (logical_ndim(g, True) - len(shape)) + tuple(shape)
    return np.reshape(sum_to_p(g, shape=padded), padded[:1] + tuple(shape))


def _broadcast_to_batch(args, batched, shape):
    x = args[0]
    size = shape_of(x)[0]
    x = np.reshape(x, (size,) + (1,) * (len(shape) - logical_ndim(x, True)) + shape_of(x)[1:])
    return broadcast_to_p(x, shape=(size,) + tuple(shape))


sum_to_p.def_batch(_sum_to_batch)
broadcast_to_p.def_batch(_broadcast_to_batch)


def unbroadcast(g: Any, shape: tuple) -> Any:
    """Sum ``g`` down to ``shape``: the transpose of broadcasting to ``g``'s shape.

    >>> unbroadcast(np.ones((2, 3)), (3,))
    array([2., 2., 2.])
    """
    if shape_of(g) == shape:
        return g
    return sum_to_p(g, shape=shape)


def broadcast_tangent(t: Any, shape: tuple) -> Any:
    """Broadcast a tangent up to the output ``shape`` (the JVP of broadcasting).

    >>> broadcast_tangent(1.0, (2,))
    array([1., 1.])
    """
    if shape_of(t) == shape:
        return t
    return broadcast_to_p(t, shape=shape)


# -- casting -----------------------------------------------------------------------


def _cast(x: Any, dtype: Any) -> Any:
    return x.astype(dtype) if hasattr(x, "astype") else np.dtype(dtype).type(x)


astype_p = primitive("astype", _cast)
astype_p.def_linear(lambda g, ans, x, dtype: astype(g, dtype_of(x)))  # dtype is a keyword param
# a cast to integers or booleans: no derivative, but a primitive, so a replay recomputes it
astype_discrete_p = nondiff("astype_discrete", _cast)
astype_p.def_batch(elementwise_batch(astype_p))
astype_discrete_p.def_batch(elementwise_batch(astype_discrete_p))


def astype(x: Any, dtype: Any) -> Any:
    """``x.astype(dtype)``; a cast to an integer or boolean type carries no derivative.

    >>> astype(np.array([1.5, 2.5]), np.float32)
    array([1.5, 2.5], dtype=float32)
    """
    dtype = np.dtype(dtype)
    x = array_of(x)
    if not np.issubdtype(dtype, np.inexact):
        return astype_discrete_p(x, dtype=dtype)
    if dtype_of(x) == dtype:
        return x
    return astype_p(x, dtype=dtype)


def _no_wider_than(value: Any, reference: Any) -> Any:
    """``value``, cast down to the floating-point precision of ``reference`` if wider."""
    dtype, reference_dtype = dtype_of(value), dtype_of(reference)
    if dtype.kind not in "fc" or reference_dtype.kind not in "fc":
        return value
    bits = np.finfo(reference_dtype).bits
    if np.finfo(dtype).bits <= bits:
        return value
    return astype(value, np.dtype(f"{dtype.kind}{bits // 8 * (2 if dtype.kind == 'c' else 1)}"))


# -- the Elementwise primitive -------------------------------------------------------


class Elementwise(NumpyPrimitive):
    # A broadcasting elementwise operation (a ufunc). Its rules are written as
    # if every argument had the output's shape; the class sums cotangents back
    # to each argument's shape and broadcasts tangents up to the output's, so
    # a rule reads like the calculus. (No docstring here: the one
    # NumpyPrimitive writes for each instance must not be hidden.)

    __slots__ = ()
    __doc__ = NumpyPrimitive.__dict__["__doc__"]  # every class body sets __doc__: keep the property

    def def_vjp(self, *rules: Callable | None) -> None:
        super().def_vjp(*(None if rule is None else _summed_to_argument(rule, argnum)
                          for argnum, rule in enumerate(rules)))

    def def_jvp(self, *rules: Callable | None) -> None:
        super().def_jvp(*(None if rule is None else _broadcast_to_output(rule)
                          for rule in rules))

    def cotangent_from_partial(self, g: Any, factor: Any, argnum: int, args: tuple,
                               params: dict) -> Any:
        cotangent = g * factor
        argument = args[argnum]
        if type(argument) in SCALAR_TYPES and type(cotangent) in SCALAR_TYPES:
            return cotangent  # scalars: nothing to sum (the common case, checked cheaply)
        return unbroadcast(cotangent, shape_of(argument))

    def tangent_from_partial(self, t: Any, factor: Any, ans: Any, params: dict) -> Any:
        tangent = t * factor
        if type(ans) in SCALAR_TYPES and type(tangent) in SCALAR_TYPES:
            return tangent if NUMPY_2 else _no_wider_than(tangent, ans)
        tangent = broadcast_tangent(tangent, shape_of(ans))
        return tangent if NUMPY_2 else _no_wider_than(tangent, ans)


def _summed_to_argument(rule: Callable, argnum: int) -> Callable:
    def vjp(g, ans, *args, **params):
        cotangent = rule(g, ans, *args, **params)
        argument = args[argnum]
        if type(argument) in SCALAR_TYPES and type(cotangent) in SCALAR_TYPES:
            return cotangent
        return unbroadcast(cotangent, shape_of(argument))  # returns it as is if shapes agree

    return vjp


def _broadcast_to_output(rule: Callable) -> Callable:
    def jvp(t, ans, *args, **params):
        tangent = rule(t, ans, *args, **params)
        if type(ans) in SCALAR_TYPES and type(tangent) in SCALAR_TYPES:
            return tangent if NUMPY_2 else _no_wider_than(tangent, ans)
        tangent = broadcast_tangent(tangent, shape_of(ans))  # as is if shapes agree
        # Before NEP 50 (NumPy 1.x), a float32 scalar combined with a Python number is
        # float64, so a rule written with constants widens a float32 tangent: cast back.
        return tangent if NUMPY_2 else _no_wider_than(tangent, ans)

    return jvp


def elementwise(name: str, ufunc: Any, impl: Callable | None = None) -> Elementwise:
    """A primitive for ``ufunc``; ``np.<ufunc>(tracer)`` is routed to it.

    >>> from chainrule.numpy.trig import sin
    >>> sin.partials[0](0.0, 0.0)   # cos(0): the factor for the one argument
    1.0
    """
    prim = registered(Elementwise(f"numpy.{name}", impl or ufunc))
    prim.numpy_function = ufunc
    prim.def_batch(elementwise_batch(prim))
    UFUNCS[ufunc] = prim
    return prim
