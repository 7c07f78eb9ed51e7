"""docs/jit.md shows the code cr.jit generates today for the running example."""

import pathlib

import numpy as np

import chainrule as cr

PAGE = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "jit.md").read_text()


def fenced_blocks(text):
    blocks, current = [], None
    for line in text.splitlines():
        if line.startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append("\n".join(current))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


BLOCKS = fenced_blocks(PAGE)


def running_example(x1, x2):
    return np.exp(2 * x1) + x1 * x2**2 + np.cos(x2)


def body(source):
    return [line for line in source.splitlines() if not line.startswith("# ")]


def shown(source):
    """Whether the generated lines of ``source`` are one of the page's code blocks."""
    lines = body(source)[1:]  # the def line's name differs between examples
    return any(body(block)[1:] == lines for block in BLOCKS)


def test_the_page_shows_the_forward_pass_and_both_gradients():
    assert shown(cr.make_source(running_example, 1.0, 2.0))
    assert shown(cr.make_source(running_example, 1.0, 2.0, gradient=True))
    assert shown(cr.jit(cr.grad(running_example, argnums=(0, 1))).source(1.0, 2.0))


def test_the_page_shows_the_array_gradient():
    def loss(w, x, y):
        return np.mean((np.tanh(x @ w) - y) ** 2)

    assert shown(cr.jit(cr.grad(loss)).source(np.ones((3, 2)), np.ones((4, 3)),
                                               np.ones((4, 2))))
