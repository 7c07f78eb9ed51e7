"""Train chainrule.nn.MLP, a micrograd-style network of Scalars, to separate two moons.

40 points in two interleaved half-circles (standardised), labels +1 and -1; a 2-8-8-1 ReLU
network; the hinge loss max(0, 1 - y * score) averaged over the points plus a
little L2 on the weights; plain gradient descent. Every Scalar operation is a
chainrule primitive, and ``loss.backward()`` runs their reverse rules.

Run: python examples/scalar_mlp.py
"""

import numpy as np

import chainrule as cr


def two_moons(n, noise, seed):
    """``n`` points of two interleaved half-circles, with labels +1 (upper) and -1 (lower)."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, np.pi, n)
    upper = np.arange(n) < n // 2
    x = np.where(upper, np.cos(angle), 1.0 - np.cos(angle))
    y = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
    points = np.stack([x, y], axis=1) + rng.normal(0.0, noise, (n, 2))
    points = (points - points.mean(axis=0)) / points.std(axis=0)  # centred, unit spread
    return points, np.where(upper, 1.0, -1.0)


def loss_and_accuracy(model, points, labels):
    scores = [model(list(point)) for point in points]
    hinge = sum((1.0 - label * score).relu() for label, score in zip(labels, scores))
    l2 = sum(p * p for p in model.parameters())
    loss = hinge / len(points) + 1e-4 * l2
    accuracy = np.mean([(score.data > 0) == (label > 0) for score, label in zip(scores, labels)])
    return loss, accuracy


if __name__ == "__main__":
    points, labels = two_moons(40, noise=0.1, seed=0)
    model = cr.nn.MLP(2, [8, 8, 1], seed=2)
    print(f"{model}\n\n{len(model.parameters())} parameters, {len(points)} points\n")
    history = []
    steps = 40
    for step in range(steps):
        loss, accuracy = loss_and_accuracy(model, points, labels)
        model.zero_grad()
        loss.backward()
        learning_rate = 1.0 - 0.8 * step / steps  # decays from 1.0 to 0.2
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        history.append(loss.data)
        if step % 5 == 0 or step == steps - 1:
            print(f"step {step:2d}  loss {loss.data:.4f}  accuracy {accuracy:.0%}")
    loss, accuracy = loss_and_accuracy(model, points, labels)
    print(f"\nafter {steps} steps: loss {history[0]:.4f} -> {loss.data:.4f}, "
          f"accuracy {accuracy:.0%}")
    assert loss.data < 0.5 * history[0] and accuracy >= 0.9
