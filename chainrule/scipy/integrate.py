"""``chainrule.scipy.integrate``: odeint, solve_ivp, quad, trapezoid, simpson,
differentiable in both modes.

odeint and solve_ivp (every method: RK23, RK45, DOP853, Radau, BDF, LSODA)
differentiate with respect to the initial state, the times and the parameters
passed through ``args``, by the adjoint method in reverse mode and the forward
sensitivity equations in forward mode (``ode.py``), to any order. quad
differentiates in its limits (``f(b)``, ``-f(a)``) and in ``args`` (the quad of
the integrand's derivative); trapezoid and simpson are SciPy's formulas written
with chainrule's operations, differentiable in ``y`` and ``x``.

Plain ``scipy.integrate.odeint(f, y0, t)`` with a traced ``y0`` raises
chainrule's TypeError: write ``chainrule.scipy.integrate.odeint``.

>>> y = odeint(lambda y, t, k: -k * y, np.array([1.0]), np.array([0.0, 1.0]), args=(1.0,))
>>> round(float(y[1, 0]), 5)
0.36788
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import scipy.integrate

from .. import numpy as cnp
from ..core import Tracer, base_value, jvp, vjp
from ..numpy import batching as batch_tools
from .matrix_functions import _PRIMITIVES, _primitive
from .ode import (_flat, _is_inexact, _size, _with, _zeros_if_none, ivp_solver, odeint_solver,
                  trajectory)

try:  # SciPy's own result type for solve_ivp
    from scipy.integrate._ivp.ivp import OdeResult
except ImportError:  # pragma: no cover - older layouts
    from scipy.optimize import OptimizeResult as OdeResult

_shape = batch_tools.member_shape  # np.shape, of one member under vmap

_ODEINT_OPTIONS = ("rtol", "atol", "tcrit", "h0", "hmax", "hmin", "ixpr", "mxstep", "mxhnil",
                   "mxordn", "mxords", "printmessg")


def _one_solve(name: str, *values: Any) -> None:
    """Refuse vmap where SciPy's own solve of the plain values is part of the result."""
    leaves = list(values)
    while leaves:
        value = leaves.pop()
        if isinstance(value, (tuple, list)):
            leaves.extend(value)
        elif batch_tools.is_batched(value):
            raise NotImplementedError(
                f"chainrule.scipy.integrate.{name} under vmap: the solver's own steps and "
                "statistics come from one plain solve, and differ between members of the "
                "batch.\n  Use chainrule.scipy.integrate.odeint (without full_output), which "
                "vmap runs member by member, or loop over the members and stack the results.")


def _any_traced(*values: Any) -> bool:
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, Tracer):
            return True
        if isinstance(value, (tuple, list)):
            stack.extend(value)
    return False


def odeint(func: Callable, y0: Any, t: Any, args: tuple = (), Dfun: Any = None,
           col_deriv: int = 0, full_output: int = 0, ml: Any = None, mu: Any = None,
           rtol: Any = None, atol: Any = None, tcrit: Any = None, h0: float = 0.0,
           hmax: float = 0.0, hmin: float = 0.0, ixpr: int = 0, mxstep: int = 0,
           mxhnil: int = 0, mxordn: int = 12, mxords: int = 5, printmessg: int = 0,
           tfirst: bool = False) -> Any:
    """``scipy.integrate.odeint``: ``y(t[i])``, shape ``(len(t), len(y0))``,
    differentiable in ``y0``, ``t`` and ``args`` (see the module). ``Dfun`` serves
    the value's solve; the derivative systems let LSODA estimate their Jacobians.
    With ``full_output`` the info dict comes from SciPy's own solve, undifferentiated.

    >>> cr.grad(lambda y0: odeint(lambda y, t: -y, y0, np.array([0.0, 1.0]))[1, 0])(
    ...     np.array([1.0])).round(5)
    array([0.36788])
    """
    if col_deriv or ml is not None or mu is not None:
        raise NotImplementedError(
            "chainrule.scipy.integrate.odeint: col_deriv, ml and mu are not supported.\n"
            "  Leave them out (LSODA then uses a full Jacobian), or use "
            "chainrule.scipy.integrate.solve_ivp.")
    given = {"rtol": rtol, "atol": atol, "tcrit": tcrit, "h0": h0, "hmax": hmax, "hmin": hmin,
             "ixpr": ixpr, "mxstep": mxstep, "mxhnil": mxhnil, "mxordn": mxordn,
             "mxords": mxords, "printmessg": printmessg}
    options = {name: given[name] for name in _ODEINT_OPTIONS}
    if tfirst:
        rhs = lambda y, s, *a: func(s, y, *a)  # noqa: E731
        jacobian = None if Dfun is None else (lambda y, s, *a: Dfun(s, y, *a))
    else:
        rhs, jacobian = func, Dfun
    result = trajectory(rhs, y0, t, tuple(args), odeint_solver(options), jacobian)
    if full_output:
        _one_solve("odeint(..., full_output=1)", y0, t, args)
        info = scipy.integrate.odeint(rhs, np.ravel(base_value(y0)), base_value(t), tuple(
            base_value(arg) for arg in args), Dfun=jacobian, full_output=True, **options)[1]
        return result, info
    return result


def solve_ivp(fun: Callable, t_span: Any, y0: Any, method: Any = "RK45", t_eval: Any = None,
              dense_output: bool = False, events: Any = None, vectorized: bool = False,
              args: Any = None, **options: Any) -> Any:
    """``scipy.integrate.solve_ivp``: the result's ``y`` (shape ``(n, len(t))``) is
    differentiable in ``y0``, ``t_span``, ``t_eval`` and ``args``. Without
    ``t_eval`` the times are the solver's own steps (constants, but the two ends).
    ``dense_output`` and ``events`` need plain inputs.

    >>> result = solve_ivp(lambda t, y: -y, (0.0, 1.0), np.array([1.0]), t_eval=[1.0],
    ...                    rtol=1e-10, atol=1e-12)
    >>> result.y.round(6)
    array([[0.367879]])
    """
    args = () if args is None else tuple(args)
    traced = _any_traced(t_span, y0, t_eval, args)
    if not traced or dense_output or events is not None:
        if traced:
            raise NotImplementedError(
                "chainrule.scipy.integrate.solve_ivp with dense_output or events has no "
                "derivative.\n  Ask for the times you need with t_eval=...; for an event, "
                "find its time on plain values and pass it in t_eval.")
        return scipy.integrate.solve_ivp(fun, t_span, y0, method=method, t_eval=t_eval,
                                         dense_output=dense_output, events=events,
                                         vectorized=vectorized, args=args or None, **options)
    _one_solve("solve_ivp", t_span, y0, t_eval, args)
    start, end = t_span
    plain = scipy.integrate.solve_ivp(
        fun, (base_value(start), base_value(end)), np.ravel(base_value(y0)), method=method,
        t_eval=None if t_eval is None else base_value(cnp.asarray(t_eval)),
        args=tuple(base_value(arg) for arg in args) or None, **options)
    if not plain.success:
        raise RuntimeError(f"scipy.integrate.solve_ivp failed: {plain.message}")
    times, rows = _ivp_times(start, end, t_eval, plain.t)
    rhs = lambda y, s, *a: fun(s, y, *a)  # noqa: E731
    jac = options.pop("jac", None)
    jacobian = None if jac is None else (lambda y, s, *a: jac(s, y, *a) if callable(jac) else jac)
    path = trajectory(rhs, y0, times, args, ivp_solver(method, options), jacobian)[rows]
    return OdeResult(t=plain.t if t_eval is None else t_eval, y=cnp.swapaxes(path, 0, 1),
                     sol=None, t_events=None, y_events=None, nfev=plain.nfev,
                     njev=plain.njev, nlu=plain.nlu, status=plain.status,
                     message=plain.message, success=plain.success)


def _ivp_times(start: Any, end: Any, t_eval: Any, steps: np.ndarray) -> tuple:
    """The times to solve at (from ``t_span[0]``, to ``t_span[1]``: the user's steps)
    and the rows of them the result keeps."""
    first, last = cnp.reshape(cnp.asarray(start), (1,)), cnp.reshape(cnp.asarray(end), (1,))
    if t_eval is None:
        inner = np.asarray(steps[1:-1])
        return cnp.concatenate([first, inner, last]), slice(None)
    t_eval = _flat(t_eval)
    plain = base_value(t_eval)
    pieces, begin = [t_eval], 0
    if plain[0] != base_value(start):
        pieces, begin = [first, t_eval], 1
    if plain[-1] != base_value(end):
        pieces.append(last)
    return cnp.concatenate(pieces), slice(begin, begin + len(plain))


# -- quad ------------------------------------------------------------------------------


def _sample_point(a: float, b: float) -> float:
    if np.isfinite(a) and np.isfinite(b):
        return 0.5 * (a + b)
    return float(a) if np.isfinite(a) else float(b) if np.isfinite(b) else 0.0


def _quad_impl(a, b, *args, func, options):
    shape = np.shape(func(_sample_point(a, b), *args))
    if shape == ():
        value, error = scipy.integrate.quad(func, a, b, args=args, **options)[:2]
    else:
        vector_options = {key: value for key, value in options.items()
                          if key in ("epsabs", "epsrel", "limit", "points")}
        value, error = scipy.integrate.quad_vec(lambda x: np.asarray(func(x, *args)), a, b,
                                                **vector_options)[:2]
    return np.asarray(value)[()], error  # a NumPy float for a scalar integrand, as SciPy


def _endpoint(func, x, args):
    finite = np.isfinite(base_value(x))  # under vmap: one entry per member of the batch
    if np.all(finite):
        return func(x, *args)
    if not np.any(finite):
        return None  # an infinite limit does not move the integral
    raise NotImplementedError(
        "chainrule.scipy.integrate.quad under vmap with a limit that is finite for some "
        "members of the batch and infinite for others has no derivative rule.\n  Batch the "
        "finite and the infinite limits separately.")


def _quad_jvp(tangents, ans, a, b, *args, func, options):
    ta, tb, *targs = tangents
    tangent = None
    for point, point_tangent, sign in ((a, ta, -1.0), (b, tb, 1.0)):
        value = None if point_tangent is None else _endpoint(func, point, args)
        if value is not None:  # an infinite limit does not move the integral
            change = sign * value * point_tangent
            tangent = change if tangent is None else tangent + change
    moving = tuple(k for k, value in enumerate(targs) if value is not None)
    if moving:
        count = len(args)

        def integrand(x, *values):
            return jvp(lambda *moved: func(x, *_with(values[:count], moving, moved)),
                       tuple(values[k] for k in moving), tuple(values[count:]))[1]

        inner = quad_p(a, b, *args, *(targs[k] for k in moving), func=integrand,
                       options=options)[0]
        tangent = inner if tangent is None else tangent + inner
    return tangent, None


def _quad_vjp(g, ans, a, b, *args, func, options):
    gv = g[0]
    ends = []
    for point, sign in ((a, -1.0), (b, 1.0)):
        value = _endpoint(func, point, args)
        ends.append(None if value is None else sign * cnp.sum(gv * value))
    wanted = tuple(k for k, arg in enumerate(args) if _is_inexact(arg))
    cotangents: list = [None] * len(args)
    if wanted:
        count = len(args)

        def integrand(x, *values):
            primals = tuple(values[k] for k in wanted)
            _, pullback = vjp(lambda *moved: func(x, *_with(values[:count], wanted, moved)),
                              *primals)
            return cnp.concatenate([_flat(_zeros_if_none(c, p))
                                    for c, p in zip(pullback(values[count]), primals)])

        flat = quad_p(a, b, *args, gv, func=integrand, options=options)[0]
        offset = 0
        for k in wanted:
            size = _size(args[k])
            cotangents[k] = cnp.reshape(flat[offset:offset + size], _shape(args[k]))
            offset += size
    return (*ends, *cotangents)


quad_p = _primitive("quad", _quad_impl, "scipy.integrate", multiple_results=True)
quad_p.def_jvp_joint(_quad_jvp)
quad_p.def_vjp_joint(_quad_vjp)


def quad(func: Callable, a: Any, b: Any, args: Any = (), full_output: int = 0,
         **options: Any) -> tuple:
    """``scipy.integrate.quad``: ``(integral, error estimate)``; the integral is
    differentiable in ``a``, ``b`` (``-f(a)``, ``f(b)``) and ``args`` (the quad of
    ``df/dargs``), the estimate is plain.

    >>> cr.grad(lambda k: quad(lambda x, k: np.exp(k * x), 0.0, 1.0, args=(k,))[0])(0.0)
    0.5
    """
    if full_output:
        raise NotImplementedError(
            "chainrule.scipy.integrate.quad(full_output=1): the info dict is not "
            "differentiated.\n  Call quad without full_output, and scipy.integrate.quad on "
            "plain values for the details.")
    args = args if isinstance(args, tuple) else (args,)
    value, error = quad_p(a, b, *args, func=func, options=options)
    return value, error


# -- trapezoid, simpson ----------------------------------------------------------------


def _spacings(x: Any, axis: int) -> Any:
    """The spacings of the sample points ``x`` along ``axis``, moved last as ``y`` is."""
    x = cnp.asarray(x)
    if len(_shape(x)) != 1:
        x = cnp.moveaxis(x, axis, -1)
    return x[..., 1:] - x[..., :-1]


def trapezoid(y: Any, x: Any = None, dx: float = 1.0, axis: int = -1) -> Any:
    """``scipy.integrate.trapezoid``, differentiable in ``y``, ``x`` and ``dx``.

    >>> trapezoid(np.array([1.0, 2.0, 3.0]))
    4.0
    """
    y = cnp.moveaxis(cnp.asarray(y), axis, -1)
    d = dx if x is None else _spacings(x, axis)
    return cnp.sum(d * (y[..., 1:] + y[..., :-1]), axis=-1) / 2.0


def _basic_simpson(y: Any, stop: int, h: Any) -> Any:
    """Simpson's rule over the intervals ``0..stop`` (even count), spacings ``h``."""
    y0, y1, y2 = y[..., 0:stop:2], y[..., 1:stop + 1:2], y[..., 2:stop + 2:2]
    if h is None or len(_shape(h)) == 0:
        step = 1.0 if h is None else h
        return cnp.sum(y0 + 4.0 * y1 + y2, axis=-1) * step / 3.0
    h0, h1 = h[..., 0:stop:2], h[..., 1:stop + 1:2]
    total = h0 + h1
    ratio = h0 / h1
    terms = total / 6.0 * (y0 * (2.0 - 1.0 / ratio) + y1 * total * total / (h0 * h1)
                           + y2 * (2.0 - ratio))
    return cnp.sum(terms, axis=-1)


def simpson(y: Any, x: Any = None, *, dx: float = 1.0, axis: int = -1) -> Any:
    """``scipy.integrate.simpson`` (SciPy >= 1.11's rule: an even number of samples
    ends with Cartwright's correction), differentiable in ``y``, ``x`` and ``dx``.

    >>> float(simpson(np.array([0.0, 1.0, 4.0]), x=np.array([0.0, 1.0, 2.0])))
    2.6666666666666665
    """
    y = cnp.moveaxis(cnp.asarray(y), axis, -1)
    samples = _shape(y)[-1]
    h: Any = dx if x is None else _spacings(x, axis)
    if samples % 2 == 1:
        return _basic_simpson(y, samples - 2, h)
    if samples == 2:
        last = h if len(_shape(h)) == 0 else h[..., -1]
        return 0.5 * last * (y[..., -1] + y[..., -2])
    result = _basic_simpson(y, samples - 3, h)
    h_first, h_last = (h, h) if len(_shape(h)) == 0 else (h[..., -2], h[..., -1])
    alpha = (2 * h_last ** 2 + 3 * h_first * h_last) / (6 * (h_last + h_first))
    beta = (h_last ** 2 + 3.0 * h_first * h_last) / (6 * h_first)
    eta = h_last ** 3 / (6 * h_first * (h_first + h_last))
    return result + alpha * y[..., -1] + beta * y[..., -2] - eta * y[..., -3]


def coverage_rows() -> list:
    """``(SciPy name, chainrule module, modes)`` for each function of this namespace.

    >>> ("scipy.integrate.odeint", "chainrule.scipy.integrate", "forward, reverse") in (
    ...     coverage_rows())
    True
    """
    return sorted((f"scipy.integrate.{name}", __name__, "forward, reverse") for name in __all__)


def primitives() -> list:
    """The primitives behind this namespace.

    >>> sorted(prim.name for prim in primitives())
    ['scipy.integrate.quad', 'scipy.integrate.trajectory']
    """
    return [prim for prim in _PRIMITIVES if prim.name.startswith("scipy.integrate.")]


__all__ = ["odeint", "quad", "simpson", "solve_ivp", "trapezoid"]
