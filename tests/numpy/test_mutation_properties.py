"""Random programs interleaving in-place updates of plain and traced buffers
(rows, masks, ``+=``, ``*=``, writes through views, views kept across writes)
with reads. Each program also runs on plain NumPy arrays, which is the
reference: its values must match exactly, and reverse and forward mode must
match its finite differences."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr

VIEW_OF = [
    lambda T: T[1:],
    lambda T: T[:, ::2],
    lambda T: T.T,
    lambda T: np.ravel(T),
    lambda T: T.reshape(3, 2),
    lambda T: np.flip(T, 1),
    lambda T: np.swapaxes(T, 0, 1)[1:],
    lambda T: T[[1, 0]],  # a copy: writing into it leaves T alone
]

OPS = ["read plain", "refill plain row", "scale plain", "write plain view",
       "write traced row", "masked scale", "add plain", "write view", "scale view",
       "keep view", "read kept view", "read", "write kept view"]


def run(program, x, like=False):
    """Run ``program`` on ``x``: a traced array under a transformation, or plain NumPy."""
    if like:  # the traced buffer: an array made with like= and filled, or a result
        T = np.zeros((2, 3), like=x)
        T[...] = x
    else:
        T = x * 1.0
    P = np.linspace(0.5, 1.5, 6).reshape(2, 3)  # a plain buffer, refilled in place
    total = 0.0
    kept = []
    for op, k, c in program:
        i, j = divmod(k, 3)
        if op == "read plain":
            total = total + np.sum(T * P)
        elif op == "refill plain row":
            P[i] = c
        elif op == "scale plain":
            P *= c
        elif op == "write plain view":
            np.ravel(P)[k] = c + 1.0
        elif op == "write traced row":
            T[i, 1:] = x[i, j] * c
        elif op == "masked scale":
            T[P > c] *= 1.5
        elif op == "add plain":
            T += P * c
        elif op == "write view":
            V = VIEW_OF[k % len(VIEW_OF)](T)
            V[0] = np.sin(x[i, j]) + c
        elif op == "scale view":
            V = VIEW_OF[(k + c > 0) * 3 + k % 3](T)
            V *= c
        elif op == "keep view":
            kept.append(VIEW_OF[k % len(VIEW_OF)](T))
        elif op == "read kept view" and kept:
            total = total + np.sum(kept[-1] ** 2) * c
        elif op == "write kept view" and kept:
            kept[-1][...] = kept[-1] * 0.5 + x[i, j]
        elif op == "read":
            total = total + np.sum(np.sin(T)) * c
    return total + np.sum(T * T) + np.sum(T * P)


programs = st.lists(
    st.tuples(st.sampled_from(OPS), st.integers(0, 5),
              st.floats(-2.0, 2.0).map(lambda value: round(value, 2))),
    min_size=1, max_size=10)


@settings(derandomize=True, max_examples=60, deadline=None)
@given(programs, st.booleans())
def test_random_mutation_programs_match_plain_numpy_in_both_modes(program, like):
    x = np.array([[0.3, -0.7, 1.1], [0.9, 0.2, -0.4]])
    expected = run(program, x.copy(), like)
    value, gradient = cr.value_and_grad(lambda x: run(program, x, like))(x)
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-12)

    step = 1e-6
    numeric = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[index] = step
        numeric[index] = (run(program, x + e, like) - run(program, x - e, like)) / (2 * step)
    scale = 1.0 + np.max(np.abs(numeric))
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-6 * scale)

    direction = np.array([[1.0, -0.5, 0.25], [0.5, 2.0, -1.0]])
    out, tangent = cr.jvp(lambda x: run(program, x, like), (x,), (direction,))
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(tangent, np.sum(numeric * direction),
                               rtol=1e-5, atol=1e-5 * scale)


@settings(derandomize=True, max_examples=30, deadline=None)
@given(programs, st.booleans())
def test_random_mutation_programs_under_vmap_match_a_loop(program, like):
    # the traced buffer is batched; the plain one is shared by the batch and refilled
    x = np.array([[0.3, -0.7, 1.1], [0.9, 0.2, -0.4]])
    function = lambda x: run(program, x, like)
    cr.check_vmap(function, (x,), axes=(0, -1))
    cr.check_vmap(cr.grad(function), (x,), axes=(1,))
