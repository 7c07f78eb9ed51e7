"""Helpers for test tables whose rows are (numpy function, args, kwargs, shapes)."""

import numpy as np
import pytest

import chainrule as cr


def case_id(case):
    """A readable test id: ``roll(1, axis=0)``."""
    function, args, kwargs, _ = case
    words = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{function.__name__}({', '.join(words)})"


def applied(function, args, kwargs, name):
    """``x -> function(x, *args, **kwargs)``, named for check_grads' messages."""
    def apply(x):
        return function(x, *args, **kwargs)

    apply.__name__ = name
    return apply


def require_numpy_function(name):
    """Skip the row when this NumPy lacks ``np.<name>`` (a NumPy 2 addition); None: always run."""
    if name is not None and not hasattr(np, name):
        pytest.skip(f"np.{name} came with NumPy 2; this is NumPy {np.__version__}")


def traced_value(function, args):
    """``function(*args)`` evaluated on traced values (the primal output of a JVP)."""
    return cr.jvp(function, args, tuple(np.ones_like(a) for a in args))[0]
