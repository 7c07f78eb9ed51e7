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
from .errors import MissingRuleError
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
                    tangent = value.tangent
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
        if not primitive.forward_complete:
            for argnum, tangent in enumerate(tangents):
                if tangent is not None and not primitive.has_jvp(argnum):
                    raise MissingRuleError(primitive.name, "forward", argnum)
        tangent_out = push_forward(primitive, tangents, ans, primals, params)
        return self.wrap(primitive, ans, tangent_out)

    def wrap(self, primitive: Primitive, ans: Any, tangent_out: Any) -> Any:
        """Pair computed result(s) with their tangent(s); None tangents stay plain."""
        if tangent_out is None:
            return ans
        if not primitive.multiple_results:
            return tracer_type_of(ans)(ans, self, None, tangent_out)
        return tuple(
            value if tangent is None else new_tracer(value, self, None, tangent)
            for value, tangent in zip(ans, tangent_out)
        )


def push_forward(primitive: Primitive, tangents: list, ans: Any, primals: Any,
                 params: dict) -> Any:
    """The output tangent of one operation: its JVP rules applied to ``tangents``."""
    if primitive.jvp_joint is not None:
        return primitive.jvp_joint(tangents, ans, *primals, **params)
    tangent_out = None
    rules = primitive.jvp_rules
    for argnum, tangent in enumerate(tangents):
        if tangent is None:
            continue
        contribution = rules[argnum](tangent, ans, *primals, **params)
        if contribution is None:
            continue
        tangent_out = contribution if tangent_out is None else tangent_out + contribution
    return tangent_out


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
        inputs = [new_tracer(leaf, level, None, tangent)
                  for leaf, tangent in zip(leaves, tangent_leaves)]
        output = function(*unflatten(in_tree, inputs))
    out_leaves, out_tree = flatten(output)
    values = []
    out_tangents = []
    for leaf in out_leaves:
        if isinstance(leaf, Tracer) and leaf.level is level:
            values.append(leaf.primal)
            out_tangents.append(leaf.tangent)
        else:
            values.append(leaf)
            out_tangents.append(vspace.zeros_like(leaf))
    return unflatten(out_tree, values), unflatten(out_tree, out_tangents)
