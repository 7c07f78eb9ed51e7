"""Products (matmul, dot, tensordot, einsum, inner, outer, vdot, kron, cross,
vecdot): values equal NumPy's, derivatives in both operands match finite
differences in both modes to second order, and plain ``np.`` spelling and the
``@`` operator reach the same rules."""

import numpy as np
import pytest

import chainrule as cr
from batching_checks import check_batched_grads, refuse_loops
from chainrule.numpy import products as cprod

# NumPy 2 deprecates cross products of 2-vectors; chainrule still matches them
pytestmark = pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors")

VECDOT = getattr(np, "vecdot", None)  # NumPy 2 only


def numpy_2_only(module, name, kwargs, shape_pairs):
    """The row for ``module.name``; where this NumPy lacks it (NumPy 2 added it), a
    skipped row, named after it."""
    function = getattr(module, name, None)
    return pytest.param((function, kwargs, shape_pairs),
                        id=None if function is not None else f"{module.__name__}.{name}",
                        marks=pytest.mark.skipif(function is None, reason="NumPy 2 only"))


CASES = [
    #  NumPy function  keywords                         operand shapes
    (np.matmul,       {},                               [((3, 4), (4, 5)), ((2, 3, 4), (4, 5)),
                                                         ((3,), (3, 4)), ((4, 3), (3,)),
                                                         ((3,), (3,)), ((3,), (2, 3, 4)),
                                                         ((2, 1, 3, 4), (5, 4, 2)),
                                                         ((2, 3, 4), (4,))]),
    (np.dot,          {},                               [((), (3,)), ((2, 3), ()), ((3,), (3,)),
                                                         ((3, 4), (4,)), ((2, 3, 4), (4,)),
                                                         ((4,), (2, 4, 3)),
                                                         ((2, 3, 4), (5, 4, 2))]),
    (np.tensordot,    {"axes": 2},                      [((2, 3, 4), (3, 4, 5))]),
    (np.tensordot,    {"axes": 1},                      [((2, 3, 4), (4, 3)), ((3,), (3,))]),
    (np.tensordot,    {"axes": 0},                      [((3,), (2, 2)), ((), (3,))]),
    (np.tensordot,    {"axes": ([0, 2], [2, 0])},       [((2, 3, 4), (4, 5, 2))]),
    (np.tensordot,    {"axes": ([1, 0], [0, 1])},       [((2, 3), (3, 2))]),
    (np.tensordot,    {"axes": (-1, 0)},                [((2, 3), (3, 4))]),
    (np.inner,        {},                               [((3,), (3,)), ((2, 3), (3,)),
                                                         ((2, 3), (4, 3)), ((2, 2, 3), (4, 3)),
                                                         ((), (2, 3))]),
    (np.outer,        {},                               [((3,), (4,)), ((2, 2), (3,))]),
    (np.vdot,         {},                               [((3,), (3,)), ((2, 3), (3, 2))]),
    (np.kron,         {},                               [((2, 2), (2, 3)), ((3,), (2,)),
                                                         ((2,), (2, 3)), ((2, 1, 2), (3, 2))]),
    (np.cross,        {},                               [((3,), (3,)), ((4, 3), (3,)),
                                                         ((2, 1, 3), (4, 3)), ((3,), (2,))]),
    (np.cross,        {"axis": 0},                      [((3, 2), (3, 2))]),
    (np.cross,        {"axisa": 0, "axisc": 0},         [((3, 2), (2, 3))]),
    (np.cross,        {"axisa": 0, "axisb": 1, "axisc": 1}, [((3, 2), (2, 3)), ((3, 4, 2), (2, 3))]),
    (np.cross,        {"axisb": -2},                    [((4, 2), (3, 4)), ((2,), (2, 1))]),
    (np.cross,        {"axis": 1},                      [((2, 3, 4), (1, 3, 4))]),
    numpy_2_only(np, "vecdot", {},                      [((3,), (3,)), ((2, 3), (3,))]),
    numpy_2_only(np.linalg, "vecdot", {"axis": 0},      [((3, 2), (3, 1))]),
    numpy_2_only(np.linalg, "outer", {},                [((3,), (2,))]),
    numpy_2_only(np, "matvec", {},                      [((2, 3), (3,)), ((2, 4, 3), (1, 3)),
                                                         ((3, 3), (2, 3))]),
    numpy_2_only(np, "vecmat", {},                      [((3,), (3, 2)), ((2, 3), (4, 1, 3, 2))]),
]


def case_id(case):
    function, kwargs, _ = case
    return f"{function.__name__}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


def applied(function, kwargs):
    def apply(a, b):
        return function(a, b, **kwargs)

    apply.__name__ = function.__name__
    return apply


def operands(rng, shapes, dtype=np.float64):
    return tuple(rng.standard_normal(shape).astype(dtype) for shape in shapes)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_values_equal_numpy(case, rng):
    function, kwargs, shape_pairs = case
    for shapes in shape_pairs:
        a, b = operands(rng, shapes)
        expected = function(a, b, **kwargs)
        out, _ = cr.vjp(applied(function, kwargs), a, b)
        np.testing.assert_allclose(out, expected, rtol=1e-13, atol=1e-13)
        assert np.shape(out) == np.shape(expected)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_derivatives_match_finite_differences(case, rng):
    function, kwargs, shape_pairs = case
    for shapes in shape_pairs:
        cr.check_grads(applied(function, kwargs), operands(rng, shapes),
                       modes=("fwd", "rev"), order=2)


EINSUM_CASES = [
    #  subscripts                    operand shapes
    ("ij,jk->ik",                    [(3, 4), (4, 5)]),
    ("ij,jk",                        [(3, 4), (4, 5)]),        # implicit output
    ("ba,ac",                        [(3, 4), (4, 2)]),        # implicit: sorted letters
    ("ij->ji",                       [(2, 3)]),
    ("ij->",                         [(2, 3)]),
    ("ii->i",                        [(3, 3)]),                # diagonal
    ("ii",                           [(3, 3)]),                # trace
    ("iij->ji",                      [(3, 3, 2)]),
    ("iii->i",                       [(2, 2, 2)]),
    ("ii,i->i",                      [(3, 3), (3,)]),
    ("ij,ik->",                      [(3, 4), (3, 5)]),        # j, k summed in one operand only
    ("ij,ij->ij",                    [(1, 3), (2, 3)]),        # size-1 broadcasting
    ("i,j->ij",                      [(3,), (2,)]),
    ("i,i,i->",                      [(3,), (3,), (3,)]),
    ("bij,bjk,bkl->bil",             [(2, 3, 4), (2, 4, 2), (2, 2, 3)]),
    ("...ij,...jk->...ik",           [(2, 3, 4), (4, 5)]),
    ("...ij,...jk->...ik",           [(2, 1, 3, 4), (5, 4, 2)]),
    ("...i,...i",                    [(2, 3), (3,)]),          # implicit with ellipsis
    ("i...->...",                    [(3, 2, 2)]),
    (",ij->ij",                      [(), (2, 3)]),
    ("ij, jk -> ik",                 [(2, 3), (3, 2)]),        # spaces
]


@pytest.mark.parametrize("subscripts, shapes", EINSUM_CASES)
def test_einsum(subscripts, shapes, rng):
    args = operands(rng, shapes)

    def contract(*xs):
        return np.einsum(subscripts, *xs)

    out, _ = cr.vjp(contract, *args)
    expected = np.einsum(subscripts, *args)
    np.testing.assert_allclose(out, expected, rtol=1e-13, atol=1e-13)
    assert np.shape(out) == np.shape(expected)
    cr.check_grads(contract, args, modes=("fwd", "rev"), order=2)


def test_einsum_interleaved_form_and_optimize(rng):
    a, b = operands(rng, [(2, 3), (3, 4)])
    expected = np.einsum("ij,jk->ik", a, b)
    np.testing.assert_allclose(cprod.einsum(a, [0, 1], b, [1, 2], [0, 2]), expected)
    np.testing.assert_allclose(cprod.einsum(a, [0, Ellipsis], b.T, [2, Ellipsis]),
                               np.einsum(a, [0, Ellipsis], b.T, [2, Ellipsis]))
    for labels_a, labels_b in (([30, 1], [1, 2]), ([3, 1], [1, 40])):  # implicit output order
        np.testing.assert_allclose(cprod.einsum(a, labels_a, b, labels_b),
                                   np.einsum(a, labels_a, b, labels_b))
    for optimize in (True, "greedy", "optimal", False):
        cr.check_grads(lambda x, y: np.einsum("ij,jk->ik", x, y, optimize=optimize), (a, b),
                       modes=("fwd", "rev"), order=1)
    path = np.einsum_path("ij,jk,kl->il", a, b, b.T, optimize="optimal")[0]
    cr.check_grads(lambda x, y: np.einsum("ij,jk,kl->il", x, y, y.T, optimize=path), (a, b),
                   modes=("fwd", "rev"), order=1)


def test_einsum_errors():
    with pytest.raises(ValueError, match="do not fit"):
        cprod.einsum("ij->i", np.ones(3))
    with pytest.raises(ValueError, match=r"no '\.\.\.'"):
        cprod.einsum("...i->i", np.ones((2, 3)))
    with pytest.raises(NotImplementedError, match="out="):
        cr.grad(lambda x: np.einsum("i->", x, out=np.zeros(())))(np.ones(3))


@pytest.mark.parametrize("function, subscripts, shapes", [
    (np.matmul, None, [(3, 4), (4, 2)]),
    (np.tensordot, None, [(2, 3), (2, 3)]),
    (np.einsum, "ij,jk->ik", [(3, 4), (4, 2)]),
    (np.cross, None, [(3,), (3,)]),
])
def test_float32_stays_float32(function, subscripts, shapes, rng):
    args = operands(rng, shapes, np.float32)
    if subscripts:
        def call(a, b):
            return function(subscripts, a, b)
    else:
        def call(a, b):
            return function(a, b)
    out, pullback = cr.vjp(call, *args)
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in pullback(np.ones_like(out)))
    cr.check_grads(call, args, modes=("fwd", "rev"), order=2)


def test_plain_numpy_spelling_reaches_the_same_rules(rng):
    a, b, x = rng.standard_normal((3, 3)), rng.standard_normal((3, 2)), rng.standard_normal(3)
    pairs = [
        (lambda m: (m @ x).sum(), lambda m: cprod.matmul(m, x).sum()),
        (lambda m: (x @ m @ b).sum(), lambda m: cprod.matmul(cprod.matmul(x, m), b).sum()),
        (lambda m: np.dot(m, b).sum(), lambda m: cprod.dot(m, b).sum()),
        (lambda m: m.dot(b).sum(), lambda m: cprod.dot(m, b).sum()),
        (lambda m: np.tensordot(m, b, 1).sum(), lambda m: cprod.tensordot(m, b, 1).sum()),
        (lambda m: np.einsum("ij,jk", m, b).sum(), lambda m: cprod.einsum("ij,jk", m, b).sum()),
        (lambda m: np.inner(m, x).sum(), lambda m: cprod.inner(m, x).sum()),
        (lambda m: np.outer(m, x).sum(), lambda m: cprod.outer(m, x).sum()),
        (lambda m: np.vdot(m, a), lambda m: cprod.vdot(m, a)),
        (lambda m: np.kron(m, b).sum(), lambda m: cprod.kron(m, b).sum()),
        (lambda m: np.cross(m, x).sum(), lambda m: cprod.cross(m, x).sum()),
    ]
    for plain, explicit in pairs:
        np.testing.assert_allclose(cr.grad(plain)(a), cr.grad(explicit)(a))


def test_lists_are_arrays_not_scalars(rng):
    a = rng.standard_normal((2, 2))
    np.testing.assert_allclose(cr.grad(lambda m: np.dot(m, [1.0, 2.0]).sum())(a),
                               [[1.0, 2.0], [1.0, 2.0]])
    np.testing.assert_allclose(cr.grad(lambda m: np.einsum("ij,j", m, [1.0, 2.0]).sum())(a),
                               [[1.0, 2.0], [1.0, 2.0]])
    np.testing.assert_allclose(cr.grad(lambda m: (m @ [1.0, 2.0]).sum())(a),
                               [[1.0, 2.0], [1.0, 2.0]])
    np.testing.assert_allclose(cr.grad(lambda m: ([1.0, 2.0] @ m).sum())(a),
                               [[1.0, 1.0], [2.0, 2.0]])


def test_higher_order_mixed_modes(rng):
    a = rng.standard_normal((3, 3))

    def f(m):
        return np.einsum("ij,jk,ki->", m, m, m)  # trace(m^3), Hessian-vector 6 (m v + v m)^T

    v = rng.standard_normal((3, 3))
    expected = 3 * (v @ a + a @ v).T
    np.testing.assert_allclose(cr.hvp(f, a, v), expected, rtol=1e-12)
    np.testing.assert_allclose(cr.grad(f)(a), 3 * (a @ a).T, rtol=1e-12)


@pytest.mark.parametrize("function", [
    np.matmul, np.dot, np.inner, np.outer, np.kron,
    pytest.param(VECDOT, marks=pytest.mark.skipif(VECDOT is None, reason="NumPy 2 only")),
    lambda a, b: np.vdot(b, a[0]),
    lambda a, b: np.tensordot(a, b, 1),
    lambda a, b: np.einsum("ij,j->i", a, b),
], ids=["matmul", "dot", "inner", "outer", "kron", "vecdot", "vdot", "tensordot", "einsum"])
def test_complex_operands(function, rng):
    a = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    b = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    np.testing.assert_allclose(cr.vjp(function, a, b)[0], function(a, b), rtol=1e-13)
    cr.check_grads(function, (a, b), modes=("fwd", "rev"), order=2)


# -- batching: vmap of each row against a loop over the batch ------------------------------

BATCH_ROWS = [pytest.param(function, kwargs, shapes,
                           id=f"{case_id((function, kwargs, 0))}{shapes}")
              for function, kwargs, pairs in (case.values[0] if hasattr(case, "values") else case
                                              for case in CASES)
              if function is not None  # where this NumPy lacks it (NumPy 2 added it)
              for shapes in pairs]


@pytest.mark.parametrize("function, kwargs, shapes", BATCH_ROWS)
def test_batching(function, kwargs, shapes, rng):
    cr.check_vmap(applied(function, kwargs), operands(rng, shapes))


@pytest.mark.parametrize("subscripts, shapes", EINSUM_CASES)
def test_einsum_batching(subscripts, shapes, rng):
    cr.check_vmap(lambda *xs: np.einsum(subscripts, *xs), operands(rng, shapes))


PRODUCT_PRIMITIVES = {"numpy.matmul", "numpy.tensordot", "numpy.einsum"}


@pytest.mark.parametrize("call, shapes", [
    (np.matmul, [(3, 4), (4,)]),
    (np.matmul, [(4,), (4, 3)]),
    (np.matmul, [(2, 3, 4), (2, 4, 5)]),
    (lambda a, b: np.tensordot(a, b, 1), [(2, 3), (3, 4)]),
    (lambda a, b: np.einsum("ij,jk->ik", a, b), [(2, 3), (3, 4)]),
], ids=["matmul matrix-vector", "matmul vector-matrix", "matmul stacks", "tensordot", "einsum"])
def test_products_run_once_on_the_batch(call, shapes, rng, monkeypatch):
    refuse_loops(monkeypatch, only=PRODUCT_PRIMITIVES)
    cr.check_vmap(call, operands(rng, shapes))


@pytest.mark.parametrize("batched_shape, matrix_first", [((5, 4), True), ((5, 4), False),
                                                         ((5, 2, 4), False)])
def test_a_batch_times_a_shared_matrix_is_one_matmul(batched_shape, matrix_first, rng,
                                                     monkeypatch):
    # the basis of tangents of jacobian / hessian: one np.matmul for the whole batch
    calls = []
    impl = cprod.matmul.impl
    monkeypatch.setattr(cprod.matmul, "impl", lambda a, b: calls.append(1) or impl(a, b))
    matrix, batch = rng.standard_normal((4, 4)), rng.standard_normal(batched_shape)
    product = (lambda x: matrix @ x) if matrix_first else (lambda x: x @ matrix)
    result = cr.vmap(product)(batch)
    assert len(calls) == 1
    np.testing.assert_allclose(result, np.stack([product(x) for x in batch]), rtol=1e-13)


@pytest.mark.parametrize("function, shapes", [
    (lambda x, a: np.tanh(a @ x) + np.sin(x) * x, [(4,), (4, 4)]),
    (lambda x, a: x @ a @ x, [(3,), (3, 3)]),
    (lambda x, a: np.einsum("ij,jk->ik", x, a), [(2, 3), (3, 2)]),
    (lambda x, a: np.tensordot(x, a, axes=([0], [1])), [(3, 2), (4, 3)]),
    (lambda x, a: np.cross(x, a), [(3,), (3,)]),
], ids=["tanh(A x) + sin(x) x", "quadratic form", "einsum", "tensordot", "cross"])
def test_derivatives_of_vmap_and_vmap_of_derivatives(function, shapes, rng):
    check_batched_grads(function, operands(rng, shapes))
