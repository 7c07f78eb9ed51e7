"""Numerical derivatives and where they fail: forward, backward and central
differences and the complex step, against chainrule's exact derivative, for
steps h from 1e-16 to 1e-1. Big h: truncation error (the difference quotient
is not the derivative). Small h: round-off (f(x + h) - f(x) cancels to noise).
The complex step subtracts nothing, so it has no round-off at all.

Run: python examples/finite_differences.py [directory for the pictures]
"""

import pathlib
import sys
import tempfile

import numpy as np

import chainrule as cr


def f(x):
    return np.exp(x) * np.sin(3 * x) / (1 + x * x)


if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="chainrule-"))
    eps = np.finfo(float).eps
    x0 = 0.8
    exact = cr.deriv(f)(x0)
    print(f"f(x) = exp(x) sin(3x) / (1 + x^2); exact f'({x0}) from chainrule = {exact:.16f}\n")
    print(f"{'method':<10} {'default h':>10} {'value':>20} {'error':>9}")
    for method in ("forward", "backward", "central", "complex"):
        value = cr.finite_difference(f, x0, method=method)
        h = float(cr.check.default_step(method, x0))
        print(f"{method:<10} {h:10.1e} {value:20.16f} {abs(value - exact):9.1e}")

    study = cr.step_study(f, x0)
    print(f"\nerror against h, best step of each (theory: sqrt(eps) = {np.sqrt(eps):.1e}, "
          f"cbrt(eps) = {np.cbrt(eps):.1e}):")
    print(study)
    assert 1e-10 <= study.best_h["forward"] <= 1e-6 and 1e-7 <= study.best_h["central"] <= 1e-3
    assert study.best_error["central"] < study.best_error["forward"]
    assert study.best_error["complex"] <= 4 * eps * abs(exact)

    tiny = abs(cr.finite_difference(f, x0, method="complex", h=1e-200) - exact)
    print(f"\nthe complex step at h = 1e-200: error {tiny:.1e} (nothing cancels, so no round-off)")
    assert tiny <= 4 * eps * abs(exact)
    path = out / "finite_difference_step_error.png"
    cr.plot.step_error(f, x0, save=str(path))
    print(f"saved {path}")
