"""Lists and tuples holding tracers, given to ``chainrule.numpy`` functions where
NumPy takes an array (``cnp.exp([x, y])``): converted once, centrally (the
primitives' ``__call__`` and the layer's ``_array`` helpers, through
``creation.asarray``), so every kind of function accepts them."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

CASES = [
    #  name              call, given the module (np or cnp) and two scalars x, y
    ("exp",              lambda m, x, y: m.exp([x, y])),
    ("sin of a tuple",   lambda m, x, y: m.sin((x, y, 1.0))),
    ("add",              lambda m, x, y: m.add([x, y], [[y], [x]])),
    ("power",            lambda m, x, y: m.power([x, 2.0], [y, x])),
    ("maximum",          lambda m, x, y: m.maximum([x, y], 0.5)),
    ("floor",            lambda m, x, y: m.floor([x, y]) * x),
    ("where",            lambda m, x, y: m.where([True, False], [x, y], [y, x])),
    ("clip",             lambda m, x, y: m.clip([x, y, -x], -0.5, 0.5)),
    ("sum",              lambda m, x, y: m.sum([[x, y], [y, 1.0]], axis=0)),
    ("prod",             lambda m, x, y: m.prod([x, y, x])),
    ("cumsum",           lambda m, x, y: m.cumsum([x, y, x])),
    ("var",              lambda m, x, y: m.var([x, y, 2.0])),
    ("max",              lambda m, x, y: m.max([x, y + 3.0])),
    ("linalg.norm",      lambda m, x, y: m.linalg.norm([x, y])),
    ("dot",              lambda m, x, y: m.dot([x, y], [y, x])),
    ("matmul",           lambda m, x, y: m.matmul([[x, y], [y, x]], [x, 1.0])),
    ("outer",            lambda m, x, y: m.outer([x, y], (y, x, 1.0))),
    ("kron",             lambda m, x, y: m.kron([x, y], [1.0, x])),
    ("cross",            lambda m, x, y: m.cross([x, y, 1.0], [y, 1.0, x])),
    ("einsum",           lambda m, x, y: m.einsum("i,i->", [x, y], [y, y])),
    ("reshape",          lambda m, x, y: m.reshape([x, y, x, y], (2, 2))),
    ("transpose",        lambda m, x, y: m.transpose([[x, y]])),
    ("append",           lambda m, x, y: m.append([x], [y, x])),
    ("concatenate",      lambda m, x, y: m.concatenate([[x, y], [y]])),
    ("insert",           lambda m, x, y: m.insert([x, y], 1, y)),
    ("pad",              lambda m, x, y: m.pad([x, y], 1, mode="reflect")),
    ("polyval",          lambda m, x, y: m.polyval([x, y, 1.0], x)),
    ("convolve",         lambda m, x, y: m.convolve([x, y], [y, 1.0, x])),
    ("interp",           lambda m, x, y: m.interp([x, y], [-2.0, 0.0, 2.0], [y, x, 1.0])),
    ("nan_to_num",       lambda m, x, y: m.nan_to_num([x, y])),
    ("real",             lambda m, x, y: m.real([x, y])),
    ("astype",           lambda m, x, y: np.asarray([x, y]).astype(np.float64) if m is np
                                         else m.astype([x, y], np.float64)),  # np.astype: 2.1+
    ("zeros_like",       lambda m, x, y: m.zeros_like([x, y]) + x),
    ("full_like",        lambda m, x, y: m.full_like([x, y], y)),
    ("unique",           lambda m, x, y: m.unique([x, y, x])),
    ("mean",             lambda m, x, y: m.mean([x, 2.0 * y])),
    ("linalg.solve",     lambda m, x, y: m.linalg.solve([[x, 1.0], [0.5, 2.0]], [1.0, y])),
    ("tile",             lambda m, x, y: m.tile([x, y], 2)),
]


@pytest.mark.parametrize("name, call", CASES, ids=[case[0] for case in CASES])
def test_lists_of_tracers(name, call):
    x, y = 0.3, -0.7
    want = call(np, x, y)
    np.testing.assert_allclose(cr.jvp(lambda x, y: call(cnp, x, y), (x, y), (1.0, 1.0))[0], want)
    fn = lambda x, y: call(cnp, x, y)
    fn.__name__ = name
    cr.check_grads(fn, (x, y), modes=("fwd", "rev"), order=2)


def test_plain_numpy_cannot_see_tracers_inside_a_list():
    # NumPy converts the list itself, before any protocol can route it: the error
    # names the spellings that work (np.stack, cnp.array)
    with pytest.raises(TypeError, match="chainrule.numpy.array"):
        cr.grad(lambda x: np.exp([x, x]).sum())(1.0)
    assert cr.grad(lambda x: np.exp(np.stack([x, x])).sum())(0.0) == 2.0


# rows whose functions are batched in other areas' files (linalg.norm, interp), left out
# here; unique's result has a shape the values decide: vmap refuses it (test_nondiff)
BATCHED_ELSEWHERE = {"linalg.norm", "interp", "unique"}
BATCHED_CASES = [case for case in CASES if case[0] not in BATCHED_ELSEWHERE]


@pytest.mark.parametrize("name, call", BATCHED_CASES, ids=[case[0] for case in BATCHED_CASES])
def test_lists_of_batched_tracers(name, call):
    fn = lambda x, y: call(cnp, x, y)  # noqa: E731
    fn.__name__ = name
    cr.check_vmap(fn, (0.3, -0.7))
