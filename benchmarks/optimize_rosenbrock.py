"""BFGS on the 100-d Rosenbrock function, with the gradient from chainrule
(cr.optimize.minimize), from JAX (a jitted value_and_grad handed to the same
SciPy call, when jax is installed) and written by hand. Reports the time of
the whole solve and of one value-and-gradient pass, and the ratios to the
hand-written gradient. A benchmark, not a test: nothing here runs under pytest.

Run: python benchmarks/optimize_rosenbrock.py [--repeats 5] [--n 100]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import scipy.optimize

import chainrule as cr


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rosenbrock_and_gradient_by_hand(x):
    """The value and the gradient, derived on paper."""
    inner = x[1:] - x[:-1] ** 2
    value = np.sum(100.0 * inner ** 2 + (1.0 - x[:-1]) ** 2)
    gradient = np.zeros_like(x)
    gradient[:-1] = -400.0 * x[:-1] * inner - 2.0 * (1.0 - x[:-1])
    gradient[1:] += 200.0 * inner
    return value, gradient


def jax_value_and_grad():
    """A SciPy-ready jitted value_and_grad, or None when jax is not installed."""
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    try:
        import jax  # an optional peer
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)

    def f(x):
        return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

    compiled = jax.jit(jax.value_and_grad(f))

    def value_and_grad(x):
        value, gradient = compiled(x)
        return float(value), np.asarray(gradient, dtype=np.float64)

    return value_and_grad


def best_time(call, repeats):
    """The best of ``repeats`` timed calls (after one warm-up call), and its result."""
    result = call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    x0 = np.zeros(options.n)
    value_and_grad = cr.value_and_grad(rosenbrock)
    _, hand_gradient = rosenbrock_and_gradient_by_hand(x0 + 0.3)
    assert np.allclose(value_and_grad(x0 + 0.3)[1], hand_gradient)

    solves = {  # the hand-written gradient first: the ratios are to it
        "hand-written gradient (scipy, jac=True)":
            lambda: scipy.optimize.minimize(rosenbrock_and_gradient_by_hand, x0, jac=True,
                                            method="BFGS"),
        "chainrule (cr.optimize.minimize)":
            lambda: cr.optimize.minimize(rosenbrock, x0, method="BFGS"),
    }
    passes = {
        "hand-written gradient (scipy, jac=True)": lambda: rosenbrock_and_gradient_by_hand(
            x0 + 0.3),
        "chainrule (cr.optimize.minimize)": lambda: value_and_grad(x0 + 0.3),
    }
    jax_call = jax_value_and_grad()
    jax_name = "JAX jit value_and_grad (scipy, jac=True)"
    if jax_call is not None:
        solves[jax_name] = lambda: scipy.optimize.minimize(jax_call, x0, jac=True, method="BFGS")
        passes[jax_name] = lambda: jax_call(x0 + 0.3)

    print(f"BFGS on the {options.n}-d Rosenbrock from x0 = 0, best of {options.repeats}")
    print(f"{'gradient from':42} {'solve':>9} {'nit':>5} {'nfev':>5} {'one pass':>10}  "
          "ratio to hand (solve, pass)")
    figures = {}
    for name, solve in solves.items():
        seconds, result = best_time(solve, options.repeats)
        per_pass, _ = best_time(passes[name], max(options.repeats, 20))
        figures[name] = (seconds, per_pass)
        assert np.max(np.abs(result.x - 1.0)) < 1e-4, (name, result.message)
        hand = figures.get("hand-written gradient (scipy, jac=True)")
        ratio = "" if hand is None else f"{seconds / hand[0]:.2f}x, {per_pass / hand[1]:.1f}x"
        print(f"{name:42} {seconds * 1e3:7.1f}ms {result.nit:5d} {result.nfev:5d} "
              f"{per_pass * 1e6:8.1f}us  {ratio}")
    hand_seconds, hand_pass = figures["hand-written gradient (scipy, jac=True)"]
    chain_seconds, chain_pass = figures["chainrule (cr.optimize.minimize)"]
    if jax_call is None:
        print(f"{jax_name:42} not installed")
    print(f"\nchainrule / hand-written: {chain_seconds / hand_seconds:.2f}x for the whole solve, "
          f"{chain_pass / hand_pass:.1f}x per value-and-gradient pass")


if __name__ == "__main__":
    main()
