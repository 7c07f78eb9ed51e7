"""Batching: a level whose tracers carry a whole batch of values at once.

A batched tracer's ``primal`` has one axis more than the tracer itself, in
front: entry ``b`` of that axis is the value for batch member ``b``. Each
primitive applied to batched tracers runs once on the whole batch, through its
``batch`` rule: the rule receives the primals (the batched ones with the batch
axis first) and which of them are batched, and returns the result with the
batch axis first. A primitive without a rule is applied to each batch member
in turn and the results stacked: correct, and slower.

Rules are written with primitives (or NumPy functions, which reach them on
traced values), so a batch of values that are themselves traced by an outer
``grad`` is differentiated too: that is how ``grad(vmap(f))`` and
``vmap(grad(f))`` both work.

The engine knows nothing of arrays: the array layer registers how to stack a
list of values and how to give a value the batch axis
(:func:`register_batch_tools`).
"""

from __future__ import annotations

from typing import Any, Callable

from .trace import Level, Tracer, new_tracer, tracer_type_of

# what the array layer registers: stack(list) -> value with a new first axis;
# broadcast(value, size) -> the value repeated along a new first axis
_tools: dict[str, Callable] = {}


def register_batch_tools(stack: Callable, broadcast: Callable) -> None:
    """Teach batching how to stack values and how to repeat a value over the batch."""
    _tools["stack"] = stack
    _tools["broadcast"] = broadcast


class BatchLevel(Level):
    """One ``vmap`` call: its tracers' primals carry a batch axis of ``size`` in front."""

    __slots__ = ("size",)
    mode = "batch"
    leading_axes = 1

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def process(self, primitive: Any, args: tuple, params: dict) -> Any:
        values = []
        batched = []
        for value in args:
            if isinstance(value, Tracer) and value.level is self:
                values.append(value.primal)
                batched.append(True)
            else:
                values.append(value)
                batched.append(False)
        rule = primitive.rules.get("batch")
        if rule is None:
            ans = loop_over_batch(primitive, values, batched, params, self.size)
        else:
            ans = rule(values, batched, params)
        if primitive.multiple_results:
            return tuple(new_tracer(value, self) for value in ans)
        return tracer_type_of(ans)(ans, self)

    def constant(self, value: Any) -> Tracer:
        """``value`` for every batch member: repeated along the batch axis."""
        return new_tracer(_tools["broadcast"](value, self.size), self)

    def new_input(self, value: Any) -> Tracer:
        """A tracer for ``value``, whose first axis is the batch."""
        return new_tracer(value, self)


def loop_over_batch(primitive: Any, values: list, batched: list, params: dict,
                    size: int) -> Any:
    """The batching of a primitive without a rule: one application per batch member."""
    results = [
        primitive(*[value[member] if flag else value for value, flag in zip(values, batched)],
                  **params)
        for member in range(size)
    ]
    stack = _tools["stack"]
    if primitive.multiple_results:
        return tuple(stack([result[k] for result in results]) for k in range(len(results[0])))
    return stack(results)


def is_batched(value: Any) -> bool:
    """Whether any level under ``value`` is a batching level.

    >>> is_batched(1.0)
    False
    """
    while isinstance(value, Tracer):
        if value.level.leading_axes:
            return True
        value = value.primal
    return False
