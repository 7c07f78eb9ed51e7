"""finite_difference and step_study: the numerical derivatives chainrule is compared with."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.check import default_step

ANALYTIC = [
    #  function   derivative   points
    (np.sin,      np.cos,      [-2.0, 0.3, 1.0, 7.5]),
    (np.exp,      np.exp,      [-3.0, 0.5, 1.0, 4.0]),
]


@pytest.mark.parametrize("f, df, points", ANALYTIC, ids=["sin", "exp"])
def test_complex_step_is_exact_to_rounding(f, df, points):
    for x in points:
        assert cr.finite_difference(f, x, method="complex") == pytest.approx(df(x), rel=1e-14)


@pytest.mark.parametrize("f, df, points", ANALYTIC, ids=["sin", "exp"])
def test_central_is_more_accurate_than_one_sided_at_the_default_step(f, df, points):
    for x in points:
        central = abs(cr.finite_difference(f, x, method="central") - df(x))
        for one_sided in ("forward", "backward"):
            assert central < abs(cr.finite_difference(f, x, method=one_sided) - df(x))
        assert central < 1e-9 * max(1.0, abs(df(x)))


@pytest.mark.parametrize("method", ["forward", "backward", "central", "complex"])
def test_the_jacobian_has_the_shape_of_cr_jacobian(method, rng):
    def f(x):
        return np.sin(x)[:, None] * np.exp(x[::-1])[None, :] + np.sum(x ** 2)

    x = rng.uniform(-1, 1, 3)
    numeric = cr.finite_difference(f, x, method=method)
    exact = cr.jacobian(f)(x)
    assert numeric.shape == exact.shape == (3, 3, 3)
    np.testing.assert_allclose(numeric, exact, atol=1e-6 if method != "complex" else 1e-14)


@pytest.mark.parametrize("f, x, shape", [
    (np.sin, 0.5, ()),                                   # scalar -> scalar: a float
    (lambda x: np.array([x, x * x]), 2.0, (2,)),        # scalar -> vector: out.shape
    (lambda x: np.sum(x ** 2), np.ones((2, 3)), (2, 3)),  # array -> scalar: the gradient
])
def test_result_shapes(f, x, shape):
    result = cr.finite_difference(f, x)
    assert np.shape(result) == shape
    if shape == ():
        assert isinstance(result, float)


def test_integer_input_is_promoted_and_a_given_step_is_used():
    assert cr.finite_difference(lambda x: x * x, 3, method="forward", h=0.5) == 6.5
    assert cr.finite_difference(lambda x: x * x, 3, method="backward", h=0.5) == 5.5


def test_default_steps_scale_with_x():
    eps = np.finfo(float).eps
    assert default_step("forward", 0.1) == pytest.approx(np.sqrt(eps))
    assert default_step("central", 100.0) == pytest.approx(np.cbrt(eps) * 100)
    assert default_step("complex", 1e6) == 1e-20


@pytest.mark.parametrize("call, message", [
    (lambda: cr.finite_difference(np.sin, 1.0 + 2.0j, method="complex"), "needs a real x"),
    (lambda: cr.finite_difference(np.sin, 1.0, method="centered"), 'method="central"'),
    (lambda: cr.finite_difference(np.sin, 1.0, h=0.0), "positive finite step"),
    (lambda: cr.step_study(np.sin, 1.0, methods=("fwd",)), "must be one of"),
])
def test_errors_say_what_works(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_step_study_finds_where_truncation_meets_round_off():
    study = cr.step_study(np.exp, 1.0)
    assert study.hs.shape == (61,) and study.hs[0] == 1e-16 and study.hs[-1] == pytest.approx(0.1)
    assert study.exact == pytest.approx(np.e, rel=1e-15)
    assert 1e-10 <= study.best_h["forward"] <= 1e-6      # near sqrt(eps) = 1.5e-8
    assert 1e-10 <= study.best_h["backward"] <= 1e-6
    assert 1e-7 <= study.best_h["central"] <= 1e-3       # near cbrt(eps) = 6e-6
    assert study.best_error["central"] < study.best_error["forward"] < 1e-6
    assert study.best_error["complex"] <= 1e-15 * np.e
    # far from the best step, both kinds of error are visible
    assert study.errors["forward"][0] > 1e-2             # h = 1e-16: x + h rounds to x
    assert study.errors["forward"][-1] > 1e-2            # h = 0.1: truncation
    assert "central" in str(study)


def test_step_study_of_an_array_function_uses_the_jacobian():
    study = cr.step_study(lambda x: np.sin(x) * x[0], np.array([0.5, 1.0]),
                          hs=[1e-3, 1e-6], methods=("central",))
    assert study.exact.shape == (2, 2)
    assert study.errors["central"].shape == (2,)
    assert study.errors["central"][1] < study.errors["central"][0] < 1e-5
