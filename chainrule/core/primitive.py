"""``Primitive``: one differentiable operation owning its raw implementation and
both derivative rules. The one registry every mode reads.

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
from .trace import Tracer


def tape_only(*args: Any, **params: Any) -> Any:
    """The implementation of a primitive that only marks tape nodes and is never applied."""
    raise TypeError("this primitive only marks nodes on a tape; it is never applied to values")


class Primitive:
    """A differentiable operation: ``impl`` plus a VJP rule and a JVP rule.

    Per-argument rules (``def_vjp(rule0, rule1, ...)``) are called only for
    the arguments that are being differentiated:

    - VJP rule ``i``: ``(g, ans, *args, **params) -> cotangent of args[i]``
    - JVP rule ``i``: ``(t, ans, *args, **params) -> tangent of the output
      contributed by the tangent ``t`` of args[i]``

    A joint rule sees every argument at once, for operations where that is
    clearer (``def_vjp_joint``, ``def_jvp_joint``). ``None`` stands for a
    symbolic zero everywhere: no arrays of zeros are built to be added.
    """

    __slots__ = (
        "name", "impl", "vjp_rules", "vjp_joint", "jvp_rules", "jvp_joint",
        "nondiff", "multiple_results", "reverse_complete", "forward_complete", "partials",
        "__weakref__",
    )

    def __init__(self, name: str, impl: Callable, multiple_results: bool = False):
        self.name = name
        self.impl = impl
        self.vjp_rules: tuple = ()  # empty: no rule yet
        self.vjp_joint: Callable | None = None
        self.jvp_rules: tuple = ()
        self.jvp_joint: Callable | None = None
        self.nondiff = False
        self.multiple_results = multiple_results
        # True when every argument has a rule, so the hot path can skip checking
        self.reverse_complete = False
        self.forward_complete = False
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

    def def_vjp(self, *rules: Callable | None) -> None:
        """Reverse-mode rules, one per argument (``None`` for non-differentiable ones)."""
        self.vjp_rules = rules
        self.reverse_complete = self.vjp_joint is not None or None not in rules

    def def_jvp(self, *rules: Callable | None) -> None:
        """Forward-mode rules, one per argument (``None`` for non-differentiable ones)."""
        self.jvp_rules = rules
        self.forward_complete = self.jvp_joint is not None or None not in rules

    def def_vjp_joint(self, rule: Callable) -> None:
        """``rule(g, ans, *args, **params) -> tuple of cotangents`` (None for zero)."""
        self.vjp_joint = rule
        self.reverse_complete = True

    def def_jvp_joint(self, rule: Callable) -> None:
        """``rule(tangents, ans, *args, **params) -> output tangent``; tangents hold None for zero."""
        self.jvp_joint = rule
        self.forward_complete = True

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
        >>> sin.vjp_rules[0](2.0, sin(0.0), 0.0)
        2.0
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

    def has_vjp(self, argnum: int) -> bool:
        if self.nondiff or self.vjp_joint is not None:
            return True
        rules = self.vjp_rules
        return argnum < len(rules) and rules[argnum] is not None

    def has_jvp(self, argnum: int) -> bool:
        if self.nondiff or self.jvp_joint is not None:
            return True
        rules = self.jvp_rules
        return argnum < len(rules) and rules[argnum] is not None

    @property
    def modes(self) -> tuple:
        """The modes with a rule: ``('forward', 'reverse')``, one of them, or ``('nondiff',)``."""
        if self.nondiff:
            return ("nondiff",)
        modes = []
        if self.jvp_rules or self.jvp_joint:
            modes.append("forward")
        if self.vjp_rules or self.vjp_joint:
            modes.append("reverse")
        return tuple(modes)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"
