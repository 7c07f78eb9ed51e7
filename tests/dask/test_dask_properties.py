"""The property tests' random programs on chunked Dask inputs: the value, the
gradient (reverse mode) and a JVP (forward mode) equal the same on NumPy inputs,
with no compute while tracing. The operations are test_properties' own, less
those Dask refuses (det, eigvalsh), those that decide on the data (hypot), and
the FFTs (Dask's need a single chunk along the transformed axis)."""

import numpy as np
import pytest

pytest.importorskip("dask.array", reason="Dask is not installed: pip install 'chainrule[dask]'")

import dask  # noqa: E402
import dask.array as da  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import chainrule as cr  # noqa: E402
import test_properties  # noqa: E402
from dask_checks import no_compute  # noqa: E402

LEFT_OUT = {"det", "eigvalsh", "hypot_one", "fft_filter", "rfft_round_trip"}
UNARY = {name: f for name, f in test_properties.UNARY.items() if name not in LEFT_OUT}
BINARY = test_properties.BINARY

instruction = test_properties.instructions(UNARY, BINARY)


def build(program):
    return test_properties.build(program, UNARY, BINARY)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(program=st.lists(instruction, min_size=1, max_size=6), seed=st.integers(0, 2**16),
       chunks=st.sampled_from([(1, 3), (2, 2)]))
@pytest.mark.filterwarnings("error:The `.*` function is not implemented by Dask")
def test_random_programs_on_dask_equal_numpy(program, seed, chunks):
    rng = np.random.default_rng(seed)
    x, y, t = (rng.uniform(-1, 1, (2, 3)) for _ in range(3))
    f = build(program)
    with no_compute():
        lazy = [da.from_array(a, chunks=chunks) for a in (x, y, t)]
        value, gradient = cr.value_and_grad(f, argnums=(0, 1))(lazy[0], lazy[1])
        tangent = cr.jvp(f, (lazy[0], lazy[1]), (lazy[2], lazy[2]))[1]
    value, gradient, tangent = dask.compute(value, gradient, tangent, scheduler="synchronous")
    want_value, want_gradient = cr.value_and_grad(f, argnums=(0, 1))(x, y)
    np.testing.assert_allclose(value, want_value, rtol=1e-12, atol=1e-12)
    for got, want in zip(gradient, want_gradient):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(tangent, cr.jvp(f, (x, y), (t, t))[1], rtol=1e-12, atol=1e-12)
