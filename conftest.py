"""Names every docstring example may use (``cr`` and ``np``), and one way of
printing NumPy scalars (``1.0``, not ``np.float64(1.0)``) so that the examples
read the same under NumPy 1.26 and 2.x."""

import numpy as np
import pytest

import chainrule as cr


# docstring examples of modules that need NumPy 2 (the array API standard's names)
NUMPY_2_ONLY_DOCTESTS = ("chainrule.array_api.namespace",)


def pytest_collection_modifyitems(config, items):
    if np.lib.NumpyVersion(np.__version__) >= "2.0.0":
        return
    skip = pytest.mark.skip(reason="this example needs NumPy 2 (the array API standard's names)")
    for item in items:
        if item.name in NUMPY_2_ONLY_DOCTESTS:
            item.add_marker(skip)


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
