"""User-defined derivative rules: ``custom_vjp``, ``custom_jvp`` and ``checkpoint``.

A custom rule replaces differentiation of the function's body at the level
that applies it. Both decorators work inside every transformation:

- ``custom_vjp`` in reverse mode calls ``fwd`` and records ``bwd``; in forward
  mode, which needs a JVP, the body itself is differentiated.
- ``custom_jvp`` in forward mode calls the rule; in reverse mode its tangent
  map, which is linear, is transposed by tracing it in reverse mode, so one
  JVP rule serves both modes.
- Under ``vmap`` the body runs once on the batch; where a derivative is taken
  outside the vmap (``grad(vmap(f))``) the rules are vmapped too, so the rule,
  not the body, is differentiated there as well as in ``vmap(grad(f))``.

Higher derivatives differentiate the rules themselves, so they are right to
the extent the rules are written with differentiable operations.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from . import core
from .arguments import describe_tree, name_of
from .batching import vmap
from .core import Primitive, ReverseLevel, Tracer, flatten, unflatten
from .core.batching import BatchLevel
from .core.primitive import tape_only
from .core.vspace import zeros_like
from .numpy.wrap import shape_of


def _custom_call_vjp(g, ans, *args, rule):
    return rule(g, ans)


# The node a custom rule leaves on a tape; ``rule`` carries the call's pullback.
custom_call = Primitive("custom_call", tape_only, multiple_results=True)
custom_call.def_vjp_joint(_custom_call_vjp)


def _unwrap(leaves: list, level: Any) -> tuple[list, list]:
    primals, parents = [], []
    for leaf in leaves:
        if isinstance(leaf, Tracer) and leaf.level is level:
            primals.append(leaf.primal)
            parents.append(leaf.level_data)
        else:
            primals.append(leaf)
            parents.append(None)
    return primals, parents


def _leaves_of_cotangents(cotangents: Any, in_tree: Any, primals: list, name: str) -> list:
    """Per input leaf, from ``bwd``'s tuple (one entry per argument; None is zero)."""
    count = len(in_tree.children)
    if not isinstance(cotangents, (tuple, list)) or len(cotangents) != count:
        got = (f"a {type(cotangents).__name__} of {len(cotangents)}"
               if isinstance(cotangents, (tuple, list)) else f"a {type(cotangents).__name__}")
        raise TypeError(f"the bwd rule of {name} must return a tuple with one cotangent per "
                        f"argument ({count}); it returned {got}. For one argument, return "
                        "(g,), not g.")
    leaves: list = []
    for number, (entry, subtree) in enumerate(zip(cotangents, in_tree.children)):
        if entry is None:
            leaves.extend([None] * subtree.num_leaves)
            continue
        entry_leaves, entry_tree = flatten(entry)
        if entry_tree != subtree:
            raise TypeError(f"the bwd rule of {name} returned a cotangent of structure "
                            f"{describe_tree(entry_tree)} for argument {number}, whose "
                            f"structure is {describe_tree(subtree)}.")
        leaves.extend(entry_leaves)
    for number, (cotangent, primal) in enumerate(zip(leaves, primals)):
        if cotangent is not None and shape_of(cotangent) != shape_of(primal):
            raise ValueError(f"the bwd rule of {name} returned a cotangent of shape "
                             f"{shape_of(cotangent)} for an input of shape {shape_of(primal)} "
                             f"(leaf {number}): each cotangent has its input's shape.")
    return leaves


def _check_rule_tangent(output: Any, tangent_out: Any, name: str) -> list:
    """The leaves of a ``custom_jvp`` rule's output tangent, checked against its output."""
    out_leaves, out_tree = flatten(output)
    tangent_leaves, tangent_tree = flatten(tangent_out)
    if tangent_tree != out_tree:
        raise TypeError(f"the jvp rule of {name} returned a tangent of structure "
                        f"{describe_tree(tangent_tree)} for an output of structure "
                        f"{describe_tree(out_tree)}; return (output, tangent_out) with "
                        "tangent_out shaped like output.")
    for value, tangent in zip(out_leaves, tangent_leaves):
        if shape_of(tangent) != shape_of(value):
            raise ValueError(f"the jvp rule of {name} returned a tangent of shape "
                             f"{shape_of(tangent)} for an output of shape {shape_of(value)}.")
    return tangent_leaves


# -- under vmap ---------------------------------------------------------------------------
# A custom function called on batched values runs once on the batch. Where a transformation
# below the vmap differentiates its inputs (grad(vmap(f))), the rule must reach that level:
# the call becomes a call of a custom function of the whole batch, whose body and rules are
# the vmapped originals, on the values carrying the batch axis. With nothing below, the
# body simply runs batched.


def _batch_of(leaves: list, level: Any) -> tuple[list, tuple] | None:
    """(the values under the batch level, per leaf 0 or None for unbatched), or None when
    no level below the vmap traces any of them."""
    axes = tuple(0 if isinstance(leaf, Tracer) and leaf.level is level else None
                 for leaf in leaves)
    values = [leaf.primal if axis == 0 else leaf for leaf, axis in zip(leaves, axes)]
    if not any(isinstance(value, Tracer) for value in values):
        return None
    return values, axes


def _on_leaves(function: Callable, in_tree: Any, name: str = "") -> Callable:
    """``function`` taking the leaves of its arguments (``name``: what messages call it)."""
    def on_leaves(*leaves: Any) -> Any:
        return function(*unflatten(in_tree, leaves))

    on_leaves.__name__ = on_leaves.__qualname__ = name or name_of(function)
    return on_leaves


def _batched_results(output: Any, level: Any) -> Any:
    leaves, tree = flatten(output)
    return unflatten(tree, [core.new_tracer(leaf, level) for leaf in leaves])


def _cotangent_leaves(cotangents: Any, in_tree: Any, name: str) -> list:
    """One entry per input leaf from ``bwd``'s tuple of per-argument cotangents."""
    count = len(in_tree.children)
    if not isinstance(cotangents, (tuple, list)) or len(cotangents) != count:
        raise TypeError(f"the bwd rule of {name} must return a tuple with one cotangent per "
                        f"argument ({count}); for one argument, return (g,), not g.")
    leaves: list = []
    for entry, subtree in zip(cotangents, in_tree.children):
        leaves.extend([None] * subtree.num_leaves if entry is None else flatten(entry)[0])
    return leaves


def _pair(result: Any, what: str) -> tuple:
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        got = (f"a {type(result).__name__} of {len(result)}"
               if isinstance(result, (tuple, list)) else f"a {type(result).__name__}")
        raise TypeError(f"{what}; it returned {got}.")
    return result[0], result[1]


class custom_vjp:
    """Give a function its own reverse-mode rule.

    >>> @cr.custom_vjp
    ... def clip_gradient(x):
    ...     return x
    >>> clip_gradient.defvjp(lambda x: (x, None), lambda res, g: (np.clip(g, -1, 1),))
    >>> cr.grad(lambda x: clip_gradient(5 * x))(1.0)
    5.0
    """

    def __init__(self, function: Callable):
        functools.update_wrapper(self, function)
        self.function = function
        self.fwd: Callable | None = None
        self.bwd: Callable | None = None

    def defvjp(self, fwd: Callable, bwd: Callable) -> None:
        """``fwd(*args) -> (output, residuals)``; ``bwd(residuals, g) -> tuple of cotangents``."""
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args: Any) -> Any:
        leaves, in_tree = flatten(args)
        level = core.top_level(leaves)
        if isinstance(level, BatchLevel):
            batch = _batch_of(leaves, level)
            if batch is not None:
                return _batched_results(self._of_the_batch(in_tree, batch[1])(*batch[0]),
                                        level)
        if level is None or not isinstance(level, ReverseLevel):
            return self.function(*args)
        fwd, bwd = self._rules()
        primals, parents = _unwrap(leaves, level)
        output, residuals = _pair(fwd(*unflatten(in_tree, primals)),
                                  f"the fwd rule of {name_of(self)} must return a pair "
                                  "(output, residuals)")
        out_leaves, out_tree = flatten(output)
        if not any(parent is not None for parent in parents) or not out_leaves:
            return output
        name = name_of(self)

        def rule(g: list, ans: tuple) -> list:
            filled = [zeros_like(value) if ct is None else ct for ct, value in zip(g, ans)]
            return _leaves_of_cotangents(bwd(residuals, unflatten(out_tree, filled)),
                                         in_tree, primals, name)

        results = level.record(custom_call, tuple(primals), tuple(out_leaves),
                               {"rule": rule}, tuple(parents))
        return unflatten(out_tree, results)

    def _rules(self) -> tuple:
        if self.fwd is None or self.bwd is None:
            raise NotImplementedError(f"{name_of(self.function)} is a custom_vjp function without "
                                      "rules: call its defvjp(fwd, bwd) first")
        return self.fwd, self.bwd

    def _of_the_batch(self, in_tree: Any, axes: tuple) -> "custom_vjp":
        """This function of the whole batch (``axes``: 0 or None per input leaf), taking
        the input leaves: body, ``fwd`` and ``bwd`` vmapped; the cotangent of an input the
        batch shares is summed over the batch."""
        fwd, bwd = self._rules()
        name = name_of(self)
        batched = custom_vjp(vmap(_on_leaves(self.function, in_tree, f"vmap({name})"),
                                  in_axes=axes))

        def batched_fwd(*leaves: Any) -> Any:
            return vmap(_on_leaves(fwd, in_tree), in_axes=axes)(*leaves)

        def batched_bwd(residuals: Any, g: Any) -> tuple:
            cotangents = _cotangent_leaves(vmap(bwd)(residuals, g), in_tree, name)
            return tuple(cotangent if cotangent is None or axis == 0 else np.sum(cotangent, axis=0)
                         for cotangent, axis in zip(cotangents, axes))

        batched.defvjp(batched_fwd, batched_bwd)
        return batched


class custom_jvp:
    """Give a function its own forward-mode rule; reverse mode transposes it.

    >>> @cr.custom_jvp
    ... def softplus(x):
    ...     return np.log1p(np.exp(x))
    >>> softplus.defjvp(lambda primals, tangents: (
    ...     softplus(primals[0]), tangents[0] / (1 + np.exp(-primals[0]))))
    >>> cr.grad(softplus)(0.0)
    0.5
    """

    def __init__(self, function: Callable):
        functools.update_wrapper(self, function)
        self.function = function
        self.rule: Callable | None = None

    def defjvp(self, rule: Callable) -> None:
        """``rule(primals, tangents) -> (output, output_tangent)``."""
        self.rule = rule

    @property
    def _must_return(self) -> str:
        return f"the jvp rule of {name_of(self)} must return a pair (output, tangent_out)"

    def __call__(self, *args: Any) -> Any:
        leaves, in_tree = flatten(args)
        level = core.top_level(leaves)
        if isinstance(level, BatchLevel):
            batch = _batch_of(leaves, level)
            if batch is None:
                return self.function(*args)  # nothing below the vmap differentiates
            return _batched_results(self._of_the_batch(in_tree, batch[1])(*batch[0]), level)
        if level is None:
            return self.function(*args)
        rule = self._checked_rule()
        primals, derivs = _unwrap(leaves, level)
        if all(d is None for d in derivs):
            return self.function(*unflatten(in_tree, primals))
        if isinstance(level, ReverseLevel):
            return self._transposed(rule, level, leaves, in_tree, primals, derivs)
        tangents = [zeros_like(p) if t is None else t for p, t in zip(primals, derivs)]
        output, tangent_out = _pair(
            rule(unflatten(in_tree, primals), unflatten(in_tree, tangents)), self._must_return)
        out_leaves, out_tree = flatten(output)
        tangent_leaves = _check_rule_tangent(output, tangent_out, name_of(self))
        return unflatten(out_tree, [core.new_tracer(o, level, t)
                                    for o, t in zip(out_leaves, tangent_leaves)])

    def _checked_rule(self) -> Callable:
        if self.rule is None:
            raise NotImplementedError(f"{name_of(self.function)} is a custom_jvp function without "
                                      "a rule: call its defjvp(rule) first")
        return self.rule

    def _of_the_batch(self, in_tree: Any, axes: tuple) -> "custom_jvp":
        """This function of the whole batch (``axes``: 0 or None per input leaf), taking
        the input leaves: body and rule vmapped (a tangent is batched as its primal)."""
        rule = self._checked_rule()
        batched = custom_jvp(vmap(_on_leaves(self.function, in_tree, f"vmap({name_of(self)})"),
                                  in_axes=axes))

        def member_rule(primals: tuple, tangents: tuple) -> Any:
            return rule(unflatten(in_tree, primals), unflatten(in_tree, tangents))

        batched.defjvp(lambda primals, tangents: vmap(member_rule, in_axes=(axes, axes))(
            tuple(primals), tuple(tangents)))
        return batched

    def _transposed(self, rule, level, leaves, in_tree, primals, parents):
        """Reverse mode: record the transpose of the (linear) tangent map."""
        differentiated = [i for i, parent in enumerate(parents) if parent is not None]
        captured: dict = {}

        def tangent_map(*chosen_tangents: Any) -> Any:
            tangents = [zeros_like(p) for p in primals]
            for i, tangent in zip(differentiated, chosen_tangents):
                tangents[i] = tangent
            output, tangent_out = _pair(
                rule(unflatten(in_tree, primals), unflatten(in_tree, tangents)),
                self._must_return)
            _check_rule_tangent(output, tangent_out, name_of(self))
            captured["output"] = output
            return tangent_out

        _, pullback = core.vjp(tangent_map, *[zeros_like(primals[i]) for i in differentiated])
        out_leaves, out_tree = flatten(captured["output"])

        def rule(g: list, ans: tuple) -> list:
            filled = [zeros_like(value) if ct is None else ct for ct, value in zip(g, ans)]
            cotangents = [None] * len(leaves)
            for i, cotangent in zip(differentiated, pullback(unflatten(out_tree, filled))):
                cotangents[i] = cotangent
            return cotangents

        results = level.record(custom_call, tuple(primals), tuple(out_leaves),
                               {"rule": rule}, tuple(parents))
        return unflatten(out_tree, results)


def checkpoint(function: Callable) -> Callable:
    """Save memory in reverse mode: keep only ``function``'s inputs and recompute
    its insides during the backward pass.

    >>> layer = cr.checkpoint(lambda x: np.tanh(np.tanh(x)))
    >>> round(float(cr.grad(lambda x: layer(x) * 2)(0.5)), 6)
    1.279616
    """

    @custom_vjp
    def checkpointed(*args: Any) -> Any:
        return function(*args)

    def fwd(*args: Any) -> tuple:
        return function(*args), args

    def bwd(args: tuple, g: Any) -> tuple:
        return core.vjp(function, *args)[1](g)

    checkpointed.defvjp(fwd, bwd)
    functools.update_wrapper(checkpointed, function)
    return checkpointed
