"""The demo's pictures: every picture of the learning material, written into
one folder with an ``index.html`` that shows them with their numbers
(``python -m chainrule demo --out DIR``).

Graph pictures need Graphviz's ``dot`` program; without it their DOT source
is written instead, and the page says how to get the pictures. Plots need
matplotlib (the ``[plot]`` extra).

>>> import tempfile
>>> pictures = write_gallery(tempfile.mkdtemp(), report=lambda line: None)
>>> "index.html" in [p.name for p in pictures]
True
"""

from __future__ import annotations

import html
import math
import pathlib
from typing import Any, Callable

import numpy as np

from . import plot
from .__main__ import taylor_sin
from .drawing import draw
from .graph import trace
from .scalar import Scalar
from .transforms import grad


def running_example(x1: Any, x2: Any) -> Any:
    """The blog posts' example, ``exp(2 x1) + x1 x2**2 + cos(x2)``."""
    return np.exp(2 * x1) + x1 * x2**2 + np.cos(x2)


def tutorial_loss(a: Any, b: Any) -> Any:
    """The Scalar tutorial's ``L = b((a + b)(a - b))``."""
    return b * ((a + b) * (a - b))


def _graph_picture(drawing: Any, target: pathlib.Path, notes: list) -> pathlib.Path:
    """Render a graph; without ``dot``, keep its DOT source and say so once."""
    try:
        drawing.render(target)
        return target
    except (RuntimeError, ImportError) as error:
        if not notes:
            notes.append(f"Graph pictures were not drawn ({error}). Their DOT source is in "
                         "the .dot files beside this page.")
        dot_path = target.with_suffix(".dot")
        dot_path.write_text(drawing.to_dot() if hasattr(drawing, "to_dot") else drawing.source)
        return dot_path


def _sections(folder: pathlib.Path, report: Callable[[str], None]) -> tuple[list, list]:
    notes: list = []
    sections = []

    report("1/7 tanh and its first four derivatives")
    figure = plot.derivatives(np.tanh, (-4.0, 4.0), order=4, save=str(folder / "tanh.png"))
    del figure
    sections.append(("tanh and its derivatives, by nesting elementwise_grad", "tanh.png",
                     f"tanh'(0.5) = {grad(np.tanh)(0.5):.12f}, "
                     f"tanh''''(0.5) = {grad(grad(grad(grad(np.tanh))))(0.5):.12f}"))

    report("2/7 the Taylor-series sin and its tangent")
    plot.tangent(taylor_sin, math.pi / 4, xlim=(-math.pi, math.pi), save=str(folder / "tangent.png"))
    sections.append(("A 20-term Taylor series of sin through a Python loop: its exact tangent",
                     "tangent.png",
                     "d/dx at 0, pi/4, pi/2, pi: " + ", ".join(
                         f"{grad(taylor_sin)(x):.12f}" for x in (0.0, math.pi / 4, math.pi / 2,
                                                                  math.pi))))

    report("3/7 the gradient field of L = b((a+b)(a-b)) and 50 descent paths")
    starts = np.random.default_rng(0).uniform(-2.0, 2.0, (50, 2))
    plot.trajectories(tutorial_loss, starts, steps=6, lr=0.05, xlim=(-3.0, 3.0),
                      ylim=(-3.0, 3.0), save=str(folder / "trajectories.png"))
    gradient = grad(tutorial_loss, argnums=(0, 1))(1.0, 2.0)
    sections.append(("Gradient descent on L = b((a+b)(a-b)) from 50 random starts (L has no "
                     "minimum: the paths run off)", "trajectories.png",
                     f"dL/da, dL/db at (1, 2) = {gradient[0]:.1f}, {gradient[1]:.1f}"))

    report("4/7 the finite-difference step study")
    plot.step_error(np.sin, 1.0, save=str(folder / "step_error.png"))
    sections.append(("Finite differences against the exact derivative of sin at 1: where "
                     "truncation and round-off meet", "step_error.png",
                     "chainrule's derivative is exact; the best forward difference has about "
                     "half the digits"))

    report("5/7 a Scalar's graph before and after backward")
    a, b = Scalar(2.0, label="a"), Scalar(-3.0, label="b")
    c = Scalar(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    loss = d * Scalar(-2.0, label="f")
    loss.label = "L"
    before = _graph_picture(draw(loss), folder / "scalar_before.svg", notes)
    loss.backward()
    after = _graph_picture(draw(loss), folder / "scalar_after.svg", notes)
    sections.append(("A Scalar's graph before backward()", before.name, "grads all 0"))
    sections.append(("... and after", after.name,
                     f"a.grad = {a.grad}, b.grad = {b.grad}, c.grad = {c.grad}"))

    report("6/7 the running example traced, with tangents and adjoints")
    graph = trace(running_example, 1.0, 2.0)
    graph.vjp((1.0, 2.0), 1.0)
    picture = _graph_picture(graph, folder / "running_example.svg", notes)
    sections.append(("exp(2 x1) + x1 x2^2 + cos(x2) as a graph, adjoints filled in",
                     picture.name, graph.table()))

    report("7/7 the graph of its gradient: the backward pass as a program")
    gradient_graph = trace(grad(running_example, argnums=(0, 1)), 1.0, 2.0)
    picture = _graph_picture(gradient_graph, folder / "gradient_graph.svg", notes)
    sections.append((f"The gradient is itself a program: {len(gradient_graph.nodes)} nodes",
                     picture.name, f"gradient at (1, 2) = {gradient_graph(1.0, 2.0)}"))
    return sections, notes


def write_gallery(folder: str | pathlib.Path, report: Callable[[str], None] = print) -> list:
    """Write every demo picture and ``index.html`` into ``folder``; return their paths."""
    target = pathlib.Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    sections, notes = _sections(target, report)
    body = [f"<p><em>{html.escape(note)}</em></p>" for note in notes]
    for title, picture, numbers in sections:
        image = (f'<img src="{picture}" alt="{html.escape(title)}" style="max-width: 100%">'
                 if not picture.endswith(".dot") else f'<a href="{picture}">{picture}</a>')
        body.append(f"<h2>{html.escape(title)}</h2>\n{image}\n<pre>{html.escape(numbers)}</pre>")
    page = target / "index.html"
    page.write_text("<!doctype html>\n<html><head><meta charset='utf-8'><title>chainrule demo"
                    "</title></head><body>\n<h1>chainrule: exact derivatives, pictured</h1>\n"
                    + "\n".join(body) + "\n</body></html>\n")
    report(f"wrote {page}")
    return sorted(target.iterdir())
