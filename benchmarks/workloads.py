"""The benchmark workloads, written once per library, side by side.

Every workload has

* the function in plain NumPy (``*_numpy``): NumPy's forward evaluation is
  the yardstick, and the very same function is what chainrule differentiates;
* the same function in each peer's own spelling (``*_autograd`` with
  ``autograd.numpy``, ``*_jax`` with ``jax.numpy``, ``*_torch`` with torch
  tensors), differentiated the way a user of that library would;
* a hand-written NumPy derivative (``*_reference``) that every result,
  chainrule's included, is checked against.

The peers are optional: a missing one is ``None`` here and is reported as
"not installed" by ``run.py``. Everything is float64.
"""

from __future__ import annotations

import os

import numpy as np

import chainrule as cr

os.environ.setdefault("JAX_PLATFORMS", "cpu")  # compare like with like: CPU only

try:
    import autograd
    import autograd.numpy as anp
except ImportError:
    autograd = anp = None

try:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
except ImportError:
    jax = jnp = None

try:
    import torch
    import torch.func
except ImportError:
    torch = None


def tensor(value):
    """A float64 torch tensor (constants and inputs of the torch versions)."""
    return torch.tensor(value, dtype=torch.float64)


def leaf(value):
    """A float64 torch tensor that records operations for ``torch.autograd.grad``."""
    return torch.tensor(value, dtype=torch.float64, requires_grad=True)


# == W1: gradient of a 20-term Taylor series of sin, Python floats ===================
# Only Python arithmetic (~95 operations), so one function serves every library.

W1_X = 0.7


def taylor_sin(x):
    total = 0.0
    term = x
    for n in range(20):
        total = total + term
        term = -term * x * x / ((2 * n + 2) * (2 * n + 3))
    return total


def w1_reference(x):
    return np.cos(x)  # the series has converged to rounding at |x| < 1


def w1_chainrule(x):
    return cr.grad(taylor_sin)(x)


def w1_autograd(x):
    return autograd.grad(taylor_sin)(x)


def w1_jax(x):
    return jax.grad(taylor_sin)(x)


def w1_torch(x):
    x = leaf(x)
    (gradient,) = torch.autograd.grad(taylor_sin(x), x)
    return gradient


# == W2: fourth derivative of tanh written with exp, by nesting grad four times =====

W2_X = 0.5


def tanh_numpy(x):
    return (1 - np.exp(-2 * x)) / (1 + np.exp(-2 * x))


def tanh_autograd(x):
    return (1 - anp.exp(-2 * x)) / (1 + anp.exp(-2 * x))


def tanh_jax(x):
    return (1 - jnp.exp(-2 * x)) / (1 + jnp.exp(-2 * x))


def tanh_torch(x):
    return (1 - torch.exp(-2 * x)) / (1 + torch.exp(-2 * x))


def w2_reference(x):
    t = np.tanh(x)
    s = 1 - t * t  # sech^2; tanh'''' = 8 t s (3 s - 1)
    return 8 * t * s * (3 * s - 1)


def w2_chainrule(x):
    return cr.grad(cr.grad(cr.grad(cr.grad(tanh_numpy))))(x)


def w2_autograd(x):
    return autograd.grad(autograd.grad(autograd.grad(autograd.grad(tanh_autograd))))(x)


def w2_jax(x):
    return jax.grad(jax.grad(jax.grad(jax.grad(tanh_jax))))(x)


def w2_torch(x):
    grad = torch.func.grad
    return grad(grad(grad(grad(tanh_torch))))(tensor(x))


# == W3 / W4: gradient of an MLP loss w.r.t. all weights ============================
# tanh hidden layer, linear output, mean squared error.
# W3: 10 inputs -> 32 hidden -> 1 output, batch 32.
# W4: 1000 inputs -> 1000 hidden -> 1 output, batch 1000.


def mlp_data(n_in, n_hidden, n_out, batch, seed):
    rng = np.random.default_rng(seed)
    params = (
        rng.standard_normal((n_in, n_hidden)) / np.sqrt(n_in),  # W1
        0.1 * rng.standard_normal(n_hidden),  # b1
        rng.standard_normal((n_hidden, n_out)) / np.sqrt(n_hidden),  # W2
        0.1 * rng.standard_normal(n_out),  # b2
    )
    inputs = rng.standard_normal((batch, n_in))
    targets = rng.standard_normal((batch, n_out))
    return params, inputs, targets


def mlp_loss_numpy(params, inputs, targets):
    W1, b1, W2, b2 = params
    hidden = np.tanh(inputs @ W1 + b1)
    outputs = hidden @ W2 + b2
    return np.mean((outputs - targets) ** 2)


def mlp_loss_autograd(params, inputs, targets):
    W1, b1, W2, b2 = params
    hidden = anp.tanh(inputs @ W1 + b1)
    outputs = hidden @ W2 + b2
    return anp.mean((outputs - targets) ** 2)


def mlp_loss_jax(params, inputs, targets):
    W1, b1, W2, b2 = params
    hidden = jnp.tanh(inputs @ W1 + b1)
    outputs = hidden @ W2 + b2
    return jnp.mean((outputs - targets) ** 2)


def mlp_loss_torch(params, inputs, targets):
    W1, b1, W2, b2 = params
    hidden = torch.tanh(inputs @ W1 + b1)
    outputs = hidden @ W2 + b2
    return torch.mean((outputs - targets) ** 2)


def mlp_reference(params, inputs, targets):
    """Backpropagation by hand."""
    W1, b1, W2, b2 = params
    hidden = np.tanh(inputs @ W1 + b1)
    outputs = hidden @ W2 + b2
    d_outputs = 2 * (outputs - targets) / outputs.size
    d_pre = (d_outputs @ W2.T) * (1 - hidden**2)
    return (inputs.T @ d_pre, d_pre.sum(0), hidden.T @ d_outputs, d_outputs.sum(0))


def mlp_chainrule(params, inputs, targets):
    return cr.grad(mlp_loss_numpy)(params, inputs, targets)


def mlp_autograd(params, inputs, targets):
    return autograd.grad(mlp_loss_autograd)(params, inputs, targets)


def mlp_jax(params, inputs, targets):
    return jax.grad(mlp_loss_jax)(params, inputs, targets)


def mlp_torch(params, inputs, targets):
    """``params`` are leaf tensors with ``requires_grad=True``."""
    return torch.autograd.grad(mlp_loss_torch(params, inputs, targets), params)


# == W5: a long scalar chain y <- sin(y) * 0.99 + 0.01, gradient w.r.t. the start ===
# 10,000 steps are timed; 100,000 steps are run for peak memory (run.py).

W5_Y0 = 0.5


def chain_numpy(y, steps=10_000):
    for _ in range(steps):
        y = np.sin(y) * 0.99 + 0.01
    return y


def chain_autograd(y, steps=10_000):
    for _ in range(steps):
        y = anp.sin(y) * 0.99 + 0.01
    return y


def chain_jax(y, steps=10_000):
    for _ in range(steps):
        y = jnp.sin(y) * 0.99 + 0.01
    return y


def chain_jax_loop(y, steps=10_000):
    """The spelling JAX wants under jit: jit unrolls a Python loop, and the
    compile time grows faster than the steps (2 s for 1,000, 10 s for 3,000)."""
    return jax.lax.fori_loop(0, steps, lambda _, y: jnp.sin(y) * 0.99 + 0.01, y)


def chain_torch(y, steps=10_000):
    for _ in range(steps):
        y = torch.sin(y) * 0.99 + 0.01
    return y


def chain_reference(y, steps=10_000):
    """Forward-mode by hand: the product of the step derivatives 0.99 cos(y)."""
    derivative = 1.0
    for _ in range(steps):
        derivative *= 0.99 * np.cos(y)
        y = np.sin(y) * 0.99 + 0.01
    return derivative


def chain_chainrule(y, steps=10_000):
    return cr.grad(chain_numpy)(y, steps)


def chain_autograd_grad(y, steps=10_000):
    return autograd.grad(chain_autograd)(y, steps)


def chain_jax_grad(y, steps=10_000):
    return jax.grad(chain_jax)(y, steps)


def chain_jax_loop_grad(y, steps=10_000):
    return jax.grad(chain_jax_loop)(y, steps)


def chain_torch_grad(y, steps=10_000):
    y = leaf(y)
    (gradient,) = torch.autograd.grad(chain_torch(y, steps), y)
    return gradient


# == W6: Hessian of sum(tanh(A x)), x in R^100 ========================================


def w6_data(seed=6):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((100, 100)) / 10, rng.standard_normal(100)


def w6_numpy(x, A):
    return np.sum(np.tanh(A @ x))


def w6_autograd(x, A):
    return anp.sum(anp.tanh(A @ x))


def w6_jax(x, A):
    return jnp.sum(jnp.tanh(A @ x))


def w6_torch(x, A):
    return torch.sum(torch.tanh(A @ x))


def w6_reference(x, A):
    t = np.tanh(A @ x)  # d^2/du^2 tanh(u) = -2 tanh(u) sech^2(u)
    return A.T @ ((-2 * t * (1 - t * t))[:, None] * A)


def w6_chainrule(x, A):
    return cr.hessian(w6_numpy)(x, A)


def w6_autograd_hessian(x, A):
    return autograd.hessian(w6_autograd)(x, A)


def w6_jax_hessian(x, A):
    return jax.hessian(w6_jax)(x, A)


def w6_torch_hessian(x, A):
    return torch.func.hessian(w6_torch)(x, A)


# == W7: the 100 x 100 Jacobian of tanh(B x) + sin(x), forward and reverse mode =======


def w7_data(seed=7):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((100, 100)) / 10, rng.standard_normal(100)


def w7_numpy(x, B):
    return np.tanh(B @ x) + np.sin(x)


def w7_autograd(x, B):
    return anp.tanh(B @ x) + anp.sin(x)


def w7_jax(x, B):
    return jnp.tanh(B @ x) + jnp.sin(x)


def w7_torch(x, B):
    return torch.tanh(B @ x) + torch.sin(x)


def w7_reference(x, B):
    t = np.tanh(B @ x)
    return (1 - t * t)[:, None] * B + np.diag(np.cos(x))


def w7_chainrule(x, B, mode):
    return cr.jacobian(w7_numpy, mode=mode)(x, B)


def w7_autograd_rev(x, B):
    return autograd.jacobian(w7_autograd)(x, B)


def w7_autograd_fwd(x, B):
    """autograd has forward mode (make_jvp) but no forward Jacobian: one JVP per column."""
    jvp = autograd.make_jvp(w7_autograd)(x, B)
    return np.stack([jvp(e)[1] for e in np.eye(x.size)], axis=1)


def w7_jax_jacobian(x, B, mode):
    jac = jax.jacfwd if mode == "fwd" else jax.jacrev
    return jac(w7_jax)(x, B)


def w7_torch_jacobian(x, B, mode):
    jac = torch.func.jacfwd if mode == "fwd" else torch.func.jacrev
    return jac(w7_torch)(x, B)


# == W8: per-example gradients of the W3 MLP over a batch of 256 ==========================
# One gradient of the loss per data point (the loss of that point alone), for all 256.


def w8_data(seed=8):
    return mlp_data(10, 32, 1, 256, seed=seed)


def example_loss_numpy(params, x, t):
    """The W3 loss of one example: ``x`` of shape (10,), ``t`` of shape (1,)."""
    W1, b1, W2, b2 = params
    hidden = np.tanh(x @ W1 + b1)
    return np.mean((hidden @ W2 + b2 - t) ** 2)


def example_loss_jax(params, x, t):
    W1, b1, W2, b2 = params
    hidden = jnp.tanh(x @ W1 + b1)
    return jnp.mean((hidden @ W2 + b2 - t) ** 2)


def example_loss_torch(params, x, t):
    W1, b1, W2, b2 = params
    hidden = torch.tanh(x @ W1 + b1)
    return torch.mean((hidden @ W2 + b2 - t) ** 2)


def w8_reference(params, inputs, targets):
    """Backpropagation by hand, kept per example."""
    W1, b1, W2, b2 = params
    hidden = np.tanh(inputs @ W1 + b1)
    d_outputs = 2 * (hidden @ W2 + b2 - targets) / targets.shape[1]
    d_pre = (d_outputs @ W2.T) * (1 - hidden**2)
    return (np.einsum("bi,bj->bij", inputs, d_pre), d_pre,
            np.einsum("bi,bj->bij", hidden, d_outputs), d_outputs)


def w8_chainrule(params, inputs, targets):
    return cr.vmap(cr.grad(example_loss_numpy), in_axes=(None, 0, 0))(params, inputs, targets)


def w8_chainrule_loop(params, inputs, targets):
    gradients = [cr.grad(example_loss_numpy)(params, x, t) for x, t in zip(inputs, targets)]
    return tuple(np.stack(parts) for parts in zip(*gradients))


def w8_jax(params, inputs, targets):
    return jax.vmap(jax.grad(example_loss_jax), in_axes=(None, 0, 0))(params, inputs, targets)


def w8_torch(params, inputs, targets):
    return torch.func.vmap(torch.func.grad(example_loss_torch), in_dims=(None, 0, 0))(
        params, inputs, targets)


# == chainrule-jit: each workload's chainrule call compiled with cr.jit ================
# One function per workload, returning the compiled function; its first call traces
# and compiles (run.py reports that time apart from the per-call time).


def w1_chainrule_jit():
    return cr.jit(cr.grad(taylor_sin))


def w2_chainrule_jit():
    return cr.jit(cr.grad(cr.grad(cr.grad(cr.grad(tanh_numpy)))))


def mlp_chainrule_jit():
    return cr.jit(cr.grad(mlp_loss_numpy))


def chain_chainrule_jit():
    return cr.jit(cr.grad(chain_numpy), static_argnums=1)  # called as (y, steps)


def w6_chainrule_jit():
    return cr.jit(cr.hessian(w6_numpy))


def w7_chainrule_jit(mode):
    return cr.jit(cr.jacobian(w7_numpy, mode=mode))


def w8_chainrule_jit():
    return cr.jit(cr.vmap(cr.grad(example_loss_numpy), in_axes=(None, 0, 0)))
