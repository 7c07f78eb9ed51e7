"""The NumPy layer's rule tables re-run on Dask inputs: every function Dask
implements gives, on chunked Dask arrays (chunked along each axis, chunks that
do not divide it), the values and derivatives (both modes, to second order) it
gives on NumPy arrays, lazily; the functions Dask lacks refuse clearly."""

import numpy as np
import pytest

pytest.importorskip("dask.array", reason="Dask is not installed: pip install 'chainrule[dask]'")

import chainrule.numpy as cnp  # noqa: E402
import test_arithmetic  # noqa: E402
import test_differences  # noqa: E402
import test_exp_log  # noqa: E402
import test_joining  # noqa: E402
import test_manipulation  # noqa: E402
import test_products  # noqa: E402
import test_reduction_shapes  # noqa: E402
import test_trig  # noqa: E402
from dask_checks import check_like_numpy  # noqa: E402
from elementwise_checks import sample  # noqa: E402

# Dask's own fallback (warn, then compute the whole array) must never be reached
pytestmark = pytest.mark.filterwarnings("error:The `.*` function is not implemented by Dask")

# Functions whose rules branch on the data (a tie, a zero, a NaN): each branch is a
# small compute of an any/all reduction while tracing, which the checks count.
DECIDES = {"sinc", "hypot", "maximum", "minimum", "fmax", "fmin", "max", "amax", "min", "amin",
           "std", "nansum", "nanmean"}

UNARY = test_arithmetic.UNARY + test_exp_log.UNARY + test_trig.UNARY
BINARY = test_arithmetic.BINARY + test_exp_log.BINARY + test_trig.BINARY


@pytest.mark.parametrize("name, domain", UNARY, ids=[row[0] for row in UNARY])
def test_unary_elementwise(name, domain, rng):
    check_like_numpy(getattr(cnp, name), [sample(rng, domain, (4, 5))], rng,
                     decides=name in DECIDES)


@pytest.mark.parametrize("name, domain_x, domain_y", BINARY, ids=[row[0] for row in BINARY])
def test_binary_elementwise_broadcasting(name, domain_x, domain_y, rng):
    function = getattr(np, name)  # the plain NumPy spelling, through the protocols
    check_like_numpy(function, [sample(rng, domain_x, (3, 5)), sample(rng, domain_y, (5,))], rng,
                     decides=name in DECIDES)


def _rows(cases):
    rows = [case.values[0] if hasattr(case, "values") else case for case in cases]
    return [row for row in rows if row[0] is not None]  # absent: NumPy-2-only on NumPy 1.x


MANIPULATION = [case for case in test_manipulation.CASES if case[2].get("order") != "F"]


def refused(case, shape=None):
    """Whether Dask cannot run this row's derivative, so chainrule must say so (naming
    Dask). None now: the last ones (np.add.at, behind reading with integer arrays) have a
    weighted np.bincount on Dask. Complex values read so are refused (test_dask_transforms)."""
    return False


def check_or_refused(function, arrays, rng, refuse, **options):
    if refuse:
        with pytest.raises(NotImplementedError, match="not implemented by Dask"):
            check_like_numpy(function, arrays, rng, **options)
    else:
        check_like_numpy(function, arrays, rng, **options)


# Dask's triu and tril need square chunks.
SQUARE_CHUNKS = {np.triu, np.tril}


@pytest.mark.parametrize("case", MANIPULATION, ids=test_manipulation.case_id)
def test_manipulation_functions(case, rng):
    function, args, kwargs, shapes = case
    for shape in shapes:
        x = rng.standard_normal(shape)
        if function in SQUARE_CHUNKS and len(shape) == 1:
            continue  # Dask's triu / tril of a vector fail in Dask itself (chunks of the wrong rank)
        plans = [[(2,) * len(shape)]] if function in SQUARE_CHUNKS else None
        check_or_refused(lambda x: function(x, *args, **kwargs), [x], rng, refused(case),
                         plans=plans)


REDUCTIONS = test_reduction_shapes.REDUCTIONS


@pytest.mark.parametrize("name, fn, np_fn, domain", REDUCTIONS, ids=[row[0] for row in REDUCTIONS])
@pytest.mark.parametrize("axis, keepdims", [(None, False), ((0, -1), True)])
def test_reductions(name, fn, np_fn, domain, axis, keepdims, rng):
    x = sample(rng, domain, (3, 4, 5))
    check_like_numpy(lambda x: np_fn(x, axis=axis, keepdims=keepdims), [x], rng,
                     decides=name in DECIDES)


PRODUCTS = _rows(test_products.CASES)


@pytest.mark.parametrize("case", PRODUCTS, ids=test_products.case_id)
def test_product_functions(case, rng):
    function, kwargs, shape_pairs = case
    for shapes in shape_pairs[:3]:  # the first three pairs: Dask's graphs cost time to build
        a, b = (rng.standard_normal(shape) for shape in shapes)
        check_like_numpy(lambda a, b: function(a, b, **kwargs), [a, b], rng)


@pytest.mark.parametrize("case", test_joining.JOIN_CASES, ids=test_joining.join_id)
def test_join_functions(case, rng):
    function, kwargs, shape_lists = case
    for shapes in shape_lists:
        arrays = [rng.standard_normal(shape) for shape in shapes]
        check_like_numpy(lambda *xs: function(list(xs), **kwargs), arrays, rng)


# the splits return lists of arrays: their pieces are checked through the joins above
ONE_INPUT = [case for case in test_joining.ONE_INPUT_CASES
             if case[0] not in (np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit)]


# What does not work on Dask yet, and why (each an expected failure, checked to fail);
# with integer positions, sizes and values these work
NOT_ON_DASK = {
    np.insert: "the derivative gathers with an index holding a list, which Dask's getitem rejects",
    np.delete: "the derivative gathers with an index holding a list, which Dask's getitem rejects",
    np.resize: "the derivative gathers with an index holding a list, which Dask's getitem rejects",
}


def _one_input_row(case):
    function, args, kwargs, shapes = case
    listed = any(isinstance(a, (list, tuple, slice)) for a in args)
    reason = NOT_ON_DASK.get(function) if listed else None
    if function is np.tile and 0 in np.ravel(args[0]):
        reason = "Dask's reshape of an empty tile"
    if function is np.pad and kwargs.get("mode") == "median":
        reason = "the median sorts (np.sort is refused on Dask)"
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(case, marks=marks, id=test_manipulation.case_id(case))


@pytest.mark.parametrize("case", [_one_input_row(case) for case in ONE_INPUT + test_differences.CASES])
def test_one_input_tables(case, rng):
    function, args, kwargs, shapes = case
    decides = function is np.pad and kwargs.get("mode") in ("maximum", "minimum")
    for shape in shapes:
        check_or_refused(lambda x: function(x, *args, **kwargs), [rng.standard_normal(shape)], rng,
                         refused(case, shape), decides=decides)
