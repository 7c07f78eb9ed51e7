"""The textbook gradient: forward pass, then one adjoint wk_bar per node."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.jit import textbook_gradient


def running_example(x1, x2):
    return np.exp(2 * x1) + x1 * x2**2 + np.cos(x2)


def test_the_running_examples_gradient_names_every_adjoint():
    source = cr.make_source(running_example, 1.0, 2.0, gradient=True)
    lines = [line.strip() for line in source.splitlines() if line.startswith("    ")]
    assert lines[8] == "w9 = w7 + w8"  # the forward pass first
    adjoints = [line.split(" = ")[0] for line in lines if "_bar = " in line]
    assert adjoints == ["w9_bar", "w8_bar", "w7_bar", "w6_bar", "w5_bar", "w2_bar", "w4_bar",
                        "w3_bar", "w1_bar"]
    assert "w5_bar = w1" in lines and "w3_bar = w4" in lines and "w9_bar = 1.0" in lines
    assert lines[-1] == "return (np.float64(w9), (np.float64(w1_bar), np.float64(w2_bar)))"


@pytest.mark.parametrize("f, args", [
    (running_example, (1.0, 2.0)),
    (lambda x: np.sum(np.tanh(x) ** 2 * x[::-1]), (np.array([0.1, -0.4, 0.7]),)),
    (lambda a, b: np.sum((a @ b) ** 2) / 3.0, (np.ones((2, 3)), np.arange(6.0).reshape(3, 2))),
])
def test_the_textbook_gradient_is_the_gradient(f, args):
    expected = cr.grad(f, argnums=tuple(range(len(args))))(*args)
    value, gradients = cr.jit(textbook_gradient(f))(*args)
    eager_value, eager_gradients = textbook_gradient(f)(*args)
    assert value == pytest.approx(f(*args)) and eager_value == pytest.approx(f(*args))
    for got, eager, want in zip(gradients, eager_gradients, expected):
        np.testing.assert_allclose(got, want, rtol=1e-12)
        np.testing.assert_allclose(eager, want, rtol=1e-12)


def test_a_constant_output_has_no_textbook_gradient():
    with pytest.raises(TypeError, match="cr.grad"):
        cr.jit(textbook_gradient(lambda x: 3.0))(1.0)
