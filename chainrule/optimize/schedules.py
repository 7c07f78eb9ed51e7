"""Learning-rate schedules: a callable ``step -> learning rate``, where ``step``
counts the updates made so far (0 for the first). Pass one as ``lr=`` to any
first-order optimiser, or name one in ``minimize(..., schedule="cosine")``.
"""

from __future__ import annotations

import math
from typing import Callable, Union

import numpy as np

from ..core import Tracer, base_value

Schedule = Callable[[int], float]
LearningRate = Union[float, Schedule]


class constant:
    """The same learning rate at every step.

    >>> cr.optimize.constant(0.1)(500)
    0.1
    """

    def __init__(self, lr: float):
        self.lr = lr if isinstance(lr, Tracer) else float(lr)  # a traced rate stays traced

    def __call__(self, step: int) -> float:
        return self.lr

    def __repr__(self) -> str:
        return f"constant({self.lr})"


class exponential_decay:
    """``lr * decay_rate ** (step / decay_steps)`` (``staircase``: the exponent rounded down).

    >>> cr.optimize.exponential_decay(0.1, decay_rate=0.5, decay_steps=100)(200)
    0.025
    """

    def __init__(self, lr: float, decay_rate: float, decay_steps: int = 1,
                 staircase: bool = False):
        if not 0.0 < decay_rate:
            raise ValueError(f"exponential_decay needs decay_rate > 0, not {decay_rate}; "
                             "e.g. decay_rate=0.5 halves the rate every decay_steps steps")
        self.lr, self.decay_rate, self.decay_steps = float(lr), float(decay_rate), decay_steps
        self.staircase = staircase

    def __call__(self, step: int) -> float:
        exponent = step / self.decay_steps
        return self.lr * self.decay_rate ** (math.floor(exponent) if self.staircase else exponent)

    def __repr__(self) -> str:
        return f"exponential_decay({self.lr:g}, {self.decay_rate:g}, {self.decay_steps})"


class cosine_decay:
    """From ``lr`` down to ``alpha * lr`` along half a cosine over ``steps`` steps, then flat.

    >>> schedule = cr.optimize.cosine_decay(0.1, steps=100)
    >>> schedule(0), round(schedule(50), 6), schedule(100)
    (0.1, 0.05, 0.0)
    """

    def __init__(self, lr: float, steps: int, alpha: float = 0.0):
        if steps < 1:
            raise ValueError(f"cosine_decay needs steps >= 1, not {steps}")
        self.lr, self.steps, self.alpha = float(lr), int(steps), float(alpha)

    def __call__(self, step: int) -> float:
        progress = min(step, self.steps) / self.steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
        return self.lr * ((1.0 - self.alpha) * cosine + self.alpha)

    def __repr__(self) -> str:
        return f"cosine_decay({self.lr:g}, steps={self.steps}, alpha={self.alpha:g})"


class warmup:
    """A linear ramp from ``init`` to ``after(0)`` over ``warmup_steps`` steps,
    then ``after`` (a schedule, or a number for a constant rate), restarted at 0.

    >>> schedule = cr.optimize.warmup(cr.optimize.cosine_decay(1.0, 10), warmup_steps=4)
    >>> [round(schedule(step), 3) for step in (0, 2, 4, 9, 14)]
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """

    def __init__(self, after: LearningRate, warmup_steps: int, init: float = 0.0):
        if warmup_steps < 1:
            raise ValueError(f"warmup needs warmup_steps >= 1, not {warmup_steps}")
        self.after = as_schedule(after)
        self.warmup_steps, self.init = int(warmup_steps), float(init)

    def __call__(self, step: int) -> float:
        if step < self.warmup_steps:
            peak = self.after(0)
            return self.init + (peak - self.init) * step / self.warmup_steps
        return self.after(step - self.warmup_steps)

    def __repr__(self) -> str:
        return f"warmup({self.after!r}, warmup_steps={self.warmup_steps})"


def as_schedule(lr: LearningRate) -> Schedule:
    """A number as a :class:`constant` schedule; a callable as itself.

    >>> cr.optimize.schedules.as_schedule(0.5)(7)
    0.5
    """
    if callable(lr):
        return lr
    if isinstance(lr, Tracer) and np.ndim(base_value(lr)) == 0:
        return constant(lr)
    try:
        return constant(float(lr))
    except (TypeError, ValueError):
        raise TypeError(f"a learning rate is a number or a schedule (a callable step -> rate, "
                        f"e.g. cr.optimize.cosine_decay(0.1, steps=1000)), not {lr!r}") from None


SCHEDULES = ("constant", "exponential", "cosine", "warmup_cosine")


def named_schedule(name: str, lr: float, steps: int, warmup_steps: int | None = None,
                   decay_rate: float | None = None) -> Schedule:
    """The schedule ``minimize(..., schedule=name)`` builds from ``lr`` and ``steps``:
    ``"exponential"`` decays to ``decay_rate`` (default 0.01) of ``lr`` by the last
    step; ``"warmup_cosine"`` warms up over ``warmup_steps`` (default steps // 20).

    >>> cr.optimize.schedules.named_schedule("exponential", 1.0, steps=100)(100)
    0.01
    """
    if name == "constant":
        return constant(lr)
    if name == "exponential":
        return exponential_decay(lr, 0.01 if decay_rate is None else decay_rate, max(steps, 1))
    if name == "cosine":
        return cosine_decay(lr, max(steps, 1))
    if name == "warmup_cosine":
        warm = max(1, steps // 20) if warmup_steps is None else warmup_steps
        return warmup(cosine_decay(lr, max(steps - warm, 1)), warm)
    raise ValueError(f"unknown schedule {name!r}; the named ones are {', '.join(SCHEDULES)}, "
                     "or pass lr=<a callable step -> rate>")
