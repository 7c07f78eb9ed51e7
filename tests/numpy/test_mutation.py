"""Item and augmented assignment, creation that stays traced, and views:
NumPy semantics in every mode and order, never a silent wrong derivative."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp


def fill_by_assignment(x):
    y = np.zeros(3, like=x)
    y[0] = x[0] * x[1]
    y[1:] = np.sin(x)
    return y


def augmented(x):
    y = x * 1.0
    y += 1.0
    y *= x
    y[0] -= x[1]
    return y


def masked_update(x):
    y = x * 2.0
    y[y > 1.0] *= 3.0
    y[[0, 0]] += 1.0
    return y


def zeros_like_then_fill(x):
    y = np.zeros_like(x)
    for i in range(len(x)):
        y[i] = x[i] ** (i + 1)
    return y


def stacked(x):
    return cnp.array([x[0] * x[1], np.sin(x[1]), 2.0]) + np.stack([x, x ** 2])[1, 0]


def through_a_view(x):
    y = x * 1.0
    v = y[1:]
    v *= 3.0  # writes into y, as in NumPy
    r = y.reshape(2, 1)
    r += x[0]
    return y


FUNCTIONS = [fill_by_assignment, augmented, masked_update, zeros_like_then_fill, stacked,
             through_a_view]


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_mutation_matches_numpy_and_differentiates_in_both_modes_to_second_order(function):
    x = np.array([0.7, 1.3])
    # the traced run gives NumPy's values
    np.testing.assert_allclose(cr.jvp(function, (x,), (np.ones(2),))[0],
                               function_on_plain(function, x))
    cr.check_grads(function, (x,), modes=("fwd", "rev"), order=2)


def function_on_plain(function, x):
    """The same function run by NumPy alone (``like=`` falls back to ndarray)."""
    return function(x.copy())


def test_augmented_assignment_updates_aliases_like_numpy():
    def f(x):
        y = x * 1.0
        alias = y
        y += 1.0
        return alias  # NumPy: alias sees the +1

    out, tangent = cr.jvp(f, (np.ones(2),), (np.ones(2),))
    np.testing.assert_array_equal(out, [2.0, 2.0])
    np.testing.assert_array_equal(tangent, [1.0, 1.0])


def test_earlier_recorded_values_do_not_change():
    def f(x):
        y = x * 1.0
        z = y * y  # uses y before the write
        y[0] = 10.0
        return np.sum(z) + np.sum(y)

    np.testing.assert_allclose(cr.grad(f)(np.array([1.0, 2.0])), [2.0, 5.0])


def test_a_view_kept_across_a_write_to_its_base_shows_the_write():
    def f(x):
        y = x * 1.0
        v = y[0:2]
        y[0] = 5.0 * x[1]  # NumPy changes v too
        return np.sum(v * v)

    x = np.array([1.0, 2.0])
    assert f(x.copy()) == 104.0  # plain NumPy: v = [10, 2]
    np.testing.assert_allclose(cr.grad(f)(x), [0.0, 104.0])
    cr.check_grads(f, (x,), modes=("fwd", "rev"), order=2)


def test_asarray_keeps_a_tracer():
    assert cr.grad(lambda x: np.sum(cnp.asarray(x) * 2))(np.ones(2)).tolist() == [2.0, 2.0]
