"""chainrule.nn: a micrograd-style MLP over Scalars."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import Scalar


@pytest.mark.parametrize("make, count", [
    (lambda: cr.nn.Neuron(3), 4),                 # 3 weights + bias
    (lambda: cr.nn.Layer(3, 2), 8),               # 2 neurons of 4
    (lambda: cr.nn.MLP(2, [4, 4, 1]), 37),        # 3*4 + 5*4 + 5*1
    (lambda: cr.nn.MLP(1, [1]), 2),
])
def test_parameter_count(make, count):
    parameters = make().parameters()
    assert len(parameters) == count and all(isinstance(p, Scalar) for p in parameters)


def squared_loss(model, points, targets):
    return sum((model(list(x)) - y) ** 2 for x, y in zip(points, targets))


def test_one_gradient_step_lowers_the_loss():
    rng = np.random.default_rng(0)
    points, targets = rng.normal(size=(8, 2)), rng.choice([-1.0, 1.0], 8)
    model = cr.nn.MLP(2, [4, 4, 1], seed=3)
    before = squared_loss(model, points, targets)
    model.zero_grad()
    before.backward()
    for p in model.parameters():
        p.data -= 0.01 * p.grad
    assert squared_loss(model, points, targets).data < before.data


def test_seeds_make_models_reproducible():
    weights = [[p.data for p in cr.nn.MLP(2, [3, 1], seed=seed).parameters()]
               for seed in (5, 5, 6)]
    assert weights[0] == weights[1] != weights[2]


def test_zero_grad_and_outputs():
    model = cr.nn.MLP(2, [3, 1], seed=0)
    out = model([1.0, -2.0])
    assert isinstance(out, Scalar) and out.op == "+"  # the last layer is linear
    out.backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert len(cr.nn.Layer(2, 3)([1.0, 2.0])) == 3
