"""Array types other than ``ndarray`` as primals: Dask arrays and CuPy arrays.

Both implement NumPy's dispatch protocols, so the rules of this layer, which
call NumPy functions, run on them unchanged: a traced Dask array's primal, and
every tangent and cotangent, stay Dask arrays (lazy) until the user computes.
They get the same tracer type as ``ndarray`` (:class:`ArrayTracer`) and zeros
made by ``np.zeros_like`` (which dispatches), registered the first time the
engine meets such a value (``chainrule.core.trace.TYPE_LOADERS``). The types
are recognised by module and class name, so nothing here imports Dask or CuPy:
a program that never passes one never loads either library.

Where Dask has no implementation of a function a primitive applies, Dask
itself would warn and compute the whole array into memory; here the primitive
raises ``NotImplementedError`` naming the function and Dask instead.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..core import register_tracer_type, register_zeros
from ..core.reverse import register_snapshot
from ..core.trace import TYPE_LOADERS, Tracer
from .indexing import is_basic_index
from .tracer import ArrayTracer
from .wrap import PRIMITIVES

# (top-level module, class name) -> the library's name in messages
FOREIGN_ARRAYS: dict[tuple[str, str], str] = {
    ("dask", "Array"): "Dask",
    ("cupy", "ndarray"): "CuPy",
}

# the foreign array types registered so far, with their library's name
REGISTERED: dict[type, str] = {}


def library_of(value_type: type) -> str | None:
    """The name of the array library ``value_type`` belongs to, if this file knows it.

    >>> library_of(np.ndarray) is None
    True
    """
    module = getattr(value_type, "__module__", "") or ""
    return FOREIGN_ARRAYS.get((module.partition(".")[0], value_type.__name__))


def load_array_type(value_type: type) -> None:
    """Register ``value_type`` as a primal of :class:`ArrayTracer`, if it is a known array type.

    The engine calls this for every value type it meets for the first time.

    >>> load_array_type(dict); dict in REGISTERED
    False
    """
    library = library_of(value_type)
    if library is None or value_type in REGISTERED:
        return
    register_tracer_type(value_type, ArrayTracer)
    register_zeros(value_type, np.zeros_like)
    # Dask arrays are values (item assignment rebinds the object's graph): a shallow
    # copy keeps what the tape read. CuPy arrays are buffers, copied like ndarray's.
    register_snapshot(value_type, _copy)
    REGISTERED[value_type] = library
    if library == "Dask":
        _refuse_where_dask_cannot()
        _adapt_to_dask()


def _copy(array: Any) -> Any:
    return array.copy()


def is_foreign(value: Any) -> bool:
    """Whether ``value`` (looked through tracers) is a Dask or CuPy array.

    >>> is_foreign(np.ones(2))
    False
    """
    while isinstance(value, Tracer):
        value = value.primal
    return type(value) in REGISTERED


# -- what Dask does not implement ---------------------------------------------------------


def numpy_function_named(name: str) -> Any:
    """The NumPy function a primitive is named after ("numpy.linalg.eig"), or None.

    >>> numpy_function_named("numpy.linalg.eig") is np.linalg.eig
    True
    """
    found: Any = np
    for part in name.split(".")[1:]:
        found = getattr(found, part, None)
    return found


def dask_implements(numpy_function: Any) -> bool:
    """Whether Dask's ``__array_function__`` has its own version of ``numpy_function``
    (the lookup Dask itself does: same name in ``dask.array``, or its alias table)."""
    # Dask is loaded already (a Dask array was met); __import__ only looks it up
    dask_array = __import__("dask.array").array
    handled = dask_array.core._HANDLED_FUNCTIONS
    if isinstance(numpy_function, np.ufunc):
        return True  # Dask's __array_ufunc__ maps every ufunc over the chunks
    if numpy_function in handled:
        return True
    module = dask_array
    for submodule in (getattr(numpy_function, "__module__", "") or "numpy").split(".")[1:]:
        if submodule.startswith("_"):  # numpy._core.fromnumeric: the function is in numpy
            break
        module = getattr(module, submodule, None)
        if module is None:
            return False
    found = getattr(module, numpy_function.__name__, None)
    return found is not None and found is not numpy_function


# primitives of this layer whose implementation Dask cannot run although the NumPy
# function they are named after exists in Dask (or in no NumPy before 2: svdvals), by
# name -> what they serve
DASK_CANNOT: dict[str, str] = {
    "numpy.linalg.svdvals": "singular values alone: Dask's svd has no compute_uv=False",
}


# primitives Dask runs for some parameters only: name -> (when it cannot, what that serves)
DASK_CANNOT_WHEN: dict[str, tuple[Callable[[dict], bool], str]] = {
    "numpy.scatter_add": (lambda params: not is_basic_index(params["index"])
                          and np.dtype(params["dtype"]).kind == "c",
                          "np.add.at of complex values: the derivative of reading a complex "
                          "array with integer-array indices (a weighted np.bincount serves "
                          "real ones)"),
}

# primitives named after a NumPy function Dask lacks whose implementation does not call
# it (it calls a method Dask arrays have)
DASK_CAN: set[str] = {"numpy.astype", "numpy.astype_discrete"}


# primitives whose NumPy function Dask has under other defaults: name -> the call that
# gives NumPy's answer on a Dask array (Dask's cholesky returns the upper factor)
DASK_SPELLINGS: dict[str, Callable[..., Any]] = {
    "numpy.linalg.cholesky": lambda a: __import__("dask.array").array.linalg.cholesky(
        a, lower=True),
}


def _adapt_to_dask() -> None:
    """Make each primitive of DASK_SPELLINGS call its Dask spelling on Dask arrays."""
    for name, spelling in DASK_SPELLINGS.items():
        prim = PRIMITIVES[name]
        if getattr(prim.impl, "dask_spelling", None) is not spelling:
            prim.impl = _on_dask(prim.impl, spelling)


def _on_dask(impl: Callable, spelling: Callable) -> Callable:
    def impl_with_dask_spelling(*args: Any, **params: Any) -> Any:
        if any(REGISTERED.get(type(value)) == "Dask" for value in args):
            return spelling(*args, **params)
        return impl(*args, **params)

    impl_with_dask_spelling.dask_spelling = spelling  # type: ignore[attr-defined]
    impl_with_dask_spelling.__wrapped__ = impl  # type: ignore[attr-defined]
    return impl_with_dask_spelling


def _refuse_where_dask_cannot() -> None:
    """Make each primitive whose NumPy function Dask lacks refuse Dask arrays clearly."""
    for prim in PRIMITIVES.values():
        numpy_function = getattr(prim, "numpy_function", None)
        if not str(getattr(numpy_function, "__module__", "")).startswith("numpy"):
            numpy_function = numpy_function_named(prim.name)  # a helper of this layer, not NumPy's
        if prim.name in DASK_CANNOT or (prim.name not in DASK_CAN and callable(numpy_function)
                                        and not dask_implements(numpy_function)):
            prim.impl = _refusing_dask(prim.impl, prim.name)
        elif prim.name in DASK_CANNOT_WHEN:
            prim.impl = _refusing_dask(prim.impl, prim.name, *DASK_CANNOT_WHEN[prim.name])


def _refusing_dask(impl: Callable, name: str, cannot: Callable[[dict], bool] | None = None,
                   serves: str = "") -> Callable:
    serves = DASK_CANNOT.get(name, serves)

    def impl_on_numpy_or_cupy(*args: Any, **params: Any) -> Any:
        for value in args:
            if REGISTERED.get(type(value)) == "Dask" and (cannot is None or cannot(params)):
                what = f" ({serves})" if serves else ""
                raise NotImplementedError(
                    f"{name}{what} is not implemented by Dask, so chainrule cannot apply it to a "
                    "Dask array without computing the whole array.\n  Compute the (small) "
                    f"input first (x.compute()), or apply it per chunk with "
                    "dask.array.map_blocks inside a chainrule.custom_vjp.")
        return impl(*args, **params)

    impl_on_numpy_or_cupy.__wrapped__ = impl  # type: ignore[attr-defined]
    return impl_on_numpy_or_cupy


TYPE_LOADERS.append(load_array_type)
