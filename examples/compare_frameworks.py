"""The same gradient and Hessian from chainrule, and from PyTorch and JAX where
they are installed (each is skipped, saying so, where it is not). chainrule
needs no rewrite: the NumPy function itself is differentiated.

Run: python examples/compare_frameworks.py
"""

import importlib.util

import numpy as np

import chainrule as cr


def f(x, xp=np):
    """A scalar function of a vector, written once for any array library ``xp``."""
    return xp.sum(xp.tanh(x) ** 2 * xp.exp(-x)) + x[0] * x[1] * x[2]


def report(name, gradient, hessian, reference):
    gradient, hessian = np.asarray(gradient, np.float64), np.asarray(hessian, np.float64)
    print(f"{name}:\n  gradient {np.round(gradient, 12)}\n  Hessian  {np.round(hessian, 12).tolist()}")
    np.testing.assert_allclose(gradient, reference[0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(hessian, reference[1], rtol=1e-12, atol=1e-14)


if __name__ == "__main__":
    x = np.array([0.3, -1.2, 2.0])
    gradient, hessian = cr.grad(f)(x), cr.hessian(f)(x)
    print("f(x) = sum(tanh(x)^2 exp(-x)) + x0 x1 x2 at x =", x)
    report("chainrule", gradient, hessian, (gradient, hessian))
    # an independent check that needs no framework: central differences of the gradient
    np.testing.assert_allclose(cr.finite_difference(f, x), gradient, rtol=1e-8)
    np.testing.assert_allclose(cr.finite_difference(cr.grad(f), x), hessian, rtol=1e-7)
    print("  (agrees with central finite differences)")

    if importlib.util.find_spec("torch") is None:
        print("skipped: torch not installed")
    else:
        import torch

        xt = torch.tensor(x, dtype=torch.float64)
        torch_f = lambda v: f(v, torch)  # noqa: E731
        report("PyTorch", torch.autograd.functional.jacobian(torch_f, xt),
               torch.autograd.functional.hessian(torch_f, xt), (gradient, hessian))

    if importlib.util.find_spec("jax") is None:
        print("skipped: jax not installed")
    else:
        import jax
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)
        jax_f = lambda v: f(v, jnp)  # noqa: E731
        report("JAX", jax.grad(jax_f)(jnp.asarray(x)), jax.hessian(jax_f)(jnp.asarray(x)),
               (gradient, hessian))
