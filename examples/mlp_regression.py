"""Fit a small neural network (tanh hidden layer) to noisy sin data with plain
gradient descent; the gradient of the loss comes from chainrule.

Run: python examples/mlp_regression.py
"""

import numpy as np

import chainrule as cr


def init(rng, sizes=(1, 16, 1)):
    return [
        {"w": rng.standard_normal((m, n)) / np.sqrt(m), "b": np.zeros(n)}
        for m, n in zip(sizes[:-1], sizes[1:])
    ]


def predict(params, x):
    hidden = np.tanh(x @ params[0]["w"] + params[0]["b"])
    return hidden @ params[1]["w"] + params[1]["b"]


def loss(params, x, y):
    return np.mean((predict(params, x) - y) ** 2)


def train(steps=300, rate=0.1, seed=0):
    rng = np.random.default_rng(seed)
    x = np.linspace(-3, 3, 64)[:, None]
    y = np.sin(x) + 0.05 * rng.standard_normal(x.shape)
    params = init(rng)
    value_and_grad = cr.value_and_grad(loss)
    history = []
    for _ in range(steps):
        value, gradient = value_and_grad(params, x, y)
        params = [
            {name: layer[name] - rate * step[name] for name in layer}
            for layer, step in zip(params, gradient)
        ]
        history.append(value)
    return params, history


if __name__ == "__main__":
    params, history = train()
    print(f"loss: start {history[0]:.4f} -> end {history[-1]:.4f}")
    assert history[-1] < 0.25 * history[0]
