"""The check the Dask tests share: a function's value and derivatives (reverse,
forward, and second order in both modes) on Dask inputs equal the same on NumPy
inputs, every result a Dask array until one compute at the end, with no compute
before it (a callback fails the test if one starts).

Inputs are chunked along each axis in turn, with chunks that do not divide the
axis (2 along an odd axis, n - 1 along an even one).
"""

import dask
import dask.array as da
import numpy as np
from dask.callbacks import Callback

import chainrule as cr

TOLERANCE = 1e-12


class ComputeCounter(Callback):
    """Counts the Dask computes started while it is active (local schedulers).

    With ``forbid``, a compute fails the test, except, with ``decisions``, one of
    a boolean ``any``/``all`` (a rule's branch on the data, e.g. sinc's at 0),
    which is counted in ``decided``.
    """

    def __init__(self, forbid: bool = False, decisions: bool = False):
        super().__init__()
        self.computes = 0
        self.decided = 0
        self.forbid = forbid
        self.decisions = decisions

    def _start(self, dsk):
        self.computes += 1
        names = " ".join(str(key) for key in dsk)
        if self.decisions and ("any-aggregate" in names or "all-aggregate" in names):
            self.decided += 1
            return
        if self.forbid:
            raise AssertionError("a Dask compute started while chainrule was tracing: "
                                 "something turned a Dask array into an ndarray")


def no_compute(decisions: bool = False):
    """A context in which any Dask compute fails the test (but decisions, if allowed)."""
    return ComputeCounter(forbid=True, decisions=decisions)


def chunk_size(n):
    """A chunk length that does not divide an axis of length ``n`` (where one exists)."""
    if n < 3:
        return 1
    return 2 if n % 2 else n - 1


def chunkings(shapes):
    """Per axis of the widest input: each input chunked along that axis only."""
    widest = max((len(shape) for shape in shapes), default=0)
    plans = []
    for axis in range(widest):
        plan = []
        for shape in shapes:
            k = axis - (widest - len(shape))  # axes align from the right, as in broadcasting
            plan.append(tuple(chunk_size(n) if i == k else max(n, 1) for i, n in enumerate(shape)))
        if any(c != tuple(max(n, 1) for n in s) for c, s in zip(plan, shapes)):
            plans.append(plan)
    return plans or [[tuple(max(n, 1) for n in shape) for shape in shapes]]


def stacked(function):
    """``function`` with a list or tuple of equal-shaped results stacked into one array."""

    def apply(*xs):
        out = function(*xs)
        return np.stack(out) if isinstance(out, (list, tuple)) else out

    return apply


def derivatives(function, arrays, tangents, weights):
    """Value, gradient, JVP, and three second derivatives, as one tuple of results."""
    function = stacked(function)
    argnums = tuple(range(len(arrays)))

    def scalar(*xs):
        return np.sum(function(*xs) * weights)

    gradient = cr.grad(scalar, argnums=argnums)

    def gradient_along(*xs):
        return sum(np.sum(g * t) for g, t in zip(gradient(*xs), tangents))

    value, tangent = cr.jvp(function, tuple(arrays), tuple(tangents))
    return (
        value,
        gradient(*arrays),
        tangent,
        cr.jvp(gradient, tuple(arrays), tuple(tangents))[1],                    # fwd over rev
        cr.grad(gradient_along, argnums=argnums)(*arrays),                      # rev over rev
        cr.jvp(lambda *xs: cr.jvp(function, xs, tuple(tangents))[1],
               tuple(arrays), tuple(tangents))[1],                              # fwd over fwd
    )


def leaves(tree):
    if isinstance(tree, (tuple, list)):
        return [leaf for branch in tree for leaf in leaves(branch)]
    return [tree]


def check_like_numpy(function, arrays, rng, plans=None, decides=False):
    """``function`` on Dask inputs, chunked along each axis, against NumPy inputs.

    ``decides``: the rules branch on the data (a small compute of an ``any`` or
    ``all`` per branch is allowed, and must happen)."""
    arrays = [np.asarray(a, dtype=float) for a in arrays]
    tangents = [rng.standard_normal(a.shape) for a in arrays]
    weights = rng.standard_normal(np.shape(stacked(function)(*arrays)))
    expected = leaves(derivatives(function, arrays, tangents, weights))
    plans = plans or chunkings([a.shape for a in arrays])
    for plan in (plans if len(plans) < 3 else [plans[0], plans[-1]]):  # first and last axes
        lazy_arrays = [da.from_array(a, chunks=c) for a, c in zip(arrays, plan)]
        lazy_tangents = [da.from_array(t, chunks=c) for t, c in zip(tangents, plan)]
        with no_compute(decisions=decides) as counter:
            results = leaves(derivatives(function, lazy_arrays, lazy_tangents, weights))
        assert bool(counter.decided) == decides, f"{counter.decided} decisions on the data"
        for result in results:
            assert isinstance(result, da.Array), f"{type(result).__name__} where a Dask array was due"
        computed = dask.compute(*results, scheduler="synchronous")
        for got, want in zip(computed, expected):
            assert np.shape(got) == np.shape(want)
            np.testing.assert_allclose(got, want, rtol=TOLERANCE, atol=TOLERANCE,
                                       err_msg=f"chunks {plan}")
