"""Checks the batching tests of the linear-algebra areas share (products, linalg,
decompositions, fft, polynomials): that given primitives run once on the whole
batch, and that derivatives of vmap and vmap of derivatives agree with loops."""

import numpy as np

import chainrule as cr
import chainrule.core.batching as engine_batching


def refuse_loops_over(monkeypatch, names):
    """Make batching raise where a primitive named in ``names`` would fall back to a loop
    over the batch; the others (other areas' primitives) still loop."""
    loop = engine_batching.loop_over_batch

    def guarded(primitive, *args, **kwargs):
        assert primitive.name not in names, f"{primitive.name} fell back to a loop over the batch"
        return loop(primitive, *args, **kwargs)

    monkeypatch.setattr(engine_batching, "loop_over_batch", guarded)


def check_derivatives_of_vmap(function, args, rtol=1e-10, atol=1e-12):
    """``grad(sum(vmap(function)))`` and ``vmap(grad(sum(function)))`` against loops, the
    first argument batched along axis 0 (three members), the others shared."""
    first, *rest = args
    batch = np.stack([first * (1 + 0.05 * k) for k in range(3)])

    def total(x):
        out = function(x, *rest)
        return sum(np.sum(np.real(leaf)) for leaf in (out if isinstance(out, tuple) else (out,)))

    expected = np.stack([cr.grad(total)(member) for member in batch])
    through_vmap = cr.grad(lambda xs: np.sum(cr.vmap(total)(xs)))(batch)
    np.testing.assert_allclose(through_vmap, expected, rtol=rtol, atol=atol)
    np.testing.assert_allclose(cr.vmap(cr.grad(total))(batch), expected, rtol=rtol, atol=atol)
