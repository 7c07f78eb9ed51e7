"""The array tracer: a traced value that behaves like a NumPy array.

Operators, the common methods and attributes, and NumPy's two protocols
(``__array_ufunc__`` for ufuncs, ``__array_function__`` for the rest) route
everything to chainrule's primitives, so plain ``import numpy as np`` code is
differentiated. Where the derivative would be lost silently (``np.asarray`` on
a tracer, ``float(t)``, a tracer written into a plain ndarray) it raises an
error naming the spelling that works.

Item and augmented assignment are functional updates: the tracer object gets
the new value and graph node, so earlier recorded values never change. Views
(basic slices, ``.T``, ``.reshape()``, ``.ravel()``, ... wherever NumPy gives
one) remember their base: writing into a view writes into the base, and a view
kept across a write into its base reads itself again (mutation.py). Methods
ndarray has route to the NumPy function of the same name, with its keywords.
"""

from __future__ import annotations

from typing import Any

import math
import operator

import numpy as np

from ..core import Tracer, register_tracer_type, register_zeros
from ..core.batching import is_batched
from ..core.reverse import register_snapshot
from . import (arithmetic, array_methods, complex_numbers, elementwise, indexing, linalg,
               manipulation, nondiff, sorting, views)
from .creation import LIKE_FUNCTIONS
from .mutation import (FRESH_TYPES, LIFTED_TYPES, LOST_DERIVATIVE_HINT, STALE_TYPES, UNLIFTED_TYPES,
                       _lower, fillable, refresh, snapshot_array, update, write_out)
from .ufunc_methods import UFUNC_METHODS
from .wrap import (FUNCTIONS, SCALAR_TYPES, UFUNC_LOADERS, UFUNCS, shape_of,
                   unsupported_function_error)


def _numpy_method(numpy_function):
    """The ndarray method that is ``numpy_function(self, ...)``, routed as NumPy routes it."""
    function = FUNCTIONS.get(numpy_function)
    name = numpy_function.__name__

    def method(self, *args, **kwargs):
        if function is None:
            raise unsupported_function_error(f"numpy.ndarray.{name}")
        return function(self, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"``x.{name}(...)``: ``np.{name}(x, ...)``, with the same arguments."
    return method


class NumericTracer(Tracer):
    """A traced number or array: everything NumPy-like but indexing. See the module docstring."""

    __slots__ = ("view_base", "views", "home", "__weakref__")
    __array_priority__ = 100.0

    # ``view_base`` ((base tracer, read, write_back) for a view), ``views`` (weak
    # references to views of this tracer) and ``home`` (the level of an array that
    # holds a value of an inner level, see mutation.py) are set only when used:
    # most tracers are never viewed, and the tracer's construction is on the hot path.

    # -- what it is -----------------------------------------------------------
    @property
    def value(self) -> Any:
        """The plain value under every level of tracing."""
        value = self.primal
        while isinstance(value, Tracer):
            value = value.primal
        return value

    # each level answers for its own tracers: a batching level hides its batch axis
    shape = property(lambda self: shape_of(self))
    ndim = property(lambda self: len(shape_of(self)))
    size = property(lambda self: math.prod(shape_of(self)))
    dtype = property(lambda self: np.result_type(self.value))

    def __repr__(self) -> str:
        return f"Traced<{self.dtype}{list(self.shape)}>({self.value!r}, {self.level})"

    def __format__(self, spec: str) -> str:
        if is_batched(self) and spec:
            raise batched_decision_error(format)
        return format(self.value, spec)

    # -- where the derivative would be lost --------------------------------------
    def __array__(self, dtype=None, copy=None):
        if is_batched(self):
            raise batched_conversion_error()
        if dtype is not None and np.dtype(dtype).kind in "biu":
            return np.asarray(self.value, dtype)  # np.int64(t): integers carry no derivative
        raise TypeError(
            "chainrule cannot turn a traced value into a plain NumPy array "
            "(np.array / np.asarray on it, writing it into a plain ndarray with "
            "out[i] = t, or a library routine, a SciPy function say, converting its "
            "input): its derivative would be lost.\n" + LOST_DERIVATIVE_HINT
        )

    def __float__(self) -> float:
        if is_batched(self):
            raise batched_decision_error(float)
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
        raise TypeError(
            "tolist() of a traced value would turn it into Python floats and drop its "
            "derivative.\n  Iterate over it (list(x) gives traced rows or entries), index "
            "it, or use chainrule.stop_gradient(x).tolist() where you only need the numbers.")

    # Integers and truth values carry no derivative. A recording level in the tracer's
    # stack records the value as a guard: a Python branch taken on it.
    def __int__(self) -> int:
        return observed(self, int)

    def __index__(self) -> int:
        return observed(self, operator.index)

    def __bool__(self) -> bool:
        return observed(self, bool)

    __hash__ = None  # type: ignore[assignment]  # unhashable, as ndarray

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
    # Views where NumPy gives views (writes reach the base); the others are the
    # NumPy function of the same name, with every keyword ndarray's method takes.
    @property
    def T(self):
        return views.transpose(self)

    def transpose(self, *axes):
        axes = axes[0] if len(axes) == 1 and not isinstance(axes[0], (int, np.integer)) else axes
        return views.transpose(self, axes or None)

    def reshape(self, *new_shape, order="C", **kwargs):
        new_shape = new_shape[0] if len(new_shape) == 1 else new_shape
        return views.reshape(self, kwargs.pop("shape", new_shape), order=order, **kwargs)

    def ravel(self, order="C"): return views.ravel(self, order)
    def squeeze(self, axis=None): return views.squeeze(self, axis)
    def swapaxes(self, axis1, axis2): return views.swapaxes(self, axis1, axis2)
    def diagonal(self, offset=0, axis1=0, axis2=1):
        return views.diagonal(self, offset, axis1, axis2)

    def view(self, dtype=None, type=None):
        """The same values, as a view (writes reach this array); no reinterpreting of bytes."""
        if dtype is not None or type is not None:
            raise TypeError(
                "chainrule cannot reinterpret a traced array's bytes (x.view(dtype)): the "
                "result is no differentiable function of the values.\n"
                "  Use x.astype(dtype) to convert values, or x.view() for a view.")
        return views.reshape(self, self.shape)

    def flatten(self, order="C"):
        return fillable(manipulation.reshape(self, (-1,), order=order), self)  # a copy
    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
        return elementwise.astype(self, dtype)
    def copy(self, order="K"):
        return fillable(arithmetic.positive(self), self)
    def conj(self): return complex_numbers.conjugate(self)
    conjugate = conj

    sum = _numpy_method(np.sum)
    mean = _numpy_method(np.mean)
    prod = _numpy_method(np.prod)
    max = _numpy_method(np.max)
    min = _numpy_method(np.min)
    var = _numpy_method(np.var)
    std = _numpy_method(np.std)
    ptp = _numpy_method(np.ptp)
    cumsum = _numpy_method(np.cumsum)
    cumprod = _numpy_method(np.cumprod)
    trace = _numpy_method(np.trace)
    dot = _numpy_method(np.dot)
    def clip(self, min=None, max=None, **kwargs):
        # the method names its bounds min= and max= in every NumPy; np.clip only in NumPy 2
        return arithmetic.clip(self, min, max, **kwargs)
    repeat = _numpy_method(np.repeat)
    take = _numpy_method(np.take)
    searchsorted = _numpy_method(np.searchsorted)
    argmax = _numpy_method(np.argmax)
    argmin = _numpy_method(np.argmin)
    argsort = _numpy_method(np.argsort)
    nonzero = _numpy_method(np.nonzero)
    any = _numpy_method(np.any)
    all = _numpy_method(np.all)
    round = _numpy_method(np.round)

    def compress(self, condition, axis=None, out=None):
        return FUNCTIONS[np.compress](condition, self, axis, out)

    def __round__(self, ndigits=None):
        # Python's round(): as NumPy's scalars (an int), piecewise constant, no derivative
        if is_batched(self):
            raise batched_decision_error(round)
        return round(self.value, ndigits)

    @property
    def real(self):
        return complex_numbers.real(self)

    @property
    def imag(self):
        return complex_numbers.imag(self)

    @property
    def flat(self):
        raise TypeError(
            "x.flat is an iterator NumPy writes through directly, which chainrule cannot "
            "follow on a traced array.\n  Use x.ravel() (a view: x.ravel()[i] = v writes "
            "into x) or x.reshape(-1).")

    @property
    def strides(self):
        raise TypeError(
            "a traced array has no strides chainrule can hand out: memory tricks "
            "(np.lib.stride_tricks.as_strided) would bypass the derivative.\n"
            "  Use np.lib.stride_tricks.sliding_window_view(x, window) for sliding "
            "windows, or reshape / transpose / slicing.")

    # -- the array API standard: chainrule/array_api.py (above this layer) sets the function
    array_namespace: Any = None

    def __array_namespace__(self, api_version=None):
        """The array API standard's namespace for traced values (``chainrule.array_api``)."""
        return type(self).array_namespace(api_version)

    # the standard's device: the plain value's (a CuPy array's GPU), "cpu" for NumPy's
    device = property(lambda self: getattr(self.value, "device", "cpu"))

    # -- NumPy's protocols ----------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs:  # np.sin(x): the common case, first
            function = UFUNCS.get(ufunc)
            if function is not None:
                return function(*inputs)
        out = kwargs.pop("out", None)
        if method == "__call__":
            function = UFUNCS.get(ufunc)
            if function is None:
                for load in UFUNC_LOADERS:  # a layer above may know it (scipy.special)
                    load(ufunc)
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
        shape = shape_of(self)
        if not shape:
            raise TypeError("len() of unsized object")
        return shape[0]

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
        return views.getitem(self, index)

    def __setitem__(self, index, value) -> None:
        update(self, indexing.setitem(self, views.kept_index(index), value))

    # -- methods that write --------------------------------------------------------
    def fill(self, value) -> None:
        """``x.fill(v)``: every entry becomes ``v`` (which may be traced)."""
        update(self, indexing.setitem(self, Ellipsis, value))

    def sort(self, axis=-1, kind=None, order=None, **kwargs) -> None:
        """``x.sort()``: sorts in place (the gradient follows the values)."""
        update(self, sorting.sort(self, axis, kind, order, **kwargs))

    def put(self, indices, values, mode="raise") -> None:
        """``x.put(indices, values)``: writes at flat positions, in place."""
        array_methods.put(self, indices, values, mode)

    @property
    def real(self):
        """The real part: for a complex array a view (``x.real[0] = v`` writes into x)."""
        return views.real(self)

    @real.setter
    def real(self, value) -> None:
        if np.iscomplexobj(self.value):
            update(self, arithmetic.add(value, arithmetic.multiply(1j, complex_numbers.imag(self))))
        else:
            self.fill(value)

    @property
    def imag(self):
        """The imaginary part: for a complex array a view (``x.imag[0] = v`` writes into x)."""
        return views.imag(self)

    @imag.setter
    def imag(self, value) -> None:
        if not np.iscomplexobj(self.value):
            raise TypeError("array does not have imaginary part to set")
        update(self, arithmetic.add(complex_numbers.real(self), arithmetic.multiply(1j, value)))


class LiftedArrayTracer(ArrayTracer):
    """An array tracer holding a value of an inner transformation it was written
    from (``y[0] = t`` with ``t`` of an inner ``grad``): once that transformation
    has ended, reading its ``level`` lowers it to the value it holds at its own
    level (mutation.py's ``_lower``). Only such arrays pay for the property."""

    __slots__ = ()

    @property
    def level(self):
        level = _LEVEL_SLOT.__get__(self)
        return level if level.active else _lower(self)

    @level.setter
    def level(self, level) -> None:
        _LEVEL_SLOT.__set__(self, level)



def batched_decision_error(convert: Any) -> TypeError:
    """The error for Python control flow (or a number) taken from a batched value."""
    name = getattr(convert, "__name__", str(convert))
    written = ("  (NumPy also asks for float() when a batched value is written into a plain "
               "array, out[i] = t: create that array from a traced one, "
               "out = np.zeros(n, like=t).)\n" if name in ("float", "complex") else "")
    return TypeError(
        f"{name}() of a batched value under vmap: each batch member may decide "
        "differently, and Python takes one branch for the whole batch.\n" + written +
        "  Write the choice as data: np.where(condition, a, b) (or np.select, "
        "np.clip, np.maximum) instead of an if, a fixed count instead of int(x), "
        "or call the function on each member without vmap.")


def batched_conversion_error() -> TypeError:
    """The error for a batched value that NumPy turns into a plain array."""
    return TypeError(
        "chainrule cannot turn a batched value into a plain NumPy array under vmap "
        "(np.asarray(t); a plain array indexed with it, a[i] or np.take(a, i); t written "
        "into a plain array, out[k] = t): each batch member has its own value.\n"
        "  Index a plain array with chainrule.numpy.take(a, i, axis=...), which takes a "
        "batched index; create an array to fill from a traced one: out = np.zeros(n, like=t).")


def observed(tracer: Tracer, convert: Any) -> Any:
    """``convert(value)`` of a traced value (``bool``, ``int``, ``operator.index``), told to
    the innermost recording level among its levels (one with a ``guard`` method), which
    records it as a guard; the lower levels see it as that level converts its primal."""
    if is_batched(tracer):
        raise batched_decision_error(convert)
    value: Any = tracer
    while isinstance(value, Tracer):
        guard = getattr(value.level, "guard", None)
        if guard is not None:
            return guard(value, convert)
        value = value.primal
    return convert(value)




def _refreshing(name: str) -> property:
    """A slot of a stale view that reads the view again from its base first."""

    def read(self):
        return getattr(refresh(self), name)

    def write(self, value) -> None:
        setattr(refresh(self), name, value)

    return property(read, write)


class _StaleView:
    """A view whose base was written since it was read: the first use of any of
    its three slots reads it again from its base (mutation.py's ``refresh``)."""

    __slots__ = ()
    primal = _refreshing("primal")
    level = _refreshing("level")
    level_data = _refreshing("level_data")


class StaleArrayTracer(_StaleView, ArrayTracer):
    __slots__ = ()


class StaleLiftedArrayTracer(_StaleView, LiftedArrayTracer):
    __slots__ = ()


_LEVEL_SLOT: Any = Tracer.level  # type: ignore[misc]  # the slot's member descriptor
LIFTED_TYPES[ArrayTracer] = LiftedArrayTracer
UNLIFTED_TYPES[LiftedArrayTracer] = ArrayTracer
STALE_TYPES.update({ArrayTracer: StaleArrayTracer, LiftedArrayTracer: StaleLiftedArrayTracer})
FRESH_TYPES.update({StaleArrayTracer: ArrayTracer, StaleLiftedArrayTracer: LiftedArrayTracer})
register_tracer_type(np.ndarray, ArrayTracer)
SCALAR_TYPES.add(ScalarTracer)
_value_type: type
for _value_type in (float, int, complex, np.float64, np.float32, np.float16,
                    np.complex128, np.complex64, np.longdouble):
    register_tracer_type(_value_type, ScalarTracer)

for _value_type in (np.ndarray, np.float64, np.float32, np.float16, np.complex128,
                    np.complex64, np.longdouble):
    register_zeros(_value_type, np.zeros_like)


register_snapshot(np.ndarray, snapshot_array)
