"""Names every docstring example may use (``cr`` and ``np``), and one way of
printing NumPy scalars (``1.0``, not ``np.float64(1.0)``) so that the examples
read the same under NumPy 1.26 and 2.x."""

import numpy as np
import pytest

import chainrule as cr


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    doctest_namespace["cr"] = cr
    doctest_namespace["np"] = np
    if np.lib.NumpyVersion(np.__version__) >= "2.0.0":
        options = np.get_printoptions()
        np.set_printoptions(legacy="1.25")
        yield
        np.set_printoptions(**options)
    else:
        yield
