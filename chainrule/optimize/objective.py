"""The user's objective as SciPy's solvers want it: a function of one flat
vector returning ``(value, gradient)`` in one reverse-mode pass, with the
Hessian-vector product (forward-over-reverse) and the Hessian on demand, and
counts of the passes actually made. Also the checks every solver makes at
the start: a real scalar, finite with a finite gradient."""

from __future__ import annotations

import inspect
import sys
from typing import Any, Callable

import numpy as np

from ..arguments import leaf_paths, name_of
from ..core import base_value, flatten
from ..transforms import grad, hessian, linearize, value_and_grad
from .flat import Flat, matrix
from .result import OptimizeResult


def scalar_value(value: Any, fun: Callable, solver: str) -> float:
    """``value`` as a float, or an error saying the objective must be one real number."""
    plain = base_value(value)
    if isinstance(plain, (float, int, np.floating, np.integer)) and not isinstance(plain, bool):
        return float(plain)
    shape = np.shape(plain) if not isinstance(plain, (dict, list, tuple)) else None
    if shape == () and np.asarray(plain).dtype.kind in "fiu":
        return float(plain)
    returned = (f"a value of shape {shape}" if shape is not None
                else f"a {type(plain).__name__}")
    if shape == () and np.asarray(plain).dtype.kind == "c":
        returned = "a complex number"
    raise TypeError(f"{solver} needs {name_of(fun)} to return one real number (the value to "
                    f"minimise), but it returned {returned}. Reduce it, e.g. "
                    "return np.sum(residuals ** 2); for a vector of residuals use "
                    "cr.optimize.least_squares(residuals, x0).")


def evaluate_with_gradient(fun: Callable, tree: Any, args: tuple, solver: str,
                           transformed: Callable | None = None) -> tuple:
    """``(float value, gradient pytree)`` of ``fun(tree, *args)`` in one pass (by
    ``transformed``, ``cr.value_and_grad(fun)`` made once by the caller), with
    minimize's own message when the objective is not a real scalar."""
    try:
        value, gradient = (transformed or value_and_grad(fun))(tree, *args)
    except TypeError as error:
        if "to return a scalar" not in str(error) and "real scalar output" not in str(error):
            raise
        scalar_value(fun(tree, *args), fun, solver)  # raises the clearer message
        raise
    value, gradient = computed_together(value, gradient)
    return scalar_value(value, fun, solver), gradient


def computed_together(value: Any, gradient: Any) -> tuple:
    """Lazy (Dask) value and gradient computed in one Dask compute, so each evaluation
    reads the data once; anything else as it is.

    >>> computed_together(1.0, np.ones(2))
    (1.0, array([1., 1.]))
    """
    leaves = [value] + flatten(gradient)[0]
    if not any(hasattr(base_value(leaf), "__dask_graph__") for leaf in leaves):
        return value, gradient
    dask = sys.modules["dask"]  # loaded: a Dask array is here
    value, gradient = dask.compute(value, gradient)
    return value, gradient


def check_start(value: float, gradient: Any, fun: Callable, flat: Flat | None, solver: str) -> None:
    """A NaN or infinite objective or gradient at ``x0`` is an error, before any step."""
    if not np.isfinite(value):
        raise ValueError(f"{solver}: {name_of(fun)}(x0) is {value}; the solver needs a finite "
                         "objective at the start. Start from another x0 (inside the domain "
                         "of every log, sqrt and division), or guard the objective.")
    if gradient is None:
        return
    leaves, tree = flatten(gradient)
    paths = flat.paths if flat is not None else leaf_paths(tree, "x0")
    for path, leaf in zip(paths, leaves):
        array = np.asarray(base_value(leaf))
        if not np.all(np.isfinite(array)):
            bad = "nan" if np.any(np.isnan(array)) else "inf"
            raise ValueError(f"{solver}: the gradient of {name_of(fun)} at x0 holds {bad} in "
                             f"{path}; the solver cannot take a first step. Start elsewhere, "
                             "or smooth the objective there (np.sqrt(x) has an infinite "
                             "slope at 0: use np.sqrt(x + eps)).")


class Objective:
    """``fun(unravel(v), *args)`` for SciPy: ``value_and_grad(v)`` (``jac=True``),
    ``hessp(v, p)`` and ``hess(v)``, counting each pass of ``fun``."""

    def __init__(self, fun: Callable, flat: Flat, args: tuple, solver: str):
        self.fun, self.flat, self.args, self.solver = fun, flat, args, solver
        self.nfev = self.njev = self.nhev = 0
        self._key: bytes | None = None
        self._cached: tuple = ()
        self._linear_key: bytes | None = None
        self._f_jvp: Callable | None = None
        self._gradient = grad(fun)
        self._value_and_grad = value_and_grad(fun)

    def start(self, x0: np.ndarray, derivatives: bool) -> None:
        """Evaluate at ``x0`` (kept for the solver's first call) and check it."""
        if derivatives:
            value, gradient = self.value_and_grad(x0)
            check_start(value, self.flat.unravel(gradient), self.fun, self.flat, self.solver)
        else:
            check_start(self.value(x0), None, self.fun, self.flat, self.solver)

    def value(self, v: np.ndarray) -> float:
        """The objective alone (for the derivative-free methods)."""
        self.nfev += 1
        return scalar_value(self.fun(self.flat.unravel(v), *self.args), self.fun, self.solver)

    def value_and_grad(self, v: np.ndarray) -> tuple[float, np.ndarray]:
        """``(f, gradient)`` from one reverse-mode pass; the last point is remembered."""
        key = v.tobytes()
        if key == self._key:  # a copy: SciPy may write into the gradient it was given
            return self._cached[0], self._cached[1].copy()
        value, gradient = evaluate_with_gradient(self.fun, self.flat.unravel(v), self.args,
                                                 self.solver, self._value_and_grad)
        self.nfev += 1
        self.njev += 1
        self._key, self._cached = key, (value, self.flat.ravel(gradient))
        return value, self._cached[1].copy()

    def cached_value(self, v: np.ndarray) -> float:
        """The value at ``v`` if the last pass was there (never a new pass), else nan."""
        return self._cached[0] if self._key == v.tobytes() else float("nan")

    def hessp(self, v: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Hessian times ``p``, forward over reverse: the gradient's computation is
        recorded once per point and replayed with forward-mode rules per product."""
        key = v.tobytes()
        if key != self._linear_key:
            args = self.args
            _, self._f_jvp = linearize(lambda tree: self._gradient(tree, *args),
                                       self.flat.unravel(v))
            self._linear_key = key
        self.nhev += 1
        assert self._f_jvp is not None
        return self.flat.ravel(self._f_jvp(self.flat.unravel(np.array(p, dtype=np.float64))))

    def hess(self, v: np.ndarray) -> np.ndarray:
        """The full Hessian matrix (only for the methods that need it)."""
        self.nhev += 1
        blocks = hessian(self.fun)(self.flat.unravel(v), *self.args)
        return matrix(blocks, self.flat, self.flat)


def user_callback(callback: Callable | None) -> Callable | None:
    """The user's callback as ``call(x_tree, fun, nit)``: SciPy's two conventions,
    ``callback(intermediate_result)`` (an OptimizeResult, x shaped like x0) when
    its one parameter has that name, ``callback(x)`` otherwise."""
    if callback is None:
        return None
    if not callable(callback):
        raise TypeError(f"callback must be callable, not {callback!r}")
    try:
        parameters = set(inspect.signature(callback).parameters)
    except (TypeError, ValueError):
        parameters = set()
    if parameters == {"intermediate_result"}:
        return lambda x, fun, nit: callback(intermediate_result=OptimizeResult(
            x=x, fun=fun, nit=nit))
    return lambda x, fun, nit: callback(x)
