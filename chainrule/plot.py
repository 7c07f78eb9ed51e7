"""Pictures of derivatives, where people would rather look than read numbers.

Every function returns a ``matplotlib.figure.Figure`` built with the
object-oriented API (no pyplot, no global state, so it works headless and in
threads) and saves it when given ``save="name.png"`` (or ``.svg``, ``.pdf``).
Pass ``ax=`` to draw into axes of your own figure instead. Functions of a grid
are evaluated once on the whole grid, with arrays: ``f`` must be written with
NumPy operations that act elementwise (``np.tanh(x)``, ``a * b``, no sums
across points).

matplotlib is an optional extra: ``pip install 'chainrule[plot]'``.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

try:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
except ImportError as error:  # the one optional extra of this module
    raise ImportError("chainrule.plot needs matplotlib: pip install 'chainrule[plot]'") from error

from .check import FINITE_DIFFERENCE_METHODS, step_study
from .transforms import deriv, elementwise_grad, vjp


def _axes(ax: Axes | None, figsize: tuple[float, float] = (7.0, 4.5)) -> tuple[Figure, Axes]:
    if ax is not None:  # the figure to return and save is the root one, even from a subfigure
        figure = ax.figure
        return (figure if isinstance(figure, Figure) else figure.figure), ax
    figure = Figure(figsize=figsize, layout="constrained")
    return figure, figure.add_subplot()


def _finish(figure: Figure, save: str | None) -> Figure:
    if save is not None:
        figure.savefig(save)
    return figure


def _name(f: Callable) -> str:
    name = getattr(f, "__name__", "f")
    return "f" if name == "<lambda>" else name


def _derivative_label(name: str, order: int) -> str:
    return name + "'" * order if order <= 3 else f"{name}$^{{({order})}}$"


def derivatives(f: Callable, xlim: tuple[float, float] = (-5.0, 5.0), order: int = 4,
                n: int = 400, save: str | None = None, ax: Axes | None = None) -> Figure:
    """``f`` and its first ``order`` derivatives on one axes (one line each),
    by nested ``cr.elementwise_grad`` evaluated once on an ``n``-point grid.

    >>> figure = cr.plot.derivatives(np.tanh, order=4)
    >>> [line.get_label() for line in figure.axes[0].get_lines()]
    ['tanh', "tanh'", "tanh''", "tanh'''", 'tanh$^{(4)}$']
    """
    figure, ax = _axes(ax, (7.0, 4.5))
    xs = np.linspace(*xlim, n)
    name, function = _name(f), f
    for k in range(order + 1):
        ax.plot(xs, np.broadcast_to(function(xs), xs.shape), label=_derivative_label(name, k))
        function = elementwise_grad(function)
    ax.set(xlabel="x", title=f"{name} and its first {order} derivatives (chainrule)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return _finish(figure, save)


def tangent(f: Callable, x0: float, xlim: tuple[float, float] | None = None, h: float = 0.5,
            n: int = 400, save: str | None = None, ax: Axes | None = None) -> Figure:
    """``f``, its exact tangent line at ``x0`` (slope from chainrule) and the
    finite-difference secant through ``x0`` and ``x0 + h``, labelled with their slopes.

    >>> figure = cr.plot.tangent(np.sin, 1.0, h=0.5)
    >>> [line.get_label() for line in figure.axes[0].get_lines()]
    ['sin', 'tangent: slope 0.540302 (chainrule)', 'secant, h = 0.5: slope 0.312048']
    """
    figure, ax = _axes(ax)
    x0 = float(x0)
    xlim = (x0 - 3.0, x0 + 3.0) if xlim is None else xlim
    xs = np.linspace(*xlim, n)
    ys = np.broadcast_to(f(xs), xs.shape)
    y0, y1 = float(f(x0)), float(f(x0 + h))
    slope, secant = float(deriv(f)(x0)), (y1 - y0) / h
    name = _name(f)
    ax.plot(xs, ys, label=name, linewidth=2)
    ax.plot(xs, y0 + slope * (xs - x0), label=f"tangent: slope {slope:.6g} (chainrule)")
    ax.plot(xs, y0 + secant * (xs - x0), "--", label=f"secant, h = {h:g}: slope {secant:.6g}")
    ax.scatter([x0, x0 + h], [y0, y1], color="black", zorder=3)
    low, high = float(np.min(ys)), float(np.max(ys))
    pad = 0.15 * (high - low) or 1.0
    ax.set(xlim=xlim, ylim=(low - pad, high + pad), xlabel="x",
           title=f"the tangent of {name} at x = {x0:g}")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return _finish(figure, save)


def _field(f: Callable, xlim: tuple[float, float], ylim: tuple[float, float],
           n: int) -> tuple[np.ndarray, ...]:
    """Grid, values and exact gradient of ``f(a, b)``: one traced call on the whole grid."""
    a, b = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    values, pullback = vjp(f, a, b)
    values = np.broadcast_to(values, a.shape)
    da, db = pullback(np.ones(a.shape))
    return a, b, values, np.broadcast_to(da, a.shape), np.broadcast_to(db, a.shape)


def _draw_field(ax: Axes, f: Callable, xlim: tuple[float, float], ylim: tuple[float, float],
                n: int, arrows: int) -> None:
    a, b, values, da, db = _field(f, xlim, ylim, n)
    image = ax.imshow(values, extent=(*xlim, *ylim), origin="lower", aspect="auto",
                      cmap="viridis")
    ax.figure.colorbar(image, ax=ax, label=f"{_name(f)}(a, b)")
    ax.contour(a, b, values, levels=12, colors="white", linewidths=0.6)
    every = max(1, n // arrows)
    ax.quiver(a[::every, ::every], b[::every, ::every], da[::every, ::every],
              db[::every, ::every], color="black", angles="xy")
    ax.set(xlim=xlim, ylim=ylim, xlabel="a", ylabel="b")


def gradient_field(f: Callable, xlim: tuple[float, float] = (-3.0, 3.0),
                   ylim: tuple[float, float] = (-3.0, 3.0), n: int = 100, arrows: int = 20,
                   save: str | None = None, ax: Axes | None = None) -> Figure:
    """``f(a, b)`` of two scalars on an ``n`` x ``n`` grid: colour map and contours
    of its values, and arrows (about ``arrows`` per side) of its exact gradient.
    ``f`` runs once, on the whole grid as arrays, with one backward pass.

    >>> figure = cr.plot.gradient_field(lambda a, b: a * a - b * b, n=20)
    >>> len(figure.axes[0].images), figure.axes[0].get_title()
    (1, 'f(a, b): values, contours and gradient arrows')
    """
    figure, ax = _axes(ax, (6.5, 5.0))
    _draw_field(ax, f, xlim, ylim, n, arrows)
    ax.set_title(f"{_name(f)}(a, b): values, contours and gradient arrows")
    return _finish(figure, save)


def descent_paths(f: Callable, starts: Sequence[tuple[float, float]] | np.ndarray,
                  steps: int = 50, lr: float = 0.05) -> np.ndarray:
    """Gradient descent ``(a, b) <- (a, b) - lr * grad f(a, b)`` from every start at
    once (the starts are stepped together as arrays): shape ``(len(starts), steps + 1, 2)``.

    A path that overflows (on a function unbounded below) continues as inf/nan.

    >>> cr.plot.descent_paths(lambda a, b: (a * a + b * b) / 2, [(2.0, -4.0)], steps=2, lr=0.5)
    array([[[ 2. , -4. ],
            [ 1. , -2. ],
            [ 0.5, -1. ]]])
    """
    starts = np.asarray(starts, dtype=np.float64)
    if starts.ndim != 2 or starts.shape[1] != 2:
        raise ValueError(f"descent_paths needs starts as a list of (a, b) pairs, shape (k, 2); "
                         f"got shape {starts.shape}. E.g. starts=[(1.0, 2.0), (-1.0, 0.5)]")
    gradient = elementwise_grad(f, argnums=(0, 1))
    paths = np.empty((len(starts), steps + 1, 2))
    paths[:, 0] = starts
    a, b = starts[:, 0].copy(), starts[:, 1].copy()
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, steps + 1):
            da, db = gradient(a, b)
            a, b = a - lr * da, b - lr * db
            paths[:, step, 0], paths[:, step, 1] = a, b
    return paths


def trajectories(f: Callable, starts: Sequence[tuple[float, float]] | np.ndarray,
                 steps: int = 50, lr: float = 0.05, xlim: tuple[float, float] | None = None,
                 ylim: tuple[float, float] | None = None, n: int = 100,
                 save: str | None = None, ax: Axes | None = None) -> Figure:
    """Gradient-descent paths (from :func:`descent_paths`, one line per start, the
    starts marked) drawn on the :func:`gradient_field` of ``f``. The limits
    default to the starts' range, padded; paths leaving it are clipped.

    >>> figure = cr.plot.trajectories(lambda a, b: a * a + b * b, [(1.0, 1.0), (-1.0, 0.5)],
    ...                               steps=5, n=20)
    >>> len(figure.axes[0].get_lines())
    2
    """
    paths = descent_paths(f, starts, steps, lr)

    def padded(values: np.ndarray) -> tuple[float, float]:
        low, high = float(np.min(values)), float(np.max(values))
        pad = 0.1 * (high - low) or 1.0
        return low - pad, high + pad

    xlim = padded(paths[:, 0, 0]) if xlim is None else xlim
    ylim = padded(paths[:, 0, 1]) if ylim is None else ylim
    figure, ax = _axes(ax, (6.5, 5.0))
    _draw_field(ax, f, xlim, ylim, n, arrows=20)
    for path in paths:
        ax.plot(path[:, 0], path[:, 1], color="red", linewidth=1.2)
    ax.scatter(paths[:, 0, 0], paths[:, 0, 1], color="red", s=12, zorder=3)
    ax.set(xlim=xlim, ylim=ylim,
           title=f"gradient descent on {_name(f)}: {len(paths)} starts, {steps} steps, lr {lr:g}")
    return _finish(figure, save)


def step_error(f: Callable, x0: float, hs: Sequence[float] | np.ndarray | None = None,
               methods: Sequence[str] = FINITE_DIFFERENCE_METHODS, save: str | None = None,
               ax: Axes | None = None) -> Figure:
    """Log-log plot of :func:`chainrule.step_study`: the error of each
    finite-difference method against chainrule's exact derivative as the step
    ``h`` shrinks, the best step of each marked, and dotted guides at the default
    steps √ε·max(1, |x0|) and ∛ε·max(1, |x0|). An error of exactly 0 is drawn at
    the floor of the plot.

    >>> figure = cr.plot.step_error(np.exp, 1.0, methods=("forward", "central"))
    >>> len(figure.axes[0].get_lines())  # two methods, two guides
    4
    """
    study = step_study(f, x0, hs, methods)
    figure, ax = _axes(ax)
    floor = 1e-17 * max(1.0, float(np.max(np.abs(study.exact))))
    for method, error in study.errors.items():
        best = study.best_h[method]
        line, = ax.plot(study.hs, np.maximum(error, floor), marker=".",
                        label=f"{method} (best h {best:.0e})")
        ax.scatter([best], [max(study.best_error[method], floor)], color=line.get_color(),
                   s=60, zorder=3)
    eps, scale = np.finfo(np.float64).eps, max(1.0, float(np.max(np.abs(study.x0))))
    ax.axvline(np.sqrt(eps) * scale, color="grey", linestyle=":", label="√ε·max(1, |x|)")
    ax.axvline(np.cbrt(eps) * scale, color="grey", linestyle="-.", label="∛ε·max(1, |x|)")
    ax.set(xscale="log", yscale="log", xlabel="step h", ylabel="absolute error",
           title=f"finite differences of {_name(f)}' at x = {np.asarray(study.x0)}\n"
                 "round-off (left) meets truncation (right)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    return _finish(figure, save)
