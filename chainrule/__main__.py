"""The command line: ``python -m chainrule demo`` prints the worked examples
with their derivatives; ``python -m chainrule rules`` lists every primitive
with the modes it supports; ``python -m chainrule diff 'x*y + sin(x)' --at
x=1,y=2`` differentiates a formula given as text (``--order 2`` adds the
Hessian, ``--table`` the evaluation table, ``--graph f.svg`` draws it).

A formula is read with Python's ``ast`` against a whitelist: numbers, the
variables given with ``--at``, the constants pi and e, the operators
``+ - * / **`` and the functions in ``FORMULA_FUNCTIONS``. It is never
evaluated as Python: the function is built by walking the tree and calling
``chainrule.numpy``.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import math
import re
import sys
from typing import Any, Callable

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp
from chainrule import coverage
from chainrule.numpy.wrap import PRIMITIVES


def taylor_sin(x: float, terms: int = 20) -> float:
    """sin(x) from its Taylor series, written as a plain Python loop."""
    total, term = 0.0, x
    for n in range(terms):
        total = total + term
        term = -term * x * x / ((2 * n + 2) * (2 * n + 3))
    return total


def demo() -> None:
    """Print the worked examples and their derivatives."""
    print("chainrule demo: exact derivatives of plain Python + NumPy code\n")

    print("1. grad(np.tanh)(1.0)")
    print(f"   = {cr.grad(np.tanh)(1.0):.15f}   (1 - tanh(1)^2 = {1 - math.tanh(1.0) ** 2:.15f})\n")

    print("2. Derivatives of tanh at 0.5 by nesting grad")
    f: Callable = np.tanh
    for order in range(1, 7):
        f = cr.grad(f)
        print(f"   order {order}: {f(0.5): .15f}")
    print()

    print("3. sin(x) as a 20-term Taylor series through a Python loop, at x = 1.3")
    print(f"   d/dx   = {cr.grad(taylor_sin)(1.3): .15f}   cos(1.3)  = {math.cos(1.3): .15f}")
    print(f"   d2/dx2 = {cr.grad(cr.grad(taylor_sin))(1.3): .15f}   -sin(1.3) = {-math.sin(1.3): .15f}\n")

    def f2(x1, x2):
        return np.exp(2 * x1) + x1 * x2**2 + np.cos(x2)

    print("4. f(x1, x2) = exp(2 x1) + x1 x2^2 + cos(x2) at (1, 2)")
    reverse = cr.grad(f2, argnums=(0, 1))(1.0, 2.0)
    forward = cr.jacfwd(f2, argnums=(0, 1))(1.0, 2.0)
    print(f"   reverse mode: {tuple(round(float(v), 12) for v in reverse)}")
    print(f"   forward mode: {tuple(round(float(v), 12) for v in forward)}")
    print(f"   exact:        ({2 * math.exp(2) + 4:.12f}, {4 - math.sin(2):.12f})\n")

    def lagrangian(a, b):
        return b * ((a + b) * (a - b))

    print("5. L(a, b) = b (a + b)(a - b) at (a, b) = (1, 2)")
    print(f"   gradient:            {cr.grad(lagrangian, argnums=(0, 1))(1.0, 2.0)}")
    second = (cr.grad(cr.grad(lagrangian, 0), 0)(1.0, 2.0),
              cr.grad(cr.grad(lagrangian, 1), 1)(1.0, 2.0))
    print(f"   d2L/da2, d2L/db2:    {second}")
    hessian = cr.hessian(lambda v: lagrangian(v[0], v[1]))(np.array([1.0, 2.0]))
    print(f"   Hessian:             {hessian.tolist()}\n")

    print("6. A Jacobian and a Hessian-vector product on arrays")
    x = np.array([0.1, 0.2, 0.3])
    print(f"   jacobian(np.sin)(x) diagonal = {np.diag(cr.jacobian(np.sin)(x)).round(6)}")
    print(f"   hvp(sum(x^3), x, [1,0,0])     = {cr.hvp(lambda x: np.sum(x ** 3), x, np.array([1.0, 0, 0]))}")


def pictures(folder: str) -> None:
    """Write the demo's pictures and index.html into ``folder`` (needs the [all] extra)."""
    try:
        from chainrule import gallery  # matplotlib, an optional extra, comes with it
    except ImportError as error:
        print(f"pictures skipped ({error}): pip install 'chainrule[all]' draws them")
        return
    print(f"Pictures, into {folder}/:")
    gallery.write_gallery(folder, report=lambda line: print(f"   {line}", flush=True))


def rules() -> None:
    """Print every primitive of the NumPy layer with the modes it supports; the batch
    column says whether vmap runs it once on the batch (rule) or once per member (loop)."""
    print("zero: piecewise constant, its derivative is zero in every mode; batch: rule = one "
          "call on the whole batch under vmap, loop = one call per member")
    print(f"{'primitive':<32} forward  reverse  batch")
    for name in sorted(PRIMITIVES):
        primitive = PRIMITIVES[name]
        batch = "rule" if "batch" in primitive.rules else "loop"
        if primitive.modes == ("nondiff",):
            print(f"{name:<32} {'zero':<8} {'zero':<8} {batch}")
        else:
            marks = ["yes" if mode in primitive.modes else "NO" for mode in ("forward", "reverse")]
            print(f"{name:<32} {marks[0]:<8} {marks[1]:<8} {batch}")


# -- diff: a formula given as text -----------------------------------------------------

FORMULA_FUNCTIONS: dict[str, tuple[Callable, int]] = {  # name -> (function, arity)
    "sin": (cnp.sin, 1), "cos": (cnp.cos, 1), "tan": (cnp.tan, 1),
    "asin": (cnp.arcsin, 1), "acos": (cnp.arccos, 1), "atan": (cnp.arctan, 1),
    "arcsin": (cnp.arcsin, 1), "arccos": (cnp.arccos, 1), "arctan": (cnp.arctan, 1),
    "sinh": (cnp.sinh, 1), "cosh": (cnp.cosh, 1), "tanh": (cnp.tanh, 1),
    "asinh": (cnp.arcsinh, 1), "acosh": (cnp.arccosh, 1), "atanh": (cnp.arctanh, 1),
    "exp": (cnp.exp, 1), "expm1": (cnp.expm1, 1), "exp2": (cnp.exp2, 1),
    "log": (cnp.log, 1), "log1p": (cnp.log1p, 1), "log2": (cnp.log2, 1),
    "log10": (cnp.log10, 1), "sqrt": (cnp.sqrt, 1), "cbrt": (cnp.cbrt, 1),
    "abs": (cnp.absolute, 1), "square": (cnp.square, 1),
    "atan2": (cnp.arctan2, 2), "arctan2": (cnp.arctan2, 2), "hypot": (cnp.hypot, 2),
    "pow": (cnp.power, 2), "max": (cnp.maximum, 2), "min": (cnp.minimum, 2),
    "logaddexp": (cnp.logaddexp, 2),
}
FORMULA_CONSTANTS = {"pi": math.pi, "e": math.e}
_BINARY = {ast.Add: cnp.add, ast.Sub: cnp.subtract, ast.Mult: cnp.multiply,
           ast.Div: cnp.divide, ast.Pow: cnp.power}
_UNARY = {ast.USub: cnp.negative, ast.UAdd: cnp.positive}
_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Constant,
            ast.Load, *_BINARY, *_UNARY)
# what a rejected piece of syntax is called in the error
_SYNTAX_NAMES = {
    ast.Attribute: "attribute access (a.b)", ast.Subscript: "indexing (a[i])",
    ast.Lambda: "lambda", ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension", ast.GeneratorExp: "a comprehension",
    ast.Compare: "a comparison", ast.BoolOp: "and/or", ast.IfExp: "if/else",
    ast.keyword: "a keyword argument", ast.Starred: "a * argument", ast.Tuple: "a tuple",
    ast.List: "a list", ast.Dict: "a dict", ast.Set: "a set", ast.JoinedStr: "an f-string",
    ast.NamedExpr: "an assignment (:=)", ast.Await: "await", ast.Yield: "yield",
    ast.YieldFrom: "yield",
}
MAX_FORMULA_LENGTH = 1000
MAX_FORMULA_DEPTH = 64
_FUNCTION_LIST = ", ".join(sorted(FORMULA_FUNCTIONS))


class FormulaError(ValueError):
    """A formula (or ``--at`` list) that ``diff`` does not accept; the message is one line."""


def _check_formula(text: str, variables: list) -> ast.Expression:
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"the formula has {len(text)} characters; at most "
                           f"{MAX_FORMULA_LENGTH} are read")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise FormulaError(f"the formula is not an expression: {error.msg} "
                           f"(at character {error.offset})") from None
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    callees: set = set()  # the Name nodes that are called: function names
    while stack:  # every node against the whitelist, with the nesting depth bounded
        node, depth = stack.pop()
        if depth > MAX_FORMULA_DEPTH:
            raise FormulaError(f"the formula nests deeper than {MAX_FORMULA_DEPTH} levels")
        if not isinstance(node, _ALLOWED):
            what = _SYNTAX_NAMES.get(type(node), f"{type(node).__name__} syntax")
            raise FormulaError(f"{what} is not part of a formula: use numbers, variables, "
                               "+ - * / ** and the functions " + _FUNCTION_LIST)
        if isinstance(node, ast.Call):
            callees.add(id(node.func))
        if not (isinstance(node, ast.Name) and id(node) in callees):
            _check_node(node, variables)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return tree


def _check_node(node: ast.AST, variables: list) -> None:
    if isinstance(node, ast.Constant) and (type(node.value) not in (int, float)):
        raise FormulaError(f"{node.value!r} is not a number; a formula's constants are "
                           "numbers, pi and e")
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FORMULA_FUNCTIONS:
            shown = name or ast.unparse(node.func)[:40]
            raise FormulaError(f"unknown function {shown!r}: the functions are {_FUNCTION_LIST}")
        arity = FORMULA_FUNCTIONS[name][1]
        if node.keywords or len(node.args) != arity:
            raise FormulaError(f"{name} takes {arity} argument{'s' * (arity > 1)}, given "
                               f"positionally: {name}({', '.join('xy'[:arity])})")
    if isinstance(node, ast.Name):
        if node.id in FORMULA_CONSTANTS or node.id in variables:
            return
        if node.id in FORMULA_FUNCTIONS:
            raise FormulaError(f"{node.id} is a function: call it, {node.id}(x)")
        raise FormulaError(f"unknown name {node.id!r}: give its value with --at "
                           f"{node.id}=..., or use pi, e or a function ({_FUNCTION_LIST})")


def _evaluate(node: ast.AST, values: dict) -> Any:
    # The depth is bounded by _check_formula, so recursion here is shallow.
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]  # checked: an int or a float
    if isinstance(node, ast.Name):
        return values[node.id] if node.id in values else FORMULA_CONSTANTS[node.id]
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_evaluate(node.left, values),
                                      _evaluate(node.right, values))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_evaluate(node.operand, values))
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)  # checked
    function = FORMULA_FUNCTIONS[node.func.id][0]
    return function(*(_evaluate(arg, values) for arg in node.args))


def formula_function(text: str, variables: list) -> Callable:
    """The function of ``variables`` that the formula ``text`` describes, built from its
    syntax tree with chainrule.numpy (never Python's eval).

    >>> f = formula_function("x*y + sin(x)", ["x", "y"])
    >>> float(f(0.0, 3.0)), cr.grad(f, argnums=(0, 1))(0.0, 3.0)
    (0.0, (4.0, 0.0))
    """
    tree = _check_formula(text, variables)

    def formula(*values: Any) -> Any:
        return _evaluate(tree.body, dict(zip(variables, values)))

    formula.__name__ = "f"
    # trace() names the inputs by the parameters: x and y rather than x1 and x2
    formula.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(name, inspect.Parameter.POSITIONAL_ONLY) for name in variables])
    return formula


_ASSIGNMENT = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([^=,\s]+)\s*")


def parse_point(text: str) -> dict:
    """``--at x=1,y=2`` as ``{"x": 1.0, "y": 2.0}``, in the order given.

    >>> parse_point("x=1, y=-2.5")
    {'x': 1.0, 'y': -2.5}
    """
    point: dict = {}
    if not text.strip():
        return point
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"--at has {len(text)} characters; at most {MAX_FORMULA_LENGTH}")
    for item in text.split(","):
        match = _ASSIGNMENT.fullmatch(item)
        if match is None:
            raise FormulaError(f"--at takes name=number pairs separated by commas, like "
                               f"--at x=1,y=2; {item.strip()[:40]!r} is not one")
        name, number = match.groups()
        if name in FORMULA_FUNCTIONS or name in FORMULA_CONSTANTS:
            raise FormulaError(f"{name} is a function or constant of formulas; name the "
                               "variable otherwise")
        if name in point:
            raise FormulaError(f"--at gives {name} twice")
        try:
            point[name] = float(number)
        except ValueError:
            raise FormulaError(f"--at {name}={number[:40]}: {number[:40]!r} is not a "
                               "number") from None
    return point


def _formula_derivatives(function: Callable, values: list, order: int, mode: str) -> list:
    """(gradient, Hessian or None) of ``function`` at ``values`` in ``mode``."""
    count = len(values)
    if mode == "fwd":
        gradient = [cr.jvp(function, tuple(values), tuple(float(i == j) for j in range(count)))[1]
                    for i in range(count)]
    else:
        gradient = list(cr.grad(function, argnums=tuple(range(count)))(*values))
    hessian = None
    if order == 2:
        def of_vector(v: Any) -> Any:
            return function(*(v[i] for i in range(count)))

        outer = cr.jacfwd if mode == "fwd" else cr.jacrev
        inner = cr.jacfwd if mode == "fwd" else cr.grad
        hessian = outer(inner(of_vector))(np.array(values, dtype=float))
    return [gradient, hessian]


def diff(expression: str, at: str, order: int = 1, mode: str = "rev", table: bool = False,
         graph: str | None = None) -> None:
    """Print the value and derivatives of the formula ``expression`` at the point ``at``."""
    point = parse_point(at)
    variables = list(point)
    function = formula_function(expression, variables)
    values = list(point.values())
    with np.errstate(all="ignore"):
        value = function(*values)
        print(f"f({', '.join(f'{n}={v:g}' for n, v in point.items())}) = {expression.strip()}")
        print(f"value     {float(value)!r}")
        if variables:
            gradient, hessian = _formula_derivatives(function, values, order, mode)
            for name, entry in zip(variables, gradient):
                print(f"{'gradient' if name == variables[0] else '':<9} d/d{name} = "
                      f"{float(entry)!r}")
            if hessian is not None:
                print("hessian   (rows and columns " + ", ".join(variables) + ")")
                for row in np.atleast_2d(hessian):
                    print("          " + "  ".join(f"{float(v)!r}" for v in row))
        if table or graph:
            recorded = cr.trace(function, *values)
            if mode == "fwd":
                for i in range(len(values)):
                    recorded.jvp(tuple(values), tuple(float(i == j) for j in range(len(values))))
            else:
                recorded.vjp(tuple(values), 1.0)
            if table:
                print()
                print(recorded.table())
            if graph:
                print(f"graph     {recorded.render(graph)}")


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (no usage block) and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; errors in a formula end it with one line on stderr and exit code 2.

    >>> main(["diff", "x**2", "--at", "x=3"])
    f(x=3) = x**2
    value     9.0
    gradient  d/dx = 6.0
    0
    """
    parser = _Parser(prog="python -m chainrule", description="chainrule's command line")
    commands = parser.add_subparsers(dest="command")
    show = commands.add_parser("demo", help="print the worked examples with their derivatives "
                                            "and write every picture with an index.html")
    show.add_argument("--out", default="chainrule-demo", metavar="DIR",
                      help="where the pictures go (default ./chainrule-demo)")
    commands.add_parser("rules", help="list every primitive and the modes it supports")
    commands.add_parser("coverage", help="print docs/coverage.md: every NumPy and SciPy "
                                         "function chainrule differentiates, and what is left")
    differentiate = commands.add_parser(
        "diff", help="differentiate a formula: diff 'x*y + sin(x)' --at x=1,y=2")
    differentiate.add_argument("expression", help="the formula, e.g. 'x*y + sin(x)'")
    differentiate.add_argument("--at", default="", help="the point: x=1,y=2")
    differentiate.add_argument("--order", type=int, choices=(1, 2), default=1,
                               help="2 adds the Hessian")
    differentiate.add_argument("--mode", choices=("fwd", "rev"), default="rev",
                               help="forward or reverse mode")
    differentiate.add_argument("--table", action="store_true",
                               help="print the evaluation table (node, value, derivatives)")
    differentiate.add_argument("--graph", metavar="FILE", help="draw the graph (.svg, .png)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        demo()
        pictures(args.out)
        return 0
    if args.command == "coverage":
        print(coverage.markdown(), end="")
        return 0
    if args.command == "rules":
        rules()
        return 0
    if args.command == "diff":
        try:
            diff(args.expression, args.at, args.order, args.mode, args.table, args.graph)
        except FormulaError as error:
            parser.exit(2, f"python -m chainrule diff: error: {error}\n")
        except (ImportError, RuntimeError) as error:  # drawing without graphviz or dot
            parser.exit(1, f"python -m chainrule diff: {error}\n")
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
