"""Checking derivatives against finite differences: ``check_grads``; batching
against a loop over the batch: ``check_vmap``; and the
numerical differentiation a learner compares chainrule with:
``finite_difference`` (forward, backward, central, complex step) and
``step_study`` (the error of each as the step ``h`` shrinks).

Forward mode is checked directly: the JVP along a random direction ``v``
against the central difference ``(f(x + εv) − f(x − εv)) / 2ε``. Reverse mode
is checked through the identity ``⟨u, J v⟩ = ⟨Jᵀu, v⟩``: the VJP of a random
cotangent ``u``, paired with ``v``, against ``u`` paired with the same
finite difference. Higher orders check the derivative functions themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from .batching import vmap
from .core import base_value, flatten, tree_map, unflatten
from .transforms import deriv, jacobian, jvp, vjp


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
    # The finite differences call these at shifted points, whose dtype NumPy 1.x may widen
    # (float32 + a NumPy float64 step): the fixed direction takes each point's dtype.
    if mode == "fwd":
        direction = _random_like(args, rng)
        return lambda *xs: jvp(f, xs, _in_dtypes_of(direction, xs))[1]
    cotangent = _random_like(vjp(f, *args)[0], rng)

    def pulled(*xs: Any) -> Any:
        output, pullback = vjp(f, *xs)
        return pullback(_in_dtypes_of(cotangent, output))

    return pulled


def _in_dtypes_of(tree: Any, reference: Any) -> Any:
    """``tree``'s leaves cast to the dtypes of ``reference``'s (the same structure)."""
    def cast(leaf: Any, like: Any) -> Any:
        dtype = np.result_type(base_value(like))
        return leaf if np.result_type(leaf) == dtype else np.asarray(leaf, dtype)[()]

    leaves, structure = flatten(tree)
    return unflatten(structure, [cast(leaf, like)
                                 for leaf, like in zip(leaves, flatten(reference)[0], strict=True)])


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


# -- numerical differentiation: what chainrule is compared with -------------------------------

FINITE_DIFFERENCE_METHODS = ("forward", "backward", "central", "complex")


def default_step(method: str, x: Any) -> np.ndarray:
    """The step ``h`` each method uses by default at ``x`` (elementwise for an array).

    One-sided differences balance truncation (∝ h) against round-off (∝ ε/h) at
    h ≈ √ε·max(1, |x|); central differences (truncation ∝ h²) at ∛ε·max(1, |x|).
    The complex step subtracts nothing, so it has no round-off to balance: 1e-20.

    >>> float(cr.check.default_step("central", 8.0))  # ∛ε · 8
    4.8e-05
    """
    _check_method(method)
    x = np.asarray(x)
    eps = np.finfo(x.dtype if np.issubdtype(x.dtype, np.inexact) else np.float64).eps
    scale = np.maximum(1.0, np.abs(x))
    if method == "complex":
        return np.full(x.shape, 1e-20)
    return (np.sqrt(eps) if method in ("forward", "backward") else np.cbrt(eps)) * scale


def _check_method(method: str) -> None:
    if method not in FINITE_DIFFERENCE_METHODS:
        raise ValueError(f"finite_difference method must be one of {FINITE_DIFFERENCE_METHODS}, "
                         f"not {method!r}; e.g. method=\"central\"")


def finite_difference(f: Callable, x: Any, method: str = "central",
                      h: float | np.ndarray | None = None) -> Any:
    """The derivative of ``f`` at ``x`` by finite differences (no chainrule inside).

    ``method``: ``"forward"`` (f(x+h) − f(x))/h, ``"backward"`` (f(x) − f(x−h))/h,
    ``"central"`` (f(x+h) − f(x−h))/2h, or ``"complex"`` Im f(x+ih)/h, the complex
    step, exact to rounding for real analytic ``f`` (it needs ``f`` to accept
    complex input and must not meet ``abs``, comparisons or ``.real``).
    ``h`` defaults to :func:`default_step`. For scalar ``x`` and scalar output
    the result is a float; otherwise the Jacobian, of shape
    ``output.shape + x.shape`` like ``cr.jacobian`` (one step per element of x).

    >>> cr.finite_difference(np.sin, 0.0, method="complex")
    1.0
    >>> cr.finite_difference(lambda x: x ** 2, np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    _check_method(method)
    x = np.asarray(x)
    if method == "complex" and np.iscomplexobj(x):
        raise ValueError("the complex step needs a real x: it perturbs x along the imaginary "
                         "axis, which a complex x already uses. Use method=\"central\" instead.")
    if not np.issubdtype(x.dtype, np.inexact):
        x = x.astype(np.float64)
    steps = default_step(method, x) if h is None else np.asarray(h, np.float64)
    if not np.all(np.isfinite(steps)) or np.any(steps <= 0):
        raise ValueError(f"finite_difference needs a positive finite step h, not {h!r}")
    steps = np.broadcast_to(steps, x.shape)
    columns = [_difference(f, x, index, float(steps[index]), method)
               for index in np.ndindex(x.shape)]
    if x.ndim == 0:
        return columns[0][()] if columns[0].ndim == 0 else columns[0]
    return np.stack(columns, axis=-1).reshape(columns[0].shape + x.shape)


def _difference(f: Callable, x: np.ndarray, index: tuple, h: float, method: str) -> np.ndarray:
    """One column of the Jacobian: the difference quotient along element ``index``."""
    def at(offset: complex) -> np.ndarray:
        moved = x.astype(np.result_type(x, type(offset)), copy=True)
        moved[index] += offset
        return np.asarray(f(moved[()] if x.ndim == 0 else moved))

    if method == "complex":
        return np.imag(at(1j * h)) / h
    if method == "central":
        return (at(h) - at(-h)) / (2 * h)
    centre = np.asarray(f(x[()] if x.ndim == 0 else x.copy()))
    return (at(h) - centre) / h if method == "forward" else (centre - at(-h)) / h


@dataclass
class StepStudy:
    """The error of each finite-difference method against chainrule's exact
    derivative, for every step in ``hs``: the result of :func:`step_study`."""

    x0: Any
    exact: Any
    hs: np.ndarray
    errors: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def best_h(self) -> dict[str, float]:
        """The best step per method: where the error's upper envelope (the largest
        error within two steps either side) is smallest, so that a lucky
        cancellation in the round-off noise does not count; the largest such step
        on ties."""
        return {method: float(self.hs[_best_index(error)]) for method, error in self.errors.items()}

    @property
    def best_error(self) -> dict[str, float]:
        """The error at ``best_h``, per method."""
        return {method: float(error[_best_index(error)]) for method, error in self.errors.items()}

    def __str__(self) -> str:
        rows = [f"{'method':<10} {'best h':>9} {'error there':>12}"]
        for method in self.errors:
            rows.append(f"{method:<10} {self.best_h[method]:9.1e} {self.best_error[method]:12.1e}")
        return "\n".join(rows)


def _best_index(error: np.ndarray, reach: int = 2) -> int:
    """The index minimising the upper envelope of ``error`` (NaN counts as infinite)."""
    padded = np.pad(np.where(np.isnan(error), np.inf, error), reach, mode="edge")
    envelope = np.lib.stride_tricks.sliding_window_view(padded, 2 * reach + 1).max(axis=1)
    return len(error) - 1 - int(np.argmin(envelope[::-1]))


def step_study(f: Callable, x0: Any, hs: Sequence[float] | np.ndarray | None = None,
               methods: Sequence[str] = FINITE_DIFFERENCE_METHODS) -> StepStudy:
    """How the error of each finite-difference method depends on the step ``h``.

    For every ``h`` in ``hs`` (default: 61 steps from 1e-16 to 1e-1, four per
    decade) and every method, the largest absolute difference between
    :func:`finite_difference` and the exact derivative from chainrule. A
    one-sided error falls like h until round-off (about ε/h) takes over near
    √ε; the central one like h² until ∛ε; the complex step stays at rounding.

    >>> study = cr.step_study(np.exp, 1.0)
    >>> study.best_h["forward"] < study.best_h["central"]
    True
    >>> study.best_error["complex"] < 1e-15
    True
    """
    for method in methods:
        _check_method(method)
    hs = np.logspace(-16, -1, 61) if hs is None else np.asarray(hs, np.float64)
    x0 = np.asarray(x0, np.float64) if not np.issubdtype(np.asarray(x0).dtype, np.inexact) \
        else np.asarray(x0)
    exact = np.asarray(deriv(f)(x0[()]) if x0.ndim == 0 else jacobian(f)(x0))
    errors = {}
    with np.errstate(all="ignore"):
        for method in methods:
            errors[method] = np.array([
                np.max(np.abs(np.asarray(finite_difference(f, x0, method, h)) - exact),
                       initial=0.0) for h in hs])
    return StepStudy(x0=x0[()] if x0.ndim == 0 else x0, exact=exact[()] if exact.ndim == 0
                     else exact, hs=hs, errors=errors)


# -- batching ------------------------------------------------------------------------


def _members(args: tuple, size: int, rng: np.random.Generator) -> list:
    """``size`` variations of ``args``: each float leaf scaled entry by entry by 1 ± 10%
    (signs, and so kinks and domains, are kept); other leaves unchanged."""
    def vary(leaf: Any) -> Any:
        dtype = np.result_type(leaf)
        if dtype.kind not in "fc":
            return leaf
        scale = 1 + 0.1 * rng.uniform(-1, 1, np.shape(leaf))
        varied = np.asarray(np.asarray(leaf) * scale, dtype)
        return varied if np.ndim(leaf) else varied[()]

    return [tree_map(vary, args) for _ in range(size)]


def check_vmap(function: Callable, args: Sequence, axes: Sequence[int] = (0, 1, -1),
               size: int = 3, rtol: float = 1e-12, atol: float = 1e-12, seed: int = 0) -> None:
    """Check ``vmap(function)`` against a loop over the batch, for each float argument
    batched alone and all together, along each of ``axes`` (where the argument has
    room for it), the others unbatched. Raises AssertionError naming the case.

    >>> cr.check_vmap(lambda x, y: np.sin(x) * y, (np.ones(3), 2.0))
    """
    args = tuple(args)
    rng = np.random.default_rng(seed)
    members = _members(args, size, rng)
    floats = [n for n, arg in enumerate(args)
              if np.result_type(arg).kind in "fc" and not isinstance(arg, (list, tuple, dict))]
    choices = [(n,) for n in floats] + ([tuple(floats)] if len(floats) > 1 else [])
    name = getattr(function, "__name__", "function")
    for chosen in choices:
        # the batch: the chosen arguments vary between members, the others are shared
        loop = [tuple(member[n] if n in chosen else arg for n, arg in enumerate(args))
                for member in members]
        results = [flatten(function(*member))[0] for member in loop]
        expected = [np.stack([np.asarray(base_value(leaves[k])) for leaves in results])
                    for k in range(len(results[0]))]
        for axis in axes:
            if any(not -(np.ndim(args[n]) + 1) <= axis <= np.ndim(args[n]) for n in chosen):
                continue
            batched = tuple(
                np.stack([member[n] for member in members], axis=axis) if n in chosen else arg
                for n, arg in enumerate(args))
            in_axes = tuple(axis if n in chosen else None for n in range(len(args)))
            got = flatten(vmap(function, in_axes=in_axes)(*batched))[0]
            where = f"vmap({name}, in_axes={in_axes})"
            if len(got) != len(expected):
                raise AssertionError(f"{where} returned {len(got)} leaves, the loop "
                                     f"{len(expected)}")
            for leaf, want in zip(got, expected):
                value = np.asarray(base_value(leaf))
                if value.shape != want.shape:
                    raise AssertionError(f"{where} has shape {value.shape}; the loop over "
                                         f"the batch gives {want.shape}")
                if not np.allclose(value, want, rtol=rtol, atol=atol, equal_nan=True):
                    worst = np.max(np.abs(value - want))
                    raise AssertionError(f"{where} differs from the loop over the batch by "
                                         f"up to {worst:.3g}")
