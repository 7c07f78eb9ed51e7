"""Showing a recorded graph: the textbook table (text and HTML), Graphviz DOT
source, and pictures drawn with the ``graphviz`` package (an optional extra,
imported only where a picture is drawn).

The table reads like the evaluation traces of textbooks: one row per node,
``w3 = 2 * w1``, its value, and the tangent (w-dot) and adjoint (w-bar)
columns once forward or reverse mode has run over the graph.

>>> print(format_value(np.array([1.0, 2.5])))
[1, 2.5]
"""

from __future__ import annotations

import html
import os
import pathlib
from typing import Any

import numpy as np

from .numpy.nondiff import Slot

# Operators written as operators; every other primitive as a call, ``sin(w1)``.
SYMBOLS = {
    "numpy.add": "+", "numpy.subtract": "-", "numpy.multiply": "*", "numpy.divide": "/",
    "numpy.power": "**", "numpy.matmul": "@", "numpy.remainder": "%",
    "numpy.floor_divide": "//", "numpy.less": "<", "numpy.less_equal": "<=",
    "numpy.greater": ">", "numpy.greater_equal": ">=", "numpy.equal": "==",
    "numpy.not_equal": "!=",
}
PREFIXES = {"numpy.negative": "-", "numpy.positive": "+"}
GRAPHVIZ_HINT = "pip install 'chainrule[graph]'"


def format_value(value: Any) -> str:
    """A value in a few characters: numbers to 6 significant digits, small arrays whole.

    >>> format_value(7.38905609893065), format_value(np.zeros((20, 30)))
    ('7.38906', 'float64[20, 30]')
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, complex, np.inexact)):
        return format(value + 0.0, ".6g")  # + 0.0: -0 shows as 0
    if isinstance(value, np.ndarray):
        if value.size > 6:
            return f"{value.dtype}{list(value.shape)}"
        if value.dtype.kind in "fc":
            text = np.array2string(value, separator=", ",
                                   formatter={"all": lambda v: format(v, ".4g")})
        else:
            text = np.array2string(value, separator=", ")
        return " ".join(text.split()).replace("[ ", "[")
    if isinstance(value, tuple):
        return "(" + ", ".join(format_value(item) for item in value) + ("," if len(value) == 1
                                                                       else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    if value is None or isinstance(value, (str, np.dtype)):
        return repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, slice):
        return _slice_text(value)
    return type(value).__name__


def seed_text(seeds: list) -> str:
    """How a tangent column is headed: the seed of each input, ``(1, 0)``.

    >>> seed_text([1.0, 0.0])
    '(1, 0)'
    """
    return "(" + ", ".join(format_value(seed) for seed in seeds) + ")"


def _slice_text(part: slice) -> str:
    text = ":".join("" if bound is None else format_value(bound)
                    for bound in (part.start, part.stop, part.step))
    return text[:-1] if text.endswith(":") and part.step is None else text


def _index_text(index: Any, names: list) -> str:
    parts = index if isinstance(index, tuple) else (index,)
    texts = []
    for part in parts:
        if part is Ellipsis:
            texts.append("...")
        elif isinstance(part, slice):
            texts.append(_slice_text(part))
        elif part is None and names:
            texts.append(names.pop(0))  # a traced index array's place
        else:
            texts.append(format_value(part))
    return ", ".join(texts)


def _layout_text(value: Any, names: list) -> str:
    """A nondiff call's ``layout``, its traced arguments shown by their node names."""
    if isinstance(value, Slot):
        return names[value.position]
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_layout_text(item, names) for item in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    return format_value(value)


def expression(node: Any, labels: list) -> str:
    """The right-hand side of ``node``'s row: ``2 * w1``, ``sin(w3)``, ``w1[0]``.

    >>> g = cr.trace(lambda x: np.sin(2 * x)[0], np.ones(2))
    >>> [expression(node, ["w1", "w2", "w3"]) for node in g.nodes]
    ['x', '2 * w1', 'sin(w2)', 'w3[0]']
    """
    if node.primitive is None:
        return node.name
    args = [format_value(arg) for arg in node.args]
    for position, source in node.sources:
        args[position] = labels[source]
    name, params = node.primitive.name, node.params
    if node.primitive.name == "select":
        return f"{args[0]}[{params['index']}]"
    if name in SYMBOLS and len(args) == 2 and not params:
        return f"{args[0]} {SYMBOLS[name]} {args[1]}"
    if name in PREFIXES and len(args) == 1 and not params:
        return f"{PREFIXES[name]}{args[0]}"
    if name == "numpy.getitem":
        return f"{args[0]}[{_index_text(params['index'], [])}]"
    if name == "numpy.gather":
        return f"{args[0]}[{_index_text(params['layout'][0], args[1:])}]"
    short = name.split(".")[-1]
    if "layout" in params and isinstance(params["layout"], tuple) and len(params["layout"]) == 2 \
            and isinstance(params["layout"][1], dict):
        call_args, call_kwargs = params["layout"]
        texts = [_layout_text(arg, args) for arg in call_args]
        texts += [f"{key}={_layout_text(value, args)}" for key, value in call_kwargs.items()]
        return f"{short}({', '.join(texts)})"
    texts = args + [f"{key}={format_value(value)}" for key, value in params.items()]
    return f"{short}({', '.join(texts)})"


def derivative_text(value: Any) -> str:
    """A tangent or adjoint as text; None (a symbolic zero) is 0, per result too.

    >>> derivative_text(None), derivative_text((None, 2.0))
    ('0', '(0, 2)')
    """
    if value is None:
        return "0"
    value = getattr(value, "values", value)  # a multiple-result node's SparseCotangent
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(derivative_text(item) for item in value) + ")"
    return format_value(value)


def _columns(graph: Any) -> tuple[list, list]:
    """The table's header and rows, as text."""
    labels = [node.label for node in graph.nodes]
    header = ["node", "value"]
    header += [f"tangent {seed}" for seed in graph.tangents]
    if graph.adjoints is not None:
        header.append("adjoint")
    rows = []
    for node in graph.nodes:
        row = [f"{node.label} = {expression(node, labels)}",
               format_value(graph.values[node.index])]
        for tangents in graph.tangents.values():
            row.append(derivative_text(tangents[node.index]))
        if graph.adjoints is not None:
            row.append(derivative_text(graph.adjoints[node.index]))
        rows.append(row)
    return header, rows


def table_text(graph: Any) -> str:
    """The table as aligned plain text, the guards listed below it."""
    header, rows = _columns(graph)
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
             for row in [header] + rows]
    lines += [f"guard: {guard.describe()}" for guard in graph.guards]
    return "\n".join(lines)


def table_html(graph: Any) -> str:
    """The table as an HTML ``<table>`` (what Jupyter shows).

    >>> table_html(cr.trace(lambda x: -x, 1.0)).count("<tr>")
    3
    """
    header, rows = _columns(graph)
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
                   for row in rows)
    guards = "".join(f"<p>guard: {html.escape(guard.describe())}</p>" for guard in graph.guards)
    return (f'<table class="chainrule-graph"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{guards}")


def _record(text: str) -> str:
    """Text safe inside a Graphviz record label."""
    for special in "\\{}|<>\"":
        text = text.replace(special, "\\" + special)
    return text


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


_HEADER = ['  rankdir=LR;', '  node [fontname="Helvetica", fontsize=11];']


def graph_dot(graph: Any) -> str:
    """DOT source: a record ``label | value | grad`` per node, an op node feeding each."""
    labels = [node.label for node in graph.nodes]
    lines = [f'digraph "{_quoted(graph.name)}" {{'] + _HEADER
    for node in graph.nodes:
        fields = [node.label if node.primitive is None else node.label]
        if node.primitive is None:
            fields[0] = f"{node.label} = {node.name}"
        fields.append(f"value {format_value(graph.values[node.index])}")
        if graph.adjoints is not None:
            fields.append(f"grad {derivative_text(graph.adjoints[node.index])}")
        elif graph.tangents:
            tangents = list(graph.tangents.values())[-1]
            fields.append(f"tangent {derivative_text(tangents[node.index])}")
        label = " | ".join(_record(field) for field in fields)
        lines.append(f'  {node.label} [shape=record, label="{{ {label} }}"];')
        if node.primitive is not None:
            op = f"{node.label}_op"
            lines.append(f'  {op} [shape=ellipse, label="{_quoted(expression(node, labels))}"];')
            for _, source in node.sources:
                lines.append(f"  {labels[source]} -> {op};")
            lines.append(f"  {op} -> {node.label};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def scalar_dot(root: Any) -> str:
    """DOT source for a Scalar's graph: every ancestor of ``root``, collected without
    recursion (duck typing: ``data``, ``grad``, ``label``, ``op``, ``parents``)."""
    order, seen, stack = [], {id(root)}, [root]
    while stack:
        value = stack.pop()
        order.append(value)
        for parent in getattr(value, "parents", ()):
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    lines = ["digraph scalar {"] + _HEADER
    for value in reversed(order):
        name = f"v{id(value)}"
        fields = [str(getattr(value, "label", "") or ""),
                  f"data {format_value(value.data)}", f"grad {format_value(value.grad)}"]
        label = " | ".join(_record(field) for field in fields)
        lines.append(f'  {name} [shape=record, label="{{ {label} }}"];')
        op = getattr(value, "op", "")
        if op:
            lines.append(f'  {name}_op [shape=ellipse, label="{_quoted(str(op))}"];')
            lines.append(f"  {name}_op -> {name};")
            for parent in value.parents:
                lines.append(f"  v{id(parent)} -> {name}_op;")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _graphviz() -> Any:
    try:
        import graphviz  # an optional extra: imported only to draw
    except ImportError:
        raise ImportError(f"drawing a graph needs the graphviz package: {GRAPHVIZ_HINT}") from None
    return graphviz


class Drawing:
    """DOT source that draws itself: ``render(path)``, and an SVG in Jupyter.

    >>> Drawing("digraph { a -> b }").source
    'digraph { a -> b }'
    """

    def __init__(self, source: str):
        self.source = source

    def pipe(self, format: str) -> bytes:
        """The picture as bytes in ``format`` (svg, png, pdf), drawn by Graphviz's ``dot``."""
        graphviz = _graphviz()
        try:
            return graphviz.Source(self.source).pipe(format=format)
        except graphviz.ExecutableNotFound:
            raise RuntimeError(
                "Graphviz's dot program is not installed; install Debian's graphviz package "
                "(sudo apt-get install graphviz) or see https://graphviz.org/download/") from None

    def render(self, path: str | os.PathLike) -> str:
        """Write the picture to ``path``; its suffix (.svg, .png, .pdf) says the format.
        Without the ``dot`` program the DOT source is written beside it (``.dot``)."""
        target = pathlib.Path(path)
        format = target.suffix.lstrip(".").lower()
        if format not in ("svg", "png", "pdf"):
            raise ValueError(f"render draws .svg, .png or .pdf files, not {target.name!r}")
        try:
            data = self.pipe(format)
        except RuntimeError as error:
            dot_path = target.with_suffix(".dot")
            dot_path.write_text(self.source)
            raise RuntimeError(f"{error}; the DOT source was written to {dot_path}") from None
        target.write_bytes(data)
        return str(target)

    def svg(self) -> str | None:
        """The picture as SVG text, or None where it cannot be drawn here."""
        try:
            return self.pipe("svg").decode()
        except (ImportError, RuntimeError):
            return None

    def _repr_svg_(self) -> str | None:
        return self.svg()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        svg = self.svg()
        return {"image/svg+xml": svg} if svg is not None else {"text/plain": self.source}

    def __str__(self) -> str:
        return self.source


def draw(root: Any, path: str | os.PathLike | None = None) -> Drawing:
    """Draw a ``chainrule.Scalar``'s graph (any object with ``data``, ``grad``,
    ``label``, ``op`` and ``parents``), micrograd style; render it to ``path`` if given.

    >>> class V:
    ...     def __init__(self, data, op="", parents=(), label=""):
    ...         self.data, self.grad, self.op, self.parents, self.label = data, 0.0, op, parents, label
    >>> a = V(2.0, label="a")
    >>> "data 4" in cr.draw(V(4.0, "*", (a, a), "b")).source
    True
    """
    picture = Drawing(scalar_dot(root))
    if path is not None:
        picture.render(path)
    return picture
