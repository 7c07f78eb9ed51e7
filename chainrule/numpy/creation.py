"""Creating arrays that stay traced: ``array``/``asarray`` of traced values,
``zeros(n, like=x)``, ``zeros_like(x)`` and friends, whose results can then be
filled by item assignment without losing the derivative; ``full`` with a traced
fill value; and ``linspace``/``logspace``/``geomspace`` between traced ends."""

from __future__ import annotations

import operator
from typing import Any, Callable, Literal

import numpy as np

from ..core import Tracer, base_value, new_tracer
from ..core.batching import is_batched
from .arithmetic import add, power, where
from .elementwise import astype
from .exp_log import log10
from .joining import stack
from .manipulation import expand_dims, moveaxis, reshape
from .wrap import dtype_of, handles, set_sequence_converter, shape_of


def constant_like(value, like):
    """``value`` as a tracer with no derivative at every level ``like`` is traced at."""
    if not isinstance(like, Tracer):
        return value
    return like.level.constant(constant_like(value, like.primal))


def member_stand_in(value: Any) -> Any:
    """A plain value for NumPy's shape and dtype rules: ``value``'s own where it carries
    no batch axis, else zeros of one batch member's shape and dtype (no copy).

    >>> member_stand_in(1.5)
    1.5
    """
    if is_batched(value):
        return np.broadcast_to(np.zeros((), dtype_of(value)), shape_of(value))
    return base_value(value)


def batched_constant(plain: Any, like: Any) -> Any:
    """``plain``, computed from ``base_value(like)`` and so carrying ``like``'s batch axes
    in front, as a value of ``like``'s batching levels: each member's own constant (no
    derivative level). A plain ``like`` gives ``plain`` itself.

    >>> batched_constant(np.arange(3), np.ones(3))
    array([0, 1, 2])
    """
    levels = []
    while isinstance(like, Tracer):
        if like.level.leading_axes:
            levels.append(like.level)
        like = like.primal
    for level in reversed(levels):
        plain = new_tracer(plain, level)
    return plain


def _shape_of(x, shape):
    return shape_of(x) if shape is None else shape


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
    return dtype_of(x) if dtype is None else dtype


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
    return constant_like(np.zeros(_shape_of(x, shape), _dtype_of(x, dtype)), x)


@handles(np.ones_like)
def ones_like(x, dtype=None, order="K", subok=True, shape=None):
    """Ones shaped like ``x``, as a traced constant.

    >>> ones_like(np.zeros(2))
    array([1., 1.])
    """
    x = asarray(x)
    return constant_like(np.ones(_shape_of(x, shape), _dtype_of(x, dtype)), x)


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
        np.full(_shape_of(x, shape), fill_value, _dtype_of(x, dtype)), x)


def full(shape: Any, fill_value: Any, dtype: Any = None, order: Literal["C", "F"] = "C", *,
         like: Any = None, **kwargs: Any) -> Any:
    """``np.full``; a traced fill value (or ``like=`` a traced array) gives a traced
    array, differentiable in the fill value. Plain ``np.full(shape, t)`` cannot be
    intercepted (NumPy converts ``t`` first): spell it ``np.full(shape, t, like=t)``.

    >>> cr.grad(lambda v: full((2, 3), v).sum())(2.0)
    6.0
    """
    if not _contains_tracer(fill_value):
        options = dict(kwargs) if like is None or isinstance(like, Tracer) else dict(kwargs, like=like)
        return constant_like(np.full(shape, fill_value, dtype=dtype, order=order, **options), like)
    fill = asarray(fill_value)
    if dtype is not None:
        fill = astype(fill, dtype)
    zeros = np.zeros(shape, dtype=dtype_of(fill), order=order)
    np.broadcast_to(member_stand_in(fill), zeros.shape)  # NumPy's error where it does not fit
    return add(constant_like(zeros, like), fill)


def _plain_call(*values) -> bool:
    return not any(_contains_tracer(value) for value in values)


def _device(device) -> dict:
    return {} if device is None else {"device": device}


def _along_first(mask_positions, num: int, ndim: int):
    """A constant boolean (num, 1, ..., 1): True at the given positions along axis 0."""
    mask = np.zeros(num, bool)
    mask[list(mask_positions)] = True
    return mask.reshape((num,) + (1,) * ndim)


@handles(np.linspace)
def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype: Any = None, axis: int = 0, *, device: Any = None) -> Any:
    """``np.linspace``, differentiable in ``start`` and ``stop`` (scalars or arrays).

    Computed as NumPy does (``start + i * step``, the last point ``stop``), so the
    values are NumPy's to the bit.

    >>> cr.grad(lambda x: linspace(x, 3.4, 5).sum())(1.2)
    2.5
    """
    if _plain_call(start, stop):
        return np.linspace(  # type: ignore[call-overload]  # NumPy's stubs: retstep a Literal
            start, stop, num, endpoint, retstep, dtype, axis, **_device(device))
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    start, stop = asarray(start), asarray(stop)
    inexact = np.result_type(member_stand_in(start), member_stand_in(stop), float(num))
    start, stop = astype(start, inexact), astype(stop, inexact)
    delta = stop - start
    ndim = len(shape_of(delta))
    steps = np.arange(0, num, dtype=inexact).reshape((-1,) + (1,) * ndim)
    div = num - 1 if endpoint else num
    if div > 0:
        step = delta / div
        if is_batched(step):  # NumPy's care for denormal steps, member by member
            y = where(step == 0, (steps / div) * delta, steps * step)
        elif np.any(base_value(step) == 0):  # NumPy's care for denormal steps
            y = (steps / div) * delta
        else:
            y = steps * step
    else:  # no step: zero samples, or one with endpoint
        step = np.nan
        y = steps * delta
    y = y + start
    if endpoint and num > 1:
        y = where(_along_first([-1], num, ndim), stop, y)
    if axis != 0:
        y = moveaxis(y, 0, axis)
    y = _as_dtype(y, dtype)
    return (y, step) if retstep else y


def _as_dtype(y, dtype, floor: bool = True):
    if dtype is None:
        return y
    if np.issubdtype(np.dtype(dtype), np.integer):  # no derivative; linspace floors first
        return astype(np.floor(y) if floor else y, dtype)  # a nondiff cast: plain or batched
    return astype(y, dtype)


def _at_least_ndim(x, ndim: int):
    x = asarray(x)
    shape = shape_of(x)
    return reshape(x, (1,) * (ndim - len(shape)) + shape) if len(shape) < ndim else x


@handles(np.logspace)
def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: Any = 10.0,
             dtype: Any = None, axis: int = 0) -> Any:
    """``np.logspace``: ``base ** linspace(start, stop)``, differentiable in ``start``,
    ``stop`` and ``base``.

    >>> cr.grad(lambda x: logspace(0.0, x, 2).sum())(1.0) == np.log(10) * 10
    True
    """
    if _plain_call(start, stop, base):
        return np.logspace(start, stop, num, endpoint, base, dtype, axis)
    ndim = len(np.broadcast_shapes(*(shape_of(asarray(v)) for v in (start, stop, base))))
    start, stop, base = (_at_least_ndim(v, ndim) for v in (start, stop, base))
    y = linspace(start, stop, num=num, endpoint=endpoint, axis=axis)
    return _as_dtype(power(expand_dims(base, axis), y), dtype, floor=False)


@handles(np.geomspace)
def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0) -> Any:
    """``np.geomspace``: a geometric sequence, differentiable in real ``start`` and
    ``stop`` (of either sign, not zero); its ends are exactly ``start`` and ``stop``.

    >>> round(cr.grad(lambda x: geomspace(x, 8.0, 4)[1])(1.0), 12)  # (x**2 * 8) ** (1/3)
    1.333333333333
    """
    if _plain_call(start, stop):
        return np.geomspace(start, stop, num, endpoint, dtype, axis)
    start, stop = asarray(start), asarray(stop)
    if np.any(base_value(start) == 0) or np.any(base_value(stop) == 0):
        raise ValueError("Geometric sequence cannot include zero")
    inexact = np.result_type(member_stand_in(start), member_stand_in(stop), float(num),
                             np.zeros((), dtype))
    if np.issubdtype(inexact, np.complexfloating):
        raise NotImplementedError(
            "numpy.geomspace of complex traced values is not supported by chainrule; write "
            "it as start * (stop / start) ** np.linspace(0, 1, num).")
    start, stop = astype(start, inexact), astype(stop, inexact)
    sign = np.sign(start)  # nondiff, a constant: the sequence keeps start's sign
    start, stop = start / sign, stop / sign
    result = logspace(log10(start), log10(stop), num=num, endpoint=endpoint, dtype=inexact)
    ndim = len(shape_of(result)) - 1
    if num > 0:  # exactly the ends given: 10 ** log10(x) need not be x
        result = where(_along_first([0], num, ndim), start, result)
        if num > 1 and endpoint:
            result = where(_along_first([-1], num, ndim), stop, result)
    result = sign * result
    if axis != 0:
        result = moveaxis(result, 0, axis)
    return _as_dtype(result, inexact if dtype is None else dtype, floor=False)


def _creation_like(numpy_function):
    def create(*args, like, **kwargs):
        plain = base_value(like)
        if type(plain) is not np.ndarray and hasattr(plain, "__array_function__"):
            kwargs["like"] = plain  # like a traced Dask (CuPy) array: that library creates it
        return constant_like(numpy_function(*args, **kwargs), like)

    create.__name__ = numpy_function.__name__
    create.__doc__ = f"``np.{numpy_function.__name__}(..., like=x)``: a traced constant."
    return create


# NumPy calls these through ``like.__array_function__`` without passing ``like``
# on; the array tracer adds it back. (linspace and friends take no ``like=``: they
# dispatch on their arguments, through ``handles`` above.)
LIKE_FUNCTIONS: dict[Any, Callable] = {
    np.zeros: _creation_like(np.zeros),
    np.ones: _creation_like(np.ones),
    np.empty: _creation_like(np.zeros),
    np.full: full,
    np.eye: _creation_like(np.eye),
    np.identity: _creation_like(np.identity),
    np.arange: _creation_like(np.arange),
    np.array: lambda value, *args, like, **kwargs: array(value, *args, **kwargs),
    np.asarray: lambda value, *args, like, **kwargs: asarray(value, *args, **kwargs),
}


# Lists and tuples holding tracers, given to any function of the NumPy layer
# (``cnp.exp([x, y])``), become traced arrays through ``asarray``: the layer's
# lower files reach it through this slot in wrap.py (see ``wrap.array_of``).
set_sequence_converter(asarray)
