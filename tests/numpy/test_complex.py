"""Complex values follow JAX's convention: the VJP is the transpose of the JVP
under Re(a * b); grad of real f(z) is df/dx - i df/dy."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

from batching_checks import check_batched_grads, refuse_loops

CASES = [
    #  name                 function
    ("holomorphic",        lambda z: np.sin(z) * z + np.exp(z) / (2.0 + z * z)),
    ("real_part",          lambda z: cnp.real(z * z)),
    ("imag_part",          lambda z: cnp.imag(np.exp(z))),
    ("conjugate",          lambda z: z * np.conj(z)),
    ("angle",              lambda z: np.angle(z) * 1.0),
]


@pytest.mark.parametrize("name, function", CASES, ids=[c[0] for c in CASES])
def test_complex_functions_against_finite_differences(name, function, rng):
    z = rng.uniform(0.2, 1, 3) + 1j * rng.uniform(0.2, 1, 3)
    cr.check_grads(function, (z,), modes=("fwd", "rev"), order=2)


def test_grad_of_squared_modulus_is_jax_convention():
    assert cr.grad(lambda z: np.real(z * np.conj(z)))(3.0 + 4.0j) == 6 - 8j


def test_real_input_through_complex_intermediates_gets_a_real_gradient():
    x = np.array([0.3, 0.7])
    gradient = cr.grad(lambda x: np.sum(np.real(np.exp(1j * x))))(x)
    assert gradient.dtype == np.float64
    np.testing.assert_allclose(gradient, -np.sin(x))


def test_grad_of_a_complex_output_is_an_error():
    with pytest.raises(TypeError, match="complex"):
        cr.grad(lambda z: z * z)(1.0 + 1.0j)


def test_a_real_array_indexed_in_complex_code_has_a_real_cotangent_at_second_order():
    z = np.array([1 + 2j, 0.5 - 1j])
    cr.check_grads(lambda z: (np.abs(z)[0] * z).real.sum(), (z,), modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("name, function", CASES, ids=[c[0] for c in CASES])
def test_batching(name, function, rng, monkeypatch):
    z = rng.uniform(0.2, 1, 3) + 1j * rng.uniform(0.2, 1, 3)
    refuse_loops(monkeypatch)
    cr.check_vmap(function, (z,))
    refuse_loops(monkeypatch)
    check_batched_grads(function, (z,))
