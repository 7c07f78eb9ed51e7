"""Helpers for the batching tests of the shape, joining, reduction, sorting and
statistics tables: a guard that no primitive falls back to the loop over the
batch, and a check that derivatives and vmap commute."""

import contextlib
import math

import numpy as np

import chainrule as cr
import chainrule.core.batching as core_batching
from chainrule.numpy import (joining, manipulation, nan_reductions, padding, reductions,
                             sorting)
from chainrule.numpy.wrap import shape_of

# the primitives of manipulation, joining, padding, reductions, nan_reductions and sorting:
# each has a batching rule (sort_tied is never batched: under vmap ties are not looked for)
AREA_PRIMITIVES = frozenset([
    manipulation.reshape_p, manipulation.transpose_p, manipulation.swapaxes_p,
    manipulation.flip_p, manipulation.roll_p, manipulation.diagonal_p,
    manipulation.diagonal_embed_p, manipulation.triu_p, manipulation.tril_p,
    joining.concatenate_p, joining.stack_p, padding.pad_zeros_p,
    reductions.sum_p, reductions.mean_p, reductions.prod_p, reductions.max_p, reductions.min_p,
    reductions.var_p, reductions.std_p, reductions.shift_p, reductions.cumsum_p,
    reductions.reverse_cumsum_p, reductions.cumprod_p,
    nan_reductions.nanargmax_p, nan_reductions.nanargmin_p,
    sorting.sort_p, sorting.partition_p, sorting.runs_p,
])


@contextlib.contextmanager
def no_loop_over_batch(primitives=None):
    """Inside, a primitive batched by the loop over the batch raises AssertionError naming
    it: any primitive, or only those of ``primitives`` (the others still loop)."""
    def refuse(primitive, *args, **kwargs):
        if primitives is not None and primitive not in primitives:
            return saved(primitive, *args, **kwargs)
        raise AssertionError(f"{primitive.name} has no batching rule: it looped over the batch")

    saved = core_batching.loop_over_batch
    core_batching.loop_over_batch = refuse
    try:
        yield
    finally:
        core_batching.loop_over_batch = saved


def _leaves(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _weighted_sum(out):
    """A scalar that sees every entry of every leaf of ``out`` with its own weight
    (member shapes: under vmap, ``shape_of`` answers for one member)."""
    total = 0.0
    for leaf in _leaves(out):
        shape = shape_of(leaf)
        weights = 1.0 + np.arange(math.prod(shape)).reshape(shape) / 7.0
        total = total + np.sum(leaf * weights)
    return total


def check_derivatives_commute_with_vmap(function, x, size=3):
    """vmap(grad(f)), grad(vmap(f)) and jvp(vmap(f)) each equal the loop over the batch."""
    batch = np.stack([x * (1.0 + 0.1 * member) for member in range(size)])

    def loop(batch):
        results = [_leaves(function(batch[member])) for member in range(size)]
        return [np.stack([result[k] for result in results]) for k in range(len(results[0]))]

    scalar = lambda x: _weighted_sum(function(x))  # noqa: E731
    expected = np.stack([cr.grad(scalar)(member) for member in batch])
    np.testing.assert_allclose(cr.vmap(cr.grad(scalar))(batch), expected, rtol=1e-10, atol=1e-12)
    expected = cr.grad(lambda b: _weighted_sum(loop(b)))(batch)
    got = cr.grad(lambda b: _weighted_sum(cr.vmap(function)(b)))(batch)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    tangent = np.cos(np.arange(batch.size)).reshape(batch.shape)
    _, expected = cr.jvp(loop, (batch,), (tangent,))
    _, got = cr.jvp(lambda b: _leaves(cr.vmap(function)(b)), (batch,), (tangent,))
    for leaf, want in zip(got, expected):
        np.testing.assert_allclose(leaf, want, rtol=1e-10, atol=1e-12)


def check_vmap_by_rules(function, args, **options):
    """``cr.check_vmap``, with every primitive of this area batched by its rule (no loop)."""
    with no_loop_over_batch(AREA_PRIMITIVES):
        cr.check_vmap(function, args, **options)
