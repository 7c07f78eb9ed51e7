"""The array tracer: attributes, operators, methods, and the errors where a
derivative would be lost."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.numpy.wrap import PRIMITIVES, primitive


def inside(function, x):
    """Run ``function`` on ``x`` as a reverse-mode tracer and return what it returns."""
    box = []
    cr.grad(lambda x: (box.append(function(x)), np.sum(x))[1])(x)
    return box[0]


def test_attributes_and_len_iteration():
    x = np.arange(6.0).reshape(2, 3)
    assert inside(lambda t: (t.shape, t.ndim, t.size, t.dtype, len(t)), x) == (
        (2, 3), 2, 6, np.float64, 2)
    rows = inside(lambda t: [row for row in t], x)
    assert len(rows) == 2


def test_comparisons_return_plain_booleans():
    mask = inside(lambda t: t > 1.0, np.array([0.0, 2.0]))
    assert type(mask) is np.ndarray and mask.dtype == bool
    assert inside(lambda t: bool(t[1] > t[0]), np.array([0.0, 2.0])) is True


def test_reflected_operators_and_matmul():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    f = lambda x: np.sum(2.0 - x + 3.0 * x / 2.0 + 1.0 / (1.0 + x**2) + A @ x + x @ A)  # noqa
    cr.check_grads(f, (np.array([0.5, -0.3]),), order=2)


def test_methods():
    x = np.arange(1.0, 7.0).reshape(2, 3)
    f = lambda t: t.T.reshape(6).sum() + t.dot(np.ones(3)).mean() + t.astype(np.float64).prod()  # noqa
    cr.check_grads(f, (x,), order=2)


def test_ndarray_on_the_left_of_an_operator():
    weights = np.array([1.0, 2.0])
    # weights @ x is a scalar broadcast over both entries before the sum
    assert np.allclose(cr.grad(lambda x: np.sum(weights * x + weights @ x))(np.ones(2)),
                       3 * weights)


# -- where the derivative would be lost: clear errors ------------------------------------------


def test_np_asarray_on_a_tracer_names_the_working_spelling():
    with pytest.raises(TypeError, match=r"chainrule.numpy.array"):
        cr.grad(lambda x: np.sum(np.asarray(x)))(np.ones(2))
    with pytest.raises(TypeError, match=r"chainrule.numpy.array"):
        cr.grad(lambda x: np.sum(np.array([x[0], x[1]])))(np.ones(2))


def test_tracer_written_into_a_plain_array_names_zeros_like():
    def f(x):
        out = np.zeros(2)
        out[0] = x[0]
        return np.sum(out)

    with pytest.raises(TypeError, match=r"np.zeros\(n, like=x\)"):
        cr.grad(f)(np.ones(2))


def test_float_of_a_tracer_is_an_error_naming_stop_gradient():
    with pytest.raises(TypeError, match="stop_gradient"):
        cr.grad(lambda x: float(x) * 2)(1.0)
    assert cr.grad(lambda x: x * float(cr.stop_gradient(x)))(3.0) == 3.0


def test_out_argument_into_a_plain_array_is_an_error():
    with pytest.raises(TypeError, match="out="):
        cr.grad(lambda x: np.sum(np.sin(x, out=np.zeros(2))))(np.ones(2))


def test_unsupported_numpy_function_names_itself():
    with pytest.raises(NotImplementedError, match="numpy.add.reduceat"):
        cr.grad(lambda x: np.sum(np.add.reduceat(x, [0])))(np.ones(2))


def test_missing_rule_names_primitive_and_mode():
    half_done = primitive("half_done", np.negative)
    try:
        half_done.def_vjp(lambda g, ans, x: -g)
        assert cr.grad(lambda x: half_done(x))(1.0) == -1.0
        with pytest.raises(NotImplementedError,
                           match=r"numpy.half_done has no forward-mode \(JVP\)"):
            cr.deriv(lambda x: half_done(x))(1.0)
    finally:  # leave the registry as it was: docs/coverage.md counts its primitives
        del PRIMITIVES[half_done.name]


def test_grad_of_non_scalar_names_jacobian_and_elementwise_grad():
    with pytest.raises(TypeError, match="jacobian.*elementwise_grad"):
        cr.grad(np.sin)(np.ones(3))


@pytest.mark.parametrize("bad", [np.arange(3), np.array([True, False])])
def test_integer_and_boolean_arrays_cannot_be_differentiated(bad):
    with pytest.raises(TypeError, match="no derivative"):
        cr.grad(lambda x: np.sum(x * 1.0))(bad)


def test_integer_array_as_a_constant_argument_is_fine():
    assert cr.grad(lambda x, n: np.sum(x * n))(np.ones(3), np.arange(3)).tolist() == [0, 1, 2]


def test_a_scipy_routine_that_coerces_its_input_raises_instead_of_losing_the_derivative():
    scipy_linalg = pytest.importorskip("scipy.linalg")
    with pytest.raises(TypeError, match="SciPy function"):
        cr.grad(lambda x: np.sum(scipy_linalg.expm(x)))(np.eye(2))
