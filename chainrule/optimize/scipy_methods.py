"""``minimize`` over SciPy's own optimisers, with chainrule's derivatives.

The pytree ``x0`` is flattened once (``Flat``); SciPy sees one vector. Each
method gets exactly the derivatives it uses: the gradient with the value from
one reverse pass (``jac=True``), Hessian-vector products by forward over
reverse where a method takes ``hessp``, the full Hessian only for
``trust-exact`` and ``dogleg``. Constraint functions get their Jacobians (and,
for ``trust-constr``, their Hessians) the same way. SciPy is imported when a
method here is first called, never with ``chainrule``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import numpy as cnp
from ..core import base_value
from ..transforms import hvp, jacobian
from .flat import Flat, matrix
from .objective import Objective, user_callback
from .progress import Progress
from .result import OptimizeResult

# each method's canonical name and the derivatives it takes
SCIPY_METHODS = {
    "bfgs": ("BFGS", "jac"), "l-bfgs-b": ("L-BFGS-B", "jac"), "cg": ("CG", "jac"),
    "newton-cg": ("Newton-CG", "hessp"), "trust-ncg": ("trust-ncg", "hessp"),
    "trust-krylov": ("trust-krylov", "hessp"), "trust-exact": ("trust-exact", "hess"),
    "dogleg": ("dogleg", "hess"), "slsqp": ("SLSQP", "jac"),
    "trust-constr": ("trust-constr", "hessp"),
    "tnc": ("TNC", "jac"), "nelder-mead": ("Nelder-Mead", None), "powell": ("Powell", None),
    "cobyla": ("COBYLA", None),
}
OLD_STYLE_CALLBACK = {"tnc", "cobyla", "cobyqa"}  # SciPy calls their callback with x alone


def import_scipy_optimize() -> Any:
    """``scipy.optimize``, or a one-line ImportError saying how to install it."""
    try:
        import scipy.optimize  # type: ignore[import-untyped]  # the optional extra
    except ImportError as error:
        raise ImportError("this solver runs SciPy's optimisers: pip install 'chainrule[scipy]'"
                          ) from error
    return scipy.optimize


def _output_flat(value: Any, what: str) -> Flat:
    return Flat(value, what)


class _ConstraintFunction:
    """A user's constraint ``c(x_tree, *args)`` on the flat vector: value, Jacobian
    (``cr.jacobian``, forward or reverse by shape) and the Hessian of ``v · c``."""

    def __init__(self, fun: Callable, flat: Flat, args: tuple, number: int):
        self.fun, self.flat, self.args = fun, flat, tuple(args)
        self.what = f"the value of constraint {number}"
        self.out: Flat | None = None

    def _out(self, value: Any) -> Flat:
        if self.out is None:
            self.out = _output_flat(value, self.what)
        return self.out

    def __call__(self, v: np.ndarray) -> np.ndarray:
        value = self.fun(self.flat.unravel(v), *self.args)
        return self._out(value).ravel(value)

    def jac(self, v: np.ndarray) -> np.ndarray:
        tree = self.flat.unravel(v)
        if self.out is None:
            self(v)
        assert self.out is not None
        mode = "fwd" if self.flat.size <= self.out.size else "rev"
        blocks = jacobian(lambda t: self.fun(t, *self.args), mode=mode)(tree)
        return matrix(blocks, self.out, self.flat)

    def hess(self, v: np.ndarray, weights: np.ndarray) -> Any:
        """``sum_i weights_i * Hessian(c_i)`` at ``v``, as products (forward over reverse)."""
        out = self.out if self.out is not None else self._out(
            self.fun(self.flat.unravel(v), *self.args))
        weights = np.asarray(weights, dtype=np.float64).reshape(-1)
        tree = self.flat.unravel(v)

        def weighted(t: Any) -> Any:
            return cnp.sum(out.ravel_traced(self.fun(t, *self.args)) * weights)

        return _linear_operator((self.flat.size, self.flat.size), lambda p: self.flat.ravel(
            hvp(weighted, tree, self.flat.unravel(np.ravel(p).astype(np.float64)))))


def _linear_operator(shape: tuple, matvec: Callable) -> Any:
    from scipy.sparse.linalg import LinearOperator  # type: ignore[import-untyped]  # optional
    return LinearOperator(shape, matvec=matvec, dtype=np.float64)


def _constraints(constraints: Any, flat: Flat, method: str, optimize: Any) -> Any:
    """The user's constraints on the flat vector, each with exact derivatives."""
    if constraints is None or constraints == ():
        return ()
    single = isinstance(constraints, dict) or not isinstance(constraints, (list, tuple))
    given = [constraints] if single else list(constraints)
    result = []
    for number, constraint in enumerate(given):
        if isinstance(constraint, optimize.LinearConstraint):
            result.append(constraint)  # A acts on the flat vector (cr.optimize.ravel_pytree)
            continue
        if isinstance(constraint, dict):
            unknown = set(constraint) - {"type", "fun", "args"}
            if unknown or constraint.get("type") not in ("eq", "ineq") or "fun" not in constraint:
                raise ValueError(
                    f"constraint {number} is {constraint!r}; chainrule takes SciPy's dict "
                    "form {'type': 'eq' or 'ineq', 'fun': c, 'args': (...)} with c(x) a "
                    "function of the pytree x. It computes the Jacobian itself: leave out 'jac'.")
            function = _ConstraintFunction(constraint["fun"], flat, constraint.get("args", ()),
                                           number)
            if method == "trust-constr":  # as a NonlinearConstraint, with its exact Hessian
                upper = 0.0 if constraint["type"] == "eq" else np.inf
                result.append(optimize.NonlinearConstraint(function, 0.0, upper, jac=function.jac,
                                                           hess=function.hess))
            else:
                result.append({"type": constraint["type"], "fun": function, "jac": function.jac})
            continue
        if isinstance(constraint, optimize.NonlinearConstraint):
            function = _ConstraintFunction(constraint.fun, flat, (), number)
            hess = {"hess": function.hess} if method == "trust-constr" else {}
            result.append(optimize.NonlinearConstraint(
                function, constraint.lb, constraint.ub, jac=function.jac,
                keep_feasible=constraint.keep_feasible, **hess))
            continue
        raise TypeError(f"constraint {number} is a {type(constraint).__name__}; give a dict "
                        "{'type': 'eq', 'fun': c}, a scipy.optimize.NonlinearConstraint or a "
                        "LinearConstraint (its matrix acting on cr.optimize.ravel_pytree(x0)[0]).")
    return result


def _bounds(bounds: Any, flat: Flat, optimize: Any) -> Any:
    """``Bounds(lb, ub)`` with numbers, flat vectors or pytrees like x0; or SciPy's
    sequence of ``(low, high)`` pairs, one per number of x0 in flattening order."""
    if bounds is None:
        return None
    if isinstance(bounds, optimize.Bounds):
        return optimize.Bounds(flat.bound(bounds.lb, "lower"), flat.bound(bounds.ub, "upper"),
                               keep_feasible=bounds.keep_feasible)
    pairs = list(bounds) if isinstance(bounds, (list, tuple)) else None
    if pairs is not None and len(pairs) == flat.size and all(
            pair is None or (isinstance(pair, (list, tuple)) and len(pair) == 2) for pair in pairs):
        return [(None, None) if pair is None else tuple(pair) for pair in pairs]
    raise ValueError(f"bounds: give one (low, high) pair per number of x0 ({flat.size} "
                     "pairs, in the order of cr.optimize.ravel_pytree(x0)), or "
                     "scipy.optimize.Bounds(lb, ub) with lb and ub numbers, vectors of "
                     f"{flat.size}, or pytrees shaped like x0; got {bounds!r:.200}")


def minimize_scipy(fun: Callable, flat: Flat, method: str, args: tuple, bounds: Any,
                   constraints: Any, tol: float | None, options: dict,
                   callback: Callable | None, record_path: bool, progress: bool) -> OptimizeResult:
    """Run ``scipy.optimize.minimize`` on the flattened problem; the result shaped like x0."""
    optimize = import_scipy_optimize()
    name, derivatives = SCIPY_METHODS[method]
    objective = Objective(fun, flat, args, f"minimize(method={name!r})")
    x0 = flat.ravel(flat.tree)
    objective.start(x0, derivatives is not None)
    extra: dict = {}
    if derivatives is None:
        function: Callable = objective.value
    else:
        function = objective.value_and_grad
        extra["jac"] = True
    if derivatives == "hessp":
        extra["hessp"] = objective.hessp
    elif derivatives == "hess":
        extra["hess"] = objective.hess
    path = [flat.unravel(x0.copy())] if record_path else None
    user = user_callback(callback)
    bar = Progress(name) if progress else None
    count = [0]

    def step(x: np.ndarray, value: Any = None) -> None:
        count[0] += 1
        x = np.array(x, dtype=np.float64)
        if path is None and bar is None and user is None:
            return
        tree = flat.unravel(x)
        if path is not None:
            path.append(tree)
        if value is None or not np.isscalar(value):
            value = objective.cached_value(x)  # what the last pass found, never a new pass
        if bar is not None:
            bar.update(count[0], float(value))
        if user is not None:
            user(tree, float(value), count[0])

    if method in OLD_STYLE_CALLBACK:
        def scipy_callback(xk):
            step(xk)
    else:
        def scipy_callback(intermediate_result):
            step(intermediate_result.x, intermediate_result.get("fun"))

    try:
        result = optimize.minimize(
            function, x0, method=name, bounds=_bounds(bounds, flat, optimize),
            constraints=_constraints(constraints, flat, method, optimize), tol=tol,
            options=options or None, callback=scipy_callback, **extra)
    finally:
        if bar is not None:
            bar.close()
    return _result(result, objective, flat, derivatives is not None, path, count[0])


def _result(result: Any, objective: Objective, flat: Flat, derivatives: bool,
            path: list | None, iterations: int) -> OptimizeResult:
    out = OptimizeResult(result)
    x = np.asarray(result.x, dtype=np.float64)
    out["x"] = flat.unravel(x.copy())
    if derivatives:
        value, gradient = objective.value_and_grad(x)
        out["fun"], out["jac"] = value, flat.unravel(gradient.copy())
    else:
        out["fun"] = float(base_value(result.fun))
        out.pop("jac", None)
    out["nfev"], out["njev"] = objective.nfev, objective.njev
    if objective.nhev:
        out["nhev"] = objective.nhev
    out.setdefault("nit", iterations)  # COBYLA reports none: the callback counted them
    out["success"], out["status"] = bool(result.success), int(result.status)
    if path is not None:
        out["path"] = path
    return out
