"""tanh and its first four derivatives: chainrule's nested derivatives against
the closed forms, and the classic picture of all five curves.

Run: python examples/tanh_derivatives.py [directory for the picture]
"""

import pathlib
import sys
import tempfile

import numpy as np

import chainrule as cr


def closed_forms(x):
    """tanh', tanh'', tanh''', tanh'''' written with t = tanh(x)."""
    t = np.tanh(x)
    s = 1 - t * t                                  # sech^2 x = tanh'(x)
    return [s, -2 * t * s, s * (6 * t * t - 2), 8 * t * s * (2 - 3 * t * t)]


if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="chainrule-"))
    points = np.array([-2.0, -0.5, 0.0, 0.5, 1.0, 3.0])

    # grad of grad of ... at one scalar at a time, and elementwise_grad on all points at once
    nested_grad, nested_elementwise = np.tanh, np.tanh
    print(f"{'order':>5} {'x':>5} {'chainrule':>22} {'closed form':>22}")
    for order, exact in enumerate(closed_forms(points), start=1):
        nested_grad = cr.grad(nested_grad)
        nested_elementwise = cr.elementwise_grad(nested_elementwise)
        at_once = nested_elementwise(points)
        for x, value, expected in zip(points, at_once, exact):
            print(f"{order:>5} {x:5.1f} {value:22.15f} {expected:22.15f}")
            assert abs(nested_grad(float(x)) - value) < 1e-14
        np.testing.assert_allclose(at_once, exact, rtol=1e-12, atol=1e-14)
    print("all derivatives agree with the closed forms (to 1e-12 relative)")

    path = out / "tanh_derivatives.png"
    cr.plot.derivatives(np.tanh, xlim=(-5, 5), order=4, save=str(path))
    print(f"saved {path}")
