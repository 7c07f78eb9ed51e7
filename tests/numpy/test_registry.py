"""The registry: every NumPy-layer primitive has both rules or is declared
non-differentiable, and every function NumPy routes to chainrule is callable."""

import numpy as np
import pytest

from chainrule.numpy.wrap import FUNCTIONS, PRIMITIVES, UFUNCS


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_primitive_has_both_modes_or_is_nondiff(name):
    assert PRIMITIVES[name].modes in (("forward", "reverse"), ("nondiff",)), (
        f"{name} supports only {PRIMITIVES[name].modes}")


def test_routing_tables_point_at_callables():
    assert all(callable(f) for f in list(FUNCTIONS.values()) + list(UFUNCS.values()))
    assert all(isinstance(u, np.ufunc) for u in UFUNCS)


def test_rules_command_lists_every_primitive(capsys):
    from chainrule.__main__ import main

    main(["rules"])
    out = capsys.readouterr().out
    assert all(name in out for name in PRIMITIVES)
