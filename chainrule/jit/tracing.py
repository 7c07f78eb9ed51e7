"""Recording a call for ``jit``: a graph level that also keeps each node's source line.

The recording is ``cr.trace``'s (:class:`~chainrule.graph.GraphLevel`): every
primitive applied to its tracers becomes a node, every Python decision on a
traced value a guard. ``jit`` also wants, for each node, the line of the
user's code that recorded it, so that an error raised by the generated code
can point there; :class:`JitLevel` keeps it.

>>> recorded = record(lambda x: x * 2.0, [3.0], lambda inputs: (inputs, {}), ["x"])
>>> len(recorded.graph.nodes), recorded.origins[1].startswith("<doctest")
(2, True)
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..core import Tracer, flatten, new_level
from ..core.errors import EscapedTracerError
from ..core.reverse import collector_paused
from ..graph import Graph, GraphLevel, Node
from ..guards import user_location

class JitLevel(GraphLevel):
    """A recording level that remembers where (file:line) each node was recorded."""

    __slots__ = ("origins",)

    def __init__(self) -> None:
        super().__init__()
        self.origins: dict[int, str] = {}

    def _append(self, primitive, args, sources, params, value) -> Node:
        node = super()._append(primitive, args, sources, params, value)
        self.origins[node.index] = user_location()
        return node


def node_of(tracer: Tracer) -> Any:
    """The recording node a tracer of a graph level holds (the one place jit reads it)."""
    return tracer.node


class Recorded:
    """A recorded call: the graph, each node's source line, and the output constants."""

    __slots__ = ("graph", "origins")

    def __init__(self, graph: Graph, origins: dict):
        self.graph = graph
        self.origins = origins


def as_input(value: Any, name: str) -> Any:
    """A leaf as the recording takes it: numbers and NumPy values; ints become floats."""
    if isinstance(value, bool) or not isinstance(value, (int, float, complex, np.ndarray,
                                                         np.generic)):
        raise TypeError(
            f"cr.jit traces numbers and NumPy arrays; its argument {name} is a "
            f"{type(value).__name__}. Mark it static so that its value is part of the cache "
            f"key: cr.jit(f, static_argnums=(...,)) or static_argnames=('{name}',).")
    return float(value) if type(value) is int else value


def record(function: Callable, leaves: Any, rebuild: Any, names: list) -> Recorded:
    """Run ``function`` once on tracers of a :class:`JitLevel` standing for ``leaves``.

    ``rebuild(inputs) -> (args, kwargs)`` puts the traced leaves back where the
    user passed them, static arguments included.
    """
    level = JitLevel()
    with collector_paused(), new_level(level):
        inputs = [level.new_input(as_input(leaf, name), name)
                  for leaf, name in zip(leaves, names)]
        call_args, call_kwargs = rebuild(inputs)
        output = function(*call_args, **call_kwargs)
    out_leaves, out_tree = flatten(output)
    outputs = []
    for leaf in out_leaves:
        if isinstance(leaf, Tracer) and leaf.level is level:
            node = node_of(leaf)
            outputs.append((node.index, None) if node is not None else (None, leaf.primal))
        elif isinstance(leaf, Tracer):
            raise EscapedTracerError(
                f"{getattr(function, '__name__', 'the function')} returned a traced value of "
                f"{leaf.level!r}, a transformation it does not own")
        else:
            outputs.append((None, leaf))  # a constant output: the same on every call
    graph = Graph(getattr(function, "__name__", "f"), level.nodes, level.guards,
                  flatten(tuple(leaves))[1], len(level.nodes[:len(inputs)]), outputs, out_tree)
    return Recorded(graph, level.origins)

