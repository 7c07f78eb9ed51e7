"""The recorded graph made into a program: constants folded, identities and repeated
subexpressions merged, dead code removed.

Simplification works on :class:`Step` copies of the graph's nodes (the graph
itself is left as recorded) in one pass in recording order, which is a
topological order:

- **constant folding**: a node none of whose arguments comes from an input
  (``np.zeros(3, like=x) + 1``) is its recorded value, hoisted as a constant;
- **symbolic zeros and ones**: ``x * 1``, ``1 * x``, ``x + 0``, ``0 + x``,
  ``x - 0`` and ``x / 1`` are ``x`` where the result has ``x``'s type, shape
  and dtype (the backward pass starts from a cotangent of 1 and adds
  contributions of 0, which these drop);
- **common subexpressions**: a node applying the same primitive to the same
  arguments with the same parameters as an earlier one is that node;
- **dead code**: only nodes an output or a guard depends on are kept.

A merged node's guards move to the node it equals, so every decision the
recording took is still checked.

>>> from chainrule.jit.tracing import record
>>> f = lambda x: 1.0 * np.sin(x) + np.sin(x) * 0.0
>>> program = simplify(record(f, [0.5], lambda inputs: (inputs, {}), ["x"]))
>>> [step.primitive.name for step in program.steps]
['numpy.sin', 'numpy.multiply', 'numpy.add']
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .tracing import Recorded


class Kind:
    """What the generated code needs to know of a recorded value: type, shape, dtype."""

    __slots__ = ("type", "shape", "dtype", "ndim")

    def __init__(self, value: Any):
        self.type: type = type(value)
        self.shape: Any
        self.dtype: Any
        self.ndim: Any
        if self.type is float:
            self.shape, self.dtype, self.ndim = (), None, 0
        elif self.type is np.ndarray or isinstance(value, np.generic):
            self.shape, self.dtype, self.ndim = value.shape, value.dtype, value.ndim
        else:
            self.shape = np.shape(value) if not isinstance(value, tuple) else None
            self.dtype = getattr(value, "dtype", None)
            self.ndim = len(self.shape) if self.shape is not None else None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Kind) and (self.type, self.shape, self.dtype) == (
            other.type, other.shape, other.dtype)

    __hash__ = None  # type: ignore[assignment]


class Step:
    """One line of the generated program: a recorded node after simplification."""

    __slots__ = ("index", "primitive", "args", "sources", "params", "kind", "origin")

    def __init__(self, index, primitive, args, sources, params, kind, origin):
        self.index = index  # the graph node's index: the step is named w{index + 1}
        self.primitive = primitive
        self.args = args  # constants, None where a source goes
        self.sources = sources  # (position, index of the node the argument comes from)
        self.params = params
        self.kind = kind  # the recorded value's Kind: its type, shape and dtype guide the code
        self.origin = origin  # (file, line) of the user's code that recorded it


class Program:
    """What the code generator reads: inputs, steps, outputs and guards."""

    __slots__ = ("name", "inputs", "steps", "outputs", "out_tree", "guards", "kinds",
                 "names", "notes", "copies")

    def __init__(self, name, inputs, steps, outputs, out_tree, guards, kinds):
        self.name = name
        self.inputs = inputs  # (index, name) per traced leaf
        self.steps = steps
        self.outputs = outputs  # per output leaf: (index, None) or (None, constant)
        self.out_tree = out_tree
        self.guards = guards  # node index -> the guards checked on its value
        self.kinds = kinds  # node index -> the Kind of its recorded value
        self.names: dict[int, str] = {}  # node index -> a name other than w{index + 1}
        # extra lines naming values: (position, name, node index or ("constant", value)),
        # written before the first step whose index is at least the position
        self.notes: list[tuple] = []
        self.copies: set[int] = set()  # output positions returned as copies


class _Unfrozen(Exception):
    """A constant or parameter with no stable key: its node is not merged with others."""


def _freeze(value: Any) -> Any:
    kind = type(value)
    if value is None:
        return None
    if kind in (bool, int, float, complex, str):
        # 0.0 and -0.0 are equal but not the same constant, nor is NaN equal to itself
        return (kind, value) if value == value and value != 0 else (kind, repr(value))
    if kind in (tuple, list):
        return (kind, tuple(_freeze(item) for item in value))
    if kind is dict:
        return (dict, tuple(sorted((key, _freeze(item)) for key, item in value.items())))
    if kind is slice:
        return (slice, _freeze(value.start), _freeze(value.stop), _freeze(value.step))
    if value is Ellipsis:
        return (kind,)
    if isinstance(value, np.generic):
        return (kind, value.tobytes())
    if isinstance(value, (np.ndarray, np.dtype)) or callable(value):
        return ("object", id(value))  # the recording keeps it alive while we simplify
    raise _Unfrozen


_IDENTITIES = {  # impl -> (position of the constant, the neutral value) pairs
    operator.mul: ((0, 1), (1, 1)), operator.add: ((0, 0), (1, 0)),
    operator.sub: ((1, 0),), operator.truediv: ((1, 1),),
}


def _is_neutral(constant: Any, neutral: int) -> bool:
    if type(constant) in (int, float) or isinstance(constant, np.floating):
        return bool(constant == neutral)
    if isinstance(constant, np.ndarray) and constant.dtype.kind == "f":
        return bool(np.all(constant == neutral))
    return False


def _identity_source(primitive: Any, args: list, sources: tuple, kind: Kind,
                     kinds: dict) -> int | None:
    """The node this one equals when it multiplies by 1, adds 0, ... (None if it does not)."""
    rules = _IDENTITIES.get(primitive.impl)
    if rules is None or len(args) != 2 or len(sources) != 1:
        return None
    position, source = sources[0]
    for constant_position, neutral in rules:
        if constant_position != position and _is_neutral(args[constant_position], neutral):
            if kinds[source] == kind:
                return source
    return None


def _shape_follows(primitive: Any) -> bool:
    """Whether the output's shape follows from the input shapes alone (elementwise), so a
    recorded shape guard on it is already implied by the checks on its inputs."""
    if primitive is None:
        return False
    impl = primitive.impl
    return impl in _IDENTITIES or impl in (operator.neg, operator.pos, operator.truediv) or (
        isinstance(impl, np.ufunc) and impl.signature is None)


def simplify(recorded: Recorded) -> Program:
    """The program of a recorded call, simplified (see the module docstring)."""
    graph = recorded
    kinds = {node.index: Kind(node.value) for node in graph.nodes}
    inputs = [(node.index, node.name) for node in graph.nodes[:graph.input_count]]
    guards: dict[int, list] = {}
    for node in graph.nodes:
        if node.guards:
            kept_guards = [guard for guard in node.guards
                           if not (guard.kind == "shape" and _shape_follows(node.primitive))]
            if kept_guards:
                guards[node.index] = kept_guards
    alias: dict[int, int] = {}
    folded: dict[int, Any] = {}  # node index -> its (input-independent) value
    seen: dict[Any, int] = {}
    steps: list[Step] = []
    for node in graph.nodes[graph.input_count:]:
        args = list(node.args)
        sources = []
        for position, source in node.sources:
            source = alias.get(source, source)
            if source in folded:
                args[position] = folded[source]
            else:
                sources.append((position, source))
        sources_t = tuple(sources)
        if not sources_t:
            folded[node.index] = node.value
            guards.pop(node.index, None)  # its value is the same on every call
            continue
        kind = kinds[node.index]
        target = _identity_source(node.primitive, args, sources_t, kind, kinds)
        if target is None:
            try:
                key = (node.primitive, tuple([_freeze(a) for a in args]), sources_t,
                       _freeze(node.params) if node.params else None)
            except _Unfrozen:
                key = None
            if key is not None:
                target = seen.setdefault(key, node.index)
                if target == node.index:
                    target = None
        if target is not None:
            alias[node.index] = target
            moved = guards.pop(node.index, None)
            if moved:
                guards.setdefault(target, []).extend(moved)
            continue
        steps.append(Step(node.index, node.primitive, tuple(args), sources_t, node.params,
                          kind, recorded.origins.get(node.index)))
    outputs: list[tuple] = []
    copies: set[int] = set()  # outputs that must be copies: the plain function makes new arrays
    for position, (index, constant) in enumerate(graph.outputs):
        if index is not None:
            resolved = alias.get(index, index)
            if resolved in folded:
                index, constant = None, folded[resolved]
            else:
                if resolved != index and resolved < graph.input_count:
                    copies.add(position)  # x * 1.0 is a new array, not x
                index = resolved
        if index is None and isinstance(constant, np.ndarray) and constant is not (
                graph.outputs[position][1]):
            copies.add(position)  # a folded array: each call's result is its own
        outputs.append((index, constant))
    live = {index for index, _ in outputs if index is not None} | set(guards)
    kept = []
    for step in reversed(steps):
        if step.index in live:
            kept.append(step)
            live.update(source for _, source in step.sources)
    kept.reverse()
    program = Program(graph.name, inputs, kept, outputs, graph.out_tree, guards, kinds)
    program.copies = {position for position in copies
                      if outputs[position][0] is None or kinds[outputs[position][0]].type is
                      np.ndarray}
    if recorded.names or recorded.notes:
        _keep_names(program, recorded, alias, folded, live)
    return program


def _keep_names(program: Program, recorded: Recorded, alias: dict, folded: dict,
                live: set) -> None:
    """Carry the names a traced function gave its nodes over simplification: a merged
    node's name becomes a line ``name = other``, a folded one's ``name = constant``."""
    for position, name, value in recorded.notes:  # first: they precede a node made then
        if isinstance(value, int) and not isinstance(value, bool):
            program.notes.append((position, name, alias.get(value, value)))
        else:
            program.notes.append((position, name, ("constant", value)))
    for index, name in recorded.names.items():
        if index in alias or index in folded:
            program.notes.append((index, name, alias.get(index, index)))
        elif index in live:
            program.names[index] = name
    for position, name, value in list(program.notes):
        if isinstance(value, int) and value in folded:
            program.notes.remove((position, name, value))
            program.notes.append((position, name, ("constant", folded[value])))
    program.notes.sort(key=lambda note: note[0])
