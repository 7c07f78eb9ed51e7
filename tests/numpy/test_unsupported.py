"""A NumPy function chainrule has no rule for raises NotImplementedError that
names it and, where a concrete alternative exists, says what to write instead;
the alternatives given are themselves differentiable."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.numpy.wrap import UNSUPPORTED_HINTS, unsupported_hint

NUMPY_2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"

X = np.array([0.5, -1.0, 2.0, 1.5])

# (call on a traced 1-D x, the name the message starts with, words of its alternative):
# calls that stay unsupported, since no derivative can pass through them
CALLS = [
    (lambda x: np.frompyfunc(np.sin, 1, 1)(x),       "the ufunc.sin (vectorized)", "array operations"),
    (lambda x: np.add.reduceat(x, [0, 2]),           "numpy.add.reduceat",      "sums of slices"),
]


@pytest.mark.parametrize("call, name, alternative", CALLS, ids=[row[1] for row in CALLS])
def test_an_unsupported_call_names_itself_and_the_alternative(call, name, alternative):
    for mode in (cr.grad(lambda x: np.sum(np.real(call(x)))),
                 lambda x: cr.jvp(call, (x,), (x,))):
        with pytest.raises(NotImplementedError) as error:
            mode(X)
        message = str(error.value)
        assert message.startswith(f"{name} is not supported on traced values")
        assert "Instead: " in message and alternative in message
        assert "custom_vjp" in message  # the general way out is always named


def test_a_function_without_a_hint_still_says_what_to_do():
    # every numerical NumPy function is supported now: einsum_path plans, computes nothing
    with pytest.raises(NotImplementedError, match=r"(?s)numpy\.einsum_path is not supported.*"
                                                  r"Write it with supported NumPy functions"):
        cr.grad(lambda x: np.einsum_path("i->", x)[0])(X)


@pytest.mark.parametrize("name", sorted(UNSUPPORTED_HINTS))
def test_every_hint_names_a_numpy_function(name):
    path = name.split(".")[1:]
    owner = np
    for part in path:
        owner = getattr(owner, part, None)
        if owner is None:
            assert not NUMPY_2 or name == "numpy.trapz", f"{name} is not in NumPy {np.__version__}"
            pytest.skip(f"{name} is not in this NumPy")
    assert callable(owner)


@pytest.mark.parametrize("name", sorted(UNSUPPORTED_HINTS))
def test_hints_are_only_for_functions_still_unsupported(name):
    from chainrule import coverage

    supported = {numpy_name for numpy_name, _, _ in coverage.supported()}
    assert name not in supported, (
        f"{name} is supported now: drop its hint from UNSUPPORTED_HINTS in chainrule/numpy/wrap.py")


@pytest.mark.parametrize("name", sorted(UNSUPPORTED_HINTS))
def test_every_hinted_error_names_the_function_and_its_alternative(name):
    from chainrule.numpy.wrap import unsupported_function_error

    message = str(unsupported_function_error(name))
    assert message.startswith(f"{name} is not supported on traced values")
    assert f"Instead: {UNSUPPORTED_HINTS[name]}" in message and "custom_vjp" in message


def test_hints_are_looked_up_by_name_module_and_method():
    name = sorted(UNSUPPORTED_HINTS)[-1]
    assert unsupported_hint(name) == UNSUPPORTED_HINTS[name]
    assert "sums of slices" in unsupported_hint("numpy.subtract.reduceat")
    assert unsupported_hint("numpy.no_such_function") is None
