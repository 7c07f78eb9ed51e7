"""The checks the batching (vmap) tests of the NumPy layer share.

- ``refuse_loops(monkeypatch, only=None, allowed=())`` and its context-manager form
  ``refusing_loops(only=None, allowed=())``: the engine's fallback for a primitive without a
  batching rule (``chainrule.core.batching.loop_over_batch``, one application per batch
  member) raises AssertionError naming the primitive: every primitive's, or only those of
  ``only``; those of ``allowed`` may still loop. Both take primitive names or primitives.
- ``check_vmap_without_loops(function, args, only=None, allowed=(), **options)``:
  ``cr.check_vmap`` with the loops refused.
- ``check_batched_grads(function, args, ...)``: ``vmap(grad(f))``, ``grad`` of a sum over
  ``vmap(f)``, ``vmap(jvp(f))`` and ``jvp(vmap(f))`` against ``grad(f)`` / ``jvp(f)``
  member by member, every argument batched, then the first one only.
- ``check_unary_batching`` / ``check_binary_batching``: the tables of elementwise functions'
  batching check, both of the above with every loop refused.
"""

import contextlib
import math

import numpy as np

import chainrule as cr
import chainrule.core.batching as engine_batching
from chainrule.numpy.wrap import shape_of
from elementwise_checks import sample


def _names(primitives):
    return frozenset(getattr(primitive, "name", primitive) for primitive in primitives)


def _refusing(only, allowed):
    """A stand-in for ``loop_over_batch`` that refuses the loop (for ``only``'s primitives,
    or all of them), around the engine's own (not an earlier stand-in)."""
    current = engine_batching.loop_over_batch
    looping = getattr(current, "__wrapped__", current)
    only = None if only is None else _names(only)
    allowed = _names(allowed)

    def refuse(primitive, *args, **kwargs):
        if primitive.name in allowed or (only is not None and primitive.name not in only):
            return looping(primitive, *args, **kwargs)
        raise AssertionError(f"{primitive.name} has no batching rule: vmap looped over the batch")

    refuse.__wrapped__ = looping
    return refuse


def refuse_loops(monkeypatch, only=None, allowed=()):
    """For the rest of the test, a primitive batched by the loop over the batch raises
    AssertionError naming it: any primitive, or only those of ``only``; those of ``allowed``
    may still loop (names or primitives). A later call replaces an earlier one."""
    monkeypatch.setattr(engine_batching, "loop_over_batch", _refusing(only, allowed))


@contextlib.contextmanager
def refusing_loops(only=None, allowed=()):
    """``refuse_loops`` inside a ``with`` block, for tests without the monkeypatch fixture."""
    saved = engine_batching.loop_over_batch
    engine_batching.loop_over_batch = _refusing(only, allowed)
    try:
        yield
    finally:
        engine_batching.loop_over_batch = saved


def check_vmap_without_loops(function, args, only=None, allowed=(), **options):
    """``cr.check_vmap(function, args, **options)`` with the loops over the batch refused
    (as ``refuse_loops`` has them)."""
    with refusing_loops(only, allowed):
        cr.check_vmap(function, args, **options)


def _leaves(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _weighted_loss(function):
    """``function`` reduced to a scalar that sees every entry of every output with its own
    weight: the weighted sum of the real parts (every entry, zero or not) plus the weighted
    squared norm (imaginary parts too, and a cotangent that depends on the value). The
    weights have one member's shape: under vmap ``shape_of`` answers for one member."""
    def loss(*args):
        total = 0.0
        for leaf in _leaves(function(*args)):
            shape = shape_of(leaf)
            weights = 1.0 + np.arange(math.prod(shape)).reshape(shape) / 7.0
            total = total + np.sum(weights * (np.real(leaf) + np.real(leaf * np.conj(leaf))))
        return total

    return loss


def _member(value, phase):
    """``value`` with each entry scaled by its own factor within 5%, a function of the entry's
    value: entries that differ move apart (an order may change), while ties, zeros, NaNs
    and symmetry survive."""
    wave = np.cos(3.7 * np.real(value) + 2.3 * np.imag(value) + phase)
    return value * (1 + 0.05 * np.nan_to_num(wave))


def _tangent_like(value, salt):
    """A direction for ``value`` with entries of their own (complex where ``value`` is)."""
    value = np.asarray(value)
    angles = np.arange(value.size).reshape(value.shape) + salt
    tangent = 1.0 + 0.5 * np.cos(angles)
    if np.iscomplexobj(value):
        tangent = tangent + 0.5j * np.sin(angles)
    return tangent


def _close(got, expected, rtol, atol):
    for leaf, want in zip(_leaves(got), _leaves(expected), strict=True):
        np.testing.assert_allclose(leaf, want, rtol=rtol, atol=atol)


def check_batched_grads(function, args, size=3, seed=0, rtol=1e-10, atol=1e-12):
    """Derivatives and vmap commute for ``function`` (``size`` members, each argument as
    ``_member`` has it, ``seed`` choosing them): with every argument batched, then
    the first one only (the others shared):
    - ``vmap(grad(loss))`` and ``grad`` of the sum of ``vmap(loss)`` against ``grad(loss)``
      member by member (a shared argument's gradient summed over the batch for the latter),
      ``loss`` the weighted reduction of ``function`` to a scalar (``_weighted_loss``);
    - ``vmap(jvp(function))`` and ``jvp(vmap(function))`` against ``jvp(function)`` member
      by member, along directions of entries of their own."""
    rng = np.random.default_rng(seed)
    args = tuple(np.asarray(a) for a in args)
    loss = _weighted_loss(function)
    argnums = tuple(range(len(args)))
    phases = rng.uniform(0, 2 * np.pi, size)
    batch = [np.stack([_member(a, phase) for phase in phases]) for a in args]
    batch_tangents = [np.stack([_tangent_like(a, salt=k + n) for k in range(size)])
                      for n, a in enumerate(args)]
    # (one argument: the two are the same, checked once)
    for in_axes in dict.fromkeys([(0,) * len(args), (0,) + (None,) * (len(args) - 1)]):
        given = tuple(b if axis == 0 else a for a, b, axis in zip(args, batch, in_axes))
        tangents = tuple((t if axis == 0 else t[0]).astype(g.dtype)
                         for t, g, axis in zip(batch_tangents, given, in_axes))
        members = [tuple(g[k] if axis == 0 else g for g, axis in zip(given, in_axes))
                   for k in range(size)]
        member_tangents = [tuple(t[k] if axis == 0 else t for t, axis in zip(tangents, in_axes))
                           for k in range(size)]
        per_member = [cr.grad(loss, argnums)(*member) for member in members]
        batched = cr.vmap(cr.grad(loss, argnums), in_axes=in_axes)(*given)
        summed = cr.grad(lambda *a: np.sum(cr.vmap(loss, in_axes=in_axes)(*a)), argnums)(*given)
        for n, axis in enumerate(in_axes):
            grads = [np.asarray(g[n]) for g in per_member]
            np.testing.assert_allclose(batched[n], np.stack(grads), rtol=rtol, atol=atol)
            # a shared argument: the grad of the sum over the batch is the members' total
            want = np.stack(grads) if axis == 0 else np.sum(grads, axis=0)
            np.testing.assert_allclose(summed[n], want, rtol=rtol, atol=atol)
        outs = [_leaves(cr.jvp(function, m, t)[1]) for m, t in zip(members, member_tangents)]
        expected = [np.stack(leaf) for leaf in zip(*outs)]
        count = len(args)
        _close(cr.vmap(lambda *a: cr.jvp(function, a[:count], a[count:])[1],
                       in_axes=in_axes + in_axes)(*given, *tangents), expected, rtol, atol)
        _close(cr.jvp(cr.vmap(function, in_axes=in_axes), given, tangents)[1], expected,
               rtol, atol)


def check_unary_batching(fn, domain, rng, monkeypatch):
    """vmap and its derivatives for an elementwise function of one argument, no loop."""
    refuse_loops(monkeypatch)
    x = sample(rng, domain, (2, 3))
    cr.check_vmap(fn, (x,))
    check_batched_grads(fn, (x,))


def check_binary_batching(fn, domain_x, domain_y, rng, monkeypatch):
    """The same for two arguments, of broadcast shapes (one of them a scalar)."""
    refuse_loops(monkeypatch)
    for shape_x, shape_y in (((3,), (2, 3)), ((2, 1), ())):
        args = (sample(rng, domain_x, shape_x), sample(rng, domain_y, shape_y))
        cr.check_vmap(fn, args)
        check_batched_grads(fn, args)
