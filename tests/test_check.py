"""check_grads catches wrong rules, and names the function, mode and order."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.core import Primitive, base_value


def make_sine(vjp_rule, jvp_rule):
    sine = Primitive("test_sine", np.sin)
    sine.def_vjp(vjp_rule)
    sine.def_jvp(jvp_rule)
    return sine


RIGHT_VJP = lambda g, ans, x: g * np.cos(x)  # noqa: E731
RIGHT_JVP = lambda t, ans, x: t * np.cos(x)  # noqa: E731
# right values, but computed on plain numbers: the rule itself is not differentiated
FROZEN_VJP = lambda g, ans, x: g * np.cos(base_value(x))  # noqa: E731
FROZEN_JVP = lambda t, ans, x: t * np.cos(base_value(x))  # noqa: E731


def test_right_rules_pass(rng):
    sine = make_sine(RIGHT_VJP, RIGHT_JVP)
    cr.check_grads(lambda x: sine(x), (rng.uniform(-1, 1, 4),), order=3)


@pytest.mark.parametrize("mode, broken", [
    ("reverse", make_sine(lambda g, ans, x: g * np.sin(x), RIGHT_JVP)),
    ("forward", make_sine(RIGHT_VJP, lambda t, ans, x: 2 * t * np.cos(x))),
])
def test_a_wrong_first_derivative_is_caught_and_named(mode, broken, rng):
    def wrapped_sine(x):
        return broken(x)

    with pytest.raises(AssertionError, match=rf"{mode} .*order 1 of wrapped_sine"):
        cr.check_grads(wrapped_sine, (rng.uniform(-1, 1, 4),), order=1)


def test_a_rule_that_is_not_itself_differentiable_fails_at_order_two(rng):
    sine = make_sine(FROZEN_VJP, FROZEN_JVP)
    x = rng.uniform(-1, 1, 4)
    cr.check_grads(lambda x: sine(x), (x,), order=1)  # first derivatives are right
    with pytest.raises(AssertionError, match="order 2"):
        cr.check_grads(lambda x: sine(x), (x,), order=2)


def test_only_the_requested_modes_are_checked(rng):
    forward_broken = make_sine(RIGHT_VJP, lambda t, ans, x: 2 * t * np.cos(x))
    cr.check_grads(lambda x: forward_broken(x), (rng.uniform(-1, 1, 3),), modes=("rev",),
                   order=1)
