"""``least_squares``, ``root`` and ``curve_fit`` over SciPy's solvers, with the
exact Jacobian from ``cr.jacobian``: forward mode when there are fewer
unknowns than residuals, reverse mode otherwise (``jac_mode`` overrides)."""

from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from ..arguments import name_of
from ..transforms import jacobian
from .flat import Flat, matrix
from .result import OptimizeResult
from .scipy_methods import import_scipy_optimize

JAC_MODES = ("auto", "fwd", "rev")
ROOT_METHODS_WITH_JACOBIAN = ("hybr", "lm")


class _VectorFunction:
    """``fun(unravel(v), *args)`` flattened, and its exact Jacobian matrix."""

    def __init__(self, fun: Callable, flat: Flat, args: tuple, jac_mode: str, what: str):
        if jac_mode not in JAC_MODES:
            raise ValueError(f"jac_mode must be one of {JAC_MODES}, not {jac_mode!r}")
        self.fun, self.flat, self.args, self.what = fun, flat, tuple(args), what
        value = fun(flat.tree, *self.args)
        self.out = Flat(value, f"the value of {name_of(fun)}")
        if jac_mode == "auto":
            jac_mode = "fwd" if flat.size <= self.out.size else "rev"
        self.jac_mode = jac_mode

    def __call__(self, v: np.ndarray) -> np.ndarray:
        return self.out.ravel(self.fun(self.flat.unravel(v), *self.args))

    def jac(self, v: np.ndarray, *ignored: Any) -> np.ndarray:
        blocks = jacobian(lambda tree: self.fun(tree, *self.args),
                          mode=self.jac_mode)(self.flat.unravel(v))
        return matrix(blocks, self.out, self.flat)


def _finish(result: Any, function: _VectorFunction) -> OptimizeResult:
    out = OptimizeResult(result)
    out["x"] = function.flat.unravel(np.array(result.x, dtype=np.float64))
    out["fun"] = function.out.unravel(np.array(result.fun, dtype=np.float64).reshape(-1))
    out["jac_mode"] = function.jac_mode
    return out


def least_squares(residuals: Callable, x0: Any, args: tuple = (), jac_mode: str = "auto",
                  bounds: Any = None, **kwargs: Any) -> OptimizeResult:
    """Minimise ``0.5 * sum(residuals(x, *args) ** 2)`` with
    ``scipy.optimize.least_squares`` and the exact Jacobian. ``x0`` and the
    residuals may be pytrees; the result's ``x`` is shaped like ``x0``, ``fun``
    like the residuals, ``jac`` is the matrix (residuals flattened by parameters
    flattened). ``bounds`` is ``(lower, upper)``, each a number, a vector or a
    pytree like ``x0``; other keywords (``method="trf"``, ``loss``, ...) go to SciPy.

    >>> t = np.linspace(0, 1, 20)
    >>> fit = cr.optimize.least_squares(lambda p: p["a"] * np.exp(p["k"] * t) - 2 * np.exp(-t),
    ...                                 {"a": 1.0, "k": 0.0})
    >>> round(fit.x["a"], 6), round(fit.x["k"], 6)
    (2.0, -1.0)
    """
    optimize = import_scipy_optimize()
    flat = Flat(x0, "x0")
    function = _VectorFunction(residuals, flat, args, jac_mode, "least_squares")
    if bounds is not None:
        if not (isinstance(bounds, (tuple, list)) and len(bounds) == 2):
            raise ValueError("least_squares: bounds is a pair (lower, upper), each a number, a "
                             f"vector of {flat.size} or a pytree like x0")
        kwargs["bounds"] = (flat.bound(bounds[0], "lower"), flat.bound(bounds[1], "upper"))
    result = optimize.least_squares(function, flat.ravel(flat.tree), jac=function.jac, **kwargs)
    out = _finish(result, function)
    out["grad"] = flat.unravel(np.array(result.grad, dtype=np.float64))
    return out


def root(fun: Callable, x0: Any, args: tuple = (), method: str = "hybr",
         jac_mode: str = "auto", tol: float | None = None, options: dict | None = None,
         callback: Callable | None = None) -> OptimizeResult:
    """Solve ``fun(x, *args) = 0`` with ``scipy.optimize.root``; ``"hybr"`` and
    ``"lm"`` get the exact Jacobian (the other methods use none). ``fun``
    returns as many numbers as ``x0`` holds; ``x`` comes back shaped like ``x0``.

    >>> solution = cr.optimize.root(lambda x: x ** 3 - np.array([8.0, 27.0]), np.ones(2))
    >>> np.round(solution.x, 8)
    array([2., 3.])
    """
    optimize = import_scipy_optimize()
    flat = Flat(x0, "x0")
    function = _VectorFunction(fun, flat, args, jac_mode, "root")
    if function.out.size != flat.size:
        raise ValueError(f"root needs as many equations as unknowns: {name_of(fun)} returns "
                         f"{function.out.size} numbers for the {flat.size} of x0. For more "
                         "equations than unknowns use cr.optimize.least_squares.")
    jac = function.jac if method.lower() in ROOT_METHODS_WITH_JACOBIAN else None
    result = optimize.root(function, flat.ravel(flat.tree), method=method, jac=jac, tol=tol,
                           options=options, callback=callback)
    return _finish(result, function)


def curve_fit(f: Callable, xdata: Any, ydata: Any, p0: Any = None, sigma: Any = None,
              absolute_sigma: bool = False, bounds: Any = (-np.inf, np.inf),
              method: str | None = None, jac_mode: str = "auto", **kwargs: Any) -> Any:
    """``scipy.optimize.curve_fit`` with the exact Jacobian: fit the parameters of
    ``f(xdata, *params)`` to ``ydata``; returns ``(popt, pcov)`` (more with
    ``full_output=True``), as SciPy does. Without ``p0`` every parameter starts at 1.

    >>> x = np.linspace(0, 2, 30)
    >>> popt, pcov = cr.optimize.curve_fit(lambda x, a, b: a * np.sin(b * x), x,
    ...                                    1.5 * np.sin(2.0 * x), p0=[1.0, 1.8])
    >>> np.round(popt, 6)
    array([1.5, 2. ])
    """
    optimize = import_scipy_optimize()
    if jac_mode not in JAC_MODES:
        raise ValueError(f"jac_mode must be one of {JAC_MODES}, not {jac_mode!r}")
    if p0 is None:
        count = len(inspect.signature(f).parameters) - 1
        if count < 1:
            raise ValueError(f"curve_fit cannot tell how many parameters {name_of(f)} has; "
                             "give p0=[...] with one starting value per parameter")
        p0 = np.ones(count)
    p0 = np.atleast_1d(np.asarray(p0, dtype=np.float64))
    if p0.ndim != 1:
        raise ValueError(f"curve_fit: p0 is one value per parameter of f(x, *params), a 1-d "
                         f"sequence; got shape {p0.shape}")
    argnums = tuple(range(1, len(p0) + 1))
    ysize = np.size(ydata)
    mode = ("fwd" if len(p0) <= ysize else "rev") if jac_mode == "auto" else jac_mode

    def jac(x: Any, *params: float) -> np.ndarray:
        columns = jacobian(f, argnums=argnums, mode=mode)(x, *[float(p) for p in params])
        return np.stack([np.broadcast_to(np.asarray(c, dtype=np.float64), np.shape(ydata))
                         .reshape(-1) for c in columns], axis=-1)

    return optimize.curve_fit(f, xdata, ydata, p0=p0, sigma=sigma, absolute_sigma=absolute_sigma,
                              bounds=bounds, method=method, jac=jac, **kwargs)
