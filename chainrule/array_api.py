"""The array API standard's namespace for traced values: ``x.__array_namespace__()``.

Array-API-aware code (``xp = array_namespace(x)``, SciPy with
``SCIPY_ARRAY_API=1``, array-api-extra) asks an array for its namespace and
calls ``xp.exp``, ``xp.sum``, ... on it. For a chainrule tracer that namespace
is built here: ``chainrule.numpy``'s function wherever its name and signature
are the standard's, the standard's spellings NumPy names differently
(``acos``, ``concat``, ``permute_dims``, ``pow``, ...) mapped to chainrule's,
and small adapters where the keywords differ (``std(correction=)``,
``sort(descending=)``, ``astype(x, dtype)``). Everything else is NumPy's own
function, which reaches chainrule through NumPy's protocols on a tracer.
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np

from . import numpy as cnp
from .numpy.tracer import NumericTracer
from .numpy.wrap import NUMPY_2

API_VERSION = "2023.12"

# The standard's names (2023.12), functions and constants, in its sections.
STANDARD_NAMES = (
    # element-wise functions
    "abs acos acosh add asin asinh atan atan2 atanh bitwise_and bitwise_left_shift "
    "bitwise_invert bitwise_or bitwise_right_shift bitwise_xor ceil clip conj copysign cos "
    "cosh divide equal exp expm1 floor floor_divide greater greater_equal hypot imag isfinite "
    "isinf isnan less less_equal log log1p log2 log10 logaddexp logical_and logical_not "
    "logical_or logical_xor maximum minimum multiply negative not_equal positive pow real "
    "remainder round sign signbit sin sinh square sqrt subtract tan tanh trunc "
    # creation
    "arange asarray empty empty_like eye from_dlpack full full_like linspace meshgrid ones "
    "ones_like tril triu zeros zeros_like "
    # data types
    "astype can_cast finfo iinfo isdtype result_type bool int8 int16 int32 int64 uint8 "
    "uint16 uint32 uint64 float32 float64 complex64 complex128 "
    # manipulation
    "broadcast_arrays broadcast_to concat expand_dims flip moveaxis permute_dims repeat "
    "reshape roll squeeze stack tile unstack "
    # searching, sets, sorting
    "argmax argmin count_nonzero nonzero searchsorted where unique_all unique_counts "
    "unique_inverse unique_values argsort sort "
    # statistics, utilities, linear algebra, indexing
    "cumulative_sum cumulative_prod max mean min prod std sum var all any diff matmul "
    "matrix_transpose tensordot vecdot take take_along_axis "
    # constants
    "e inf nan newaxis pi"
).split()

# the standard's spelling -> NumPy's (and chainrule.numpy's)
NUMPY_SPELLING = {
    "acos": "arccos", "acosh": "arccosh", "asin": "arcsin", "asinh": "arcsinh",
    "atan": "arctan", "atan2": "arctan2", "atanh": "arctanh", "concat": "concatenate",
    "permute_dims": "transpose", "pow": "power", "bitwise_invert": "invert",
    "bitwise_left_shift": "left_shift", "bitwise_right_shift": "right_shift",
}


def astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Any:
    """The standard's ``astype(x, dtype)``: ``x.astype(dtype)``.

    >>> astype(np.arange(2), np.float32)
    array([0., 1.], dtype=float32)
    """
    return cnp.astype(x, dtype)


def std(x: Any, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Any:
    """The standard's ``std``: ``correction`` is NumPy's ``ddof``.

    >>> float(std(np.array([1.0, 3.0]), correction=1))
    1.4142135623730951
    """
    return cnp.std(x, axis=axis, ddof=correction, keepdims=keepdims)


def var(x: Any, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Any:
    """The standard's ``var``: ``correction`` is NumPy's ``ddof``.

    >>> float(var(np.array([1.0, 3.0])))
    1.0
    """
    return cnp.var(x, axis=axis, ddof=correction, keepdims=keepdims)


def sort(x: Any, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Any:
    """The standard's ``sort``, ``descending=True`` the reversed ascending order.

    >>> sort(np.array([2.0, 1.0, 3.0]), descending=True)
    array([3., 2., 1.])
    """
    ascending = cnp.sort(x, axis=axis, kind="stable" if stable else None)
    return cnp.flip(ascending, axis=axis) if descending else ascending


def argsort(x: Any, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Any:
    """The standard's ``argsort`` (stable descending: ascending order of the negation).

    >>> argsort(np.array([2.0, 1.0, 3.0]), descending=True)
    array([2, 0, 1])
    """
    return np.argsort(-x if descending else x, axis=axis, kind="stable" if stable else None)


def matrix_transpose(x: Any, /) -> Any:
    """The last two axes swapped.

    >>> matrix_transpose(np.ones((2, 3))).shape
    (3, 2)
    """
    return cnp.swapaxes(x, -1, -2)


def clip(x: Any, /, min: Any = None, max: Any = None) -> Any:  # noqa: A002
    """The standard's ``clip(x, min, max)``, either bound optional.

    >>> clip(np.array([-2.0, 0.5, 2.0]), min=0.0)
    array([0. , 0.5, 2. ])
    """
    return cnp.clip(x, min, max)


# the standard's creation functions take device=; NumPy's (before 2.0, and chainrule's) do not
CREATION = ("arange asarray empty empty_like eye full full_like linspace ones ones_like zeros "
            "zeros_like").split()


def _on_this_device(function: Any) -> Any:
    """``function`` with the standard's ``device=`` keyword (which must be None or "cpu")."""

    def create(*args: Any, device: Any = None, **kwargs: Any) -> Any:
        if device not in (None, "cpu"):
            raise ValueError(f"chainrule's array API namespace creates arrays on the CPU, not "
                             f"{device!r}; create it with the library of that device")
        return function(*args, **kwargs)

    create.__name__ = getattr(function, "__name__", "create")
    create.__doc__ = getattr(function, "__doc__", None)
    return create


ADAPTERS = {"astype": astype, "std": std, "var": var, "sort": sort, "argsort": argsort,
            "matrix_transpose": matrix_transpose, "clip": clip}


def _inspection_info() -> Any:
    return np.__array_namespace_info__() if hasattr(np, "__array_namespace_info__") else None


def _build_namespace() -> types.ModuleType:
    space = types.ModuleType("chainrule.array_api.namespace",
                             "The array API standard's functions for chainrule's traced values.")
    for name in STANDARD_NAMES:
        spelled = NUMPY_SPELLING.get(name, name)
        if name == "newaxis":  # None, the one name whose value is falsy
            space.newaxis = None  # type: ignore[attr-defined]
            continue
        function = ADAPTERS.get(name) or getattr(cnp, spelled, None) or getattr(np, spelled, None)
        if function is not None:
            setattr(space, name, _on_this_device(function) if name in CREATION else function)
    space.linalg = cnp.linalg  # type: ignore[attr-defined]
    space.fft = cnp.fft  # type: ignore[attr-defined]
    space.__array_api_version__ = API_VERSION  # type: ignore[attr-defined]
    space.__array_namespace_info__ = _inspection_info  # type: ignore[attr-defined]
    return space


# The standard's names (isdtype, bool, unique_all, ...) came into NumPy with 2.0.
NAMESPACE = _build_namespace() if NUMPY_2 else None


def namespace(api_version: str | None = None) -> types.ModuleType:
    """The namespace ``x.__array_namespace__(api_version)`` returns for a tracer.

    >>> xp = namespace()
    >>> cr.grad(lambda x: xp.sum(xp.acos(x)))(np.array([0.0]))
    array([-1.])
    """
    if NAMESPACE is None:
        raise RuntimeError(f"chainrule's array API namespace needs NumPy 2 (the standard's "
                           f"names came with NumPy 2.0); this is NumPy {np.__version__}. "
                           "Call NumPy's functions on traced values directly instead.")
    if api_version is not None and api_version > API_VERSION:
        raise ValueError(f"chainrule implements the array API standard {API_VERSION}, not "
                         f"{api_version}; call __array_namespace__() or pass "
                         f"api_version={API_VERSION!r}")
    return NAMESPACE


NumericTracer.array_namespace = staticmethod(namespace)  # what x.__array_namespace__() returns
