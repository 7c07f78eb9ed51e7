"""``minimize``'s first-order methods: an optimiser class (``first_order.py``)
driven in a loop, one reverse-mode pass (value and gradient) per step.

The loop stops when the gradient's global norm reaches ``gtol`` (success),
when the objective changes by at most ``tol * max(1, |f|)`` in one step
(success), after ``steps`` updates (status 1, as SciPy's iteration limit), when
the objective or gradient stops being finite (status 2: ``x`` is the last
finite point), or when the callback raises ``StopIteration`` (status 99).
"""

from __future__ import annotations

import inspect
from typing import Callable

import numpy as np

from ..core import base_value
from ..transforms import value_and_grad
from .first_order import FIRST_ORDER, global_norm
from .flat import Flat
from .objective import check_start, evaluate_with_gradient, user_callback
from .progress import Progress
from .result import OptimizeResult
from .schedules import named_schedule

LOOP_OPTIONS = ("steps", "maxiter", "gtol", "ftol", "schedule", "warmup_steps", "decay_rate",
                "learning_rate", "disp")


def _split_options(method: str, options: dict) -> tuple[dict, dict]:
    """The optimiser's own keywords (its constructor's) and the loop's."""
    cls = FIRST_ORDER[method]
    accepted = [name for name in inspect.signature(cls).parameters]
    own, loop = {}, {}
    for key, value in options.items():
        if key in accepted:
            own[key] = value
        elif key in LOOP_OPTIONS:
            loop[key] = value
        else:
            raise TypeError(f"minimize(method={method!r}) got an unknown option {key!r}; it "
                            f"takes {', '.join(accepted)} (the {cls.__name__} optimiser) and "
                            f"{', '.join(LOOP_OPTIONS)} (the loop)")
    if "learning_rate" in loop:
        if "lr" in own:
            raise TypeError("give the learning rate once: lr= or learning_rate=, not both")
        own["lr"] = loop.pop("learning_rate")
    if "steps" in loop and "maxiter" in loop:
        raise TypeError("give the number of steps once: steps= or maxiter=, not both")
    return own, loop


def minimize_first_order(fun: Callable, flat: Flat, method: str, args: tuple,
                         tol: float | None, options: dict, callback: Callable | None,
                         record_path: bool, progress: bool) -> OptimizeResult:
    """Run one of the first-order methods to a stop; the result shaped like x0."""
    own, loop = _split_options(method, options)
    steps = int(loop.get("steps", loop.get("maxiter", 1000)))
    gtol = float(loop.get("gtol", 1e-6))
    ftol = loop.get("ftol", tol)
    if "schedule" in loop:
        if callable(own.get("lr")):
            raise TypeError("lr is already a schedule; leave out schedule=, or give lr as a "
                            "number for the named schedule to start from")
        lr = own.get("lr", inspect.signature(FIRST_ORDER[method]).parameters["lr"].default)
        own["lr"] = named_schedule(loop["schedule"], float(lr), steps, loop.get("warmup_steps"),
                                   loop.get("decay_rate"))
    optimizer = FIRST_ORDER[method](**own)
    solver = f"minimize(method={method!r})"
    transformed = value_and_grad(fun)
    params = flat.tree
    state = optimizer.init(params)
    user = user_callback(callback)
    bar = Progress(method, total=steps) if progress else None
    path = [params] if record_path else None
    nfev = nit = 0
    previous: float | None = None
    status, message = 1, ""
    best = (params, None, None)
    try:
        while True:
            with np.errstate(over="ignore", invalid="ignore"):  # reported as status 2
                value, gradient = evaluate_with_gradient(fun, params, args, solver, transformed)
            nfev += 1
            norm = float(base_value(global_norm(gradient)))
            if nfev == 1:
                check_start(value, gradient, fun, flat, solver)
            if not (np.isfinite(value) and np.isfinite(norm)):
                status = 2
                bad = value if not np.isfinite(value) else norm
                message = (f"the objective or its gradient became {bad} after {nit} steps; "
                           "x is the last finite point. Lower the learning "
                           "rate, clip the gradient (clip_norm=...), or check that the "
                           "objective is bounded below.")
                break
            best = (params, value, gradient)
            if bar is not None:
                bar.update(nit, value, norm)
            if norm <= gtol:
                status, message = 0, f"the gradient norm {norm:.3g} is at most gtol={gtol:g}."
                break
            if ftol is not None and previous is not None and \
                    abs(previous - value) <= float(ftol) * max(1.0, abs(value)):
                status = 0
                message = (f"the objective changed by at most tol={float(ftol):g} (relative) "
                           "in one step.")
                break
            if nit >= steps:
                status = 1
                message = (f"stopped after steps={steps} steps (the iteration limit) with "
                           f"gradient norm {norm:.3g} > gtol={gtol:g}.")
                break
            if user is not None and nit > 0:
                try:
                    user(params, value, nit)
                except StopIteration:
                    status, message = 99, "`callback` raised `StopIteration`."
                    break
            previous = value
            params, state = optimizer.update(gradient, state, params)
            nit += 1
            if path is not None:
                path.append(params)
    finally:
        if bar is not None:
            bar.close()
    x, value, gradient = best
    if path is not None and status == 2:
        path.pop()  # the non-finite point
    result = OptimizeResult(x=x, fun=value, jac=gradient, nit=nit if status != 2 else nit - 1,
                            nfev=nfev, njev=nfev, success=status == 0, status=status,
                            message=message, optimizer=optimizer)
    if path is not None:
        result["path"] = path
    if loop.get("disp"):  # as SciPy's disp=True: the outcome, once
        print(f"{method}: {message} f = {value:.6g} after {result.nit} steps")
    return result
