"""cr.jit's cache: keys, guards and re-tracing, the eager fallback, eviction, and the
semantics the docs promise (side effects at trace time, escaping tracers, errors)."""

import gc
import warnings
import weakref

import numpy as np
import pytest

import chainrule as cr
from chainrule.jit import JitFallbackWarning


def test_a_guard_failure_traces_the_other_branch_and_keeps_both():
    f = cr.jit(lambda x: x * 2.0 if x > 0 else -x)
    assert f(3.0) == 6.0 and f(-4.0) == 4.0 and f(5.0) == 10.0 and f(-1.0) == 1.0
    assert f.cache_info()["entries"] == 2 and f.traces == 2


def test_a_guard_on_an_int_conversion_retraces_for_each_count():
    def power_sum(x):
        total = 0.0
        for k in range(int(x)):
            total = total + x ** k
        return total

    f = cr.jit(power_sum)
    for x in (3.5, 2.5, 3.25, 4.0):
        assert f(x) == pytest.approx(power_sum(x))
    assert f.traces == 3  # 3, 2 and 4 terms; 3.25 reuses the first entry


def test_data_dependent_paths_fall_back_to_eager_with_one_warning_naming_the_line():
    def steps(x):
        for _ in range(int(x * 10)):  # the guard's line
            x = x * 0.5 + 1.0
        return x

    f = cr.jit(steps, max_retraces=3)
    inputs = [0.05 + 0.1 * k for k in range(10)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = [f(x) for x in inputs]
    assert results == [pytest.approx(steps(x)) for x in inputs]
    fallbacks = [w for w in caught if issubclass(w.category, JitFallbackWarning)]
    assert len(fallbacks) == 1
    assert "test_cache.py:" in str(fallbacks[0].message) and "int(w" in str(fallbacks[0].message)
    assert f.cache_info()["eager"] == 1 and f.traces == 4


@pytest.mark.parametrize("first, second", [
    (np.ones(3, np.float32), np.ones(3, np.float64)),
    (1.0, np.array(1.0)),
    (np.float32(1.0), 1.0),
    (np.ones(3), np.ones(4)),
    ((1.0, 2.0), [1.0, 2.0]),
])
def test_the_cache_keys_on_type_shape_dtype_and_structure(first, second):
    def f(x):
        return np.sum(np.sin(x) * 2.0) if not isinstance(x, (tuple, list)) else x[0] * x[1]

    compiled = cr.jit(f)
    for value in (first, second, first):
        result = compiled(value)
        expected = f(value)
        assert type(result) is type(expected)
        assert getattr(result, "dtype", None) == getattr(expected, "dtype", None)
        np.testing.assert_allclose(result, expected, rtol=1e-6)
    assert compiled.cache_info()["signatures"] == 2


def test_python_ints_are_traced_as_floats():
    f = cr.jit(lambda x: x * 3.0)
    assert f(2) == 6.0 and f(2.0) == 6.0
    assert f.cache_info()["signatures"] == 1


def test_static_argnums_and_argnames_are_part_of_the_key():
    def f(x, n, scale=1.0, mode="sum"):
        y = x ** n * scale
        return np.sum(y) if mode == "sum" else np.max(y)

    compiled = cr.jit(f, static_argnums=(1,), static_argnames=("mode",))
    x = np.array([1.0, 2.0])
    assert compiled(x, 2) == 5.0 and compiled(x, 3) == 9.0
    assert compiled(x, 3, scale=2.0) == 18.0  # scale is traced: no new entry for its value
    assert compiled(x, 3, scale=3.0, mode="max") == 24.0
    assert compiled.cache_info()["signatures"] == 4 and compiled.traces == 4
    assert compiled(x, 3, scale=5.0) == 45.0 and compiled.traces == 4


def test_an_unhashable_static_argument_says_what_to_pass():
    f = cr.jit(lambda x, shape: np.reshape(x, shape), static_argnums=1)
    with pytest.raises(TypeError, match="tuple instead of a list"):
        f(np.ones(4), [2, 2])
    assert f(np.ones(4), (2, 2)).shape == (2, 2)


def test_a_string_argument_must_be_static():
    with pytest.raises(TypeError, match="static_argnames"):
        cr.jit(lambda x, mode: x)(1.0, "fast")


def test_the_lru_cache_is_bounded_and_eviction_releases_constants():
    made = []

    def f(x):
        big = np.arange(100_000.0)  # a constant of the recording, hoisted into the entry
        made.append(weakref.ref(big))
        return np.sum(x * big[: x.shape[0]])

    compiled = cr.jit(f, cache_size=2)
    for n in (1, 2, 3):
        assert compiled(np.ones(n)) == sum(range(n))
    assert compiled.cache_info()["signatures"] == 2
    gc.collect()
    assert made[0]() is None  # the first signature was evicted: its constant is gone
    assert made[2]() is not None
    compiled.clear_cache()
    gc.collect()
    assert all(ref() is None for ref in made)
    assert compiled.cache_info()["signatures"] == 0


def test_side_effects_happen_at_trace_time_only():
    printed = []

    def f(x):
        printed.append("traced")
        return x + np.random.default_rng(0).normal()  # a draw is a constant of the trace

    compiled = cr.jit(f)
    first = compiled(1.0)
    assert compiled(1.0) == first and compiled(2.0) == pytest.approx(first + 1.0)
    assert printed == ["traced"]


def test_mutation_of_traced_arrays_inside_the_function():
    def f(x):
        y = x.copy()
        y[0] = 2.0 * x[1]
        y += x
        y[y > 1.0] *= 3.0
        return y

    compiled = cr.jit(f)
    for x in (np.array([0.1, 0.2, 0.3]), np.array([0.5, 1.5, 0.4]), np.array([0.9, 0.1, 2.0])):
        np.testing.assert_allclose(compiled(x), f(x))
        np.testing.assert_allclose(cr.jit(cr.grad(lambda x: np.sum(f(x) ** 2)))(x),
                                   cr.grad(lambda x: np.sum(f(x) ** 2))(x))


def test_tracers_escaping_a_jit_function_raise_when_used():
    kept = []

    def f(x):
        kept.append(x)
        return x * 2.0

    cr.jit(f)(1.0)
    with pytest.raises(cr.EscapedTracerError):
        kept[0] * 3.0


def test_an_error_in_generated_code_names_the_users_line():
    def f(a):
        return np.linalg.cholesky(a @ a.T - 2.0 * np.eye(2))  # the failing line

    compiled = cr.jit(f)
    compiled(np.array([[2.0, 0.0], [0.0, 2.0]]))
    with pytest.raises(np.linalg.LinAlgError) as caught:
        compiled(np.eye(2))
    note = "\n".join(caught.value.__notes__)
    assert "cholesky" in note and f"test_cache.py:{f.__code__.co_firstlineno + 1}" in note


def test_the_fast_float_path_falls_back_to_numpys_semantics():
    f = cr.jit(lambda x: np.log(x) + np.sqrt(x))  # math.log(0.0) raises, np.log gives -inf
    assert f(4.0) == pytest.approx(np.log(4.0) + 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        assert f(0.0) == -np.inf  # traced again for an exact entry, kept after the fast one
        assert np.isnan(f(-1.0)) and f(0.0) == -np.inf
        assert "np.log(w1)" in f.source(0.0)
    assert f.traces == 2 and f(9.0) == pytest.approx(np.log(9.0) + 3.0)
    assert "math.log(w1)" in f.source(4.0) and f.traces == 2


@pytest.mark.parametrize("transform", [
    lambda f: cr.grad(f), lambda f: cr.hessian(f), lambda f: cr.jacfwd(cr.grad(f)),
    lambda f: cr.jacrev(f), lambda f: cr.value_and_grad(f),
    lambda f: (lambda x: cr.jvp(f, (x,), (np.ones_like(x),))),
    lambda f: (lambda x: cr.vjp(f, x)[1](1.0)),
    lambda f: cr.grad(cr.jit(f)),
])
def test_jit_of_transformations_equals_the_transformation(transform, rng):
    def f(x):
        return np.sum(np.tanh(x) ** 3 * x[::-1]) + np.prod(np.cos(x))

    compiled = cr.jit(transform(f))
    for _ in range(3):
        x = rng.uniform(-1, 1, 3)
        got, expected = compiled(x), transform(f)(x)
        for g, e in zip(np.atleast_1d(got) if not isinstance(got, tuple) else got,
                        np.atleast_1d(expected) if not isinstance(expected, tuple) else expected):
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


def test_grad_of_jit_runs_the_function_under_grad():
    compiled = cr.jit(lambda x: np.sin(x) * x)
    assert cr.grad(compiled)(0.5) == pytest.approx(np.cos(0.5) * 0.5 + np.sin(0.5))
    assert cr.grad(cr.grad(compiled))(0.5) == pytest.approx(
        cr.grad(cr.grad(lambda x: np.sin(x) * x))(0.5))
    assert compiled.traces == 0  # called inside grad: run as written, nothing compiled


def test_pytree_arguments_and_results():
    def f(params, x):
        return {"out": params["w"] * x + params["b"], "pair": (x, None)}

    compiled = cr.jit(f)
    params = {"w": np.array([1.0, 2.0]), "b": 0.5}
    result = compiled(params, np.array([3.0, 4.0]))
    assert set(result) == {"out", "pair"} and result["pair"][1] is None
    np.testing.assert_allclose(result["out"], [3.5, 8.5])
    np.testing.assert_allclose(result["pair"][0], [3.0, 4.0])


def test_source_and_graph_and_repr():
    compiled = cr.jit(lambda x: np.sin(x) ** 2)
    assert "w2 = math.sin(w1)" in compiled.source(1.0)
    assert len(compiled.graph(1.0).nodes) == 3
    assert "jit of" in repr(compiled) and compiled.cache_info()["entries"] == 1
    assert cr.make_source(compiled, 1.0) == compiled.source(1.0)


def test_jit_as_a_decorator_with_options():
    @cr.jit(static_argnums=1)
    def f(x, n):
        return x ** n

    assert f(2.0, 3) == 8.0 and f.__name__ == "f"
    with pytest.raises(TypeError, match="needs a function"):
        cr.jit(3.0)
    with pytest.raises(ValueError, match="cache_size"):
        cr.jit(f, cache_size=0)


def test_the_least_recently_used_signature_is_evicted():
    compiled = cr.jit(lambda x: x * 2.0, cache_size=2)
    a, b, c = 1.0, np.ones(2), np.ones(3)
    for value in (a, b, a, c):  # a was used after b, so b goes
        compiled(value)
    assert compiled.traces == 3
    compiled(a)
    assert compiled.traces == 3
    compiled(b)
    assert compiled.traces == 4


def test_a_jit_function_called_inside_another_is_traced_into_it():
    inner = cr.jit(lambda x: np.sin(x) * 2.0)
    outer = cr.jit(lambda x: inner(x) + inner(x * x))
    assert outer(0.5) == pytest.approx(2 * np.sin(0.5) + 2 * np.sin(0.25))
    assert inner.traces == 0 and outer.traces == 1
    assert "math.sin(w1)" in outer.source(0.5)


def test_a_static_argname_passed_positionally_is_static():
    compiled = cr.jit(lambda x, n: x ** n, static_argnames="n")
    assert compiled(2.0, 3) == 8.0 and compiled(2.0, 2) == 4.0
    assert compiled.traces == 2
