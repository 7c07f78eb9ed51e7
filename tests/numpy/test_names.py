"""Every name ``chainrule.numpy`` exports that NumPy also has is the same kind of
thing as NumPy's (a function where NumPy's is a function, a module only where
NumPy's is one: ``linalg``), so ``cnp`` stands in for ``np``."""

import types

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

# objects chainrule provides in its own form (NumPy's call np.array on every entry)
CHAINRULE_OWN = {"r_", "c_"}

SHARED = sorted(name for name in dir(cnp)
                if not name.startswith("_") and hasattr(np, name))


def test_the_shared_names_are_many():
    assert len(SHARED) > 150
    assert {"shape", "ndim", "size", "full", "linspace", "linalg"} <= set(SHARED)


@pytest.mark.parametrize("name", SHARED)
def test_a_shared_name_is_the_same_kind_as_numpys(name):
    ours, theirs = getattr(cnp, name), getattr(np, name)
    assert isinstance(ours, types.ModuleType) == isinstance(theirs, types.ModuleType)
    assert callable(ours) == callable(theirs)
    assert isinstance(ours, type) == isinstance(theirs, type)
    if not callable(theirs) and not isinstance(theirs, types.ModuleType):
        assert ours is theirs or ours == theirs or name in CHAINRULE_OWN or (
            isinstance(ours, float) and np.isnan(ours) and np.isnan(theirs))


@pytest.mark.parametrize("name", ["shape", "ndim", "size"])
def test_shape_ndim_and_size_are_numpys(name, rng):
    x = rng.normal(size=(2, 3))
    assert getattr(cnp, name)(x) == getattr(np, name)(x)
    seen = []
    cr.grad(lambda t: seen.append(getattr(cnp, name)(t)) or t.sum())(x)
    assert seen == [getattr(np, name)(x)]
