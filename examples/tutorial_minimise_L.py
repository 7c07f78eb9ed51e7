"""The tutorial's L(a, b) = b((a + b)(a - b)) = a²b - b³, "minimised" from 50
random starts, and why that cannot succeed.

L has no minimum: along a = 0 it is -b³, which falls without bound as b grows.
Its one stationary point, (0, 0), is a degenerate saddle. So every honest
minimiser must fail on it, and cr.optimize.minimize says so: gradient descent
runs off towards b = +inf until the numbers overflow (status 2, "bounded
below" in its message) or its step limit ends it; BFGS reports values of
-1e20 and beyond, or loses precision. The paths are drawn on L's gradient field.

The bounded companion: L on the box [-3, 3]², where a minimum exists. With
L-BFGS-B and the box as bounds the starts end at a local minimum: the global
one, (0, 3) with L = -27, or one of the two local ones, (±3, -√3) with L = -6√3;
one start stops short of one (SciPy does the same with a hand-written
gradient), and a restart from there finishes it.

Run: python examples/tutorial_minimise_L.py [directory for the pictures]
"""

import pathlib
import sys
import tempfile

import numpy as np

import chainrule as cr


def L(a, b):
    return b * ((a + b) * (a - b))


def L_of(x):
    """L of one point x = (a, b), for minimize."""
    return L(x[0], x[1])


def draw_paths(results, title, saved, minima=()):
    figure = cr.plot.gradient_field(L, (-3.0, 3.0), (-3.0, 3.0), n=100)
    ax = figure.axes[0]
    for result in results:
        path = np.array(result.path)
        ax.plot(path[:, 0], path[:, 1], color="red", linewidth=1.0)
    starts = np.array([result.path[0] for result in results])
    ax.scatter(starts[:, 0], starts[:, 1], color="red", s=12, zorder=3)
    for point in minima:
        ax.scatter(*point, marker="*", s=200, color="white", edgecolors="black", zorder=4)
    ax.set(xlim=(-3, 3), ylim=(-3, 3), title=title)
    figure.savefig(saved)
    print(f"saved {saved}")


if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="chainrule-"))
    starts = np.random.default_rng(0).uniform(-3.0, 3.0, size=(50, 2))

    descents = [cr.optimize.minimize(L_of, x0, method="gd", lr=0.05, steps=200, record_path=True)
                for x0 in starts]
    overflowed = sum(result.status == 2 for result in descents)
    print("L(a, b) = b (a + b)(a - b) = a^2 b - b^3, 50 random starts in [-3, 3]^2")
    print(f"  gradient descent (lr 0.05): {overflowed} of 50 runs ran off to overflow, "
          f"{sum(not r.success for r in descents)} of 50 report no success;")
    print(f"    the lowest L reached before that: {min(r.fun for r in descents):.3g}")
    print(f"    e.g.: {descents[0].message}")
    assert not any(result.success for result in descents)

    with np.errstate(over="ignore", invalid="ignore"):
        bfgs = [cr.optimize.minimize(L_of, x0, method="BFGS") for x0 in starts]
    print(f"  BFGS: {sum(not r.success for r in bfgs)} of 50 report no success; the median "
          f"final L is {np.median([r.fun for r in bfgs]):.3g}")
    print("  There is nothing to find: L(0, b) = -b^3 is unbounded below, and the only")
    print("  stationary point, (0, 0), is a saddle. Every run falls towards b = +inf.")
    assert not any(result.success and result.fun > -1e6 for result in bfgs)

    def in_the_box(x0):
        return cr.optimize.minimize(L_of, x0, method="L-BFGS-B", bounds=[(-3.0, 3.0)] * 2,
                                    record_path=True)

    def at_minima(results):
        ends = np.array([result.x for result in results])
        at_global = np.all(np.abs(ends - [0.0, 3.0]) < 1e-5, axis=1)
        at_local = np.all(np.abs(np.abs(ends) - [3.0, np.sqrt(3.0)]) < 1e-5, axis=1) & (
            ends[:, 1] < 0)
        return at_global, at_local

    boxed = [in_the_box(x0) for x0 in starts]
    at_global, at_local = at_minima(boxed)
    stalled = [k for k in range(50) if not (at_global[k] or at_local[k])]
    print("\nOn the box [-3, 3]^2 (L-BFGS-B, the box as bounds):")
    print(f"  {int(at_global.sum())} of 50 starts reach the global minimum L(0, 3) = -27")
    print(f"  {int(at_local.sum())} reach a local one, L(+-3, -sqrt 3) = -6 sqrt 3 = "
          f"{-6 * np.sqrt(3):.4f}")
    for k in stalled:  # SciPy's L-BFGS-B stops the same way given a hand-written gradient
        result = boxed[k]
        print(f"  {len(stalled)} stopped short, at {np.round(result.x, 4)} where the gradient "
              f"is {np.round(result.jac, 2)}: SciPy said {result.message!r}, although it is "
              "no minimum; restarted from there:")
        again = in_the_box(result.x)
        again.path = result.path + again.path[1:]
        boxed[k] = again
        print(f"    it ends at {np.round(again.x, 6)}, L = {again.fun:.4f}")
    at_global, at_local = at_minima(boxed)
    assert at_global.sum() + at_local.sum() == 50 and at_global.sum() > at_local.sum()
    assert np.allclose([r.fun for r, g in zip(boxed, at_global) if g], -27.0)

    try:
        import matplotlib  # noqa: F401  (the optional extra for the pictures)
    except ImportError:
        print("matplotlib is not installed: no pictures (pip install 'chainrule[plot]')")
        sys.exit(0)
    draw_paths(descents, "gradient descent on L: 50 starts, all running away",
               out / "L_minimise_descent.png")
    draw_paths(boxed, "L-BFGS-B on the box [-3, 3]²: a minimum exists",
               out / "L_minimise_box.png", minima=[(0, 3), (3, -np.sqrt(3)), (-3, -np.sqrt(3))])
