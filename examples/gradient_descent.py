"""Gradient descent drawn on the gradient field, with exact gradients.

First L(a, b) = b (a + b)(a - b) = a²b - b³, the worked example of the demo.
It has no minimum: L(0, b) = -b³ falls without bound as b grows, so descent
cannot converge; the picture shows 50 random starts running off the top of the
plot. Then a bounded, strictly convex function, where every path really does
reach the one minimum.

Run: python examples/gradient_descent.py [directory for the pictures]
"""

import pathlib
import sys
import tempfile

import numpy as np

import chainrule as cr


def L(a, b):
    return b * ((a + b) * (a - b))


def bowl(a, b):
    """(a² + b²)/2 + sin(a) sin(b)/2: its Hessian's eigenvalues lie in [0.5, 1.5],
    so it is strictly convex with its only minimum at (0, 0)."""
    return (a ** 2 + b ** 2) / 2 + np.sin(a) * np.sin(b) / 2


if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="chainrule-"))
    rng = np.random.default_rng(0)
    starts = rng.uniform(-3, 3, size=(50, 2))

    steps, lr = 6, 0.05
    paths = cr.plot.descent_paths(L, starts, steps=steps, lr=lr)
    values = L(paths[..., 0], paths[..., 1])
    end = paths[:, -1]
    left = int(np.sum(~np.all(np.abs(end) <= 3, axis=1)))
    print(f"L(a, b) = b (a + b)(a - b): 50 random starts in [-3, 3]^2, {steps} steps of lr {lr}")
    print(f"  L fell at every step on {int(np.sum(np.all(np.diff(values, axis=1) < 0, axis=1)))}"
          " of 50 paths")
    print(f"  {left} of 50 paths have left the square; the largest b reached is {np.max(end[:, 1]):.3g}")
    print("  L is unbounded below (L(0, b) = -b^3), so there is no minimum to find: once b is")
    print("  large, a step adds about 3 lr b^2 to b, so b roughly squares each step and a few")
    print("  more steps overflow. The picture shows the start of that run-away, not convergence.")
    assert left > 0 and np.all(values[:, -1] < values[:, 0])
    saved = [out / "L_gradient_field.png", out / "L_descent.png"]
    cr.plot.gradient_field(L, (-3, 3), (-3, 3), n=100, save=str(saved[0]))
    cr.plot.trajectories(L, starts, steps=steps, lr=lr, xlim=(-3, 3), ylim=(-3, 3),
                         save=str(saved[1]))

    paths = cr.plot.descent_paths(bowl, starts, steps=50, lr=0.5)
    distance = np.linalg.norm(paths[:, -1], axis=1)
    print("\nbowl(a, b) = (a^2 + b^2)/2 + sin(a) sin(b)/2: the same starts, 50 steps of lr 0.5")
    print(f"  farthest end from the minimum (0, 0): {np.max(distance):.2e}")
    print(f"  largest gradient at the ends: "
          f"{np.max(np.abs(cr.elementwise_grad(bowl, argnums=(0, 1))(*paths[:, -1].T))):.2e}")
    assert np.max(distance) < 1e-4
    saved.append(out / "bowl_descent.png")
    cr.plot.trajectories(bowl, starts, steps=50, lr=0.5, xlim=(-3, 3), ylim=(-3, 3),
                         save=str(saved[2]))
    for path in saved:
        print(f"saved {path}")
