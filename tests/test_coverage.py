"""docs/coverage.md is what the registry says today."""

import pathlib
import re

import numpy as np
import pytest

from chainrule import coverage

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "coverage.md"
GENERATED_WITH = re.search(r"\(NumPy ([0-9.]+)\)", DOC.read_text()).group(1)


@pytest.mark.skipif(np.__version__ != GENERATED_WITH,
                    reason=f"docs/coverage.md lists NumPy {GENERATED_WITH}'s functions")
def test_docs_coverage_is_up_to_date():
    assert DOC.read_text() == coverage.markdown(), (
        "docs/coverage.md is out of date: run  python -m chainrule coverage > docs/coverage.md")


def test_every_routed_function_is_listed_with_its_modes():
    rows = {name: modes for name, _, modes in coverage.supported()}
    assert rows["numpy.sin"] == "forward, reverse"
    assert rows["numpy.argmax"].startswith("zero")
    assert "numpy.linalg.solve" in rows


def test_aliases_of_routed_functions_are_not_listed_as_missing():
    left = coverage.missing()
    assert "numpy.abs" not in left and "numpy.sin" not in left
    assert all(name.startswith("numpy") for name in left)
