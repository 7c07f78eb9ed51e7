"""A small NumPy MLP (2 -> 16 -> 16 -> 1, tanh) trained with Adam on the two-moons
data set, through cr.optimize.minimize(method="adam"); the parameters are a
dict of weight matrices. Then the same training as a hand-written loop with
the step-wise optimiser class, which gives the same weights. The decision
boundary is drawn over the data.

Run: python examples/mlp_two_moons.py [directory for the picture]
"""

import pathlib
import sys
import tempfile

import numpy as np

import chainrule as cr


def two_moons(n, noise, rng):
    """Two interleaved half circles, labels 0 and 1 (as scikit-learn's make_moons)."""
    angles = rng.uniform(0.0, np.pi, size=n)
    upper = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    lower = np.stack([1.0 - np.cos(angles), 0.5 - np.sin(angles)], axis=1)
    points = np.concatenate([upper, lower]) + rng.normal(scale=noise, size=(2 * n, 2))
    return points, np.concatenate([np.zeros(n), np.ones(n)])


def init(rng, sizes=(2, 16, 16, 1)):
    params = {}
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"W{k}"] = rng.normal(scale=1.0 / np.sqrt(fan_in), size=(fan_in, fan_out))
        params[f"b{k}"] = np.zeros(fan_out)
    return params


def logits(params, x):
    h = np.tanh(x @ params["W0"] + params["b0"])
    h = np.tanh(h @ params["W1"] + params["b1"])
    return (h @ params["W2"] + params["b2"])[:, 0]


def loss(params, x, y):
    z = logits(params, x)
    return np.mean(np.logaddexp(0.0, z) - y * z)


if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="chainrule-"))
    rng = np.random.default_rng(0)
    x, y = two_moons(100, 0.1, rng)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    params0 = init(rng)
    steps, lr = 600, 0.02

    result = cr.optimize.minimize(loss, params0, method="adam", args=(x, y), lr=lr, steps=steps)
    accuracy = np.mean((logits(result.x, x) > 0) == (y > 0))
    print(f"adam, {steps} steps of lr {lr}: loss {loss(params0, x, y):.3f} -> {result.fun:.4f}, "
          f"training accuracy {accuracy:.3f} ({result.message})")
    assert accuracy > 0.97 and result.nit == steps

    # the same training, step by step
    optimizer = cr.optimize.Adam(lr=lr)
    params, state = params0, optimizer.init(params0)
    value_and_grad = cr.value_and_grad(loss)
    for _ in range(steps):
        value, grads = value_and_grad(params, x, y)
        params, state = optimizer.update(grads, state, params)
    difference = max(float(np.max(np.abs(params[k] - result.x[k]))) for k in params)
    print(f"a hand-written loop with cr.optimize.Adam: the same weights (largest difference "
          f"{difference:.1e})")
    assert difference < 1e-12

    try:
        from matplotlib.figure import Figure  # the optional extra for the picture
    except ImportError:
        print("matplotlib is not installed: no picture (pip install 'chainrule[plot]')")
        sys.exit(0)
    a, b = np.meshgrid(np.linspace(-2.5, 2.5, 200), np.linspace(-2.5, 2.5, 200))
    grid = np.stack([a.ravel(), b.ravel()], axis=1)
    probability = 1.0 / (1.0 + np.exp(-logits(result.x, grid).reshape(a.shape)))
    figure = Figure(figsize=(6.0, 5.0), layout="constrained")
    ax = figure.add_subplot()
    filled = ax.contourf(a, b, probability, levels=20, cmap="RdBu_r", alpha=0.8)
    figure.colorbar(filled, ax=ax, label="P(class 1)")
    ax.contour(a, b, probability, levels=[0.5], colors="black", linewidths=2)
    ax.scatter(x[:, 0], x[:, 1], c=y, cmap="RdBu_r", edgecolors="black", s=18)
    ax.set(xlabel="x1 (standardised)", ylabel="x2 (standardised)",
           title=f"two moons: an MLP trained with adam, accuracy {accuracy:.2f}")
    saved = out / "mlp_two_moons.png"
    figure.savefig(saved)
    print(f"saved {saved}")
