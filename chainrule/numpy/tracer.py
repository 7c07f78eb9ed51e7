"""The array tracer: a traced value that behaves like a NumPy array.

Operators, the common methods and attributes, and NumPy's two protocols
(``__array_ufunc__`` for ufuncs, ``__array_function__`` for the rest) route
everything to chainrule's primitives, so plain ``import numpy as np`` code is
differentiated. Where the derivative would be lost silently (``np.asarray`` on
a tracer, ``float(t)``, a tracer written into a plain ndarray) it raises an
error naming the spelling that works.

Item and augmented assignment are functional updates: the tracer object gets
the new value and graph node, so earlier recorded values never change. Views
made by basic slicing and reshaping remember their base: writing into a view
writes into the base, and views of a base that is written to afterwards are
marked stale (using one raises), since NumPy would show them the write.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import operator

from ..core import Tracer, register_tracer_type, register_zeros
from . import (arithmetic, complex_numbers, elementwise, indexing, joining, linalg, manipulation,
               nondiff, reductions)
from .creation import LIKE_FUNCTIONS
from .mutation import LOST_DERIVATIVE_HINT, add_view, update, write_out
from .ufunc_methods import UFUNC_METHODS
from .wrap import FUNCTIONS, SCALAR_TYPES, UFUNCS, unsupported_function_error

class NumericTracer(Tracer):
    """A traced number or array: everything NumPy-like but indexing. See the module docstring."""

    __slots__ = ("view_base", "views", "__weakref__")
    __array_priority__ = 100.0

    # ``view_base`` ((base tracer, write_back) for a view) and ``views`` (weak
    # references to views of this tracer) are set only when used: most tracers
    # are never viewed, and the tracer's construction is on the hot path.

    # -- what it is -----------------------------------------------------------
    @property
    def value(self) -> Any:
        """The plain value under every level of tracing."""
        value = self.primal
        while isinstance(value, Tracer):
            value = value.primal
        return value

    shape = property(lambda self: np.shape(self.value))
    ndim = property(lambda self: np.ndim(self.value))
    size = property(lambda self: np.size(self.value))
    dtype = property(lambda self: np.result_type(self.value))

    def __repr__(self) -> str:
        return f"Traced<{self.dtype}{list(self.shape)}>({self.value!r}, {self.level})"

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    # -- where the derivative would be lost --------------------------------------
    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            "chainrule cannot turn a traced value into a plain NumPy array "
            "(np.array / np.asarray on it, writing it into a plain ndarray with "
            "out[i] = t, or a library routine, a SciPy function say, converting its "
            "input): its derivative would be lost.\n" + LOST_DERIVATIVE_HINT
        )

    def __float__(self) -> float:
        if hasattr(self.level, "guard"):  # a recording level: the number becomes a guard
            return self.level.guard(self, float)
        raise TypeError(
            "float() of a traced value would drop its derivative (this also happens "
            "when it is written into a plain ndarray, out[i] = t).\n"
            "  Keep it an array, or use float(chainrule.stop_gradient(t)) where you only "
            "need the number (printing, a tolerance).\n" + LOST_DERIVATIVE_HINT
        )

    def __complex__(self) -> complex:
        if hasattr(self.level, "guard"):
            return self.level.guard(self, complex)
        return self.__float__()  # the same explanation

    def item(self, *args):
        return self.__float__()

    def tolist(self):
        return self.__array__()

    # Integers and truth values carry no derivative. A recording level in the tracer's
    # stack records the value as a guard: a Python branch taken on it.
    def __int__(self) -> int:
        return observed(self, int)

    def __index__(self) -> int:
        return observed(self, operator.index)

    def __bool__(self) -> bool:
        return observed(self, bool)

    __hash__ = None

    # -- arithmetic ---------------------------------------------------------------
    def __add__(self, other): return arithmetic.add(self, other)
    def __radd__(self, other): return arithmetic.add(other, self)
    def __sub__(self, other): return arithmetic.subtract(self, other)
    def __rsub__(self, other): return arithmetic.subtract(other, self)
    def __mul__(self, other): return arithmetic.multiply(self, other)
    def __rmul__(self, other): return arithmetic.multiply(other, self)
    def __truediv__(self, other): return arithmetic.divide(self, other)
    def __rtruediv__(self, other): return arithmetic.divide(other, self)
    def __pow__(self, other): return arithmetic.power(self, other)
    def __rpow__(self, other): return arithmetic.power(other, self)
    def __mod__(self, other): return arithmetic.remainder(self, other)
    def __rmod__(self, other): return arithmetic.remainder(other, self)
    def __floordiv__(self, other): return nondiff.floor_divide(self, other)
    def __rfloordiv__(self, other): return nondiff.floor_divide(other, self)
    def __matmul__(self, other): return linalg.matmul(self, other)
    def __rmatmul__(self, other): return linalg.matmul(other, self)
    def __neg__(self): return arithmetic.negative(self)
    def __pos__(self): return self
    def __abs__(self): return arithmetic.absolute(self)

    # Comparisons have no derivative: they return plain boolean arrays.
    def __lt__(self, other): return nondiff.less(self, other)
    def __le__(self, other): return nondiff.less_equal(self, other)
    def __gt__(self, other): return nondiff.greater(self, other)
    def __ge__(self, other): return nondiff.greater_equal(self, other)
    def __eq__(self, other): return nondiff.equal(self, other)
    def __ne__(self, other): return nondiff.not_equal(self, other)
    # ... and so do the bitwise operators, on masks and integers (a recording level's tracers)
    def __and__(self, other): return nondiff.bitwise_and(self, other)
    def __rand__(self, other): return nondiff.bitwise_and(other, self)
    def __or__(self, other): return nondiff.bitwise_or(self, other)
    def __ror__(self, other): return nondiff.bitwise_or(other, self)
    def __xor__(self, other): return nondiff.bitwise_xor(self, other)
    def __rxor__(self, other): return nondiff.bitwise_xor(other, self)
    def __invert__(self): return nondiff.invert(self)

    # -- methods --------------------------------------------------------------
    @property
    def T(self):
        return self.transpose()

    def transpose(self, *axes):
        axes = axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else axes
        result = manipulation.transpose(self, axes or None)
        inverse = None if not axes else tuple(np.argsort(axes))
        add_view(self, result, lambda new, base: manipulation.transpose(new, inverse))
        return result

    def reshape(self, *new_shape, order="C"):
        new_shape = new_shape[0] if len(new_shape) == 1 else new_shape
        result = manipulation.reshape(self, new_shape, order=order)
        add_view(self, result, lambda new, base: manipulation.reshape(new, base.shape, order=order))
        return result

    def ravel(self, order="C"):
        return self.reshape(-1, order=order)

    def flatten(self, order="C"):
        return manipulation.reshape(self, (-1,), order=order)

    def squeeze(self, axis=None): return manipulation.squeeze(self, axis)
    def swapaxes(self, axis1, axis2): return manipulation.swapaxes(self, axis1, axis2)
    def repeat(self, repeats, axis=None): return joining.repeat(self, repeats, axis)
    def diagonal(self, offset=0, axis1=0, axis2=1): return manipulation.diagonal(self, offset, axis1, axis2)
    def trace(self, offset=0, axis1=0, axis2=1): return reductions.trace(self, offset, axis1, axis2)
    def sum(self, axis=None, dtype=None, keepdims=False): return reductions.sum(self, axis, dtype, keepdims=keepdims)
    def mean(self, axis=None, dtype=None, keepdims=False): return reductions.mean(self, axis, dtype, keepdims=keepdims)
    def prod(self, axis=None, dtype=None, keepdims=False): return reductions.prod(self, axis, dtype, keepdims=keepdims)
    def max(self, axis=None, keepdims=False): return reductions.max(self, axis, keepdims=keepdims)
    def min(self, axis=None, keepdims=False): return reductions.min(self, axis, keepdims=keepdims)
    def var(self, axis=None, dtype=None, ddof=0, keepdims=False): return reductions.var(self, axis, dtype, ddof=ddof, keepdims=keepdims)
    def std(self, axis=None, dtype=None, ddof=0, keepdims=False): return reductions.std(self, axis, dtype, ddof=ddof, keepdims=keepdims)
    def cumsum(self, axis=None): return reductions.cumsum(self, axis)
    def dot(self, other): return linalg.dot(self, other)
    def astype(self, dtype, copy=True): return elementwise.astype(self, dtype)
    def copy(self): return arithmetic.positive(self)
    def conj(self): return complex_numbers.conjugate(self)
    conjugate = conj
    def clip(self, min=None, max=None): return arithmetic.clip(self, min, max)
    def argmax(self, axis=None): return nondiff.argmax(self, axis)
    def argmin(self, axis=None): return nondiff.argmin(self, axis)
    def argsort(self, axis=-1): return nondiff.argsort(self, axis)
    def nonzero(self): return nondiff.nonzero(self)
    def any(self, axis=None): return nondiff.any(self, axis)
    def all(self, axis=None): return nondiff.all(self, axis)
    def round(self, decimals=0): return nondiff.around(self, decimals)

    @property
    def real(self):
        return complex_numbers.real(self)

    @property
    def imag(self):
        return complex_numbers.imag(self)

    # -- NumPy's protocols ----------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs:  # np.sin(x): the common case, first
            function = UFUNCS.get(ufunc)
            if function is not None:
                return function(*inputs)
        out = kwargs.pop("out", None)
        if method == "__call__":
            function = UFUNCS.get(ufunc)
        else:
            function = UFUNC_METHODS.get((ufunc, method))
        if function is None:
            owner = "numpy" if getattr(np, ufunc.__name__, None) is ufunc else "the ufunc"
            where = f"{owner}.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
            raise unsupported_function_error(where)
        if kwargs.pop("dtype", None) is not None or kwargs.get("where", True) is not True:
            raise NotImplementedError(
                f"numpy.{ufunc.__name__} with dtype= or where= is not supported on traced "
                "values; cast with .astype() and select with np.where() instead."
            )
        kwargs.pop("casting", None)
        result = function(*inputs, **kwargs)
        if out is not None:
            return write_out(out, result)
        return result

    def __array_function__(self, func, types, args, kwargs):
        function = FUNCTIONS.get(func)
        if function is None and func in LIKE_FUNCTIONS:
            return LIKE_FUNCTIONS[func](*args, like=self, **kwargs)
        if function is None:
            module = getattr(func, "__module__", "numpy") or "numpy"
            name = module.replace("numpy._core.", "numpy.").replace("numpy.core.", "numpy.")
            if name.startswith("numpy.") and name.count(".") >= 1 and "linalg" not in name and "fft" not in name:
                name = "numpy"
            raise unsupported_function_error(f"{name}.{func.__name__}")
        return function(*args, **kwargs)


class ScalarTracer(NumericTracer):
    """A traced scalar (Python or NumPy float). Like NumPy's scalars it is immutable
    and not a sequence, which lets ``out[i] = t`` on a plain array reach ``__float__``
    and its explanation instead of NumPy's generic sequence error."""

    __slots__ = ()


class ArrayTracer(NumericTracer):
    """A traced ndarray: adds indexing, item assignment and in-place arithmetic."""

    __slots__ = ()

    def __len__(self) -> int:
        return len(self.value)

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]

    # -- in-place arithmetic: functional updates -----------------------------------
    def __iadd__(self, other): return update(self, arithmetic.add(self, other))
    def __isub__(self, other): return update(self, arithmetic.subtract(self, other))
    def __imul__(self, other): return update(self, arithmetic.multiply(self, other))
    def __itruediv__(self, other): return update(self, arithmetic.divide(self, other))
    def __ipow__(self, other): return update(self, arithmetic.power(self, other))
    def __imatmul__(self, other): return update(self, linalg.matmul(self, other))

    def __getitem__(self, index):
        result = indexing.getitem(self, index)
        if isinstance(result, ArrayTracer) and indexing.is_basic_index(index):
            add_view(self, result, lambda new, base: indexing.setitem(base, index, new))
        return result

    def __setitem__(self, index, value) -> None:
        update(self, indexing.setitem(self, index, value))



def observed(tracer: Tracer, convert: Any) -> Any:
    """``convert(value)`` of a traced value (``bool``, ``int``, ``operator.index``), told to
    the innermost recording level among its levels (one with a ``guard`` method), which
    records it as a guard; the lower levels see it as that level converts its primal."""
    value: Any = tracer
    while isinstance(value, Tracer):
        guard = getattr(value.level, "guard", None)
        if guard is not None:
            return guard(value, convert)
        value = value.primal
    return convert(value)




register_tracer_type(np.ndarray, ArrayTracer)
SCALAR_TYPES.add(ScalarTracer)
for _value_type in (float, int, complex, np.float64, np.float32, np.float16,
                    np.complex128, np.complex64, np.longdouble):
    register_tracer_type(_value_type, ScalarTracer)

for _value_type in (np.ndarray, np.float64, np.float32, np.float16, np.complex128,
                    np.complex64, np.longdouble):
    register_zeros(_value_type, np.zeros_like)
