"""Simplification: constant folding, identities, common subexpressions, dead code."""

import numpy as np

import chainrule as cr
from chainrule.jit.simplify import simplify
from chainrule.jit.tracing import record


def program_of(f, *args):
    return simplify(record(f, list(args), lambda inputs: (inputs, {}),
                           [f"x{i + 1}" for i in range(len(args))]))


def names(program):
    return [step.primitive.name.removeprefix("numpy.") for step in program.steps]


def test_common_subexpressions_are_computed_once():
    program = program_of(lambda x: np.sin(x) * np.sin(x) + np.sin(x), 0.5)
    assert names(program) == ["sin", "multiply", "add"]


def test_dead_code_is_removed():
    def f(x):
        np.exp(x)  # unused
        unused = x * 3.0  # noqa: F841
        return np.cos(x)

    assert names(program_of(f, 0.5)) == ["cos"]


def test_multiplying_by_one_and_adding_zero_are_dropped_where_the_type_stays():
    program = program_of(lambda x: (1.0 * x + 0.0) * np.ones(3) / 1 * np.full(3, 2.0),
                         np.ones(3))
    assert names(program) == ["multiply"]  # only the multiplication by 2
    ints = program_of(lambda x: x * 1.0, np.arange(3))  # an int array becomes a float one
    assert names(ints) == ["multiply"]


def test_values_that_do_not_depend_on_the_inputs_are_folded():
    def f(x):
        z = np.zeros(3, like=x)
        return x + (z + 1.0) * 2.0

    program = program_of(f, np.ones(3))
    assert names(program) == ["add"]
    np.testing.assert_array_equal(cr.jit(f)(np.arange(3.0)), [2.0, 3.0, 4.0])


def test_guards_of_merged_nodes_are_still_checked():
    def f(x):
        a = x * 2.0
        b = x * 2.0  # the same node as a, so b > 1.0 is a > 1.0: its guards move there
        return a if (a > 1.0 and b > 1.0) else -a

    graph = cr.trace(f, 1.0)
    program = program_of(f, 1.0)
    decisions = [guard.describe() for node in graph.nodes for guard in node.guards or ()
                 if guard.kind == "bool"]  # a comparison's shape guard follows from x's shape
    assert [guard.describe() for kept in program.guards.values() for guard in kept] == decisions
    assert len(decisions) == 2 and len(program.guards) == 1  # both on one comparison node
    compiled = cr.jit(f)
    assert compiled(1.0) == 2.0 and compiled(0.25) == -0.5


def test_the_backward_pass_of_the_running_example_simplifies():
    def f(x1, x2):
        return np.exp(2 * x1) + x1 * x2**2 + np.cos(x2)

    graph = cr.trace(cr.grad(f, argnums=(0, 1)), 1.0, 2.0)
    program = program_of(cr.grad(f, argnums=(0, 1)), 1.0, 2.0)
    assert len(program.steps) < len(graph.nodes) - graph.input_count
    assert all(not (step.primitive.name == "numpy.multiply" and 1.0 in step.args)
               for step in program.steps)


def test_results_simplified_to_an_input_or_a_constant_are_new_arrays():
    x = np.ones(3)
    same = cr.jit(lambda x: x * 1.0)(x)
    made = cr.jit(lambda x: (np.zeros(3, like=x) + 1.0, x))
    first, passed = made(x)
    second, _ = made(x)
    assert same is not x and first is not second and passed is x  # as the plain function
    first[0] = 5.0
    assert x[0] == 1.0 and made(x)[0][0] == 1.0
