"""The running example of automatic differentiation, traced and shown.

    f(x1, x2) = exp(2 x1) + x1 x2**2 + cos(x2)      at (x1, x2) = (1, 2)

``cr.trace`` records the evaluation as a Wengert list (w1, w2 are the inputs,
w9 the output). Forward mode runs over it once per input, seeding (1, 0) and
then (0, 1): each pass gives one column of tangents (w-dot) and one entry of
the gradient. Reverse mode runs once for all inputs: the adjoints (w-bar) of
w1 and w2 are the whole gradient.

Usage: python examples/running_example.py [directory for the picture]
"""

import math
import sys
import tempfile
from pathlib import Path

import numpy as np

import chainrule as cr


def f(x1, x2):
    return np.exp(2 * x1) + x1 * x2**2 + np.cos(x2)


def main(directory: Path) -> None:
    graph = cr.trace(f, 1.0, 2.0)
    exact = (2 * math.exp(2) + 4, 4 - math.sin(2))

    print("Forward mode: one pass per input")
    _, d_dx1 = graph.jvp((1.0, 2.0), (1.0, 0.0))
    _, d_dx2 = graph.jvp((1.0, 2.0), (0.0, 1.0))
    print(f"  seed (1, 0): df/dx1 = {float(d_dx1):.12f}")
    print(f"  seed (0, 1): df/dx2 = {float(d_dx2):.12f}")

    print("Reverse mode: one pass for all inputs")
    value, (x1_bar, x2_bar) = graph.vjp((1.0, 2.0), 1.0)
    print(f"  f = {float(value):.12f}, gradient = ({float(x1_bar):.12f}, {float(x2_bar):.12f})")
    print(f"  exact:                       ({exact[0]:.12f}, {exact[1]:.12f})\n")
    for got in ((d_dx1, d_dx2), (x1_bar, x2_bar)):
        assert np.allclose(got, exact, rtol=1e-14), got
    assert len(graph.nodes) == 9

    print(graph.table())
    print()

    picture = directory / "running_example.svg"
    try:
        graph.render(picture)
    except (ImportError, RuntimeError) as error:
        print(f"(no picture: {error})")
    else:
        print(f"saved {picture}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()))
