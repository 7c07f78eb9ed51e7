"""cr.vmap: JAX's signature and semantics, composition with every transformation,
and the batched Jacobians and Hessians against their one-basis-vector-at-a-time
definitions."""

import pathlib
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule.core import Primitive
from chainrule.core import batching as core_batching

from test_properties import build, instruction

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"


def loop(function, *batches, axis=0):
    """``np.stack([function(*member) for member in zip(*batches)])``, members along ``axis``."""
    members = zip(*(np.moveaxis(batch, axis, 0) for batch in batches))
    return np.stack([function(*member) for member in members])


# -- in_axes, out_axes, axis_size ----------------------------------------------------


def test_maps_over_the_first_axis_by_default(rng):
    xs = rng.standard_normal((4, 3))
    np.testing.assert_allclose(cr.vmap(lambda x: np.sin(x) @ x)(xs),
                               loop(lambda x: np.sin(x) @ x, xs), rtol=1e-12)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_in_axes_picks_the_batch_axis(rng, axis):
    xs = rng.standard_normal((3, 4, 2))
    got = cr.vmap(lambda x: np.sum(x * x, axis=0), in_axes=axis)(xs)
    np.testing.assert_allclose(got, loop(lambda x: np.sum(x * x, axis=0), xs, axis=axis),
                               rtol=1e-12)


def test_none_marks_an_argument_shared_by_every_member(rng):
    w, xs = rng.standard_normal(3), rng.standard_normal((5, 3))
    got = cr.vmap(lambda w, x: np.tanh(w @ x), in_axes=(None, 0))(w, xs)
    np.testing.assert_allclose(got, [np.tanh(w @ x) for x in xs], rtol=1e-12)


def test_in_axes_is_a_prefix_of_pytree_arguments(rng):
    params = {"a": rng.standard_normal(3), "b": rng.standard_normal((4, 3))}

    def f(p):
        return p["a"] * p["b"]

    got = cr.vmap(f, in_axes=({"a": None, "b": 0},))(params)
    np.testing.assert_allclose(got, params["a"] * params["b"], rtol=1e-12)


@pytest.mark.parametrize("out_axes", [0, 1, -1])
def test_out_axes_places_the_batch_axis(rng, out_axes):
    xs = rng.standard_normal((4, 2, 3))
    got = cr.vmap(lambda x: x.T, out_axes=out_axes)(xs)
    np.testing.assert_array_equal(got, np.moveaxis(np.stack([x.T for x in xs]), 0, out_axes))


def test_outputs_that_do_not_depend_on_the_batch_are_repeated(rng):
    xs = rng.standard_normal((3, 2))
    values, constant = cr.vmap(lambda x: (x * 2, np.ones(2)))(xs)
    np.testing.assert_array_equal(constant, np.ones((3, 2)))
    shared = cr.vmap(lambda x: (x, np.ones(2)), out_axes=(0, None))(xs)[1]
    np.testing.assert_array_equal(shared, np.ones(2))


def test_axis_size_when_nothing_is_mapped():
    np.testing.assert_array_equal(
        cr.vmap(lambda c: c * np.ones(2), in_axes=None, axis_size=3)(2.0), 2 * np.ones((3, 2)))


def test_nested_vmap_with_different_axes(rng):
    xs = rng.standard_normal((3, 4, 5))
    inner = cr.vmap(lambda v: np.sum(np.sin(v)), in_axes=1)  # over the last axis of (4, 5)
    got = cr.vmap(inner, in_axes=0)(xs)
    np.testing.assert_allclose(got, np.sum(np.sin(xs), axis=1), rtol=1e-12)
    got = cr.vmap(cr.vmap(lambda a, b: a * b, in_axes=(0, None)), in_axes=(None, 0))(
        xs[0, 0], xs[0])
    np.testing.assert_allclose(got, np.einsum("i,jk->jik", xs[0, 0], xs[0]), rtol=1e-12)


def test_keyword_arguments_are_mapped_over_axis_0(rng):
    xs, scales = rng.standard_normal((3, 2)), rng.standard_normal(3)
    got = cr.vmap(lambda x, scale: x * scale)(xs, scale=scales)
    np.testing.assert_allclose(got, xs * scales[:, None], rtol=1e-12)


# -- errors ---------------------------------------------------------------------------


def test_python_branches_on_batched_values_name_np_where():
    def f(x):
        return x if x > 0 else -x

    with pytest.raises(TypeError, match="np.where"):
        cr.vmap(f)(np.array([1.0, -2.0]))
    with pytest.raises(TypeError, match="np.where"):
        cr.vmap(lambda x: float(x))(np.array([1.0, -2.0]))


def test_the_branch_written_with_where_works():
    got = cr.vmap(lambda x: np.where(x > 0, x, -x))(np.array([1.0, -2.0]))
    np.testing.assert_array_equal(got, [1.0, 2.0])


@pytest.mark.parametrize("call, message", [
    (lambda: cr.vmap(np.sin)(np.ones(3), ), None),
    (lambda: cr.vmap(lambda x, y: x + y)(np.ones(3), np.ones(4)), "different batch sizes"),
    (lambda: cr.vmap(np.sin)(2.0), "scalar"),
    (lambda: cr.vmap(np.sin, in_axes=2)(np.ones((2, 3))), "axis 2"),
    (lambda: cr.vmap(np.sin, in_axes=None)(np.ones(3)), "axis_size"),
    (lambda: cr.vmap(np.sin, out_axes=None)(np.ones(3)), "out_axes=None"),
    (lambda: cr.vmap(lambda x, y: x, in_axes=(0,))(np.ones(3), np.ones(3)), "structure"),
])
def test_mistakes_are_named(call, message):
    if message is None:
        call()  # the well-formed call of the table: it works
        return
    with pytest.raises(ValueError, match=message):
        call()


# -- composition with the transformations ------------------------------------------------


def loss(w, x, y):
    return (np.tanh(x @ w) - y) ** 2


def test_vmap_of_grad_gives_per_example_gradients(rng):
    w, xs, ys = rng.standard_normal(3), rng.standard_normal((6, 3)), rng.standard_normal(6)
    got = cr.vmap(cr.grad(loss), in_axes=(None, 0, 0))(w, xs, ys)
    want = np.stack([cr.grad(loss)(w, x, y) for x, y in zip(xs, ys)])
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_grad_of_a_function_that_calls_vmap(rng):
    w, xs, ys = rng.standard_normal(3), rng.standard_normal((6, 3)), rng.standard_normal(6)

    def total(w):
        return np.sum(cr.vmap(loss, in_axes=(None, 0, 0))(w, xs, ys))

    np.testing.assert_allclose(cr.grad(total)(w),
                               cr.grad(lambda w: np.sum(loss(w, xs, ys)))(w), rtol=1e-12)


def f_vector(x):
    return np.tanh(np.outer(x, x) @ x) + np.sin(x) * x


@pytest.mark.parametrize("transform", [cr.jacfwd, cr.jacrev, cr.hessian,
                                       lambda f: cr.grad(lambda x: np.sum(f(x) ** 2))],
                         ids=["jacfwd", "jacrev", "hessian", "grad"])
def test_vmap_of_each_transformation(rng, transform):
    xs = rng.standard_normal((3, 4))
    function = transform(f_vector) if transform is not cr.hessian else cr.hessian(
        lambda x: np.sum(f_vector(x)))
    np.testing.assert_allclose(cr.vmap(function)(xs), loop(function, xs), rtol=1e-11,
                               atol=1e-12)


@pytest.mark.parametrize("transform", [cr.jacfwd, cr.jacrev], ids=["jacfwd", "jacrev"])
def test_each_transformation_of_vmap(rng, transform):
    xs = rng.standard_normal((3, 4))
    batched = cr.vmap(f_vector)
    got = transform(batched)(xs)
    # the Jacobian of the batched function is block diagonal over the members
    want = np.zeros((3, 4, 3, 4))
    for member, x in enumerate(xs):
        want[member, :, member, :] = cr.jacfwd(f_vector)(x)
    np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-12)


def test_vmap_of_jvp_and_of_a_pullback(rng):
    x, tangents = rng.standard_normal(4), rng.standard_normal((5, 4))
    got = cr.vmap(lambda t: cr.jvp(f_vector, (x,), (t,))[1])(tangents)
    np.testing.assert_allclose(got, tangents @ cr.jacfwd(f_vector)(x).T, rtol=1e-11)
    _, pullback = cr.vjp(f_vector, x)
    got = cr.vmap(lambda g: pullback(g)[0])(tangents)
    np.testing.assert_allclose(got, tangents @ cr.jacfwd(f_vector)(x), rtol=1e-11)


def test_a_linearized_function_takes_a_batch_of_tangents(rng):
    x, tangents = rng.standard_normal(4), rng.standard_normal((5, 4))
    _, f_jvp = cr.linearize(f_vector, x)
    np.testing.assert_allclose(cr.vmap(f_jvp)(tangents), loop(f_jvp, tangents), rtol=1e-12)


def test_hvp_is_one_pass_and_batches(rng):
    x, vs = rng.standard_normal(4), rng.standard_normal((3, 4))

    def scalar(x):
        return np.sum(f_vector(x))

    got = cr.vmap(lambda v: cr.hvp(scalar, x, v))(vs)
    np.testing.assert_allclose(got, vs @ cr.hessian(scalar)(x), rtol=1e-11, atol=1e-12)


# -- the fallback: a primitive without a batching rule --------------------------------------


def test_a_primitive_without_a_batching_rule_loops_over_the_batch(rng):
    calls = []

    def impl(x):
        calls.append(np.shape(x))
        return np.cumsum(x) * 2.0

    doubled_cumsum = Primitive("doubled_cumsum", impl)
    assert "batch" not in doubled_cumsum.rules
    xs = rng.standard_normal((3, 4))
    got = cr.vmap(doubled_cumsum)(xs)
    np.testing.assert_array_equal(got, np.stack([impl(x) for x in xs]))
    assert calls[:3] == [(4,), (4,), (4,)]  # one call per member, on member-shaped values


def test_a_primitive_with_a_batching_rule_runs_once(rng, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("looped over the batch")

    monkeypatch.setattr(core_batching, "loop_over_batch", forbidden)
    xs = rng.standard_normal((3, 4))
    np.testing.assert_allclose(cr.vmap(lambda x: np.exp(np.sin(x) * x + 1.0))(xs),
                               np.exp(np.sin(xs) * xs + 1.0), rtol=1e-12)


# -- batched Jacobians and Hessians against one basis vector at a time ------------------------


def basis_jacobian(function, x):
    """The Jacobian column by column with cr.jvp: the definition the batch must equal."""
    columns = [cr.jvp(function, (x,), (np.eye(x.size)[k].reshape(x.shape),))[1]
               for k in range(x.size)]
    return np.moveaxis(np.reshape(columns, x.shape + np.shape(columns[0])),
                       tuple(range(x.ndim)), tuple(range(-x.ndim, 0)))


def w7_function(x, B):
    return np.tanh(B @ x) + np.sin(x) * x


@pytest.mark.parametrize("chunk_size", [None, 7, 1])
@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_w7_jacobian_equals_the_basis_loop(rng, mode, chunk_size):
    x, B = rng.standard_normal(20), rng.standard_normal((20, 20))
    got = cr.jacobian(w7_function, mode=mode, chunk_size=chunk_size)(x, B)
    np.testing.assert_allclose(got, basis_jacobian(lambda x: w7_function(x, B), x),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("chunk_size", [None, 6])
def test_w6_hessian_equals_the_basis_loop(rng, chunk_size):
    x, A = rng.standard_normal(15), rng.standard_normal((15, 15))

    def scalar(x):
        return np.sum(np.tanh(A @ x))

    got = cr.hessian(scalar, chunk_size=chunk_size)(x)
    np.testing.assert_allclose(got, basis_jacobian(cr.grad(scalar), x), rtol=1e-12,
                               atol=1e-12)


def test_chunk_size_must_be_positive():
    with pytest.raises(ValueError, match="chunk_size"):
        cr.jacrev(np.sin, chunk_size=0)(np.ones(3))


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(program=st.lists(instruction, min_size=1, max_size=6), seed=st.integers(0, 2**16))
def test_random_programs_batched_hessians_and_jacobians(program, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (2, 3))
    f = build(program)

    def of_x(x):
        return f(x, y)

    gradient = cr.grad(of_x)
    np.testing.assert_allclose(cr.jacfwd(gradient)(x), basis_jacobian(gradient, x),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cr.jacrev(gradient)(x), cr.jacfwd(gradient)(x), rtol=1e-9,
                               atol=1e-9)
    xs = np.stack([x, 0.5 * x, -x])
    np.testing.assert_allclose(cr.vmap(gradient)(xs), loop(gradient, xs), rtol=1e-12,
                               atol=1e-12)



def test_the_batching_example_of_the_docs_runs():
    text = (DOCS / "transforms.md").read_text()
    section = text[text.index("## Batching"):]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/transforms.md", "exec"), {})
