"""The registry: every NumPy-layer primitive has a rule for every argument in
both modes, or is declared non-differentiable, and every function NumPy routes
to chainrule is callable."""

import numpy as np
import pytest

from chainrule.numpy import arithmetic
from chainrule.numpy.wrap import FUNCTIONS, PRIMITIVES, UFUNCS


def missing_rules(prim) -> list:
    """The (mode, argument) pairs that have no rule although the other mode has one."""
    if prim.nondiff or prim.partials is not None:
        return []
    if prim.vjp_joint is None and not prim.vjp_rules:
        return [("reverse", "all")]
    if prim.jvp_joint is None and not prim.jvp_rules:
        return [("forward", "all")]
    if prim.vjp_joint is not None or prim.jvp_joint is not None:
        return []  # a joint rule answers for every argument
    missing = []
    for argnum in range(max(len(prim.vjp_rules), len(prim.jvp_rules))):
        if prim.has_vjp(argnum) != prim.has_jvp(argnum):
            missing.append(("forward" if prim.has_vjp(argnum) else "reverse", argnum))
    return missing


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_every_argument_has_a_rule_in_both_modes(name):
    prim = PRIMITIVES[name]
    assert prim.modes in (("forward", "reverse"), ("nondiff",)), f"{name}: {prim.modes}"
    assert missing_rules(prim) == [], f"{name} lacks the rules {missing_rules(prim)}"


def test_the_check_catches_a_rule_missing_for_one_argument():
    from chainrule.numpy.wrap import NumpyPrimitive

    half = NumpyPrimitive("numpy.half_example", np.add)
    half.def_vjp(lambda g, ans, x, y: g, lambda g, ans, x, y: g)
    half.def_jvp(lambda t, ans, x, y: t, None)
    assert missing_rules(half) == [("forward", 1)]


def test_primitives_made_directly_are_registered_too():
    assert PRIMITIVES["numpy.clip"] is arithmetic.clip_p


def test_routing_tables_point_at_callables():
    assert all(callable(f) for f in list(FUNCTIONS.values()) + list(UFUNCS.values()))
    assert all(isinstance(u, np.ufunc) for u in UFUNCS)


def test_rules_command_lists_every_primitive(capsys):
    from chainrule.__main__ import main

    main(["rules"])
    out = capsys.readouterr().out
    assert all(name in out for name in PRIMITIVES)
