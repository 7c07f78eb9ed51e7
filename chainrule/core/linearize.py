"""Forward mode over a recorded tape: ``linearize``.

The function runs once at a reverse level, which records its tape; each call
of the returned ``f_jvp`` then pushes tangents through that recording with the
primitives' JVP rules, in creation order, without running the Python function
again. A tape holding an operation without a JVP rule (a ``custom_vjp`` call,
whose forward mode differentiates its body) is not replayable: then each call
re-runs forward mode on the function instead.
"""

from __future__ import annotations

from typing import Any, Callable

from . import vspace
from .forward import jvp
from .reverse import Recording, project
from .tree import flatten, unflatten


def _replayable(tape: list) -> bool:
    return all(
        node.primitive is None or node.primitive is project
        or "jvp" in node.primitive.rules
        for node in tape
    )


def needed_for(tape: list, outputs: list) -> list:
    """Per node of ``tape``, whether an output depends on it (the others need no tangent)."""
    needed = [False] * len(tape)
    for node in outputs:
        if node is not None:
            needed[node.index] = True
    for index in range(len(tape) - 1, -1, -1):
        if needed[index]:
            for parent in tape[index].parents:
                if parent is not None:
                    needed[parent.index] = True
    return needed


def sweep(tape: list, seeds: list, needed: list | None = None) -> list:
    """Push the (node, tangent) ``seeds`` forward along ``tape``; the tangent of every node
    (of every node ``needed`` marks, when given)."""
    tangents: list = [None] * len(tape)
    first = len(tape)
    for node, tangent in seeds:
        tangents[node.index] = tangent
        first = min(first, node.index)
    for index in range(first, len(tape)):
        node = tape[index]
        primitive = node.primitive
        if primitive is None or (needed is not None and not needed[index]):
            continue  # an input (seeded or zero), or a value no output depends on
        incoming: list = []
        moving = False  # does any argument carry a tangent?
        for parent in node.parents:
            tangent = None if parent is None else tangents[parent.index]
            if tangent is not None:
                moving = True
            incoming.append(tangent)
        if not moving:
            continue
        if primitive is project:
            tangents[index] = incoming[0][node.params["index"]]
            continue
        if primitive.partials is not None:
            # elementwise: the partial derivatives, computed on the first replay, serve all
            factors = node.factors
            if factors is None:
                factors = node.factors = primitive.factors(
                    node.ans, node.args, node.params, node.parents)
            tangent_out = None
            for argnum, tangent in enumerate(incoming):
                if tangent is None:
                    continue
                contribution = primitive.tangent_from_partial(tangent, factors[argnum], node.ans,
                                                            node.params)
                tangent_out = contribution if tangent_out is None else tangent_out + contribution
            tangents[index] = tangent_out
            continue
        if "jvp" not in primitive.complete:
            primitive.check_rules("jvp", incoming)
        tangents[index] = primitive.rules["jvp"](incoming, node.ans, node.args, node.params)
    return tangents


def replayable(recording: Recording) -> bool:
    """Whether every operation on the recording has a forward-mode rule."""
    return _replayable(recording.tape)


def push(recording: Recording, tangent_leaves: list) -> list:
    """One tangent per input leaf in, one per output leaf out, by replaying the tape."""
    seeds = list(zip(recording.input_nodes, tangent_leaves))
    # a function's value often ends in a reduction the outputs do not use (a gradient's
    # recording holds the loss): its tangent is not computed
    tangents_by_node = sweep(recording.tape, seeds,
                             needed_for(recording.tape, recording.output_nodes))
    results = []
    for node, value in zip(recording.output_nodes, recording.output_leaves):
        tangent = None if node is None else tangents_by_node[node.index]
        results.append(vspace.zeros_like(value) if tangent is None else tangent)
    return results


def linearize(function: Callable, *primals: Any) -> tuple[Any, Callable]:
    """Evaluate ``function(*primals)`` once; return ``(output, f_jvp)``.

    ``f_jvp(*tangents)`` is the derivative along ``tangents`` (one per primal).
    """
    recording = Recording(function, primals)
    if not replayable(recording):
        def rerun(*tangents: Any) -> Any:
            return jvp(function, primals, tangents)[1]

        return recording.output, rerun

    def f_jvp(*tangents: Any) -> Any:
        tangent_leaves, tangent_tree = flatten(tangents)
        if tangent_tree != recording.in_tree:
            raise ValueError(
                "f_jvp needs tangents with the structure of the primals: "
                f"expected {recording.in_tree}, got {tangent_tree}"
            )
        return unflatten(recording.out_tree, push(recording, tangent_leaves))

    return recording.output, f_jvp
