"""Views: every function and method that returns a view in NumPy returns one on
traced arrays (a write through it reaches the base, a write into the base shows
through it), a copy where NumPy copies, and a read-only view where NumPy's is
read-only; checked against plain NumPy's base after the write and against
finite differences in both modes."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.core import batching
from chainrule.numpy import mutation

VIEWS = [
    #  name                      base shape   view of A                              where to write
    ("np.ravel",                 (2, 3),     np.ravel,                              4),
    ("np.reshape",               (2, 3),     lambda A: np.reshape(A, 6),            slice(1, 3)),
    ("np.transpose",             (2, 3),     np.transpose,                          0),
    ("np.transpose axes",        (2, 3, 2),  lambda A: np.transpose(A, (2, 0, 1)),  (1, 0)),
    ("np.swapaxes",              (2, 3, 2),  lambda A: np.swapaxes(A, 0, 2),        (0, 1)),
    ("np.moveaxis",              (2, 3, 2),  lambda A: np.moveaxis(A, 0, -1),       (1, 0)),
    ("np.expand_dims",           (2, 3),     lambda A: np.expand_dims(A, 0),        (0, 1)),
    ("np.atleast_2d",            (3,),       np.atleast_2d,                         (0, 2)),
    ("np.atleast_3d",            (2, 3),     np.atleast_3d,                         (1, 2, 0)),
    ("np.squeeze",               (2, 1, 3),  np.squeeze,                            (1, 2)),
    ("np.flip",                  (2, 3),     np.flip,                               (0, 1)),
    ("np.flip axis",             (2, 3),     lambda A: np.flip(A, 1),               1),
    ("np.fliplr",                (2, 3),     np.fliplr,                             (slice(None), 0)),
    ("np.flipud",                (2, 3),     np.flipud,                             0),
    ("np.rot90",                 (2, 3),     np.rot90,                              0),
    ("np.split",                 (2, 3),     lambda A: np.split(A, 2)[1],           (0, 2)),
    ("np.array_split axis",      (2, 3),     lambda A: np.array_split(A, 2, axis=1)[1], (1, 0)),
    ("np.hsplit",                (2, 3),     lambda A: np.hsplit(A, [1])[1],        (0, 1)),
    ("np.vsplit",                (2, 3),     lambda A: np.vsplit(A, 2)[0],          0),
    ("np.dsplit",                (2, 3, 2),  lambda A: np.dsplit(A, 2)[1],          (1, 2, 0)),
    (".T",                       (2, 3),     lambda A: A.T,                         1),
    (".transpose()",             (2, 3),     lambda A: A.transpose(),               (2, 1)),
    (".swapaxes()",              (2, 3),     lambda A: A.swapaxes(0, 1),            0),
    (".squeeze()",               (1, 3),     lambda A: A.squeeze(),                 0),
    (".ravel()",                 (2, 3),     lambda A: A.ravel(),                   slice(1, 4)),
    (".reshape()",               (2, 3),     lambda A: A.reshape(3, 2),             (2, 1)),
    (".reshape(shape)",          (2, 3),     lambda A: A.reshape((3, 2)),           1),
    (".view()",                  (2, 3),     lambda A: A.view(),                    (1, 1)),
    ("basic slice",              (2, 3),     lambda A: A[:, ::2],                   (0, 1)),
    ("row",                      (2, 3),     lambda A: A[1],                        slice(None)),
    ("a view of a view",         (2, 3),     lambda A: A.T[1:],                     0),
    ("ravel of a view",          (2, 3),     lambda A: np.ravel(A[1]),              0),
    # NumPy copies: the base does not change
    ("np.ravel of A.T (a copy)", (2, 3),     lambda A: np.ravel(A.T),               0),
    ("np.reshape of A.T (copy)", (2, 3),     lambda A: np.reshape(A.T, 6),          1),
    ("fancy index (a copy)",     (2, 3),     lambda A: A[[0, 1]],                   0),
    (".flatten() (a copy)",      (2, 3),     lambda A: A.flatten(),                 0),
    (".copy() (a copy)",         (2, 3),     lambda A: A.copy(),                    0),
]
IDS = [row[0] for row in VIEWS]


def _weights(shape):
    return np.arange(1.0, np.prod(shape) + 1).reshape(shape)


def write_through(view_of, index, start):
    """A program writing a traced value into a view of ``A``; returns ``A``."""

    def program(x):
        A = start(x)
        V = view_of(A)
        V[index] = np.sum(x) ** 2 / 10.0
        V *= 1.5  # an augmented write through the same view
        return A

    return program


def write_into_base(view_of, index, start):
    """A program taking a view, then writing into the base; returns the view."""

    def program(x):
        A = start(x)
        V = view_of(A)
        A[...] = np.sin(A) * np.sum(x)
        A[0] = 3.0 * x[0]
        return V * 1.0

    return program


STARTS = {
    "traced": lambda x: x * 1.0,
    "like=": lambda x: np.full(x.shape, 0.5, like=x),  # a traced constant to fill
    "zeros_like then fill": lambda x: _filled(x),
}


def _filled(x):
    A = np.zeros_like(x)
    A[...] = x ** 2
    return A


@pytest.mark.parametrize("start", list(STARTS), ids=list(STARTS))
@pytest.mark.parametrize("name, shape, view_of, index", VIEWS, ids=IDS)
@pytest.mark.parametrize("make", [write_through, write_into_base],
                         ids=["write through the view", "write into the base"])
def test_views_follow_numpy_and_differentiate(make, name, shape, view_of, index, start):
    x = np.linspace(0.3, 1.1, int(np.prod(shape))).reshape(shape)
    program = make(view_of, index, STARTS[start])
    expected = program(x.copy())  # plain NumPy: like= and zeros_like give ndarrays
    value, _ = cr.jvp(program, (x,), (np.ones_like(x),))
    np.testing.assert_allclose(value, expected, rtol=1e-13)
    weights = _weights(np.shape(expected))
    traced = cr.value_and_grad(lambda x: np.sum(program(x) * weights))(x)[0]
    np.testing.assert_allclose(traced, np.sum(expected * weights), rtol=1e-13)
    cr.check_grads(lambda x: np.sum(program(x) * weights), (x,), modes=("fwd", "rev"), order=2)


READ_ONLY = [
    ("np.diagonal", lambda A: np.diagonal(A)),
    ("np.diag of a matrix", lambda A: np.diag(A)),
    (".diagonal()", lambda A: A.diagonal()),
    ("np.broadcast_to", lambda A: np.broadcast_to(A, (2, 3, 3))),
    ("a slice of np.diagonal", lambda A: np.diagonal(A)[1:]),
]


@pytest.mark.parametrize("name, view_of", READ_ONLY, ids=[row[0] for row in READ_ONLY])
@pytest.mark.parametrize("transform", [cr.grad, lambda f: lambda x: cr.jvp(f, (x,), (x,))],
                         ids=["grad", "jvp"])
def test_read_only_views_refuse_writes_as_numpy_does(name, view_of, transform):
    def program(x):
        A = x * 1.0
        view_of(A)[0] = 1.0
        return np.sum(A)

    x = np.ones((3, 3))
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        program(x.copy())  # NumPy
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        transform(program)(x)


def test_read_only_view_shows_writes_into_its_base():
    def program(x):
        A = x * 1.0
        d = np.diagonal(A)
        A[1, 1] = 7.0 * x[0, 1]
        return d * x[2]

    x = np.arange(1.0, 10.0).reshape(3, 3)
    np.testing.assert_allclose(cr.jvp(program, (x,), (x,))[0], program(x.copy()))
    cr.check_grads(lambda x: np.sum(program(x) ** 2), (x,), modes=("fwd", "rev"), order=2)


# -- arrays made with like= are fillable in every mode -------------------------------------------


def fill_transposed(x):
    M = np.zeros((3, 3), like=x)
    M.T[0] = x  # the first column
    M[1:, 1:] = np.outer(x[1:], x[:2])
    return M


def fill_rows_and_blocks(x):
    J = np.zeros((3, 4), like=x)
    for i, row in enumerate(J):
        row[:] = x[i] * np.arange(1.0, 5.0)
    top = J[:2]
    top[:, 2:] = x[:2, None] ** 2
    top[0] += x[2]  # top is kept across its own writes
    return J * top.sum()


def fill_and_keep_a_view(x):
    M = np.zeros((2, 3), like=x)
    column = M[:, 1]
    M[...] = x[0]  # column shows it, as in NumPy
    row = M[1]
    row[:] = np.sin(x)  # column shows this too
    return column * x[1] + M.ravel()[2]


def keep_rows_and_their_views(x):
    M = np.zeros((3, 3), like=x)
    rows = [M[i] for i in range(3)]  # all kept across the writes below
    tails = [row[1:] for row in rows]
    for i in range(3):
        M[i] = x * (i + 1.0)
    M.T[0] = x**2
    tails[2][0] = np.sin(x[0])  # through a view of a view: rows[2] and M see it
    return np.stack([row.sum() for row in rows] + [tail.sum() for tail in tails])


LIKE = [fill_transposed, fill_rows_and_blocks, fill_and_keep_a_view, keep_rows_and_their_views]


@pytest.mark.parametrize("program", LIKE, ids=lambda f: f.__name__)
def test_like_arrays_fill_in_every_mode(program):
    x = np.array([0.4, 0.9, 1.3])
    expected = program(x.copy())
    np.testing.assert_allclose(cr.jvp(program, (x,), (np.ones(3),))[0], expected)
    jac_rev = cr.jacrev(program)(x)
    jac_fwd = cr.jacfwd(program)(x)
    np.testing.assert_allclose(jac_rev, jac_fwd, rtol=1e-12)
    step = 1e-6
    numeric = np.stack([(program(x + step * e) - program(x - step * e)) / (2 * step)
                        for e in np.eye(3)], axis=-1)
    np.testing.assert_allclose(jac_rev, numeric, rtol=1e-6, atol=1e-8)
    scalar = lambda x: np.sum(program(x) ** 2)
    np.testing.assert_allclose(cr.hessian(scalar)(x), cr.jacfwd(cr.grad(scalar))(x), rtol=1e-10)
    cr.check_grads(scalar, (x,), modes=("fwd", "rev"), order=2)


def complex_parts(z):
    y = z * 1.0
    y.real[0] = 5.0 * np.abs(z[1])  # .real and .imag of a complex array are views
    y.imag[1] = 2.0
    imaginary = y.imag
    np.real(y)[1] += 1.0  # np.real and np.imag too
    np.imag(y)[0] -= z[0].real
    y[0] = y[0] * 2  # imaginary shows the write
    return y * imaginary[0]


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")
def test_real_and_imag_of_a_complex_array_are_views():
    z = np.array([1 + 2j, 3 - 1j])
    np.testing.assert_allclose(cr.jvp(complex_parts, (z,), (np.ones(2) + 0j,))[0],
                               complex_parts(z.copy()))
    cr.check_grads(lambda z: np.sum(np.abs(complex_parts(z)) ** 2), (z,),
                   modes=("fwd", "rev"), order=2)


def out_into_views(x):
    M = np.zeros((2, 3), like=x)
    np.sin(x, out=M[0])  # out= into a view writes into its base
    np.multiply(x, x, out=M.T[:, 1])
    np.add(M[0], 1.0, out=M[0])
    return M


def test_out_arguments_that_are_views_write_into_their_base():
    x = np.array([0.2, 0.5, 0.9])
    np.testing.assert_allclose(cr.jvp(out_into_views, (x,), (np.ones(3),))[0],
                               out_into_views(x.copy()))
    cr.check_grads(lambda x: np.sum(out_into_views(x) ** 2), (x,), modes=("fwd", "rev"), order=2)


def test_a_write_through_a_flipped_view_keeps_the_base_a_view_source():
    # the write gives T a value computed by flipping back (negative strides); NumPy's T
    # stays contiguous, so its reshape is still a view that writes reach
    def f(x):
        T = x * 1.0
        V = np.flip(T, 1)
        V *= 1.0
        W = T.reshape(3, 2)
        W *= 0.0
        return np.sum(T * T)

    x = np.array([[0.3, -0.7, 1.1], [0.9, 0.2, -0.4]])
    assert f(x.copy()) == 0.0
    value, gradient = cr.value_and_grad(f)(x)
    assert value == 0.0
    np.testing.assert_array_equal(gradient, 0 * x)


# -- batching: views and their writes under vmap, against a loop over the batch -----------
# Whether a result is a view is NumPy's answer for one member (as the loop would see it),
# whatever the batch's own memory layout. (np.zeros_like under vmap is creation.py's, and
# left out here: its "zeros_like then fill" start.)
BATCHED_STARTS = ["traced", "like="]


@pytest.mark.parametrize("start", BATCHED_STARTS)
@pytest.mark.parametrize("name, shape, view_of, index", VIEWS, ids=IDS)
@pytest.mark.parametrize("make", [write_through, write_into_base],
                         ids=["write through the view", "write into the base"])
def test_batching(make, name, shape, view_of, index, start):
    x = np.linspace(0.3, 1.1, int(np.prod(shape))).reshape(shape)
    program = make(view_of, index, STARTS[start])
    program.__name__ = f"{make.__name__}({name}, {start})"
    cr.check_vmap(program, (x,))


@pytest.mark.parametrize("name, shape, view_of, index", VIEWS[::4], ids=IDS[::4])
def test_batching_of_derivatives_through_views(name, shape, view_of, index):
    x = np.linspace(0.3, 1.1, int(np.prod(shape))).reshape(shape)
    program = write_through(view_of, index, STARTS["traced"])
    loss = lambda x: np.sum(np.sin(program(x)))
    cr.check_vmap(cr.grad(loss), (x,))
    xs = np.stack([x, x[::-1] * 0.5, -x])
    np.testing.assert_allclose(cr.grad(lambda xs: np.sum(np.sin(cr.vmap(program)(xs))))(xs),
                               [cr.grad(loss)(x) for x in xs], rtol=1e-12)


def test_a_view_under_vmap_follows_the_member_not_the_batch_layout():
    # mapped over axis 1, the batch is not contiguous per member; NumPy's ravel of a
    # member's fresh copy is a view all the same, so a write through it reaches the base
    def program(x):
        A = x * 1.0
        np.ravel(A)[1] = 7.0
        return A

    xs = np.arange(12.0).reshape(2, 3, 2)
    np.testing.assert_array_equal(cr.vmap(program, in_axes=1)(xs)[:, 0, 1], 7.0)
    np.testing.assert_array_equal(cr.vmap(program, in_axes=1)(xs),
                                  [program(xs[:, k]) for k in range(3)])


def test_views_and_their_writes_do_not_loop_over_the_batch(monkeypatch):
    # indexing, item assignment and the layout-keeping copies each run once on the batch
    # (the view functions' own rules are manipulation.py's)
    loop = batching.loop_over_batch
    mine = {"numpy.getitem", "numpy.setitem", "numpy.scatter_add", "numpy.ascontiguousarray",
            "numpy.asfortranarray"}

    def refuse(primitive, *args):
        assert primitive.name not in mine, f"{primitive.name} looped over the batch"
        return loop(primitive, *args)

    monkeypatch.setattr(batching, "loop_over_batch", refuse)

    def flipped(x):  # a write through a flipped view restores T's order (C, then Fortran)
        T = x * 1.0
        V = np.flip(T, 1)
        V *= 1.0
        T.T.reshape(-1)[0] = 2.0  # a copy in NumPy: T keeps its value
        F = x.T * 1.0  # Fortran order
        W = np.flip(F, 0)
        W *= 1.0
        F.reshape(-1)[0] = 2.0  # a copy in NumPy, as F is not C-contiguous
        return np.sum(T * T) + np.sum(F * F)

    xs = np.arange(12.0).reshape(2, 2, 3)
    np.testing.assert_allclose(cr.vmap(flipped)(xs), [flipped(x.copy()) for x in xs])
    np.testing.assert_allclose(cr.vmap(cr.grad(flipped))(xs), 4 * xs)
    for name, shape, view_of, index in VIEWS:
        x = np.linspace(0.3, 1.1, int(np.prod(shape))).reshape(shape)
        for make in (write_through, write_into_base):
            cr.vmap(cr.grad(lambda x: np.sum(make(view_of, index, STARTS["traced"])(x))))(
                np.stack([x, 2 * x]))


def test_the_layout_keeping_copies_keep_each_members_layout_under_vmap(monkeypatch):
    monkeypatch.setattr(batching, "loop_over_batch", None)  # a loop would fail
    xs = np.arange(24.0).reshape(2, 3, 4)[:, ::-1]
    for keep, flag in ((mutation.contiguous_p, "c_contiguous"),
                       (mutation.fortran_p, "f_contiguous")):
        batch = cr.vmap(keep)(xs)
        np.testing.assert_array_equal(batch, xs)
        assert all(getattr(member.flags, flag) for member in batch)
