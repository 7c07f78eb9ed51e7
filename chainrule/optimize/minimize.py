"""``minimize``: one call, any pytree of parameters, SciPy's optimisers or the
first-order methods written here."""

from __future__ import annotations

import difflib
from typing import Any, Callable

from .descent import minimize_first_order
from .first_order import FIRST_ORDER
from .flat import Flat
from .result import OptimizeResult
from .scipy_methods import SCIPY_METHODS, minimize_scipy

KNOWN_METHODS = tuple(name for name, _ in SCIPY_METHODS.values()) + tuple(
    name for name in FIRST_ORDER if name != "sgd")


def _method(method: str | None, bounds: Any, constraints: Any) -> str:
    if method is None:  # SciPy's choice
        if constraints not in (None, ()):
            return "slsqp"
        return "l-bfgs-b" if bounds is not None else "bfgs"
    if not isinstance(method, str):
        raise TypeError(f"method is a name, like method='BFGS' or method='adam', not "
                        f"{method!r}. Known: {', '.join(KNOWN_METHODS)}")
    key = method.lower()
    if key in SCIPY_METHODS or key in FIRST_ORDER:
        return key
    close = difflib.get_close_matches(key, [name.lower() for name in KNOWN_METHODS], n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"unknown method {method!r}.{hint} Known methods: SciPy's "
                     f"{', '.join(name for name, _ in SCIPY_METHODS.values())}; chainrule's "
                     f"first-order {', '.join(n for n in FIRST_ORDER if n != 'sgd')}.")


def minimize(fun: Callable, x0: Any, method: str | None = None, args: tuple = (),
             bounds: Any = None, constraints: Any = (), tol: float | None = None,
             options: dict | None = None, callback: Callable | None = None,
             record_path: bool = False, progress: bool = False,
             **method_options: Any) -> OptimizeResult:
    """Minimise scalar ``fun(x, *args)`` over ``x``, any pytree of arrays and floats.

    ``method`` is one of SciPy's (``"BFGS"`` — the default, ``"L-BFGS-B"`` with
    bounds, ``"SLSQP"`` with constraints —, ``"CG"``, ``"Newton-CG"``,
    ``"trust-ncg"``, ``"trust-krylov"``, ``"trust-exact"``, ``"dogleg"``,
    ``"trust-constr"``, ``"TNC"``, ``"Nelder-Mead"``, ``"Powell"``,
    ``"COBYLA"``), given the exact gradient (with the value, in one pass),
    Hessian-vector products or Hessian as it uses them; or a first-order method
    (``"gd"``, ``"momentum"``, ``"nesterov"``, ``"rmsprop"``, ``"adagrad"``,
    ``"adam"``, ``"adamw"``). A method's options come as SciPy's ``options=``
    dict or as keywords (``lr=0.05, steps=3000``). The result's ``x`` and
    ``jac`` are shaped like ``x0``; ``path`` (with ``record_path=True``) lists
    the iterates.

    >>> result = cr.optimize.minimize(lambda p: (p["a"] - 1) ** 2 + (p["b"] + 2) ** 2,
    ...                               {"a": 0.0, "b": 0.0})
    >>> round(result.x["a"], 6), round(result.x["b"], 6), result.success
    (1.0, -2.0, True)
    """
    if not callable(fun):
        raise TypeError(f"minimize needs the objective first: minimize(fun, x0, ...), with "
                        f"fun callable; got {type(fun).__name__}")
    key = _method(method, bounds, constraints)
    if not isinstance(args, tuple):
        args = (args,)
    options = dict(options or {})
    given = sorted(set(method_options) & {"jac", "hess", "hessp"})
    if given:
        raise TypeError(f"minimize computes {', '.join(given)} itself, exactly, with chainrule; "
                        "leave them out. (To use derivatives of your own, call "
                        "scipy.optimize.minimize directly.)")
    for name, value in method_options.items():
        if name in options:
            raise TypeError(f"option {name!r} given twice, in options= and as a keyword")
        options[name] = value
    flat = Flat(x0, "x0")
    if key in FIRST_ORDER:
        if bounds is not None or constraints not in (None, ()):
            raise ValueError(f"method {method!r} takes no bounds or constraints; use "
                             "'L-BFGS-B' or 'TNC' for bounds, 'SLSQP' or 'trust-constr' for "
                             "constraints, or project the parameters in a loop of your own "
                             "with cr.optimize.Adam(...).update")
        return minimize_first_order(fun, flat, key, args, tol, options, callback, record_path,
                                    progress)
    return minimize_scipy(fun, flat, key, args, bounds, constraints, tol, options, callback,
                          record_path, progress)
