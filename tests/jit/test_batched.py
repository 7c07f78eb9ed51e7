"""cr.jit of the batched transformations: vmap, and the Jacobians and Hessians that
push a whole basis through one pass, equal their eager results."""

import numpy as np
import pytest

import chainrule as cr


def loss(w, x, y):
    return (np.tanh(x @ w) - y) ** 2


TRANSFORMATIONS = {
    "jacfwd": lambda f: cr.jacfwd(f),
    "jacrev": lambda f: cr.jacrev(f),
    "jacrev-chunks": lambda f: cr.jacrev(f, chunk_size=3),
    "hessian": lambda f: cr.hessian(lambda x: np.sum(f(x))),
    "vmap": lambda f: cr.vmap(f),
}


@pytest.mark.parametrize("name", sorted(TRANSFORMATIONS))
def test_jit_of_a_batched_transformation_equals_eager(rng, name):
    B = rng.standard_normal((6, 6))

    def f(x):
        return np.tanh(B @ x) + np.sin(x) * x

    x = rng.standard_normal((4, 6) if name == "vmap" else 6)
    transformed = TRANSFORMATIONS[name](f)
    compiled = cr.jit(transformed)
    for _ in range(2):  # the first call traces, the second runs the generated code
        np.testing.assert_allclose(compiled(x), transformed(x), rtol=1e-13, atol=1e-13)
        x = x * 0.5


def test_jit_of_per_example_gradients(rng):
    w, xs, ys = rng.standard_normal(3), rng.standard_normal((8, 3)), rng.standard_normal(8)
    per_example = cr.vmap(cr.grad(loss), in_axes=(None, 0, 0))
    compiled = cr.jit(per_example)
    np.testing.assert_allclose(compiled(w, xs, ys), per_example(w, xs, ys), rtol=1e-13)
    np.testing.assert_allclose(compiled(w + 1, xs, ys), per_example(w + 1, xs, ys), rtol=1e-13)
