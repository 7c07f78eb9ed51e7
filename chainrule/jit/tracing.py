"""Recording a call for ``jit``: a graph level that also keeps each node's source line.

The recording is ``cr.trace``'s (:class:`~chainrule.graph.GraphLevel`): every
primitive applied to its tracers becomes a node, every Python decision on a
traced value a guard. ``jit`` also wants, for each node, the line of the
user's code that recorded it, so that an error raised by the generated code
can point there; :class:`JitLevel` keeps it.

>>> recorded = record(lambda x: x * 2.0, [3.0], lambda inputs: (inputs, {}), ["x"])
>>> len(recorded.graph.nodes), recorded.origin(1).startswith("<doctest")
(2, True)
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable

import numpy as np

from ..core import Tracer, flatten, new_level
from ..core.errors import EscapedTracerError
from ..core.reverse import collector_paused
from ..graph import Graph, GraphLevel, Node

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_NUMPY_DIR = os.path.dirname(os.path.abspath(np.__file__)) + os.sep
_internal_code: dict = {}  # code object -> whether it is chainrule's or NumPy's


def caller_line() -> tuple:
    """``(file, line)`` of the innermost frame outside chainrule and NumPy: the user's
    code (``guards.user_location``, with what it learns about each code object kept)."""
    frame: Any = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        internal = _internal_code.get(code)
        if internal is None:
            internal = _internal_code[code] = code.co_filename.startswith(
                (_PACKAGE_DIR, _NUMPY_DIR, "<frozen"))
        if not internal:
            return code.co_filename, frame.f_lineno
        frame = frame.f_back
    return "<unknown>", 0


class JitLevel(GraphLevel):
    """A recording level that remembers where (file, line) each node was recorded."""

    __slots__ = ("origins", "names", "notes")

    def __init__(self) -> None:
        super().__init__()
        self.origins: dict[int, tuple] = {}
        # what a traced function may say about its nodes (the textbook gradient does):
        self.names: dict[int, str] = {}  # node index -> a name other than w{index + 1}
        self.notes: list[tuple] = []  # (node count then, name, node index or constant)

    def _append(self, primitive, args, sources, params, value) -> Node:
        node = Node(len(self.nodes), primitive, args, sources, params, value)
        self.nodes.append(node)
        self.origins[node.index] = caller_line()
        return node


def node_of(tracer: Tracer) -> Any:
    """The recording node a tracer of a graph level holds (the one place jit reads it)."""
    return tracer.level_data


class Recorded:
    """A recorded call: the nodes, guards and outputs of its graph, and each node's origin."""

    __slots__ = ("name", "nodes", "guards", "input_count", "outputs", "out_tree", "origins",
                 "names", "notes")

    def __init__(self, name, nodes, guards, input_count, outputs, out_tree, origins,
                 names=None, notes=()):
        self.name = name
        self.nodes = nodes
        self.guards = guards
        self.input_count = input_count
        self.outputs = outputs
        self.out_tree = out_tree
        self.origins = origins  # node index -> (file, line)
        self.names = names or {}
        self.notes = list(notes)

    def origin(self, index: int) -> str:
        """``file:line`` of the user's code that recorded node ``index``."""
        filename, line = self.origins.get(index, ("<unknown>", 0))
        return f"{filename}:{line}"

    @property
    def graph(self) -> Graph:
        """The recording as a :class:`~chainrule.Graph` (built when asked for)."""
        in_tree = flatten(tuple(node.value for node in self.nodes[:self.input_count]))[1]
        return Graph(self.name, self.nodes, self.guards, in_tree, self.input_count,
                     self.outputs, self.out_tree)


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
    return Recorded(getattr(function, "__name__", "f"), level.nodes, level.guards, len(inputs),
                    outputs, out_tree, level.origins, level.names, level.notes)

