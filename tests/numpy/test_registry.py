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
    if "vjp" not in prim.rules:
        return [("reverse", "all")]
    if "jvp" not in prim.rules:
        return [("forward", "all")]
    missing = []
    for argnum in range(max(len(prim.covered["vjp"]), len(prim.covered["jvp"]))):
        if prim.has_rule("vjp", argnum) != prim.has_rule("jvp", argnum):
            missing.append(("forward" if prim.has_rule("vjp", argnum) else "reverse", argnum))
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


# The primitives vmap runs once per batch member (python -m chainrule rules: "loop"), each
# with the reason it has no batching rule. Every other primitive must have one.
LOOPING = {
    "numpy.sort_tied": "sort's tie check; under vmap the tie-averaging always runs instead",
}


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_every_primitive_has_a_batching_rule_or_a_declared_loop(name):
    has_rule = "batch" in PRIMITIVES[name].rules
    assert has_rule != (name in LOOPING), (
        f"{name}: " + ("declared looping but has a batching rule" if has_rule else
                       "no batching rule (vmap loops over the batch); give it one with "
                       "def_batch, or declare it in LOOPING with the reason"))
