"""Straight-line Python from a :class:`~chainrule.jit.simplify.Program`.

One line per primitive, named after the graph's nodes (``w3 = 2 * w1``). Two
variants are written from one program:

- the **fast** variant computes Python and NumPy float scalars with Python's
  own arithmetic and ``math`` (``math.sin(w2)``, not ``np.sin``, which costs a
  microsecond on a float), converting back to the recorded NumPy type where a
  value leaves the scalar part (``np.float64(w7)``);
- the **exact** variant calls each primitive's implementation as recorded.

They compute the same numbers; where a float operation raises what NumPy's
would not (``math.log(0.0)``, ``1.0 / 0.0``) an exact entry is compiled for
that call (``cache.py``), so a compiled function returns what the plain one
does. Both reuse a dead
array's buffer with ``out=`` where the graph shows nothing else holds it, and
read constants and parameters from names hoisted out of the function.

>>> from chainrule.jit.tracing import record
>>> from chainrule.jit.simplify import simplify
>>> program = simplify(record(lambda x: np.sin(2.0 * x), [0.5], lambda i: (i, {}), ["x"]))
>>> print(generate(program, fast=True).source.split("\\n", 2)[2])
def lambda_(x):
    w1 = x
    w2 = 2.0 * w1
    w3 = math.sin(w2)
    return np.float64(w3)
<BLANKLINE>
"""

from __future__ import annotations

import builtins
import keyword
import math
import operator
from typing import Any

import numpy as np

from ..graph import select
from ..guards import Guard
from .simplify import Program, Step


class GuardFailed(Exception):
    """Raised by generated code when a guard does not hold; ``index`` names the guard."""

    def __init__(self, index: int):
        super().__init__(index)
        self.index = index


def holds(guard: Guard, value: Any) -> bool:
    """Whether ``guard`` holds for ``value`` (NaN matches NaN, as ``Guard.check`` says)."""
    seen = guard.convert(value)
    expected = guard.expected
    return bool(seen == expected) or (seen != seen and expected != expected)


INFIX = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
         operator.mod: "%", operator.pow: "**", operator.floordiv: "//",
         np.add: "+", np.subtract: "-", np.multiply: "*", np.true_divide: "/"}
COMPARISONS = {np.greater: ">", np.greater_equal: ">=", np.less: "<", np.less_equal: "<=",
               np.equal: "==", np.not_equal: "!="}
PREFIX = {operator.neg: "-", operator.pos: "+", np.negative: "-"}
# the ufunc an infix operator on arrays is, for out= reuse
INFIX_UFUNCS = {"+": "np.add", "-": "np.subtract", "*": "np.multiply", "/": "np.divide"}
MATH = {np.sin: "sin", np.cos: "cos", np.tan: "tan", np.exp: "exp", np.log: "log",
        np.sqrt: "sqrt", np.tanh: "tanh", np.sinh: "sinh", np.cosh: "cosh",
        np.arcsin: "asin", np.arccos: "acos", np.arctan: "atan", np.arcsinh: "asinh",
        np.arccosh: "acosh", np.arctanh: "atanh", np.log1p: "log1p", np.expm1: "expm1",
        np.log10: "log10", np.log2: "log2", np.fabs: "fabs", np.arctan2: "atan2",
        np.hypot: "hypot"}
FLOAT_TYPES = (float, np.float64)
BOOL_TYPES = (bool, np.bool_)
RESERVED = {"np", "math", "GuardFailed", "holds"}


def literal(value: Any) -> str | None:
    """Python source for a constant that reads better inline than hoisted, else None."""
    kind = type(value)
    if value is None or kind in (bool, int, str) or value is Ellipsis:
        return repr(value)
    if kind in (float, complex):
        return repr(value) if value == value and abs(value) != math.inf else None
    if kind in (tuple, list):
        texts = [literal(item) for item in value]
        parts = [text for text in texts if text is not None]
        if len(parts) != len(texts):
            return None
        if kind is tuple:
            return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        return "[" + ", ".join(parts) + "]"
    if kind is slice:
        bounds = [literal(value.start), literal(value.stop), literal(value.step)]
        parts = [text for text in bounds if text is not None]
        return f"slice({', '.join(parts)})" if len(parts) == 3 else None
    return None


def _operand(text: str) -> str:
    """An argument as an operand of an operator: negative and complex literals in brackets."""
    return f"({text})" if text[:1] == "-" or "j" in text or " " in text else text


def identifier(text: str) -> str:
    """``text`` as a Python identifier: other characters become ``_``.

    >>> identifier("numpy.linalg.solve"), identifier("<lambda>")
    ('numpy_linalg_solve', 'lambda_')
    """
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in text).strip("_") or "f"
    if name[0].isdigit() or keyword.iskeyword(name) or name in RESERVED or hasattr(
            builtins, name) or name == "lambda":
        name += "_"
    return name


class Generated:
    """A generated variant: its source, the names it reads, and each line's origin."""

    __slots__ = ("source", "namespace", "origins", "function_name")

    def __init__(self, source, namespace, origins, function_name):
        self.source = source
        self.namespace = namespace
        self.origins = origins  # line number (1-based) -> "file:line" that recorded it
        self.function_name = function_name


class _Writer:
    def __init__(self, program: Program, fast: bool):
        self.program = program
        self.fast = fast
        self.namespace: dict[str, Any] = {"np": np, "math": math, "GuardFailed": GuardFailed,
                                          "holds": holds}
        self.by_object: dict[int, str] = {}
        self.constant_notes: list[str] = []
        self.lines: list[str] = []
        # ints and shared strings: nothing here for the cycle collector to walk
        self.origins: dict[int, str] = {}
        self.origin_text: dict[tuple, str] = {}
        self.scalar: dict[int, str] = {}  # node index -> "float"/"bool": a Python scalar here
        self.guard_count = 0
        self.constant_count = 0
        self.labels: dict[int, str] = {}
        self.literals: dict[tuple, str] = {}

    # -- names --------------------------------------------------------------
    def name(self, index: int) -> str:
        name = self.labels.get(index)
        if name is None:
            name = self.labels[index] = self.program.names.get(index) or f"w{index + 1}"
        return name

    def hoist(self, value: Any, base: str | None = None) -> str:
        """A name in the namespace for ``value`` (one per object)."""
        known = self.by_object.get(id(value))
        if known is not None:
            return known
        if base is None:
            self.constant_count += 1
            base = f"c{self.constant_count}"
            while base in self.namespace:
                base += "_"
            self.constant_notes.append(f"{base} = {_describe(value)}")
        name, count = base, 1
        while name in self.namespace and self.namespace[name] is not value:
            count += 1
            name = f"{base}_{count}"
        self.namespace[name] = value
        self.by_object[id(value)] = name
        return name

    def constant(self, value: Any, as_float: bool = False) -> str:
        if as_float and isinstance(value, np.float64):
            value = float(value)
        kind = type(value)
        if kind is float or kind is int:
            key = (kind, value) if value == value and value != 0 else (kind, repr(value))
            text = self.literals.get(key)
            if text is None:
                text = self.literals[key] = literal(value) or self.hoist(value)
            return text
        text = literal(value)
        return text if text is not None else self.hoist(value)

    # -- values as the generated code holds them ------------------------------
    def is_python_float(self, index: int) -> bool:
        return self.scalar.get(index) == "float" or self.program.kinds[index].type is float

    def argument(self, index: int) -> str:
        """A node's value where a NumPy function reads it: in its recorded type."""
        name = self.name(index)
        recorded = self.program.kinds[index].type
        if self.scalar.get(index) and recorded not in (float, bool):
            return f"np.{recorded.__name__}({name})"
        return name

    def arguments(self, step: Step, scalar: bool) -> list:
        texts = ["None" if arg is None else self.constant(arg, as_float=scalar)
                 for arg in step.args]  # a None not replaced below is a constant None
        for position, source in step.sources:
            texts[position] = self.name(source) if scalar else self.argument(source)
        return texts

    def scalar_kind(self, step: Step) -> str | None:
        """"float" or "bool" where the fast variant computes the step on Python scalars."""
        impl = step.primitive.impl
        if not self.fast or not (impl in INFIX or impl in PREFIX or impl in MATH or
                                 impl in COMPARISONS or impl is np.power):
            return None
        recorded = step.kind.type
        kind = "bool" if impl in COMPARISONS else "float"
        if recorded not in (BOOL_TYPES if kind == "bool" else FLOAT_TYPES):
            return None
        for _, source in step.sources:
            if not self.is_python_float(source):
                return None
        for arg in step.args:
            if arg is not None and (type(arg) not in (int, float, np.float64) or
                                    literal(float(arg)) is None):
                return None
        return kind

    # -- lines --------------------------------------------------------------
    def expression(self, step: Step, reuse: str | None) -> str:
        impl = step.primitive.impl
        scalar = step.index in self.scalar
        args = self.arguments(step, scalar)
        if step.primitive is select:
            return f"{args[0]}[{step.params['index']}]"
        if scalar and impl in MATH:
            return f"math.{MATH[impl]}({', '.join(args)})"
        if scalar and impl is np.power:
            if type(step.args[1]) is int:
                return f"{_operand(args[0])} ** {args[1]}"
            return f"math.pow({args[0]}, {args[1]})"
        if reuse is not None:
            ufunc = INFIX_UFUNCS.get(INFIX.get(impl, "")) or (
                f"np.{impl.__name__}" if PREFIX.get(impl) is None else "np.negative")
            return f"{ufunc}({', '.join(args)}, out={reuse})"
        if impl in INFIX or (scalar and impl in COMPARISONS):
            symbol = INFIX.get(impl) or COMPARISONS[impl]
            return f"{_operand(args[0])} {symbol} {_operand(args[1])}"
        lowered = self.lowered(step, args)
        if lowered is not None:
            return lowered
        if impl in PREFIX and not step.params:
            return f"{PREFIX[impl]}{_operand(args[0])}"
        ufunc_name = getattr(impl, "__name__", "") if isinstance(impl, np.ufunc) else ""
        if ufunc_name and getattr(np, ufunc_name, None) is impl:
            function = f"np.{ufunc_name}"
        else:
            function = self.hoist(impl, identifier(step.primitive.name.removeprefix("numpy.")))
        params = [f"{key}={self.constant(value)}" for key, value in step.params.items()]
        return f"{function}({', '.join(args + params)})"

    def lowered(self, step: Step, args: list) -> str | None:
        """A primitive whose implementation is a thin layer over a NumPy call, written as
        that call (it is the same computation; the shapes it depends on are fixed)."""
        name = step.primitive.name
        params = step.params
        if name == "numpy.getitem":
            return f"{args[0]}[{self.constant(params['index'])}]"
        if not step.sources or self.program.kinds[step.sources[0][1]].type is not np.ndarray:
            return None
        x = args[0]
        if step.primitive.impl is np.matmul and not params and len(step.sources) == 2:
            a, b = (self.program.kinds[source] for _, source in step.sources)
            if a.type is b.type is np.ndarray and a.ndim == b.ndim == 2 and a.shape[1] == 1:
                return f"np.multiply({args[0]}, {args[1]})"  # an outer product: one product each
        if name == "numpy.sum":
            return (f"np.add.reduce({x}, axis={self.constant(params['axis'])}, "
                    f"keepdims={self.constant(params['keepdims'])})")
        if name == "numpy.swapaxes":
            ndim = self.program.kinds[step.sources[0][1]].ndim
            if ndim == 2 and {params["axis1"] % 2, params["axis2"] % 2} == {0, 1}:
                return f"{x}.T"
            return f"{x}.swapaxes({params['axis1']}, {params['axis2']})"
        if name == "numpy.transpose":
            axes = params["axes"]
            return f"{x}.transpose()" if axes is None else (
                f"{x}.transpose({self.constant(axes)})")
        if name == "numpy.reshape":
            return f"{x}.reshape({self.constant(params['shape'])}, order={params['order']!r})"
        if name == "numpy.sum_to":
            shape = params["shape"]
            g_shape = self.program.kinds[step.sources[0][1]].shape
            extra = len(g_shape) - len(shape)
            axes = tuple(range(extra)) + tuple(extra + axis for axis, size in enumerate(shape)
                                               if size == 1 and g_shape[extra + axis] != 1)
            if not axes:
                return x if g_shape == shape else f"{x}.reshape({self.constant(shape)})"
            summed_shape = tuple(size for axis, size in enumerate(g_shape) if axis not in axes)
            text = f"np.add.reduce({x}, axis={self.constant(axes)})"
            return text if summed_shape == shape else f"{text}.reshape({self.constant(shape)})"
        return None

    def emit(self, text: str, origin: tuple | None = None) -> None:
        self.lines.append("    " + text)
        if origin is not None:
            where = self.origin_text.get(origin)
            if where is None:
                where = self.origin_text[origin] = f"{origin[0]}:{origin[1]}"
            self.origins[len(self.lines) + 3] = where  # header: two comments and the def

    def tree(self, tree: Any, leaves: Any) -> str:
        """The expression building the pytree ``tree`` from the leaf expressions ``leaves``."""
        kind = tree.kind
        if kind is None:
            return next(leaves)
        if kind == "none":
            return "None"
        children = [self.tree(child, leaves) for child in tree.children]
        if kind is tuple:
            return "(" + ", ".join(children) + ("," if len(children) == 1 else "") + ")"
        if kind is list:
            return "[" + ", ".join(children) + "]"
        if kind is dict:
            return "{" + ", ".join(f"{self.constant(key)}: {child}"
                                   for key, child in zip(tree.meta, children)) + "}"
        return f"{self.hoist(kind, identifier(kind.__name__))}({', '.join(children)})"

    def note(self, note: tuple) -> None:
        """A line naming a value: another node's (``w7_bar = w9_bar``) or a constant."""
        _, name, value = note
        if isinstance(value, tuple):
            text = literal(value[1])
            self.emit(f"{name} = {text if text is not None else self.hoist(value[1])}")
        elif value in self.program.kinds and (value < len(self.program.inputs) or any(
                step.index == value for step in self.program.steps)):
            self.emit(f"{name} = {self.name(value)}")

    def guards(self, index: int) -> None:
        for guard in self.program.guards.get(index, ()):
            self.guard_count += 1
            number = self.guard_count - 1
            value = self.name(index)
            if guard.kind == "bool":
                test = f"not {value}" if guard.expected else value
            elif guard.kind == "shape":
                test = f"np.shape({value}) != {literal(guard.expected)}"
            else:
                test = f"not holds({self.hoist(guard, f'guard{number}')}, {value})"
            self.emit(f"if {test}:  # {guard.describe()}")
            self.emit(f"    raise GuardFailed({number})")


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"<ndarray {value.shape} {value.dtype}>"
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


_ELEMENTWISE_OPERATORS = (operator.add, operator.sub, operator.mul, operator.truediv,
                          operator.neg)


def _elementwise(step: Step) -> bool:
    impl = step.primitive.impl
    if step.params:
        return False
    return impl in _ELEMENTWISE_OPERATORS or (isinstance(impl, np.ufunc) and impl.signature is None
                                              and impl.nout == 1)


def buffer_donors(program: Program) -> dict[int, int]:
    """Step index -> the dead array whose buffer it writes into with ``out=``.

    A donor is an array a previous elementwise step made (so nothing else
    shares its memory), read only by elementwise steps (so no view of it
    lives on), not an output, last read by this step, of this step's shape
    and dtype.
    """
    readers: dict[int, list] = {}
    for step in program.steps:
        for _, source in step.sources:
            readers.setdefault(source, []).append(step)
    outputs = {index for index, _ in program.outputs}
    fresh = {step.index for step in program.steps if (_elementwise(step) or (
        step.primitive.impl is np.matmul and not step.params)) and
        step.kind.type is np.ndarray and step.kind.ndim > 0}
    donors: dict[int, int] = {}
    for step in program.steps:
        if step.index not in fresh or not _elementwise(step):
            continue
        for _, source in step.sources:
            if source in fresh and source not in outputs and readers[source][-1] is step and (
                    all(_elementwise(reader) for reader in readers[source])) and (
                    program.kinds[source] == step.kind) and (
                    source not in donors.values()):
                donors[step.index] = source
                break
    return donors


def generate(program: Program, fast: bool) -> Generated:
    """The source of one variant of ``program`` and the namespace it runs in."""
    writer = _Writer(program, fast)
    function_name = identifier(program.name)
    parameters = []
    for index, name in program.inputs:
        parameter = identifier(name)
        while parameter in parameters or parameter == function_name or (
                parameter[:1] == "w" and parameter[1:].isdigit()):
            parameter += "_"
        parameters.append(parameter)
        if fast and program.kinds[index].type is np.float64:
            writer.scalar[index] = "float"
            writer.emit(f"{writer.name(index)} = float({parameter})")
        else:
            writer.emit(f"{writer.name(index)} = {parameter}")
        writer.guards(index)
    donors = buffer_donors(program)
    notes = list(program.notes)
    for step in program.steps:
        while notes and notes[0][0] <= step.index:
            writer.note(notes.pop(0))
        kind = writer.scalar_kind(step)
        if kind is not None:
            writer.scalar[step.index] = kind
        donor = donors.get(step.index)
        reuse = None if donor is None else writer.name(donor)
        line = f"{writer.name(step.index)} = {writer.expression(step, reuse)}"
        if reuse is not None:
            line += f"  # into {reuse}'s buffer"
        writer.emit(line, step.origin or ("<unknown>", 0))
        writer.guards(step.index)
    for note in notes:
        writer.note(note)
    results = [writer.constant(constant) if index is None else writer.argument(index)
               for index, constant in program.outputs]
    for position in program.copies:
        results[position] += ".copy()"
    writer.emit(f"return {writer.tree(program.out_tree, iter(results))}")
    steps, guards = len(program.steps), writer.guard_count
    header = [f"# generated by cr.jit from {program.name}: {steps} step{'s' * (steps != 1)}, "
              f"{guards} guard{'s' * (guards != 1)} ({'fast' if fast else 'exact'} variant)",
              "# constants: " + ("; ".join(writer.constant_notes) or "none"),
              f"def {function_name}({', '.join(parameters)}):"]
    source = "\n".join(header + writer.lines) + "\n"
    return Generated(source, writer.namespace, writer.origins, function_name)


def uses_scalars(program: Program) -> bool:
    """Whether the fast variant differs from the exact one (some step on Python floats)."""
    writer = _Writer(program, True)
    for index, _ in program.inputs:
        if program.kinds[index].type is np.float64:
            return True
    for step in program.steps:
        kind = writer.scalar_kind(step)
        if kind is not None:
            writer.scalar[step.index] = kind
            if not (step.primitive.impl in INFIX and step.kind.type is float):
                return True
    return False
