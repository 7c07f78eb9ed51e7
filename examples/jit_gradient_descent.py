"""cr.jit: compile a gradient once, call it a thousand times, and read the code it runs.

A least-squares fit of y = a * exp(b * t) by gradient descent: the gradient is
traced on the first call, written out as straight-line Python and compiled;
every later step runs that code. The script prints the generated gradient,
checks it against the eager gradient at every step, and compares the times.

Run: python examples/jit_gradient_descent.py
"""

import time

import numpy as np

import chainrule as cr


def loss(params, t, y):
    a, b = params[0], params[1]
    residual = a * np.exp(b * t) - y
    return np.mean(residual**2)


def descend(gradient, params, t, y, steps=1000, rate=0.1):
    for _ in range(steps):
        params = params - rate * gradient(params, t, y)
    return params


if __name__ == "__main__":
    t = np.linspace(0.0, 1.0, 20)
    y = 2.0 * np.exp(-1.5 * t)
    start = np.array([1.0, 0.0])

    eager = cr.grad(loss)
    compiled = cr.jit(cr.grad(loss))
    print(compiled.source(start, t, y))

    began = time.perf_counter()
    fitted_eager = descend(eager, start, t, y)
    eager_seconds = time.perf_counter() - began
    began = time.perf_counter()
    fitted = descend(compiled, start, t, y)
    jit_seconds = time.perf_counter() - began

    print(f"fitted a, b = {fitted[0]:.6f}, {fitted[1]:.6f}  (data: 2, -1.5)")
    print(f"1000 steps: eager {eager_seconds * 1e3:.0f} ms, jit {jit_seconds * 1e3:.0f} ms "
          f"(including one trace and compile), {compiled.cache_info()['traces']} trace")
    np.testing.assert_allclose(fitted, fitted_eager, rtol=1e-12)
    assert compiled.cache_info()["traces"] == 1
    assert abs(fitted[0] - 2.0) < 0.05 and abs(fitted[1] + 1.5) < 0.1
