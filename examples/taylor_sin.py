"""sin(x) as a Taylor series summed in a plain Python loop: chainrule
differentiates the loop exactly, so the derivative is cos(x) to rounding.
Also the picture of the tangent line at pi/4 with a finite-difference secant.

Run: python examples/taylor_sin.py [directory for the picture]
"""

import pathlib
import sys
import tempfile

import numpy as np

import chainrule as cr


def taylor_sin(x, terms=25):
    """sin(x) = x - x^3/3! + x^5/5! - ...; works on floats and on arrays."""
    total, term = 0.0, x
    for n in range(terms):
        total = total + term
        term = -term * x * x / ((2 * n + 2) * (2 * n + 3))
    return total


if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="chainrule-"))
    print(f"{'x':>10} {'taylor_sin':>20} {'np.sin':>20} {'d/dx taylor_sin':>20} {'np.cos':>20}")
    for name, x in [("0", 0.0), ("pi/4", np.pi / 4), ("pi/2", np.pi / 2), ("pi", np.pi)]:
        value, slope = taylor_sin(x), cr.grad(taylor_sin)(x)
        print(f"{name:>10} {value:20.16f} {np.sin(x):20.16f} {slope:20.16f} {np.cos(x):20.16f}")
        assert abs(value - np.sin(x)) < 1e-14 and abs(slope - np.cos(x)) < 1e-14
    second = cr.grad(cr.grad(taylor_sin))(1.0)
    print(f"second derivative at 1: {second:.16f}  (-sin(1) = {-np.sin(1.0):.16f})")
    assert abs(second + np.sin(1.0)) < 1e-14

    path = out / "taylor_sin_tangent.png"
    cr.plot.tangent(taylor_sin, np.pi / 4, xlim=(-np.pi, np.pi), h=0.6, save=str(path))
    print(f"saved {path}")
