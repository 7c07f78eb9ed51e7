"""Newton's method with derivatives from chainrule: solve f(x) = 0 for
f(x) = x**2 - 2 (so x = sqrt(2)), then differentiate *through* the solver.

Run: python examples/newton_sqrt.py
"""

import numpy as np

import chainrule as cr


def newton(f, x, steps=8):
    """Newton iterations x <- x - f(x) / f'(x); a plain Python loop."""
    for _ in range(steps):
        x = x - f(x) / cr.deriv(f)(x)
    return x


def root_of(a):
    """The positive root of x**2 - a, found by Newton's method from x = 1."""
    return newton(lambda x: x * x - a, 1.0)


if __name__ == "__main__":
    root = root_of(2.0)
    print(f"root of x^2 - 2:           {root:.15f}  (sqrt(2) = {np.sqrt(2):.15f})")
    # d root / d a = 1 / (2 sqrt(a)): chainrule differentiates through the loop,
    # including the derivative taken inside it
    slope = cr.grad(root_of)(2.0)
    print(f"d root / d a through Newton: {slope:.15f}  (exact {1 / (2 * np.sqrt(2)):.15f})")
    assert abs(slope - 1 / (2 * np.sqrt(2))) < 1e-12
