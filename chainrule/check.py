"""Checking derivatives against finite differences: ``check_grads``.

Forward mode is checked directly: the JVP along a random direction ``v``
against the central difference ``(f(x + εv) − f(x − εv)) / 2ε``. Reverse mode
is checked through the identity ``⟨u, J v⟩ = ⟨Jᵀu, v⟩``: the VJP of a random
cotangent ``u``, paired with ``v``, against ``u`` paired with the same
finite difference. Higher orders check the derivative functions themselves.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .core import base_value, flatten, tree_map, unflatten
from .transforms import jvp, vjp


def _real_dtype(leaf: Any) -> np.dtype:
    return np.result_type(base_value(leaf))


def _random_like(tree: Any, rng: np.random.Generator) -> Any:
    def sample(leaf: Any) -> Any:
        plain = base_value(leaf)
        dtype = np.result_type(plain)
        value = rng.standard_normal(np.shape(plain))
        if np.issubdtype(dtype, np.complexfloating):
            value = value + 1j * rng.standard_normal(np.shape(plain))
        value = np.asarray(value, dtype)
        return value if np.ndim(plain) else value[()]

    return tree_map(sample, tree)


def _inner(a: Any, b: Any) -> float:
    """The real pairing ``Re(sum(a * b))`` under which a VJP is the JVP's transpose."""
    total = 0.0
    for x, y in zip(flatten(a)[0], flatten(b)[0]):
        total += float(np.real(np.sum(np.asarray(base_value(x)) * np.asarray(base_value(y)))))
    return total


def _axpy(alpha: float, x: Any, y: Any) -> Any:
    def step(xi: Any, yi: Any) -> Any:
        moved = yi + alpha * xi
        return np.asarray(moved) if isinstance(yi, np.ndarray) else moved  # 0-d stays 0-d

    return tree_map(step, x, y)


def _tolerances(args: Any) -> tuple[float, float, float]:
    """(step, rtol, atol) for the least precise dtype among the arguments."""
    leaves = flatten(args)[0]
    if any(_real_dtype(leaf) in (np.float32, np.complex64) for leaf in leaves):
        return 1e-2, 2e-2, 2e-2
    if any(_real_dtype(leaf) == np.float16 for leaf in leaves):
        return 1e-1, 1e-1, 1e-1
    return 1e-5, 1e-4, 1e-5


def _finite_difference(f: Callable, args: tuple, direction: tuple, step: float) -> Any:
    ahead = f(*_axpy(step, direction, args))
    behind = f(*_axpy(-step, direction, args))
    return tree_map(lambda a, b: (np.asarray(base_value(a), np.float64 if np.isrealobj(
        base_value(a)) else complex) - base_value(b)) / (2 * step), ahead, behind)


def check_grads(f: Callable, args: Sequence, modes: Sequence[str] = ("fwd", "rev"),
                order: int = 2, eps: float | None = None, rtol: float | None = None,
                atol: float | None = None, seed: int = 0) -> None:
    """Check ``f``'s derivatives at ``args`` against finite differences.

    Checks each of ``modes`` ("fwd", "rev") to ``order`` (1 = first
    derivatives, 2 = also the derivatives of those, ...) along random
    directions. Raises ``AssertionError`` naming the function, mode and order.

    >>> cr.check_grads(np.sin, (np.array([0.5, 1.0]),), order=2)
    """
    if not isinstance(args, (tuple, list)):
        raise TypeError(f"check_grads takes args as a tuple or list of f's arguments; got a "
                        f"{type(args).__name__}. Wrap a single argument: "
                        "cr.check_grads(f, (x,)).")
    if not modes or any(mode not in ("fwd", "rev") for mode in modes) or isinstance(modes, str):
        raise ValueError(f"check_grads: modes is a tuple of 'fwd' and/or 'rev', like "
                         f"modes=('fwd', 'rev'), not {modes!r}.")
    if type(order) is not int or order < 1:
        raise ValueError(f"check_grads: order is a positive int (1 = first derivatives), "
                         f"not {order!r}.")
    args = tuple(args)
    step, default_rtol, default_atol = _tolerances(args)
    tolerances = (eps or step, default_rtol if rtol is None else rtol,
                  default_atol if atol is None else atol)
    rng = np.random.default_rng(seed)
    _check(f, args, tuple(modes), order, getattr(f, "__name__", repr(f)), 1, rng, tolerances)


def _check(f: Callable, args: tuple, modes: tuple, order: int, name: str, level: int,
           rng: np.random.Generator, tolerances: tuple) -> None:
    step, rtol, atol = tolerances
    direction = _random_like(args, rng)
    numeric = _finite_difference(f, args, direction, step)
    if "fwd" in modes:
        _, tangent = jvp(f, args, direction)
        _assert_close(tangent, numeric, rtol, atol, name, "forward (JVP)", level)
    if "rev" in modes:
        output, pullback = vjp(f, *args)
        cotangent = _random_like(output, rng)
        reverse = _inner(pullback(cotangent), direction)
        expected = _inner(cotangent, numeric)
        _assert_close(reverse, expected, rtol, atol, name, "reverse (VJP)", level)
    if order <= 1:
        return
    # The next order checks each derivative function, along fixed random directions.
    for mode in modes:
        _check(_derivative_function(f, args, mode, rng), args, modes, order - 1,
               f"the {mode} derivative of {name}", level + 1, rng, tolerances)


def _derivative_function(f: Callable, args: tuple, mode: str,
                         rng: np.random.Generator) -> Callable:
    if mode == "fwd":
        direction = _random_like(args, rng)
        return lambda *xs: jvp(f, xs, direction)[1]
    cotangent = _random_like(vjp(f, *args)[0], rng)
    return lambda *xs: vjp(f, *xs)[1](cotangent)


def _assert_close(actual: Any, expected: Any, rtol: float, atol: float, name: str,
                  mode: str, order: int) -> None:
    actual_leaves = [np.asarray(base_value(x)) for x in flatten(actual)[0]]
    expected_leaves = [np.asarray(base_value(x)) for x in flatten(expected)[0]]
    scale = max([1.0] + [float(np.max(np.abs(x))) for x in expected_leaves if np.size(x)])
    for got, want in zip(actual_leaves, expected_leaves):
        if not np.allclose(got, want, rtol=rtol, atol=atol * scale, equal_nan=False):
            raise AssertionError(
                f"{mode} derivative of order {order} of {name} does not match finite "
                f"differences:\n  chainrule: {got}\n  numeric:   {want}"
            )
