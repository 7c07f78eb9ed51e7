"""Solutions of equations, differentiable with respect to their parameters by
the implicit function theorem, not by differentiating the solver's iterations.

If ``x*(p)`` solves ``g(p, x) = 0`` then ``dx*/dp = -(dg/dx)^-1 dg/dp`` at the
solution: one linear solve with the Jacobian there, whatever solver found
``x*`` and however many iterations it took. The rule is a ``cr.custom_jvp``
(forward mode calls it, reverse mode transposes it) written with chainrule's
own operations (``cr.jacobian``, ``cr.jvp``, ``cnp.linalg.solve``), so it is
itself differentiated for second derivatives, in every mix of modes.

``fixed_point(f, params, x0)`` is the case ``g(p, x) = f(p, x) - x``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import numpy as cnp
from ..arguments import name_of
from ..core import base_value, flatten, tree_map
from ..custom import custom_jvp
from ..transforms import jacobian, jvp, stop_gradient
from .flat import Flat
from .least_squares import root


def _plain(tree: Any) -> Any:
    return tree_map(base_value, tree)


def _implicit_solution(g: Callable, solve: Callable, params: Any, x0: Any, name: str) -> Any:
    """``solve(plain params) -> x`` (plain arrays), made differentiable in ``params``
    through ``g(params, x) = 0``."""
    shape = Flat(_plain(x0), "x0")

    @custom_jvp
    def solution(p: Any) -> Any:
        return solve(p)

    def rule(primals: tuple, tangents: tuple) -> tuple:
        (p,), (p_tangent,) = primals, tangents
        x = solution(p)  # at the levels below, this is the same rule again

        def g_of_x(v: Any) -> Any:
            return shape.ravel_traced(g(p, shape.unravel_traced(v)))

        x_vector = shape.ravel_traced(x)
        dg_dx = jacobian(g_of_x, mode="fwd")(x_vector)
        dg_dp_tangent = jvp(lambda q: g(q, x), (p,), (p_tangent,))[1]
        x_tangent = -cnp.linalg.solve(dg_dx, shape.ravel_traced(dg_dp_tangent))
        return x, shape.unravel_traced(x_tangent)

    solution.defjvp(rule)
    setattr(solution, "__name__", name)  # for messages
    return solution(params)


def _largest(tree: Any) -> float:
    leaves = flatten(tree)[0]
    return max(float(np.max(np.abs(np.asarray(leaf)))) for leaf in leaves) if leaves else 0.0


def fixed_point(f: Callable, params: Any, x0: Any, tol: float = 1e-12,
                maxiter: int = 10_000) -> Any:
    """The ``x`` with ``x = f(params, x)``, by iterating from ``x0`` until no
    element changes by more than ``tol * max(1, |x|)``; differentiable with
    respect to ``params`` (any pytree; ``x`` too) by the implicit function
    theorem: ``dx/dp = (I - df/dx)^-1 df/dp`` at the fixed point, in both modes
    and to any order. A map that does not converge is an error, never a silent stop.

    >>> sqrt2 = lambda a: cr.optimize.fixed_point(lambda a, x: (x + a / x) / 2, a, 1.0)
    >>> round(sqrt2(2.0), 12), round(cr.grad(sqrt2)(2.0), 12)  # d sqrt(a)/da = 1/(2 sqrt(a))
    (1.414213562373, 0.353553390593)
    """
    if not callable(f):
        raise TypeError(f"fixed_point(f, params, x0) needs f(params, x) callable first, not "
                        f"{type(f).__name__}")

    def iterate(p: Any) -> Any:
        x = _plain(x0)
        change = np.inf
        for _ in range(maxiter):
            new = f(p, x)
            new_leaves = flatten(new)[0]
            change = max(float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
                         for a, b in zip(new_leaves, flatten(x)[0]))
            x = new
            if not np.isfinite(change):
                raise FloatingPointError(f"fixed_point: iterating {name_of(f)} gave a non-finite "
                                         "value; the map diverges from this x0. Start closer, "
                                         "or solve f(p, x) - x = 0 with "
                                         "cr.optimize.root_implicit.")
            if change <= tol * max(1.0, _largest(x)):
                return x
        raise RuntimeError(f"fixed_point: {name_of(f)} did not converge in maxiter={maxiter} "
                           f"iterations (the last change was {change:.3g} > tol={tol:g}); "
                           "it may not be a contraction here. Raise maxiter, or solve "
                           "f(p, x) - x = 0 with cr.optimize.root_implicit(lambda p, x: "
                           "f(p, x) - x, params, x0), which uses a root finder.")

    def residual(p: Any, x: Any) -> Any:
        return tree_map(lambda a, b: a - b, f(p, x), x)

    return _implicit_solution(residual, iterate, params, stop_gradient(x0), "fixed_point")


def root_implicit(g: Callable, params: Any, x0: Any, solver: Callable | None = None,
                  method: str = "hybr", tol: float | None = None) -> Any:
    """The ``x`` with ``g(params, x) = 0``, differentiable with respect to
    ``params`` by the implicit function theorem (``dx/dp = -(dg/dx)^-1 dg/dp``),
    whatever solved it: ``solver(fun, x0) -> x`` of your own (``fun(x) =
    g(params, x)`` on plain values), or by default ``cr.optimize.root`` (SciPy's
    ``method``, given the exact Jacobian).

    >>> cube_root = lambda a: cr.optimize.root_implicit(lambda a, x: x ** 3 - a, a, 1.0)
    >>> round(cube_root(8.0), 10), round(cr.grad(cube_root)(8.0), 10)  # 1 / (3 x^2)
    (2.0, 0.0833333333)
    """
    if not callable(g):
        raise TypeError(f"root_implicit(g, params, x0) needs g(params, x) callable first, not "
                        f"{type(g).__name__}")

    def solve(p: Any) -> Any:
        if solver is not None:
            return solver(lambda x: g(p, x), _plain(x0))
        result = root(lambda x: g(p, x), _plain(x0), method=method, tol=tol)
        if not result.success:
            raise RuntimeError(f"root_implicit: scipy.optimize.root(method={method!r}) did not "
                               f"solve {name_of(g)}(params, x) = 0: {result.message} Try "
                               "another x0 or method, or pass solver=your_solver.")
        return result.x

    return _implicit_solution(g, solve, params, stop_gradient(x0), "root_implicit")
