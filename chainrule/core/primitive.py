"""``Primitive``: one operation owning its raw implementation and one rule
table per interpreter. The one registry every level reads.

Rules are written with wrapped (traced) operations, so the derivative of a
rule is itself traced: that is what makes every order and every mix of modes
work.

>>> import math
>>> sin = Primitive("sin", math.sin)
>>> cos = Primitive("cos", math.cos)
>>> sin.def_vjp(lambda g, ans, x: g * cos(x))          # reverse: cotangent of x
>>> sin.def_jvp(lambda t, ans, x: t * cos(x))          # forward: tangent of the output
>>> sin.modes
('forward', 'reverse')
"""

from __future__ import annotations

from typing import Any, Callable

from . import vspace
from .errors import MissingRuleError
from .trace import Tracer

# The interpreters with rule tables, and the mode each names in messages.
MODE_OF = {"jvp": "forward", "vjp": "reverse", "batch": "batching"}


def tape_only(*args: Any, **params: Any) -> Any:
    """The implementation of a primitive that only marks tape nodes and is never applied."""
    raise TypeError("this primitive only marks nodes on a tape; it is never applied to values")


def _joint_vjp(rules: tuple) -> Callable:
    """Per-argument VJP rules as one joint rule that calls only the wanted ones.

    Written out for one and two arguments, the common cases: the backward pass
    calls this once per recorded operation.
    """
    declared: tuple[Any, ...] = rules  # an argument without a rule is never wanted here
    if len(declared) == 1:
        (first,) = declared

        def vjp_one(g: Any, ans: Any, args: tuple, params: dict, wanted: tuple) -> tuple:
            return (first(g, ans, *args, **params),) if wanted[0] else (None,)

        return vjp_one
    if len(declared) == 2:
        first, second = declared

        def vjp_two(g: Any, ans: Any, args: tuple, params: dict, wanted: tuple) -> tuple:
            return (first(g, ans, *args, **params) if wanted[0] else None,
                    second(g, ans, *args, **params) if wanted[1] else None)

        return vjp_two

    def vjp(g: Any, ans: Any, args: tuple, params: dict, wanted: tuple) -> list:
        return [rule(g, ans, *args, **params) if want else None
                for rule, want in zip(declared, wanted)]

    return vjp


class Primitive:
    """An operation: ``impl`` plus one rule per interpreter (``vjp``, ``jvp``, ``batch``).

    Rules are declared in the form that reads best for the operation and
    stored in one internal form per interpreter, so each level has one code
    path and one missing-rule check:

    - ``rules["vjp"](g, ans, args, params, wanted)``: a sequence with one
      cotangent per argument (None for zero); only arguments ``wanted`` marks
      are computed.
    - ``rules["jvp"](tangents, ans, args, params)``: the output tangent;
      ``tangents`` holds None for a zero.
    - ``rules["batch"](args, batched, params)``: the output with the batch axis
      first, where ``batched[i]`` says whether ``args[i]`` carries it.

    Per-argument declarations (``def_vjp(rule0, rule1, ...)``, called only for
    the arguments differentiated) and joint ones (``def_vjp_joint``) become
    that form; ``covered[interpreter]`` records which arguments have a rule.
    ``None`` stands for a symbolic zero everywhere: no arrays of zeros are
    built to be added.
    """

    __slots__ = (
        "name", "impl", "rules", "covered", "complete", "nondiff", "multiple_results",
        "partials", "__weakref__",
    )

    def __init__(self, name: str, impl: Callable, multiple_results: bool = False):
        self.name = name
        self.impl = impl
        self.rules: dict[str, Callable] = {}
        # per interpreter: one flag per argument (an empty tuple: every argument)
        self.covered: dict[str, tuple] = {}
        # the interpreters whose rule covers every argument: the hot path skips checking
        self.complete: set[str] = set()
        self.nondiff = False
        self.multiple_results = multiple_results
        # elementwise operations: one partial-derivative function per argument
        self.partials: tuple | None = None

    # ``trace.bind`` written out in place: this is the hot path of every
    # traced operation, and a function call more costs ~5% of it.
    def __call__(self, *args: Any, **params: Any) -> Any:
        top = None
        for value in args:
            if isinstance(value, Tracer):
                level = value.level
                if top is None or level.depth > top.depth:
                    top = level
        if top is None:
            return self.impl(*args, **params)
        if not top.active:
            raise top.inactive_error()
        return top.process(self, args, params)

    def def_rule(self, interpreter: str, rule: Callable, covered: tuple = ()) -> None:
        """Store ``rule``, already in ``interpreter``'s internal form (see the class).

        ``covered``: one flag per argument that has a rule; empty means all do.
        """
        self.rules[interpreter] = rule
        self.covered[interpreter] = tuple(covered)
        if all(covered):
            self.complete.add(interpreter)
        else:
            self.complete.discard(interpreter)

    def def_vjp(self, *rules: Callable | None) -> None:
        """Reverse-mode rules, one per argument (``None`` for non-differentiable ones):
        ``rule(g, ans, *args, **params) -> cotangent of that argument``."""
        self.def_rule("vjp", _joint_vjp(rules), tuple(rule is not None for rule in rules))

    def def_jvp(self, *rules: Callable | None) -> None:
        """Forward-mode rules, one per argument (``None`` for non-differentiable ones):
        ``rule(t, ans, *args, **params) -> that argument's share of the output tangent``."""
        declared: tuple[Any, ...] = rules  # an argument without a rule has no tangent here

        def jvp(tangents: list, ans: Any, args: tuple, params: dict) -> Any:
            tangent_out = None
            for rule, tangent in zip(declared, tangents):
                if tangent is None:
                    continue
                contribution = rule(tangent, ans, *args, **params)
                if contribution is not None:
                    tangent_out = (contribution if tangent_out is None
                                   else tangent_out + contribution)
            return tangent_out

        self.def_rule("jvp", jvp, tuple(rule is not None for rule in rules))

    def def_vjp_joint(self, rule: Callable) -> None:
        """``rule(g, ans, *args, **params) -> tuple of cotangents`` (None for zero)."""
        self.def_rule("vjp", lambda g, ans, args, params, wanted: rule(g, ans, *args, **params))

    def def_jvp_joint(self, rule: Callable) -> None:
        """``rule(tangents, ans, *args, **params) -> output tangent``; tangents hold None for zero."""
        self.def_rule("jvp", lambda tangents, ans, args, params: rule(tangents, ans, *args,
                                                                       **params))

    def def_batch(self, rule: Callable) -> None:
        """The batching rule: ``rule(args, batched, **params) -> output, batch axis first``.

        ``batched[i]`` says whether ``args[i]`` carries the batch axis (first);
        the others are the same for every batch member. Without a rule, batching
        loops over the batch and stacks the results.
        """
        self.def_rule("batch", lambda args, batched, params: rule(args, batched, **params))

    def has_rule(self, interpreter: str, argnum: int) -> bool:
        """Whether argument ``argnum`` has an ``interpreter`` rule (nondiff: every derivative)."""
        if self.nondiff and interpreter != "batch":
            return True
        if interpreter not in self.rules:
            return False
        covered = self.covered[interpreter]
        return not covered or (argnum < len(covered) and covered[argnum])

    def check_rules(self, interpreter: str, flags: Any) -> None:
        """Raise MissingRuleError for the first argument ``flags`` marks that has no rule."""
        if interpreter in self.complete:
            return
        for argnum, flag in enumerate(flags):
            if flag is not None and flag is not False and not self.has_rule(interpreter, argnum):
                raise MissingRuleError(self.name, MODE_OF[interpreter], argnum)

    def def_linear(self, *vjp_rules: Callable | None) -> None:
        """Declare the operation linear in its array arguments.

        The JVP follows from linearity (apply the operation to the tangents);
        the VJP rules given are its transpose.
        """
        self.def_vjp(*vjp_rules)

        def linear_jvp(tangents: list, ans: Any, *args: Any, **params: Any) -> Any:
            filled = [
                vspace.zeros_like(arg) if tangent is None else tangent
                for tangent, arg in zip(tangents, args)
            ]
            return self(*filled, **params)

        self.def_jvp_joint(linear_jvp)

    def def_partials(self, *partials: Callable | None) -> None:
        """Declare an elementwise operation by its partial derivatives, one per argument.

        ``partial(ans, *args, **params)`` is the derivative of the output with
        respect to ``args[i]``, entry by entry (``None`` for an argument without
        one). The Jacobian is diagonal, so one factor serves both modes: the
        cotangent of ``args[i]`` is ``g * factor`` and its tangent contribution
        ``t * factor``. The backward pass and tape replays compute the factors of
        a recorded operation once and reuse them for every cotangent or tangent.

        >>> import math
        >>> sin = Primitive("sin", math.sin)
        >>> sin.def_partials(lambda ans, x: math.cos(x))
        >>> sin.rules["vjp"](2.0, sin(0.0), (0.0,), {}, (True,))
        (2.0,)
        """
        self.partials = partials
        # Primitive's own def_vjp/def_jvp: the scaling hooks below already fit shapes
        Primitive.def_vjp(self, *(None if partial is None else self._partial_vjp(partial, argnum)
                                  for argnum, partial in enumerate(partials)))
        Primitive.def_jvp(self, *(None if partial is None else self._partial_jvp(partial)
                                  for partial in partials))

    def _partial_vjp(self, partial: Callable, argnum: int) -> Callable:
        def vjp(g: Any, ans: Any, *args: Any, **params: Any) -> Any:
            return self.cotangent_from_partial(g, partial(ans, *args, **params), argnum, args,
                                               params)

        return vjp

    def _partial_jvp(self, partial: Callable) -> Callable:
        def jvp(t: Any, ans: Any, *args: Any, **params: Any) -> Any:
            return self.tangent_from_partial(t, partial(ans, *args, **params), ans, params)

        return jvp

    def factors(self, ans: Any, args: tuple, params: dict, wanted: tuple) -> list:
        """The partial derivatives of a recorded operation for the arguments ``wanted`` marks."""
        partials = self.partials or ()
        return [None if not want else partials[argnum](ans, *args, **params)
                for argnum, want in enumerate(wanted)]

    def cotangent_from_partial(self, g: Any, factor: Any, argnum: int, args: tuple,
                               params: dict) -> Any:
        """The cotangent of ``args[argnum]``; array layers also sum broadcast axes here."""
        return g * factor

    def tangent_from_partial(self, t: Any, factor: Any, ans: Any, params: dict) -> Any:
        """One argument's contribution to the output tangent; array layers broadcast here."""
        return t * factor

    def def_nondiff(self) -> None:
        """Declare the output piecewise constant: its derivative is zero in every mode."""
        self.nondiff = True

    @property
    def modes(self) -> tuple:
        """The modes with a rule: ``('forward', 'reverse')``, one of them, or ``('nondiff',)``."""
        if self.nondiff:
            return ("nondiff",)
        modes = []
        if "jvp" in self.rules:
            modes.append("forward")
        if "vjp" in self.rules:
            modes.append("reverse")
        return tuple(modes)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"
