"""ODE solutions as one primitive: ``odeint`` and ``solve_ivp`` differentiated by the
adjoint method (reverse) and the forward sensitivity equations (forward), never
through the solver's steps.

``trajectory_p(y0, t, *args, func, solve)`` is ``y(t[i])`` for ``y' = func(y, t,
*args)``, ``y(t[0]) = y0``, computed by ``solve`` (SciPy's odeint or solve_ivp)
on plain numbers. Its rules solve augmented ODEs with the same primitive:

- forward: ``[y, s]' = [f, J_y s + J_p dp]``, ``s(t0) = dy0 - f(y0, t0) dt0``,
  plus ``f(y_i, t_i) dt_i``; the tangent term is ``chainrule.core.jvp`` of
  ``func``;
- reverse: between output times, backwards, ``[y, a, a_p]' = [f, -J_y^T a,
  -J_p^T a]``, adding each output's cotangent to ``a`` on the way; the
  products are ``chainrule.core.vjp`` of ``func``.

Inside an augmented right-hand side ``func`` runs on plain numbers when the
outer primitive is evaluated and on tracers when that primitive is itself
differentiated, so derivatives of derivatives (any mix of modes) follow by the
same recursion, the state growing each order. Traced parameters must reach
``func`` through ``args``: a right-hand side that closes over a traced value
is refused (its derivative would be lost).

>>> y = trajectory_p(np.array([1.0]), np.array([0.0, 1.0]), 2.0,
...                  func=lambda y, t, k: -k * y, solve=odeint_solver({}))
>>> round(float(y[1, 0]), 6) == round(float(np.exp(-2.0)), 6)
True
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import scipy.integrate

from .. import numpy as cnp
from ..core import Tracer, base_value, jvp, vjp
from ..numpy import batching as batch_tools
from .matrix_functions import _primitive

_shape = batch_tools.member_shape  # np.shape, of one member under vmap


def _flat(x: Any) -> Any:
    return cnp.reshape(cnp.asarray(x), (-1,))


def _size(x: Any) -> int:
    """The number of entries of ``x`` (of one member, under vmap)."""
    return int(np.prod(_shape(x), dtype=int))


def _is_inexact(x: Any) -> bool:
    try:
        return bool(np.issubdtype(np.result_type(base_value(x)), np.inexact))
    except TypeError:  # strings, functions: static arguments
        return False


def _plain_rhs(func: Callable, args: tuple) -> Callable:
    def rhs(y: np.ndarray, t: float) -> np.ndarray:
        out = func(y, t, *args)
        if isinstance(out, Tracer) or (isinstance(out, (list, tuple)) and any(
                isinstance(entry, Tracer) for entry in out)):
            raise TypeError(
                "chainrule: the ODE right-hand side returned a traced value for plain "
                "inputs: it closes over a traced variable, whose derivative would be lost.\n"
                "  Pass the variable through args: odeint(f, y0, t, args=(k,)) with "
                "f(y, t, k), or solve_ivp(f, t_span, y0, args=(k,)) with f(t, y, k).")
        return np.ravel(np.asarray(out))
    return rhs


def odeint_solver(options: dict) -> Callable:
    """``solve(rhs, y0, t, jacobian) -> y(t)`` by ``scipy.integrate.odeint`` (LSODA)."""
    def solve(rhs: Callable, y0: np.ndarray, t: np.ndarray, jacobian: Any) -> np.ndarray:
        return scipy.integrate.odeint(rhs, y0, t, Dfun=jacobian, **options)
    return solve


def ivp_solver(method: Any, options: dict) -> Callable:
    """``solve(rhs, y0, t, jacobian) -> y(t)`` by ``scipy.integrate.solve_ivp`` over
    ``(t[0], t[-1])``."""
    def solve(rhs: Callable, y0: np.ndarray, t: np.ndarray, jacobian: Any) -> np.ndarray:
        extra = {} if jacobian is None else {"jac": lambda s, y: jacobian(y, s)}
        solution = scipy.integrate.solve_ivp(lambda s, y: rhs(y, s), (t[0], t[-1]), y0,
                                             method=method, t_eval=t, **options, **extra)
        if not solution.success:
            raise RuntimeError(f"scipy.integrate.solve_ivp failed: {solution.message}")
        return solution.y.T
    return solve


def _trajectory_impl(y0, t, *args, func, solve, jacobian=None):
    # ``jacobian(y, t, *args)``: the user's, for the value's own solve (the augmented
    # systems of the rules leave the solver to estimate theirs)
    plain_jacobian = None if jacobian is None else (lambda y, s: jacobian(y, s, *args))
    return solve(_plain_rhs(func, args), np.ravel(y0), np.asarray(t), plain_jacobian)


def _with(args: tuple, positions: tuple, values: tuple) -> list:
    full = list(args)
    for position, value in zip(positions, values):
        full[position] = value
    return full


def _zeros_if_none(value: Any, like: Any) -> Any:
    return cnp.zeros_like(like) if value is None else value


def _tangent_dynamics(func: Callable, count: int, moving: tuple, n: int) -> Callable:
    """``[y, s]' = [f, J_y s + sum_k J_pk dp_k]``: the arguments are the original ``count``
    ones followed by the tangents ``dp_k`` of those at ``moving``."""
    def augmented(z, t, *values):
        args, tangents = values[:count], values[count:]
        y, s = z[:n], z[n:]

        def f_of(y, *moved):
            return _flat(func(y, t, *_with(args, moving, moved)))

        out, tangent = jvp(f_of, (y, *(args[k] for k in moving)), (s, *tangents))
        return cnp.concatenate([out, _zeros_if_none(tangent, out)])
    return augmented


def _adjoint_dynamics(func: Callable, wanted: tuple, n: int) -> Callable:
    """``[y, a, a_p]' = [f, -J_y^T a, -J_p^T a]`` for the arguments at ``wanted``."""
    def augmented(z, t, *args):
        y, adjoint = z[:n], z[n:2 * n]

        def f_of(y, *moved):
            return _flat(func(y, t, *_with(args, wanted, moved)))

        out, pullback = vjp(f_of, y, *(args[k] for k in wanted))
        cotangents = pullback(adjoint)
        pieces = [out]
        for cotangent, primal in zip(cotangents, (y, *(args[k] for k in wanted))):
            pieces.append(-_flat(_zeros_if_none(cotangent, primal)))
        return cnp.concatenate(pieces)
    return augmented


def _slopes(func: Callable, ys: Any, t: Any, args: tuple) -> Any:
    """``f(ys[i], t[i])`` for every row."""
    return cnp.stack([_flat(func(ys[i], t[i], *args)) for i in range(_shape(t)[0])])


def _trajectory_jvp(tangents, ans, y0, t, *args, func, solve, jacobian=None):
    ty0, tt, *targs = tangents
    n = _size(y0)
    moving = tuple(k for k, tangent in enumerate(targs) if tangent is not None)
    start = cnp.zeros_like(_flat(y0)) if ty0 is None else _flat(ty0)
    if tt is not None:
        start = start - _flat(func(_flat(y0), t[0], *args)) * tt[0]
    augmented = trajectory_p(cnp.concatenate([_flat(y0), start]), t, *args,
                             *(targs[k] for k in moving),
                             func=_tangent_dynamics(func, len(args), moving, n), solve=solve)
    tangent = augmented[:, n:]
    if tt is not None:
        tangent = tangent + _slopes(func, ans, t, args) * cnp.reshape(tt, (-1, 1))
    return tangent


def _trajectory_vjp(g, ans, y0, t, *args, func, solve, jacobian=None):
    count, n = _shape(t)[0], _size(y0)
    wanted = tuple(k for k, arg in enumerate(args) if _is_inexact(arg))
    sizes = [_size(args[k]) for k in wanted]
    dynamics = _adjoint_dynamics(func, wanted, n)
    adjoint = g[count - 1]
    accumulated = np.zeros(sum(sizes), dtype=cnp.result_type(ans))
    time_cotangents = [None] * count
    if count > 1:
        time_cotangents[-1] = cnp.sum(g[-1] * _flat(func(ans[-1], t[-1], *args)))
    for i in range(count - 1, 0, -1):
        state = cnp.concatenate([ans[i], adjoint, accumulated])
        back = trajectory_p(state, cnp.stack([t[i], t[i - 1]]), *args, func=dynamics,
                            solve=solve)[1]
        adjoint, accumulated = back[n:2 * n], back[2 * n:]
        if i > 1:
            time_cotangents[i - 1] = cnp.sum(g[i - 1] * _flat(func(ans[i - 1], t[i - 1], *args)))
        else:  # y(t_j) moves with t0 by -Phi(t_j, t0) f(y0, t0)
            time_cotangents[0] = -cnp.sum(adjoint * _flat(func(_flat(y0), t[0], *args)))
        adjoint = adjoint + g[i - 1]
    if count == 1:
        time_cotangents[0] = 0.0 * cnp.sum(g[0])
    arg_cotangents: list = [None] * len(args)
    offset = 0
    for k, size in zip(wanted, sizes):
        arg_cotangents[k] = cnp.reshape(accumulated[offset:offset + size], _shape(args[k]))
        offset += size
    return (cnp.reshape(adjoint, _shape(y0)), cnp.stack(time_cotangents), *arg_cotangents)


trajectory_p = _primitive("trajectory", _trajectory_impl, "scipy.integrate")
trajectory_p.def_jvp_joint(_trajectory_jvp)
trajectory_p.def_vjp_joint(_trajectory_vjp)


def trajectory(func: Callable, y0: Any, t: Any, args: tuple, solve: Callable,
               jacobian: Any = None) -> Any:
    """``y(t[i])`` of ``y' = func(y, t, *args)``, shape ``(len(t), len(y0))``; the
    optional ``jacobian(y, t, *args)`` serves the value's solve.

    >>> trajectory(lambda y, t: -y, np.array([1.0]), np.array([0.0, 0.0]), (),
    ...            odeint_solver({})).tolist()
    [[1.0], [1.0]]
    """
    return trajectory_p(_flat(y0), cnp.asarray(t), *args, func=func, solve=solve,
                        jacobian=jacobian)
