"""Reverse mode: a tape of nodes per level, the backward pass, and ``vjp``.

Each operation on a tracer of a reverse level appends one :class:`Node` to
that level's tape. Creation order is already a topological order, so the
backward pass is a single loop over the tape from the output back to the
inputs: no graph search and no recursion, so a chain of a million operations
differentiates, and the tape (the only owner of the nodes) is freed with the
pullback that holds it.
"""

from __future__ import annotations

import gc
import threading
from typing import Any, Callable

from . import vspace
from .primitive import Primitive, tape_only
from .trace import Level, Tracer, bind, new_level, new_tracer, tracer_type_of
from .tree import flatten, unflatten

_NO_PARAMS: dict = {}

# value type -> a function giving a copy the tape can keep (NumPy registers ndarray:
# a writeable array the caller may refill after the call is copied, read-only ones kept)
_snapshots: dict[type, Callable] = {}


def register_snapshot(value_type: type, snapshot: Callable) -> None:
    """Record ``snapshot(value)``, not ``value``, when a plain ``value_type`` is read by a rule.

    A plain array used by a recorded operation and refilled in place afterwards
    (``rng.standard_normal(out=z)``) must not change what the backward pass reads.
    """
    _snapshots[value_type] = snapshot


def snapshot(value: Any) -> Any:
    """``value`` as the tape keeps it: a copy of a mutable plain array, else itself."""
    keep = _snapshots.get(type(value))
    return value if keep is None else keep(value)


class collector_paused:
    """Pause Python's cycle collector while a tape is recorded or walked.

    A tape holds no reference cycles (reference counting alone frees it, a
    test checks this), but it allocates many tracked objects, and the cycle
    collector would scan them over and over: the 100,000-step chain ran 3-4
    times slower with it. The collector is process-wide, so the count of
    users is too; it is switched back on when the last one leaves, unless it
    was off before.
    """

    _lock = threading.Lock()
    _users = 0
    _was_enabled = False

    def __enter__(self) -> None:
        with collector_paused._lock:
            if collector_paused._users == 0:
                collector_paused._was_enabled = gc.isenabled()
                gc.disable()
            collector_paused._users += 1

    def __exit__(self, *exc_info: Any) -> None:
        with collector_paused._lock:
            collector_paused._users -= 1
            if collector_paused._users == 0 and collector_paused._was_enabled:
                gc.enable()


class Node:
    """One recorded operation: what to call to send cotangents to its parents."""

    __slots__ = ("primitive", "args", "ans", "params", "parents", "index", "factors")

    def __init__(self, primitive, args, ans, params, parents, index):
        self.primitive = primitive  # None for an input of the level
        self.args = args  # the primal arguments (lower-level tracers stay tracers)
        self.ans = ans
        self.params = params
        self.parents = parents  # per argument: the Node it came from at this level, or None
        self.index = index  # position in the tape
        self.factors = None  # an elementwise operation's partial derivatives, once computed


class SparseCotangent:
    """The cotangent of a multiple-result operation: one entry per result, None for zero."""

    __slots__ = ("values",)

    def __init__(self, values: list):
        self.values = values

    def __add__(self, other: "SparseCotangent") -> "SparseCotangent":
        return SparseCotangent([
            b if a is None else a if b is None else a + b
            for a, b in zip(self.values, other.values)
        ])


def _project_vjp(g, ans, main, index, count):
    values = [None] * count
    values[index] = g
    return (SparseCotangent(values),)


# Selects result ``index`` of a multiple-result node; exists only on tapes.
project = Primitive("project", tape_only)
project.def_vjp_joint(_project_vjp)


class ReverseLevel(Level):
    """A reverse-mode transformation call: records the operations on its tracers."""

    __slots__ = ("tape",)
    mode = "reverse"

    def __init__(self) -> None:
        super().__init__()
        self.tape: list[Node] = []

    def new_input(self, value: Any) -> Tracer:
        node = Node(None, (), value, _NO_PARAMS, (), len(self.tape))
        self.tape.append(node)
        return new_tracer(value, self, node)

    def process(self, primitive: Primitive, args: tuple, params: dict) -> Any:
        primals = []
        parents = []
        lower = False  # does any argument still carry tracers of lower levels?
        mutable = False  # is any argument a plain value the caller may change in place?
        for value in args:
            if isinstance(value, Tracer):
                if value.level is self:
                    primal = value.primal
                    if isinstance(primal, Tracer):
                        lower = True
                    primals.append(primal)
                    parents.append(value.level_data)
                    continue
                lower = True
            elif type(value) in _snapshots:
                mutable = True
            primals.append(value)
            parents.append(None)
        if lower:
            ans = bind(primitive, *primals, **params)
        else:
            ans = primitive.impl(*primals, **params)
        if primitive.nondiff or not any(parents):
            return ans
        if "vjp" not in primitive.complete:
            primitive.check_rules("vjp", parents)
        if mutable:  # the rules read the plain arguments later: keep them as they are now
            primals = [snapshot(primal) if primal is value else primal
                       for value, primal in zip(args, primals)]
        if primitive.multiple_results:
            return self.record(primitive, tuple(primals), ans, params, tuple(parents))
        tape = self.tape
        node = Node(primitive, tuple(primals), ans, params or _NO_PARAMS, tuple(parents),
                    len(tape))
        tape.append(node)
        return tracer_type_of(ans)(ans, self, node)

    def record(self, primitive, primals, ans, params, parents) -> Any:
        """Append a node for an operation already computed; return its traced result(s)."""
        tape = self.tape
        node = Node(primitive, primals, ans, params or _NO_PARAMS, parents, len(tape))
        tape.append(node)
        if not primitive.multiple_results:
            tracer_type = tracer_type_of(ans)
            return tracer_type(ans, self, node)
        results = []
        count = len(ans)
        for index, value in enumerate(ans):
            selector = Node(project, (None,), value, {"index": index, "count": count},
                            (node,), len(tape))
            tape.append(selector)
            results.append(new_tracer(value, self, selector))
        return tuple(results)


def backward(tape: list, seeds: list, keep_factors: bool = False) -> list:
    """Propagate ``seeds`` (node, cotangent) pairs back along ``tape``.

    Returns the cotangent of every node, indexed like the tape; the inputs'
    entries are what a caller reads. With ``keep_factors`` the partial
    derivatives of elementwise operations stay on their nodes for the next
    pass (a pullback called again, a Jacobian row by row); without, each is
    freed as soon as it is used, so one gradient holds no more memory.
    """
    cotangents: list = [None] * len(tape)
    start = -1
    for node, cotangent in seeds:
        index = node.index
        previous = cotangents[index]
        cotangents[index] = cotangent if previous is None else previous + cotangent
        start = max(start, index)
    for index in range(start, -1, -1):
        g = cotangents[index]
        if g is None:
            continue
        node = tape[index]
        primitive = node.primitive
        if primitive is None:
            continue  # an input: its cotangent is a result
        cotangents[index] = None
        parents = node.parents
        partials = primitive.partials
        if partials is not None:
            ans, args, params = node.ans, node.args, node.params
            factors = node.factors
            if factors is None and keep_factors:
                factors = node.factors = primitive.factors(ans, args, params, parents)
            for argnum, parent in enumerate(parents):
                if parent is None:
                    continue
                factor = (partials[argnum](ans, *args, **params) if factors is None
                          else factors[argnum])
                cotangent = primitive.cotangent_from_partial(g, factor, argnum, args, params)
                previous = cotangents[parent.index]
                cotangents[parent.index] = cotangent if previous is None else previous + cotangent
            continue
        if type(g) is SparseCotangent:
            g = g.values
        contributions = primitive.rules["vjp"](g, node.ans, node.args, node.params, parents)
        for parent, cotangent in zip(parents, contributions):
            if parent is None or cotangent is None:
                continue
            previous = cotangents[parent.index]
            cotangents[parent.index] = cotangent if previous is None else previous + cotangent
    return cotangents


class Recording:
    """A function's run at a reverse level: its tape and where inputs and outputs sit on it."""

    __slots__ = ("tape", "input_nodes", "inputs", "in_tree", "output_nodes", "output",
                 "output_leaves", "out_tree")

    def __init__(self, function: Callable, primals: tuple, flat: tuple | None = None):
        # ``flat``: the primals' (leaves, tree) when the caller has flattened them already
        leaves, self.in_tree = flat or flatten(primals)
        level = ReverseLevel()
        with collector_paused(), new_level(level):
            tracers = [level.new_input(leaf) for leaf in leaves]
            # read before the call: the function may assign into its inputs
            self.input_nodes = [tracer.level_data for tracer in tracers]
            output = function(*unflatten(self.in_tree, tracers))
        out_leaves, self.out_tree = flatten(output)
        self.output_nodes = []
        plain = []
        for leaf in out_leaves:
            if isinstance(leaf, Tracer) and leaf.level is level:
                self.output_nodes.append(leaf.level_data)
                plain.append(leaf.primal)
            else:
                self.output_nodes.append(None)
                plain.append(leaf)
        self.inputs = leaves
        self.output_leaves = plain
        self.output = unflatten(self.out_tree, plain)
        self.tape = level.tape

    def pull(self, cotangent_leaves: list, again: bool = False) -> list:
        """The backward pass: one cotangent per output leaf in, one per input leaf out.

        ``again``: more pulls will follow, so keep the partial derivatives computed.
        """
        seeds = [(node, ct) for node, ct in zip(self.output_nodes, cotangent_leaves)
                 if node is not None and ct is not None]
        with collector_paused():
            cotangents = backward(self.tape, seeds, keep_factors=again)
        results = []
        for node, leaf in zip(self.input_nodes, self.inputs):
            value = cotangents[node.index]
            results.append(vspace.zeros_like(leaf) if value is None else value)
        return results


def vjp(function: Callable, *primals: Any) -> tuple[Any, Callable]:
    """Evaluate ``function(*primals)`` and return ``(output, pullback)``.

    ``pullback(cotangent)`` returns a tuple with one cotangent per primal, in
    the primals' structure; it may be called many times.

    >>> out, pullback = vjp(lambda x, y: x * y, 3.0, 4.0)
    >>> pullback(1.0)
    (4.0, 3.0)
    """
    # the pullback may be called after the caller changed a primal in place
    leaves, in_tree = flatten(primals)
    recording = Recording(function, primals, ([snapshot(leaf) for leaf in leaves], in_tree))

    def pullback(cotangent: Any) -> tuple:
        ct_leaves, ct_tree = flatten(cotangent)
        if ct_tree != recording.out_tree:
            raise ValueError(
                "the cotangent given to the pullback must have the structure of the "
                f"function's output: expected {recording.out_tree}, got {ct_tree}"
            )
        return unflatten(recording.in_tree, recording.pull(ct_leaves, again=True))

    return recording.output, pullback
