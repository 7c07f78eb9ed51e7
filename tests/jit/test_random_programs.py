"""jit(f) equals f on the random programs of tests/test_properties.py (hypothesis), for
values and for the transformations, on many inputs per compiled program."""

import importlib.util
import pathlib

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chainrule as cr

_spec = importlib.util.spec_from_file_location(
    "random_programs", pathlib.Path(__file__).resolve().parents[1] / "test_properties.py")
random_programs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(random_programs)

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def inputs(seed, count):
    rng = np.random.default_rng(seed)
    return [(rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (2, 3))) for _ in range(count)]


@SETTINGS
@given(program=st.lists(random_programs.instruction, min_size=1, max_size=8),
       seed=st.integers(0, 2**16))
def test_values_on_a_hundred_inputs(program, seed):
    f = random_programs.build(program)
    compiled = cr.jit(f)
    for x, y in inputs(seed, 100):
        np.testing.assert_allclose(compiled(x, y), f(x, y), rtol=1e-12, atol=1e-12)
    assert compiled.traces == compiled.cache_info()["entries"]  # one per path the data took


@SETTINGS
@given(program=st.lists(random_programs.instruction, min_size=1, max_size=6),
       seed=st.integers(0, 2**16))
def test_grad_and_jvp(program, seed):
    f = random_programs.build(program)
    gradient = cr.jit(cr.grad(f, argnums=(0, 1)))
    tangent = cr.jit(lambda x, y, dx, dy: cr.jvp(f, (x, y), (dx, dy)))
    for x, y in inputs(seed, 10):
        for got, expected in zip(gradient(x, y), cr.grad(f, argnums=(0, 1))(x, y)):
            np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
        dx, dy = y[::-1], x * 0.5
        np.testing.assert_allclose(tangent(x, y, dx, dy), cr.jvp(f, (x, y), (dx, dy)),
                                   rtol=1e-10, atol=1e-12)
