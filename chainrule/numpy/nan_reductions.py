"""NaN-aware reductions beyond nansum and nanmean (nanmax, nanmin, nanprod,
nanvar, nanstd, nancumsum, nancumprod; nanargmax and nanargmin, which are
indices), and ptp.

NaNs are replaced by the value that leaves the reduction unchanged (0, 1,
-inf, inf): constants, so NaN entries get a zero derivative. A slice of NaNs
only gives NaN, as in NumPy. Ties in nanmax, nanmin and ptp split the
derivative evenly, as max and min do.

>>> cr.grad(lambda x: np.nanmax(x))(np.array([1.0, np.nan, 3.0]))
array([0., 0., 1.])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import arithmetic
from .arithmetic import sqrt
from .complex_numbers import conjugate, real
from .batching import member_axis
from .creation import asarray
from .manipulation import reshape
from .reductions import _output, cumprod, cumsum, max, min, prod, sum, var
from .wrap import (all_entries, any_entry, dtype_of, handles, nondiff, shape_of,
                   since_numpy_2_keywords)

__all__ = ["nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmin", "nanprod",
           "nanstd", "nanvar", "ptp"]


def _array(a):
    return asarray(a) if isinstance(a, (list, tuple)) else a


def _keepdims(keepdims) -> bool:
    return False if keepdims is np._NoValue else bool(keepdims)


def _without_nans(a, fill):
    """``a`` with its NaNs replaced by ``fill`` (constants: they get no derivative)."""
    a = _array(a)
    # traced: a recording sees where the NaNs are, and np.any is a guard there
    nan = np.isnan(a) if np.issubdtype(dtype_of(a), np.inexact) else False
    return (arithmetic.where(nan, fill, a) if any_entry(nan) else a), nan


def _all_nan_to_nan(result, nan, axis, keepdims):
    everywhere = np.all(nan, axis=axis, keepdims=keepdims) if len(shape_of(nan)) else False
    return arithmetic.where(everywhere, np.nan, result) if any_entry(everywhere) else result


@handles(np.nanmax)
def nanmax(a, axis=None, out=None, keepdims=np._NoValue, initial=np._NoValue, where=np._NoValue):
    """``np.nanmax``: the max of the non-NaN entries (ties split evenly, as ``max``).

    >>> cr.grad(nanmax)(np.array([1.0, np.nan, 3.0]))
    array([0., 0., 1.])
    """
    x, nan = _without_nans(a, -np.inf)
    result = max(x, axis, None, keepdims, initial, None if where is np._NoValue else where)
    return _output(_all_nan_to_nan(result, nan, axis, _keepdims(keepdims)), out)


@handles(np.nanmin)
def nanmin(a, axis=None, out=None, keepdims=np._NoValue, initial=np._NoValue, where=np._NoValue):
    """``np.nanmin``: the min of the non-NaN entries (ties split evenly, as ``min``).

    >>> cr.grad(nanmin)(np.array([1.0, np.nan, 3.0]))
    array([1., 0., 0.])
    """
    x, nan = _without_nans(a, np.inf)
    result = min(x, axis, None, keepdims, initial, None if where is np._NoValue else where)
    return _output(_all_nan_to_nan(result, nan, axis, _keepdims(keepdims)), out)


@handles(np.nanprod)
def nanprod(a, axis=None, dtype=None, out=None, keepdims=np._NoValue, initial=np._NoValue,
            where=np._NoValue):
    """``np.nanprod``: NaNs count as one.

    >>> cr.grad(nanprod)(np.array([2.0, np.nan, 3.0]))
    array([3., 0., 2.])
    """
    x, _ = _without_nans(a, 1)
    return prod(x, axis, dtype, out, keepdims, initial, True if where is np._NoValue else where)


@handles(np.nancumsum)
def nancumsum(a, axis=None, dtype=None, out=None):
    """``np.nancumsum``: NaNs count as zero.

    >>> nancumsum(np.array([1.0, np.nan, 2.0]))
    array([1., 1., 3.])
    """
    return cumsum(_without_nans(a, 0)[0], axis, dtype, out)


@handles(np.nancumprod)
def nancumprod(a, axis=None, dtype=None, out=None):
    """``np.nancumprod``: NaNs count as one.

    >>> nancumprod(np.array([2.0, np.nan, 3.0]))
    array([2., 2., 6.])
    """
    return cumprod(_without_nans(a, 1)[0], axis, dtype, out)


@handles(np.nanvar)
def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=np._NoValue, *,
           where=np._NoValue, mean=np._NoValue, correction=np._NoValue):
    """``np.nanvar``: the variance of the non-NaN entries; real and complex input.

    >>> nanvar(np.array([1.0, np.nan, 3.0]))
    1.0
    """
    since_numpy_2_keywords("nanvar", mean=mean, correction=correction)
    if mean is not np._NoValue and mean is not None:
        raise NotImplementedError("numpy.nanvar with mean= is not supported on traced values by "
                                  "chainrule; compute it as np.nanmean(np.abs(x - m) ** 2).")
    if correction is not np._NoValue and correction is not None:
        ddof = correction
    keepdims = _keepdims(keepdims)
    x = _array(a) if dtype is None else asarray(a, dtype)
    # the mask is traced: a recording sees it, and np.all is a guard there
    inexact, complex_valued = (np.issubdtype(dtype_of(x), kind)
                               for kind in (np.inexact, np.complexfloating))
    counted = ~np.isnan(x) if inexact else np.ones(shape_of(x), bool)
    if where is not np._NoValue and where is not True:
        counted = counted & np.broadcast_to(where, shape_of(x))
    if not complex_valued and all_entries(counted):
        return var(x, axis, None, out, ddof, keepdims)
    if not inexact:
        x = asarray(x, np.float64)
    real_dtype = np.finfo(dtype_of(x)).dtype
    count = np.sum(counted, axis=axis, keepdims=True).astype(real_dtype)
    total = sum(arithmetic.where(counted, x, 0), axis, keepdims=True)
    centred = arithmetic.where(counted, x - total / count, 0)
    squares = real(centred * conjugate(centred)) if complex_valued else centred * centred
    # the count's dtype is the variance's, in NumPy 1.x too (a 0-d int minus ddof is int64)
    dof = (np.sum(counted, axis=axis, keepdims=keepdims) - ddof).astype(real_dtype)
    result = sum(squares, axis, keepdims=keepdims) / np.where(dof > 0, dof, real_dtype.type(np.nan))
    return _output(result, out)


@handles(np.nanstd)
def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=np._NoValue, *,
           where=np._NoValue, mean=np._NoValue, correction=np._NoValue):
    """``np.nanstd``: the square root of ``nanvar``; where the values are all equal its
    gradient is 0, as ``np.std``'s (docs/numpy.md, "Values at kinks").

    >>> nanstd(np.array([1.0, np.nan, 3.0]))
    1.0
    """
    variance = nanvar(a, axis, dtype, None, ddof, keepdims, where=where, mean=mean,
                      correction=correction)
    apex = variance == 0  # traced: a recording sees it, and np.any is a guard there
    if not any_entry(apex):
        return _output(sqrt(variance), out)
    return _output(arithmetic.where(apex, 0.0, sqrt(arithmetic.where(apex, 1.0, variance))), out)


def _nan_arg(function):
    return nondiff(function.__name__, lambda a, axis, keepdims: function(
        a, axis, keepdims=keepdims))


nanargmax_p, nanargmin_p = _nan_arg(np.nanargmax), _nan_arg(np.nanargmin)


def _nan_arg_batch(prim):
    # an index into each member: of its flattened entries when axis is None
    def rule(args, batched, axis, keepdims):
        (a,) = args
        shape = shape_of(a)
        if axis is not None:
            return prim(a, axis=member_axis(axis, len(shape) - 1), keepdims=keepdims)
        flat = prim(reshape(a, (shape[0], -1)), axis=1, keepdims=False)
        return reshape(flat, shape[:1] + (1,) * (len(shape) - 1)) if _keepdims(keepdims) else flat

    return rule


nanargmax_p.def_batch(_nan_arg_batch(nanargmax_p))
nanargmin_p.def_batch(_nan_arg_batch(nanargmin_p))


def _nan_arg_function(prim: Any, function: Any, example: str) -> Any:
    """The wrapper of ``np.nanargmax`` or ``np.nanargmin``: an index, no derivative."""
    name = function.__name__

    def nan_arg(a, axis=None, out=None, *, keepdims=np._NoValue):
        if out is not None:
            raise NotImplementedError(f"numpy.{name} with out= is not supported on traced "
                                      f"values; write out[...] = np.{name}(a, axis)")
        return prim(a, axis=axis, keepdims=keepdims)  # nondiff: a recording sees it

    nan_arg.__name__ = nan_arg.__qualname__ = name
    nan_arg.__doc__ = (f"``np.{name}`` (an index, no derivative).\n\n"
                       f"    >>> {name}(np.array([1.0, np.nan, 3.0]))\n    {example}\n    ")
    return handles(function)(nan_arg)


nanargmax = _nan_arg_function(nanargmax_p, np.nanargmax, "2")
nanargmin = _nan_arg_function(nanargmin_p, np.nanargmin, "0")


@handles(np.ptp)
def ptp(a, axis=None, out=None, keepdims=np._NoValue):
    """``np.ptp``: ``max - min`` (ties split evenly in each).

    >>> cr.grad(ptp)(np.array([1.0, 4.0, 2.0]))
    array([-1.,  1.,  0.])
    """
    keepdims = _keepdims(keepdims)
    return _output(max(a, axis, keepdims=keepdims) - min(a, axis, keepdims=keepdims), out)
