"""Levels: unique per call, ordered by nesting, per thread; escaped tracers."""

import threading

import numpy as np
import pytest

import chainrule as cr
from chainrule.core import EscapedTracerError, Tracer, active_levels


def test_levels_are_open_only_during_the_call():
    seen = []

    def f(x):
        seen.append(active_levels())
        return x * x

    cr.grad(f)(1.0)
    assert len(seen[0]) == 1
    assert active_levels() == ()


def test_nested_calls_get_distinct_levels_of_increasing_depth():
    depths = []

    def inner(y):
        depths.append([level.depth for level in active_levels()])
        return y * y

    cr.grad(lambda x: cr.grad(inner)(x) * x)(2.0)
    assert depths == [[1, 2]]


def test_sibling_calls_at_the_same_depth_are_different_levels():
    levels = []

    def f(x):
        levels.append(active_levels()[-1])
        return x

    cr.grad(f)(1.0)
    cr.grad(f)(1.0)
    assert levels[0] is not levels[1] and levels[0].depth == levels[1].depth


def test_escaped_tracer_raises_a_clear_error():
    leaked = []

    def f(x):
        leaked.append(x)
        return x * 2

    cr.grad(f)(1.0)
    assert isinstance(leaked[0], Tracer)
    with pytest.raises(EscapedTracerError, match="already returned"):
        cr.grad(lambda y: y * leaked[0])(3.0)


def test_levels_are_per_thread():
    results = {}
    barrier = threading.Barrier(4)

    def work(k):
        def f(x):
            barrier.wait()  # all threads are inside a transformation at once
            assert len(active_levels()) == 1
            return np.sum(np.sin(x) * k)

        results[k] = cr.grad(f)(np.linspace(0, 1, 5))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for k in range(4):
        np.testing.assert_allclose(results[k], k * np.cos(np.linspace(0, 1, 5)))
