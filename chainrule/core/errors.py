"""The exceptions chainrule raises, each message saying what happened and what to do."""

from __future__ import annotations


class MissingRuleError(NotImplementedError):
    """A primitive has no derivative rule for the mode that needs it."""

    def __init__(self, primitive_name: str, mode: str, argnum: int | None = None):
        rule = "forward-mode (JVP)" if mode == "forward" else "reverse-mode (VJP)"
        which = "" if argnum is None else f" for argument {argnum}"
        super().__init__(
            f"{primitive_name} has no {rule} rule{which} in chainrule.\n"
            f"  Add one with {primitive_name.split('.')[-1]}.def_"
            f"{'jvp' if mode == 'forward' else 'vjp'}(...) next to its definition, "
            f"or differentiate in the other mode."
        )
        self.primitive_name = primitive_name
        self.mode = mode


class EscapedTracerError(RuntimeError):
    """A traced value was used after the transformation that made it returned."""

    def __init__(self, tracer_repr: str):
        super().__init__(
            f"{tracer_repr} belongs to a transformation (grad, jvp, ...) that has already "
            "returned: it leaked out, through a global, a list or a closure.\n"
            "  Return the values you need from the differentiated function instead "
            "(use has_aux=True to return extra values from grad)."
        )
