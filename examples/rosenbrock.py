"""Rosenbrock's valley, minimised by SciPy's optimisers with chainrule's exact
derivatives: the gradient (with the value, in one reverse pass) for BFGS and
L-BFGS-B, Hessian-vector products (forward over reverse) for Newton-CG and
trust-ncg, the full Hessian for trust-exact. Each path is drawn on the contour
plot of log(1 + f).

Run: python examples/rosenbrock.py [directory for the picture]
"""

import pathlib
import sys
import tempfile

import numpy as np

import chainrule as cr

METHODS = ("BFGS", "L-BFGS-B", "Newton-CG", "trust-ncg", "trust-exact")
TOL = {"L-BFGS-B": 1e-14}


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def log_rosenbrock(a, b):
    """log(1 + f) of the 2-d valley, elementwise on grids (for the picture)."""
    return np.log1p(100.0 * (b - a * a) ** 2 + (1.0 - a) ** 2)


def solve(n, x0):
    print(f"\n{n}-d Rosenbrock from x0 = {np.round(x0, 2)}")
    print(f"  {'method':12} {'nit':>4} {'nfev':>5} {'njev':>5} {'nhev':>5}  max |x - 1|")
    results = {}
    for method in METHODS:
        result = cr.optimize.minimize(rosenbrock, x0, method=method, tol=TOL.get(method, 1e-10),
                                      record_path=True)
        error = float(np.max(np.abs(result.x - 1.0)))
        print(f"  {method:12} {result.nit:4d} {result.nfev:5d} {result.njev:5d} "
              f"{result.get('nhev', 0):5d}  {error:.1e}")
        assert result.success and error < 1e-6, (method, result.message)
        assert result.nfev == result.njev  # each pass gave the value and the gradient
        results[method] = result
    return results


if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="chainrule-"))
    two = solve(2, np.array([-1.2, 1.0]))
    ten = solve(10, np.zeros(10))
    print("\nnfev counts passes of f: each one gave the value and the exact gradient together.")
    print(f"In 10-d, Newton-CG with exact Hessian-vector products took {ten['Newton-CG'].nit} "
          f"iterations, BFGS {ten['BFGS'].nit}; in 2-d, from the classic start, "
          f"{two['Newton-CG'].nit} against {two['BFGS'].nit}: exact second derivatives "
          "are no promise of fewer steps on every start.")
    assert ten["Newton-CG"].nit < ten["BFGS"].nit

    try:
        import matplotlib  # noqa: F401  (the optional extra for the picture)
    except ImportError:
        print("matplotlib is not installed: no picture (pip install 'chainrule[plot]')")
        sys.exit(0)
    figure = cr.plot.gradient_field(log_rosenbrock, (-2.0, 2.0), (-1.0, 3.0), n=120, arrows=16)
    ax = figure.axes[0]
    for method, result in two.items():
        path = np.array(result.path)
        ax.plot(path[:, 0], path[:, 1], marker=".", markersize=3, linewidth=1.2,
                label=f"{method} ({result.nit} steps)")
    ax.scatter([-1.2, 1.0], [1.0, 1.0], color=["white", "red"], zorder=4, s=30)
    ax.legend(fontsize="small", loc="lower right")
    ax.set_title("log(1 + Rosenbrock) and the paths of five optimisers")
    saved = out / "rosenbrock_paths.png"
    figure.savefig(saved)
    print(f"saved {saved}")
