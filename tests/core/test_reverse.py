"""Reverse mode: no recursion limit, memory released after the call, and the
pullback's reuse."""

import gc
import sys
import weakref

import numpy as np
import pytest

import chainrule as cr
from chainrule.core import base_value


def test_a_million_operation_chain_differentiates():
    steps = 1_000_000
    assert steps > 100 * sys.getrecursionlimit()

    def chain(x):
        for _ in range(steps):
            x = x * 1.0000001
        return x

    assert cr.grad(chain)(2.0) == pytest.approx(1.0000001**steps, rel=1e-9)


def test_memory_is_released_when_the_call_returns():
    held = []

    def f(x):
        hidden = np.sin(x) * 3.0
        held.append(weakref.ref(hidden))  # the tracer
        held.append(weakref.ref(base_value(hidden)))  # its array
        return np.sum(hidden * hidden)

    gc.disable()  # released by reference counting alone: no cycles keep the graph alive
    try:
        cr.grad(f)(np.ones(1000))
        assert all(reference() is None for reference in held)
        _, pullback = cr.vjp(f, np.ones(10))
        assert held[-1]() is not None  # the pullback keeps what it needs...
        del pullback
        assert held[-1]() is None  # ...and nothing more
    finally:
        gc.enable()


def test_rules_of_unreached_operations_are_never_called():
    from chainrule.core import Primitive

    def exploding_rule(g, ans, x):
        raise AssertionError("the backward pass visited an unreached node")

    side_branch = Primitive("side_branch", np.exp)
    side_branch.def_vjp(exploding_rule)

    def f(x):
        side_branch(x)  # recorded, but the output does not depend on it
        return np.sum(x * 2.0)

    np.testing.assert_array_equal(cr.grad(f)(np.ones(3)), 2 * np.ones(3))


def test_cycle_collector_is_paused_during_the_call_and_restored_after():
    states = []

    def f(x):
        states.append(gc.isenabled())
        return x * x

    assert gc.isenabled()
    cr.grad(cr.grad(f))(1.0)
    assert states == [False] and gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        cr.grad(lambda x: x / 0)(1.0)  # restored after an error too
    assert gc.isenabled()
    gc.disable()
    try:
        cr.grad(f)(1.0)
        assert not gc.isenabled()  # a user's own setting is left alone
    finally:
        gc.enable()
