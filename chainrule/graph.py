"""``trace``: a function's evaluation recorded as an object, a Wengert list.

Recording is one more :class:`~chainrule.core.Level` behind the same ``bind``
as reverse and forward mode. Its ``process`` computes each primitive's value
and appends a node: the inputs first (w1, w2, ...), then one node per
primitive application, holding the primitive, the nodes its arguments came
from, its constant arguments, its parameters and its value. Because it sits
behind ``bind`` it sees every primitive, the non-differentiable ones
(comparisons, argmax, masks, integer casts) too, so the recorded list is the
whole computation and can run again without the Python function:

>>> g = cr.trace(lambda x, y: x * y + np.sin(x), 1.0, 2.0)
>>> len(g.nodes)
5
>>> float(g(0.0, 3.0))            # a replay with new inputs
0.0

Python decisions taken on traced values (``if x > 0``, ``int(n)``,
``float(t)``) are recorded as guards with the file and line that took them; a
replay whose inputs would decide otherwise raises ``GuardError`` instead of
returning a wrong number. Nodes whose shape the data decides (``x[x > 0]``,
``np.nonzero``) are checked the same way (``chainrule/guards.py``).

``Graph.jvp`` and ``Graph.vjp`` run forward and reverse mode over the nodes
with the primitives' own rules and keep every node's tangent and adjoint;
``table()``, ``to_dot()`` and ``render()`` (in ``chainrule/drawing.py``)
show them.
"""

from __future__ import annotations

import inspect
import os
from typing import Any, Callable

import numpy as np

from . import drawing
from .core import Level, Primitive, Tracer, bind, flatten, new_level, new_tracer, unflatten
from .core import register_tracer_type
from .core.forward import push_forward
from .core.reverse import SparseCotangent
from .core.vspace import zeros_like
from .guards import Guard, GuardError, user_location
from .numpy import ScalarTracer

# A recording traces the values the other levels leave plain: truth values and
# integers (comparisons, argmax, counts), so Python's decisions on them are seen.
for _value_type in (bool, np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8,
                    np.uint16, np.uint32, np.uint64):
    register_tracer_type(_value_type, ScalarTracer)

# Result ``index`` of a multiple-result node (eigh, nonzero, ...): a node of its own.
select = Primitive("select", lambda values, index: values[index])


class Node:
    """One entry of the Wengert list: an input, or a primitive applied to earlier nodes.

    ``args`` are the primitive's positional arguments with None where a node's
    value goes; ``sources`` pairs each such position with that node's index.
    """

    __slots__ = ("index", "primitive", "args", "sources", "params", "value", "name",
                 "guards", "where")

    def __init__(self, index, primitive, args, sources, params, value, name=None):
        self.index = index
        self.primitive = primitive  # None for an input
        self.args = args
        self.sources = sources
        self.params = params
        self.value = value
        self.name = name  # an input's name (x1, or the function's parameter name)
        self.guards: list | None = None  # checks a replay runs on this node's value
        self.where: str | None = None  # file:line, for nodes whose shape the data decides

    @property
    def label(self) -> str:
        return f"w{self.index + 1}"


def _needs_shape_check(primitive: Primitive, primals: list, sources: list) -> bool:
    # The output shape is decided by the data only where non-differentiable values
    # (masks, indices, counts) are involved; every other shape follows from shapes.
    if primitive.nondiff:
        return True
    for position, _ in sources:
        dtype = getattr(primals[position], "dtype", None)
        if dtype is None:
            value = primals[position]
            while isinstance(value, Tracer):
                value = value.primal
            dtype = np.result_type(value)
        if dtype.kind in "biu":
            return True
    return False


class GraphLevel(Level):
    """A recording call: every primitive applied to its tracers becomes a node."""

    __slots__ = ("nodes", "guards")
    mode = "graph"

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[Node] = []
        self.guards: list[Guard] = []

    def new_input(self, value: Any, name: str) -> Tracer:
        node = Node(len(self.nodes), None, (), (), {}, value, name)
        self.nodes.append(node)
        return new_tracer(value, self, node)

    def process(self, primitive: Primitive, args: tuple, params: dict) -> Any:
        primals: list = []
        constants: list = []
        sources: list = []
        lower = False  # does any argument still carry tracers of lower levels?
        for position, value in enumerate(args):
            if isinstance(value, Tracer):
                if value.level is self:
                    primal = value.primal
                    lower = lower or isinstance(primal, Tracer)
                    primals.append(primal)
                    if value.level_data is None:  # a traced constant (np.zeros(n, like=x))
                        constants.append(primal)
                        continue
                    constants.append(None)
                    sources.append((position, value.level_data.index))
                    continue
                lower = True
            primals.append(value)
            constants.append(value)
        ans = bind(primitive, *primals, **params) if lower else primitive.impl(*primals, **params)
        node = self._append(primitive, tuple(constants), tuple(sources), params, ans)
        if _needs_shape_check(primitive, primals, sources):
            node.where = user_location()
            if not primitive.multiple_results:
                node.guards = [Guard(node.index, np.shape, np.shape(ans), node.where)]
        if not primitive.multiple_results:
            return new_tracer(ans, self, node)
        results = []
        for index, value in enumerate(ans):
            item = self._append(select, (None,), ((0, node.index),), {"index": index}, value)
            if node.where is not None:
                item.where = node.where
                item.guards = [Guard(item.index, np.shape, np.shape(value), node.where)]
            results.append(new_tracer(value, self, item))
        return tuple(results)

    def _append(self, primitive, args, sources, params, value) -> Node:
        node = Node(len(self.nodes), primitive, args, sources, params, value)
        self.nodes.append(node)
        return node

    def guard(self, tracer: Tracer, convert: Callable) -> Any:
        """Python asks for ``convert(tracer)`` (a branch, a count, a number): record it."""
        value = convert(tracer.primal)  # a lower level's tracer converts itself
        if tracer.level_data is None or not self.active:
            # a traced constant (the same on every replay), or a tracer kept in a recorded
            # parameter (reshape(x, (n, -1))): its value is guarded where it was computed
            return value
        node = tracer.level_data  # the node it holds now (an assignment may have moved it)
        guard = Guard(node.index, convert, value, user_location())
        node.guards = (node.guards or []) + [guard]
        self.guards.append(guard)
        return value


def _input_names(function: Callable, args: tuple) -> list:
    """A name per input leaf: the function's parameter names where it has them, else x1, x2."""
    try:
        parameters = [p for p in inspect.signature(function).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        parameters = []
    names = []
    for position, arg in enumerate(args):
        base = parameters[position].name if position < len(parameters) else f"x{position + 1}"
        count = len(flatten(arg)[0])
        names.extend([base] if count == 1 else [f"{base}[{i}]" for i in range(count)])
    return names


def _as_input(value: Any, name: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, complex, np.ndarray,
                                                         np.generic)):
        raise TypeError(f"cr.trace records numbers and NumPy arrays; its input {name} is a "
                        f"{type(value).__name__}. Pass it through a closure instead: "
                        f"cr.trace(lambda x: f(x, {name}), x).")
    return float(value) if type(value) is int else value


def trace(function: Callable, *args: Any) -> "Graph":
    """Run ``function(*args)`` once and return its evaluation as a :class:`Graph`.

    >>> g = cr.trace(lambda x1, x2: np.exp(2 * x1) + x1 * x2**2 + np.cos(x2), 1.0, 2.0)
    >>> [node.label for node in g.nodes][-1], g.nodes[2].primitive.name
    ('w9', 'numpy.multiply')
    """
    leaves, in_tree = flatten(args)
    names = _input_names(function, args)
    level = GraphLevel()
    with new_level(level):
        inputs = [level.new_input(_as_input(leaf, name), name)
                  for leaf, name in zip(leaves, names)]
        output = function(*unflatten(in_tree, inputs))
    out_leaves, out_tree = flatten(output)
    outputs = []
    for leaf in out_leaves:
        if isinstance(leaf, Tracer) and leaf.level is level and leaf.level_data is not None:
            outputs.append((leaf.level_data.index, None))
        elif isinstance(leaf, Tracer) and leaf.level is level:
            outputs.append((None, leaf.primal))
        else:
            outputs.append((None, leaf))  # a constant output: the same on every replay
    return Graph(getattr(function, "__name__", "f"), level.nodes, level.guards, in_tree,
                 len(leaves), outputs, out_tree)


class Graph:
    """A recorded evaluation: ``nodes`` (the Wengert list) and the ``guards`` it depends on.

    Call it with new inputs to replay it; ``jvp`` and ``vjp`` differentiate it
    and keep every node's tangent (w-dot) and adjoint (w-bar) for ``table()``
    and the pictures.

    >>> g = cr.trace(lambda x: x * x, 3.0)
    >>> g(4.0), g.vjp((4.0,), 1.0)[1]
    (16.0, (8.0,))
    """

    def __init__(self, name, nodes, guards, in_tree, input_count, outputs, out_tree):
        self.name = name
        self.nodes: list[Node] = nodes
        self.guards: list[Guard] = guards
        self.in_tree = in_tree
        self.input_count = input_count
        self.outputs = outputs  # per output leaf: (node index, None) or (None, constant)
        self.out_tree = out_tree
        # the latest evaluation, and the derivatives computed at it
        self.values: list = [node.value for node in nodes]
        self.tangents: dict[str, list] = {}  # seed, as text -> every node's tangent
        self.adjoints: list | None = None
        self.output_seed: Any = None
        # what a replay runs, read from the nodes once: the replay is a loop over it
        self._program = [(node.index, node.primitive.impl, node.args, node.sources,
                          node.params or None, node.guards)
                         for node in nodes[input_count:]]
        self._input_guards = [(node.index, node.guards) for node in nodes[:input_count]
                              if node.guards is not None]
        self._input_types = [(type(node.value), np.shape(node.value), np.result_type(node.value))
                             for node in nodes[:input_count]]

    # -- replay -----------------------------------------------------------------
    def __call__(self, *args: Any) -> Any:
        """Re-evaluate the recorded nodes at ``args``, without running the function again."""
        self._evaluate(args)
        return self._output(self.values)

    def _evaluate(self, args: tuple) -> None:
        leaves, in_tree = flatten(tuple(args))
        if in_tree != self.in_tree:
            raise TypeError(f"this graph was traced with arguments of structure {self.in_tree}, "
                            f"not {in_tree}")
        leaves = [_as_input(leaf, node.name) for leaf, node in zip(leaves, self.nodes)]
        current = self.values[:self.input_count]
        if all(_same(a, b) for a, b in zip(leaves, current)):
            return  # the values (and derivatives) already computed stand
        for leaf, node, (kind, shape, dtype) in zip(leaves, self.nodes, self._input_types):
            if type(leaf) is kind and kind is float:
                continue  # a Python float for a Python float: the common case, decided cheaply
            if (np.shape(leaf), np.result_type(leaf)) != (shape, dtype):
                raise GuardError(
                    f"input {node.name} had shape {shape} and dtype {dtype} when traced, not "
                    f"{np.shape(leaf)} and {np.result_type(leaf)}; the recorded shapes and "
                    "types are fixed: trace again at these inputs (cr.trace(f, *args)).")
        self.values = self._replay(leaves)
        self.tangents, self.adjoints, self.output_seed = {}, None, None

    def _replay(self, leaves: list) -> list:
        """Every node's value at the inputs ``leaves``: the recorded primitives' impls run
        in order, each guard checked as soon as its node is computed."""
        values: list = [None] * len(self.nodes)
        values[:len(leaves)] = leaves
        for index, guards in self._input_guards:
            for guard in guards:
                guard.check(values[index])
        for index, impl, args, sources, params, guards in self._program:
            if sources:
                args = list(args)
                for position, source in sources:
                    args[position] = values[source]
            values[index] = impl(*args, **params) if params else impl(*args)
            if guards is not None:
                for guard in guards:
                    guard.check(values[index])
        return values

    def _output(self, per_node: list, missing: Callable | None = None) -> Any:
        """The output leaves from ``per_node`` (values, or tangents with ``missing`` making
        the zeros of outputs that carry none)."""
        leaves = []
        for index, constant in self.outputs:
            if missing is None:
                leaves.append(constant if index is None else per_node[index])
                continue
            value = None if index is None else per_node[index]
            leaves.append(missing(constant if index is None else self.values[index])
                          if value is None else value)
        return unflatten(self.out_tree, leaves)

    def _arguments(self, node: Node, values: list) -> list:
        args = list(node.args)
        for position, source in node.sources:
            args[position] = values[source]
        return args

    # -- forward mode -----------------------------------------------------------
    def jvp(self, args: tuple, tangents: tuple) -> tuple[Any, Any]:
        """Forward mode over the nodes: ``(output, output tangent)``; every node's
        tangent is kept (``self.tangents``, a column of ``table()``).

        >>> g = cr.trace(lambda x, y: x * y, 2.0, 3.0)
        >>> g.jvp((2.0, 3.0), (1.0, 0.0))
        (6.0, 3.0)
        """
        self._evaluate(tuple(args))
        seeds, seed_tree = flatten(tuple(tangents))
        if seed_tree != self.in_tree:
            raise ValueError(f"jvp needs tangents with the structure of the inputs "
                             f"{self.in_tree}, not {seed_tree}")
        values = self.values
        per_node: list = [None] * len(self.nodes)
        per_node[:len(seeds)] = seeds
        for node in self.nodes[self.input_count:]:
            incoming = [None] * len(node.args)
            moving = False
            for position, source in node.sources:
                tangent = per_node[source]
                if tangent is not None:
                    incoming[position] = tangent
                    moving = True
            primitive = node.primitive
            if not moving or primitive.nondiff:
                continue
            if primitive is select:
                per_node[node.index] = incoming[0][node.params["index"]]  # type: ignore[index]
                continue
            primitive.check_rules("jvp", incoming)
            per_node[node.index] = push_forward(primitive, incoming, values[node.index],
                                                self._arguments(node, values), node.params)
        self.tangents[drawing.seed_text(seeds)] = per_node
        return self._output(values), self._output(per_node, zeros_like)

    # -- reverse mode -----------------------------------------------------------
    def vjp(self, args: tuple, cotangent: Any) -> tuple[Any, tuple]:
        """Reverse mode over the nodes: ``(output, one cotangent per argument)``; every
        node's adjoint is kept (``self.adjoints``, a column of ``table()``).

        >>> g = cr.trace(lambda x, y: x * y, 2.0, 3.0)
        >>> g.vjp((2.0, 3.0), 1.0)
        (6.0, (3.0, 2.0))
        """
        self._evaluate(tuple(args))
        seeds, seed_tree = flatten(cotangent)
        if seed_tree != self.out_tree:
            raise ValueError(f"the cotangent must have the structure of the output "
                             f"{self.out_tree}, not {seed_tree}")
        values = self.values
        adjoints: list = [None] * len(self.nodes)
        for (index, _), seed in zip(self.outputs, seeds):
            if index is not None:
                _accumulate(adjoints, index, seed)
        for node in reversed(self.nodes[self.input_count:]):
            g = adjoints[node.index]
            if g is not None:
                pull_back(node, g, self._arguments(node, values), values[node.index], adjoints)
        self.adjoints, self.output_seed = adjoints, cotangent
        inputs = [zeros_like(values[i]) if adjoints[i] is None else adjoints[i]
                  for i in range(self.input_count)]
        return self._output(values), unflatten(self.in_tree, inputs)

    # -- showing it -------------------------------------------------------------
    def table(self) -> str:
        """The textbook table: each node as ``w2 = 2 * w1``, its value, and the tangent
        and adjoint columns computed at these values.

        >>> print(cr.trace(lambda x: np.sin(2 * x), 0.0).table())
        node          value
        w1 = x        0
        w2 = 2 * w1   0
        w3 = sin(w2)  0
        """
        return drawing.table_text(self)

    def _repr_html_(self) -> str:
        return drawing.table_html(self) + (drawing.Drawing(self.to_dot()).svg() or "")

    def to_dot(self) -> str:
        """The graph as Graphviz DOT source: a record per node, an op node between.

        >>> "rankdir=LR" in cr.trace(lambda x: x * x, 3.0).to_dot()
        True
        """
        return drawing.graph_dot(self)

    def render(self, path: str | os.PathLike) -> str:
        """Draw the graph into ``path`` (.svg, .png or .pdf) with Graphviz; returns the path."""
        return drawing.Drawing(self.to_dot()).render(path)

    def _repr_svg_(self) -> str | None:
        return drawing.Drawing(self.to_dot()).svg()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        return drawing.Drawing(self.to_dot())._repr_mimebundle_(include, exclude)

    def __len__(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        return (f"<Graph of {self.name}: {len(self.nodes)} nodes ({self.input_count} inputs), "
                f"{len(self.guards)} guards>")


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b))
    return bool(a == b)


def _accumulate(adjoints: list, index: int, cotangent: Any) -> None:
    previous = adjoints[index]
    adjoints[index] = cotangent if previous is None else previous + cotangent


def pull_back(node: Node, g: Any, args: list, ans: Any, adjoints: list) -> None:
    """Send the adjoint ``g`` of ``node`` to the nodes its arguments came from.

    The rules are called as ``core.reverse.backward`` calls them: an
    elementwise primitive's partial derivatives, a joint VJP rule, or one
    rule per argument.

    >>> g = cr.trace(lambda x: x * 3.0, 2.0)
    >>> adjoints = [None, 1.0]
    >>> pull_back(g.nodes[1], 1.0, [2.0, 3.0], 6.0, adjoints)
    >>> adjoints[0]
    3.0
    """
    primitive = node.primitive
    if primitive is select:
        source = node.sources[0][1]
        parent = adjoints[source]
        if parent is None:
            parent = adjoints[source] = SparseCotangent([None] * len(args[0]))
        index = node.params["index"]
        parent.values[index] = g if parent.values[index] is None else parent.values[index] + g
        return
    if primitive.nondiff:
        return
    params = node.params
    wanted = [False] * len(args)
    for position, _ in node.sources:
        wanted[position] = True
    primitive.check_rules("vjp", wanted)
    if primitive.partials is not None:
        for position, source in node.sources:
            factor = primitive.partials[position](ans, *args, **params)
            _accumulate(adjoints, source,
                        primitive.cotangent_from_partial(g, factor, position, args, params))
        return
    contributions = primitive.rules["vjp"](g.values if type(g) is SparseCotangent else g,
                                           ans, tuple(args), params, tuple(wanted))
    for position, source in node.sources:
        if position < len(contributions) and contributions[position] is not None:
            _accumulate(adjoints, source, contributions[position])
