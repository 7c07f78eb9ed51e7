"""Names every docstring example may use: ``cr`` and ``np``."""

import numpy as np
import pytest

import chainrule as cr


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    doctest_namespace["cr"] = cr
    doctest_namespace["np"] = np
