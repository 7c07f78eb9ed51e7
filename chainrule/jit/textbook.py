"""Reverse mode written out the way the textbooks write it: the forward pass, then
one adjoint ``wk_bar`` per node, newest to oldest, with the primitives' own rules.

``cr.jit(cr.grad(f))`` compiles whatever the gradient transformation records, so
its backward nodes are numbered on from the forward ones (w10, w11, ...). For
reading, :func:`textbook_gradient` runs the same backward pass over ``f``'s
recorded nodes itself (``graph.pull_back``, as ``Graph.vjp`` does) and names
each node's final adjoint, so the generated code reads like the textbook's
table: ``make_source(f, *args, gradient=True)``.

>>> g = textbook_gradient(lambda x: x * np.sin(x))
>>> value, (gradient,) = g(0.5)
>>> round(float(gradient), 6) == round(float(np.sin(0.5) + 0.5 * np.cos(0.5)), 6)
True
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..core import Tracer, flatten, new_tracer, unflatten
from ..core.vspace import zeros_like
from ..graph import pull_back
from .tracing import JitLevel, node_of, record


def _seed(value: Any) -> Any:
    return 1.0 if np.ndim(value) == 0 else np.ones(np.shape(value), np.result_type(value))


def textbook_gradient(function: Callable) -> Callable:
    """``(*args) -> (f(*args), gradients as a tuple, one per argument)`` for scalar ``f``;
    traced by ``jit`` it names each adjoint ``wk_bar``."""

    def value_and_gradients(*args: Any) -> tuple:
        leaves, tree = flatten(args)
        level = leaves[0].level if leaves and isinstance(leaves[0], Tracer) else None
        if not isinstance(level, JitLevel):
            return _replayed(function, args)
        output = function(*args)
        node = node_of(output) if isinstance(output, Tracer) and output.level is level else None
        if node is None:
            raise TypeError("the textbook gradient needs a function whose output depends on "
                            "its arguments; cr.grad(f) handles constant ones")
        forward = level.nodes[len(leaves):]
        adjoints: list = [None] * len(level.nodes)
        adjoints[node.index] = _seed(output.primal)

        def tracer(index: int) -> Tracer:
            return new_tracer(level.nodes[index].value, level, level.nodes[index])

        def name(index: int) -> None:
            g = adjoints[index]
            label = f"w{index + 1}_bar"
            if isinstance(g, Tracer) and g.level is level and node_of(g) is not None:
                target = node_of(g).index
                if target in level.names or target < len(leaves) + len(forward):
                    level.notes.append((len(level.nodes), label, target))
                else:
                    level.names[target] = label
            elif g is not None and not isinstance(g, Tracer):
                level.notes.append((len(level.nodes), label, g))

        for recorded in reversed(forward):
            g = adjoints[recorded.index]
            if g is None:
                continue
            name(recorded.index)
            arguments = list(recorded.args)
            for position, source in recorded.sources:
                arguments[position] = tracer(source)
            pull_back(recorded, g, arguments, tracer(recorded.index), adjoints)
        for index in range(len(leaves)):
            name(index)
        gradients = [zeros_like(leaf) if adjoints[i] is None else adjoints[i]
                     for i, leaf in enumerate(leaves)]
        return output, unflatten(tree, gradients)

    value_and_gradients.__name__ = f"{getattr(function, '__name__', 'f')}_gradient"
    return value_and_gradients


def _replayed(function: Callable, args: tuple) -> tuple:
    """Outside a jit recording: record the textbook gradient of ``function``, replay it."""
    leaves, tree = flatten(args)
    recorded = record(textbook_gradient(function), leaves,
                      lambda inputs: (unflatten(tree, inputs), {}),
                      [f"x{i + 1}" for i in range(len(leaves))])
    return recorded.graph(*leaves)
