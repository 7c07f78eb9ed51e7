"""Forward mode: dual-number tracers carrying a tangent, and ``jvp``.

A forward tracer is a dual number ``primal + tangent·ε``. Each operation
computes its primal result and pushes the tangents of its traced arguments
through the primitive's JVP rules. A zero tangent is symbolic: an operation
whose arguments carry no tangent at this level returns a plain value, so no
arrays of zeros are built.
"""

from __future__ import annotations

from typing import Any, Callable

from . import vspace
from .primitive import Primitive
from .trace import Level, Tracer, bind, new_level, new_tracer, tracer_type_of
from .tree import flatten, unflatten


class ForwardLevel(Level):
    """A forward-mode transformation call: its tracers carry tangents."""

    __slots__ = ()
    mode = "forward"

    def process(self, primitive: Primitive, args: tuple, params: dict) -> Any:
        primals = []
        tangents = []
        lower = False  # does any argument still carry tracers of lower levels?
        moving = False  # does any argument carry a tangent at this level?
        for value in args:
            if isinstance(value, Tracer):
                if value.level is self:
                    primal = value.primal
                    if isinstance(primal, Tracer):
                        lower = True
                    tangent = value.level_data
                    if tangent is not None:
                        moving = True
                    primals.append(primal)
                    tangents.append(tangent)
                    continue
                lower = True
            primals.append(value)
            tangents.append(None)
        if lower:
            ans = bind(primitive, *primals, **params)
        else:
            ans = primitive.impl(*primals, **params)
        if primitive.nondiff or not moving:
            return ans
        if "jvp" not in primitive.complete:
            primitive.check_rules("jvp", tangents)
        tangent_out = primitive.rules["jvp"](tangents, ans, primals, params)
        return self.wrap(primitive, ans, tangent_out)

    def wrap(self, primitive: Primitive, ans: Any, tangent_out: Any) -> Any:
        """Pair computed result(s) with their tangent(s); None tangents stay plain."""
        if tangent_out is None:
            return ans
        if not primitive.multiple_results:
            return tracer_type_of(ans)(ans, self, tangent_out)
        return tuple(
            value if tangent is None else new_tracer(value, self, tangent)
            for value, tangent in zip(ans, tangent_out)
        )


def push_forward(primitive: Primitive, tangents: list, ans: Any, primals: Any,
                 params: dict) -> Any:
    """The output tangent of one operation: its JVP rule applied to ``tangents``."""
    return primitive.rules["jvp"](tangents, ans, primals, params)


def jvp(function: Callable, primals: tuple, tangents: tuple) -> tuple[Any, Any]:
    """Evaluate ``function(*primals)`` and its directional derivative along ``tangents``.

    >>> jvp(lambda x: x * x, (3.0,), (1.0,))
    (9.0, 6.0)
    """
    leaves, in_tree = flatten(tuple(primals))
    tangent_leaves, tangent_tree = flatten(tuple(tangents))
    if tangent_tree != in_tree:
        raise ValueError(
            "jvp needs tangents with the same structure as the primals: "
            f"got {tangent_tree} for primals {in_tree}"
        )
    level = ForwardLevel()
    with new_level(level):
        inputs = [new_tracer(leaf, level, tangent)
                  for leaf, tangent in zip(leaves, tangent_leaves)]
        output = function(*unflatten(in_tree, inputs))
    out_leaves, out_tree = flatten(output)
    values = []
    out_tangents = []
    for leaf in out_leaves:
        if isinstance(leaf, Tracer) and leaf.level is level:
            values.append(leaf.primal)
            out_tangents.append(leaf.level_data)
        else:
            values.append(leaf)
            out_tangents.append(vspace.zeros_like(leaf))
    return unflatten(out_tree, values), unflatten(out_tree, out_tangents)
