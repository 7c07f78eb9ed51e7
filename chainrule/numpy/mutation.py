"""Mutation: item and augmented assignment as functional updates, and the
bookkeeping of views.

``y[i] = t`` and ``y += t`` give the tracer ``y`` a new value and graph node
(``update``): earlier recorded values never change. A view made by basic
slicing or reshaping remembers its base and how to write itself back
(``add_view``); writing into the view writes into the base, and the other
views of a base that is written to are marked stale, since NumPy would show
them the write and chainrule's copies cannot: using one raises.

>>> import chainrule.numpy as cnp
>>> def f(x):
...     y = cnp.zeros_like(x)
...     y[0] = x[1] * 3.0
...     return y.sum()
>>> cr.grad(f)(np.array([1.0, 2.0]))
array([0., 3.])
"""

from __future__ import annotations

import weakref
from typing import Any, Callable

import numpy as np

from ..core import Tracer, base_value
from ..core.trace import Level
from .elementwise import astype

LOST_DERIVATIVE_HINT = (
    "  Build arrays of traced values with chainrule.numpy.array([...]) or np.stack, "
    "create an array to fill from a traced one (out = np.zeros(n, like=x) or "
    "np.zeros_like(x)), and use chainrule.stop_gradient(t) where you want the "
    "plain value without its derivative."
)




class StaleLevel(Level):
    """The level of a view whose base was written to after the view was taken."""

    __slots__ = ("description",)
    mode = "stale"

    def __init__(self, description: str):
        self.depth = 1 << 30
        self.active = False
        self.description = description

    def inactive_error(self) -> Exception:
        return ValueError(
            f"{self.description} was taken from a traced array that has been written to "
            "since; NumPy would show the write through the view, chainrule cannot.\n"
            "  Take the view (slice or reshape) after the write, or copy it first "
            "(v = x[0:2].copy())."
        )




def update(tracer: Any, new: Any) -> Any:
    """Give ``tracer`` the value ``new`` in place (NumPy's in-place semantics)."""
    dtype = tracer.dtype
    if np.result_type(base_value(new)) != dtype:
        new = astype(new, dtype)
    _assign(tracer, new)
    if getattr(tracer, "views", None):
        _mark_stale(tracer.views, keep=None)
        tracer.views = None
    if getattr(tracer, "view_base", None) is not None:
        base, write_back = tracer.view_base
        _write_from_view(base, tracer, write_back(tracer, base))
    return tracer


def _write_from_view(base: Any, view: Any, new: Any) -> None:
    _assign(base, new)
    if getattr(base, "views", None):
        _mark_stale(base.views, keep=view)
        base.views = [ref for ref in base.views if ref() is view]
    if getattr(base, "view_base", None) is not None:
        above, write_back = base.view_base
        _write_from_view(above, base, write_back(base, above))


def add_view(base: Any, view: Any, write_back: Callable) -> None:
    """Remember that ``view`` shows ``base``; ``write_back(view, base)`` is base with view's values."""
    if view is base:
        return
    view.view_base = (base, write_back)
    views = getattr(base, "views", None)
    if views is None:
        base.views = views = []
    elif len(views) >= 64 and len(views) & (len(views) - 1) == 0:
        views[:] = [ref for ref in views if ref() is not None]  # drop dead views now and then
    views.append(weakref.ref(view))


def _assign(tracer: Any, new: Any) -> None:
    """Point ``tracer`` at the value and graph node of ``new``."""
    if isinstance(new, Tracer) and new.level.depth >= tracer.level.depth:
        tracer.primal, tracer.level = new.primal, new.level
        tracer.node, tracer.tangent = new.node, new.tangent
    else:
        # ``new`` carries no derivative at this level: a constant of it
        tracer.primal, tracer.node, tracer.tangent = new, None, None


def _mark_stale(views: list, keep: Any) -> None:
    for reference in views:
        view = reference()
        if view is not None and view is not keep:
            view.level = StaleLevel(f"This view ({view.dtype}{list(view.shape)})")
            if getattr(view, "views", None):
                _mark_stale(view.views, keep=None)


def write_out(out: Any, result: Any) -> Any:
    """NumPy's ``out=``: write ``result`` into the traced array(s) ``out``."""
    targets = out if isinstance(out, tuple) else (out,)
    results = result if isinstance(result, tuple) else (result,)
    for target, value in zip(targets, results):
        if target is None:
            continue
        if not (isinstance(target, Tracer) and hasattr(target, "__setitem__")):
            raise TypeError(
                "chainrule cannot write a traced result into a plain NumPy array "
                "(out=...): its derivative would be lost.\n" + LOST_DERIVATIVE_HINT
            )
        update(target, value)
    return out
