"""cr.trace: the recording level, replays with guards, per-node tangents and adjoints,
the table, DOT and pictures, and cr.draw for Scalar-like values."""

import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import build, instruction

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import Level
from chainrule.graph import GraphLevel
from chainrule.guards import GuardError
from chainrule.numpy.tracer import ArrayTracer, ScalarTracer


def running_example(x1, x2):
    return np.exp(2 * x1) + x1 * x2**2 + np.cos(x2)


EXACT_GRADIENT = (2 * math.e**2 + 4, 4 - math.sin(2))


# -- the running example -----------------------------------------------------------------


def test_running_example_has_nine_nodes_with_textbook_expressions():
    graph = cr.trace(running_example, 1.0, 2.0)
    assert len(graph.nodes) == 9 and [n.label for n in graph.nodes][::8] == ["w1", "w9"]
    table = graph.table().splitlines()
    expected = [("w1", "x1", "1"), ("w2", "x2", "2"), ("w3", "2 * w1", "2"),
                ("w4", "exp(w3)", "7.38906"), ("w5", "w2 ** 2", "4"), ("w6", "w1 * w5", "4"),
                ("w7", "w4 + w6", "11.3891"), ("w8", "cos(w2)", "-0.416147"),
                ("w9", "w7 + w8", "10.9729")]
    assert table[0].split() == ["node", "value"]
    for line, (label, expression, value) in zip(table[1:], expected):
        assert line.startswith(f"{label} = {expression} ") and line.endswith(value), line


def test_running_example_adjoints_are_the_gradient_and_tangents_its_entries():
    graph = cr.trace(running_example, 1.0, 2.0)
    value, adjoints = graph.vjp((1.0, 2.0), 1.0)
    np.testing.assert_allclose(value, running_example(1.0, 2.0))
    np.testing.assert_allclose(adjoints, cr.grad(running_example, argnums=(0, 1))(1.0, 2.0),
                               rtol=1e-15)
    np.testing.assert_allclose(adjoints, EXACT_GRADIENT, rtol=1e-14)
    for seed, entry in [((1.0, 0.0), EXACT_GRADIENT[0]), ((0.0, 1.0), EXACT_GRADIENT[1])]:
        _, tangent = graph.jvp((1.0, 2.0), seed)
        assert tangent == pytest.approx(entry, rel=1e-14)
    # every node keeps its tangent and adjoint: the output's adjoint is the seed, and
    # w3 = 2 x1 has tangent 2 under the seed (1, 0) and adjoint exp(2)
    assert graph.adjoints[8] == 1.0 and graph.adjoints[2] == pytest.approx(math.e**2)
    assert graph.tangents["(1, 0)"][2] == 2.0 and graph.tangents["(0, 1)"][2] == 0.0
    header = graph.table().splitlines()[0]
    assert header.split("  ")[-3:] == ["tangent (1, 0)", "tangent (0, 1)", "adjoint"]
    # new inputs: the columns computed at the old ones are gone
    graph(0.0, 1.0)
    assert graph.table().splitlines()[0].split() == ["node", "value"]


def test_recording_is_a_level_whose_tracers_are_the_ordinary_ones():
    seen = []

    def f(x, s):
        seen.append((type(x), type(s), type(x > 0), x[0].__class__))
        return np.sum(np.tanh(x) * s)

    cr.trace(f, np.ones(3), 2.0)
    assert issubclass(GraphLevel, Level)
    assert seen == [(ArrayTracer, ScalarTracer, ArrayTracer, ScalarTracer)]


# -- replay -----------------------------------------------------------------------------


def looped(x, w):
    for _ in range(4):
        x = np.tanh(x @ w) + 0.5 * np.sin(x) - x**2 / 10
    y = np.maximum(x, 0.1 * x)
    return np.sum(np.exp(-y) * np.sqrt(1 + x * x)) + np.log1p(np.abs(y).mean())


def test_replay_matches_a_fresh_call_on_100_random_inputs(rng):
    x, w = rng.normal(size=3), rng.normal(size=(3, 3))
    graph = cr.trace(looped, x, w)
    assert len(graph.nodes) > 30
    for _ in range(100):
        x, w = rng.normal(size=3), rng.normal(size=(3, 3))
        np.testing.assert_allclose(graph(x, w), looped(x, w), rtol=1e-13)
    for got, want in zip(graph.vjp((x, w), 1.0)[1], cr.grad(looped, (0, 1))(x, w)):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    v = rng.normal(size=3), rng.normal(size=(3, 3))
    np.testing.assert_allclose(graph.jvp((x, w), v)[1], cr.jvp(looped, (x, w), v)[1],
                               rtol=1e-12)


def assigning(x):
    y = np.zeros(4, like=x)
    y[0] = x[1] * 2
    y[1:3] += x[2:]
    view = y[2:]
    view[0] = 5 * x[0]
    return np.sum(y**2)


SQUARE = np.array([[3.0, 1.0, 0.0], [1.0, 4.0, 1.0], [0.5, 0.0, 2.0]])

PROGRAMS = [
    #  name                    program
    ("assignment and views",  assigning),
    ("linear algebra",        lambda x: np.linalg.solve(SQUARE + x[0], x[1:]).sum()
                                        + np.linalg.det(SQUARE * x[3])),
    ("joining",               lambda x: np.sum(np.stack([x, x**2]) @ np.concatenate([x, x])[:4])),
    ("an inner jvp",          lambda x: cr.jvp(lambda y: np.sin(y) * y, (x,), (x,))[1].sum()),
    ("an inner hessian",      lambda x: np.sum(cr.hessian(lambda y: np.sum(y**3 * x[0]))(x))),
    ("stop_gradient",         lambda x: np.sum(x * cr.stop_gradient(x))),
]


@pytest.mark.parametrize("name, program", PROGRAMS, ids=[row[0] for row in PROGRAMS])
def test_replays_and_derivatives_of_the_graph_match_the_engine(name, program, rng):
    graph = cr.trace(program, rng.normal(size=4))
    x, v = rng.normal(size=4), rng.normal(size=4)
    np.testing.assert_allclose(graph(x), program(x), rtol=1e-12)
    np.testing.assert_allclose(graph.vjp((x,), 1.0)[1][0], cr.grad(program)(x), rtol=1e-12)
    np.testing.assert_allclose(graph.jvp((x,), (v,))[1], cr.jvp(program, (x,), (v,))[1],
                               rtol=1e-12)


# the random programs of test_properties.py: a replay at new inputs, and forward and
# reverse mode over the recorded nodes, agree with the engine on each
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(program=st.lists(instruction, min_size=1, max_size=8), seed=st.integers(0, 2**16))
def test_random_programs_replay_and_differentiate_like_the_engine(program, seed):
    rng = np.random.default_rng(seed)
    f = build(program)
    graph = cr.trace(f, rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (2, 3)))
    x, y, dx, dy = (rng.uniform(-1, 1, (2, 3)) for _ in range(4))
    np.testing.assert_allclose(graph(x, y), f(x, y), rtol=1e-12)
    for got, want in zip(graph.vjp((x, y), 1.0)[1], cr.grad(f, argnums=(0, 1))(x, y)):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(graph.jvp((x, y), (dx, dy))[1], cr.jvp(f, (x, y), (dx, dy))[1],
                               rtol=1e-9, atol=1e-12)


# Programs whose masks, indices or integer casts depend on the input: a replay that
# reused the recorded ones would return the old branch's numbers.
def with_where(x):
    return np.sum(np.where(x > 0, x**2, -x))


def with_argmax(x):
    return x[np.argmax(x)] * 3 + x.argmin()


def with_index_array(x):
    order = np.argsort(x)
    return np.sum(x[order][:2] * np.array([1.0, 10.0]))


def with_integer_cast(x):
    return np.sum(x * (x * 2).astype(int))


def with_nonzero_and_searchsorted(x):
    (index,) = np.nonzero(x > 0.5)
    edges = np.array([-1.0, 0.0, 1.0])
    return np.sum(x[index]) + np.sum(np.searchsorted(edges, x) * x)


def with_assignment_through_a_mask(x):
    y = x * 1.0
    y[x < 0] = 0.0
    return np.sum(y * y)


def with_combined_masks(x):
    inside = (x > 0) & ~(x > 2) | (x < -3)
    return np.sum(np.where(inside, x, 0.0) ** 2) + np.count_nonzero(inside ^ (x > 1))


DATA_DEPENDENT = [
    #  program                          traced at              replayed at
    (with_where,                       [1.0, -2.0, 3.0],      [-1.0, 2.0, -4.0]),
    (with_argmax,                      [1.0, 5.0, 3.0],       [4.0, 0.0, 3.5]),
    (with_index_array,                 [3.0, 1.0, 2.0],       [1.0, 3.0, 0.5]),
    (with_integer_cast,                [0.2, 1.4, 2.6],       [1.6, 0.3, 2.2]),
    (with_nonzero_and_searchsorted,    [0.7, -0.5, 0.9],      [-0.2, 0.8, 0.6]),
    (with_assignment_through_a_mask,   [1.0, -2.0, 3.0],      [-1.0, 2.0, 3.0]),
    (with_combined_masks,              [1.0, -4.0, 3.0],      [2.5, -1.0, 1.5]),
]


@pytest.mark.parametrize("program, traced_at, replayed_at", DATA_DEPENDENT,
                         ids=[row[0].__name__ for row in DATA_DEPENDENT])
def test_a_replay_recomputes_masks_and_indices(program, traced_at, replayed_at):
    traced_at, replayed_at = np.array(traced_at), np.array(replayed_at)
    graph = cr.trace(program, traced_at)
    fresh = program(replayed_at)
    assert fresh != program(traced_at)
    np.testing.assert_allclose(graph(replayed_at), fresh, rtol=1e-14)
    np.testing.assert_allclose(graph.vjp((replayed_at,), 1.0)[1][0],
                               cr.grad(program)(replayed_at), rtol=1e-14)
    # and the same mask, kept as a constant, would have given another number
    np.testing.assert_allclose(graph(traced_at), program(traced_at), rtol=1e-14)


def test_replay_with_another_input_shape_is_refused():
    graph = cr.trace(lambda x: np.sum(x * x), np.ones(3))
    with pytest.raises(cr.GuardError, match=r"shape \(3,\) and dtype float64 when traced, "
                                            r"not \(4,\) and float64"):
        graph(np.ones(4))
    with pytest.raises(cr.GuardError, match="not \\(3,\\) and float32"):
        graph(np.ones(3, np.float32))


# -- guards -----------------------------------------------------------------------------


def branching(x):
    if x > 0:  # the guarded line
        return x * 2
    return -x


def counting(x):
    total = 0.0
    for i in range(int(np.sum(x > 0))):  # the guarded line
        total = total + np.sin(x[i])
    return total


def indexing_by_a_traced_integer(x):
    n = np.argmax(x)
    return [1.0, 2.0, 3.0][n] * x[0]  # the guarded line (operator.index)


def using_a_float(x):
    return x * math.exp(float(x[0]))  # the guarded line


def selecting_a_data_shaped_part(x):
    return np.sum(x[x > 0] ** 2)  # the guarded line (a shape the data decides)


GUARDED = [
    #  program                        traced at       passes at       fails at        guard
    (branching,                      1.0,            3.0,            -1.0,           "bool"),
    (counting,                       [1, 2, -1],     [0.5, 3, -2],   [1, 2, 1],      "int"),
    (indexing_by_a_traced_integer,   [1, 0, 0],      [2, 1, 1],      [0, 1, 0],      "index"),
    (using_a_float,                  [0.5, 1],       [0.5, 2],       [0.6, 1],       "float"),
    (selecting_a_data_shaped_part,   [1, -1, 2],     [3, -1, 0.5],   [1, 1, 1],      "shape"),
]


def guarded_line(program):
    lines = open(__file__).read().splitlines()
    start = program.__code__.co_firstlineno
    return next(number for number in range(start, start + 5)
                if "# the guarded line" in lines[number - 1])


@pytest.mark.parametrize("program, traced_at, passes_at, fails_at, kind", GUARDED,
                         ids=[row[0].__name__ for row in GUARDED])
def test_a_guard_records_the_branch_and_refuses_another(program, traced_at, passes_at, fails_at,
                                                        kind):
    traced_at, passes_at, fails_at = (np.asarray(v, float) if isinstance(v, list) else v
                                      for v in (traced_at, passes_at, fails_at))
    graph = cr.trace(program, traced_at)
    where = f"{__file__}:{guarded_line(program)}"
    guards = graph.guards if kind != "shape" else [
        guard for node in graph.nodes for guard in (node.guards or [])]
    assert any(guard.kind == kind and guard.where == where for guard in guards)
    np.testing.assert_allclose(graph(passes_at), program(passes_at), rtol=1e-14)
    with pytest.raises(cr.GuardError) as failure:
        graph(fails_at)
    assert where in str(failure.value) and "Trace again" in str(failure.value)
    assert isinstance(failure.value, ValueError)
    if kind != "shape":
        assert f"guard: {kind}(" in graph.table()


def test_float_of_a_traced_value_is_still_refused_under_grad():
    with pytest.raises(TypeError, match="float\\(\\) of a traced value"):
        cr.trace(cr.grad(lambda x: x * float(x)), 2.0)


# -- the graph of a gradient ----------------------------------------------------------------


def test_the_graph_of_grad_shows_the_backward_pass_and_replays_it():
    def f(x):
        return np.sin(x) * x

    graph = cr.trace(cr.grad(f), 1.0)
    names = [node.primitive.name for node in graph.nodes[1:]]
    assert "numpy.cos" in names  # the rule of sin, recorded as it ran
    assert names.index("numpy.cos") > names.index("numpy.sin")
    for x in (0.3, 2.0, -1.5):
        assert graph(x) == pytest.approx(np.cos(x) * x + np.sin(x), rel=1e-14)
    # a recorded gradient is differentiable again: the second derivative
    _, (second,) = graph.vjp((2.0,), 1.0)
    assert second == pytest.approx(cr.grad(cr.grad(f))(2.0), rel=1e-14)


# Rules and functions that decide values from the data (a sign, a winner, a tie, a NaN,
# a mask): they compute on the traced values, so a recording sees their comparisons and
# a replay recomputes them (docs/graph.md, "What a replay cannot see").
DECIDED_BY_THE_DATA = [
    # where the data decides  program, then the inputs where traced and where replayed
    ("abs's rules",        cr.grad(lambda x: np.sum(np.abs(x) * x)),             [1, -2], [-1, 2]),
    ("fabs's rules",       cr.grad(lambda x: np.sum(np.fabs(x) * x)),            [1, -2], [-1, 2]),
    ("maximum's rules",    cr.grad(lambda x: np.sum(np.maximum(x, 0.5) ** 2)),   [1, -2], [-1, 2]),
    ("minimum's ties",     cr.grad(lambda x: np.sum(np.minimum(x, 0.5) ** 2)),
                           [0.5, -2], [1, 0.5]),
    ("fmax's NaNs",        cr.grad(lambda x: np.sum(np.fmax(x, 0.5) ** 2)),
                           [1, np.nan], [np.nan, 2]),
    ("clip's rules",       cr.grad(lambda x: np.sum(np.clip(x, -1.5, 1.5) * x)), [1, -2], [-2, 1]),
    ("max's rules (ties)", cr.grad(lambda x: np.max(x) * np.sum(x)),             [1, -2], [-1, 2]),
    ("min's rules (ties)", cr.grad(lambda x: np.min(x) * np.sum(x)),               [1, 1], [1, 2]),
    ("sinc's rules at 0",  cr.grad(lambda x: np.sum(np.sinc(x))),              [0, 0.5], [0.3, 0]),
    ("hypot's at 0",       cr.grad(lambda x: np.sum(np.hypot(x, 0 * x[::-1]))),    [0, 1], [1, 0]),
    ("fmod's rules",       cr.grad(lambda x: np.sum(np.fmod(3.0, x) * x)),
                           [1.3, -2.1], [0.7, 2.9]),
    ("sum's where= mask",  lambda x: np.sum(x * x, where=x > 0),                 [1, -2], [-1, 2]),
    ("mean's where= mask", lambda x: np.mean(x * x, where=x > 0),          [1, -2, 3], [-1, 2, 3]),
    ("nansum's NaNs",      lambda x: np.nansum(np.log(x)),                       [1, -2], [-1, 2]),
    ("nanstd's NaNs",      lambda x: np.nanstd(np.log(x)),                 [1, -2, 2], [-1, 3, 2]),
    ("nanvar's NaNs",      lambda x: np.nanvar(np.log(x), where=x != 2),
                           [1, -2, 2, 3], [-1, 3, 2, 1]),
    ("nanargmax",          lambda x: np.nanargmax(x) * x,                    [1, 2, 3], [3, 2, 1]),
    ("norm(x, 0)",         lambda x: np.linalg.norm(x, 0) * x,                     [0, 1], [1, 2]),
    ("sort's permutation", cr.grad(lambda x: np.sum(np.sort(x) ** 2 * np.arange(3.0))),
                           [3, 1, 2], [1, 3, 2]),
    ("sort's ties",        cr.grad(lambda x: np.sum(np.sort(x) ** 2 * np.arange(3.0))),
                           [1, 1, 2], [3, 2, 3]),
    ("partition's order",  cr.grad(lambda x: np.sum(np.partition(x, 1) ** 2 * np.arange(3.0))),
                           [3, 1, 2], [1, 3, 2]),
    ("take_along_axis",    lambda x: np.take_along_axis(x, np.argsort(x), None) * x,
                           [3, 1, 2], [1, 3, 2]),
    ("quantile's q",       cr.jacrev(lambda q: np.quantile(np.array([1.0, 2, 4]) * q[0], q)),
                           [0.3], [0.6]),
    ("quantile's q, lower", lambda q: np.quantile(np.array([1.0, 2, 4]), q, method="lower"),
                           [0.3], [0.6]),
]


@pytest.mark.parametrize("where, program, traced_at, replayed_at", DECIDED_BY_THE_DATA,
                         ids=[row[0] for row in DECIDED_BY_THE_DATA])
def test_a_replay_recomputes_what_the_data_decides(where, program, traced_at, replayed_at):
    traced_at, replayed_at = np.array(traced_at, float), np.array(replayed_at, float)
    with np.errstate(all="ignore"):
        graph = cr.trace(program, traced_at)
        np.testing.assert_allclose(graph(replayed_at), program(replayed_at))


# Where the data decides a Python branch (is there a NaN? an apex? a zero weight sum?), the
# recording holds a guard: a replay that would branch otherwise refuses, naming the line.
DECIDING_A_BRANCH = [
    ("std's apex",         cr.grad(lambda x: np.std(x * x)),                     [1, -1], [1, 2]),
    ("norm's apex",        cr.grad(lambda x: np.linalg.norm(x * x[0])),           [0, 1], [1, 2]),
    ("nanmean's NaNs",     lambda x: np.nanmean(np.log(x)),                      [1, 2], [-3, 2]),
    ("average's zero sum", lambda x: np.average(x, weights=x),                   [1, 2], [1, -1]),
    ("median's NaNs",      lambda x: np.median(np.log(x)),                 [1, 2, 3], [1, -2, 3]),
    ("cond's singular",    lambda x: np.linalg.cond(np.diag(x)),                  [1, 2], [1, 0]),
    ("sort's ties",        cr.jacfwd(np.sort),                              [1, 1, 2], [1, 3, 2]),
]


@pytest.mark.parametrize("where, program, traced_at, replayed_at", DECIDING_A_BRANCH,
                         ids=[row[0] for row in DECIDING_A_BRANCH])
def test_a_replay_that_the_data_sends_down_another_branch_refuses(where, program, traced_at,
                                                                   replayed_at):
    traced_at, replayed_at = np.array(traced_at, float), np.array(replayed_at, float)
    with np.errstate(all="ignore"):
        graph = cr.trace(program, traced_at)
        np.testing.assert_allclose(graph(traced_at), program(traced_at))
        with pytest.raises(GuardError, match="another branch"):
            graph(replayed_at)


def test_multiple_result_primitives_are_nodes_with_a_node_per_result(rng):
    def f(a):
        values, vectors = np.linalg.eigh(a + a.T)
        return np.sum(values**2) + np.sum(vectors[:, 0] ** 4)

    a = rng.normal(size=(3, 3))
    graph = cr.trace(f, a)
    rows = [line.split()[:3] for line in graph.table().splitlines()]
    assert ["w5", "=", "w4[0]"] in rows and ["w6", "=", "w4[1]"] in rows  # a row per result
    b = rng.normal(size=(3, 3))
    np.testing.assert_allclose(graph(b), f(b), rtol=1e-12)
    np.testing.assert_allclose(graph.vjp((b,), 1.0)[1][0], cr.grad(f)(b), rtol=1e-10)
    np.testing.assert_allclose(graph.jvp((b,), (a,))[1], cr.jvp(f, (b,), (a,))[1], rtol=1e-10)


# -- showing it -----------------------------------------------------------------------------


def computed_example():
    graph = cr.trace(running_example, 1.0, 2.0)
    graph.vjp((1.0, 2.0), 1.0)
    return graph


def test_dot_has_every_label_value_and_grad():
    graph = computed_example()
    dot = graph.to_dot()
    assert dot.startswith('digraph "running_example"') and "rankdir=LR" in dot
    labels = [node.label for node in graph.nodes]
    for node, value, adjoint in zip(graph.nodes, graph.values, graph.adjoints):
        record = next(line for line in dot.splitlines() if line.startswith(f"  {node.label} ["))
        assert f"value {value:.6g}" in record and f"grad {adjoint:.6g}" in record
    assert dot.count("_op [") == 7 and "w1 -> w3_op" in dot and "w3_op -> w3" in dot
    assert len(labels) == 9


def test_html_table_and_jupyter_representations():
    graph = computed_example()
    page = graph._repr_html_()
    assert page.startswith('<table class="chainrule-graph">') and "<td>w4 = exp(w3)</td>" in page
    assert "<svg" in graph._repr_svg_()
    assert "image/svg+xml" in graph._repr_mimebundle_()


@pytest.mark.parametrize("suffix, check", [
    (".svg", lambda data: ElementTree.fromstring(data).tag.endswith("svg")),
    (".png", lambda data: data.startswith(b"\x89PNG\r\n\x1a\n")),
])
def test_render_draws_svg_and_png(tmp_path, suffix, check):
    path = computed_example().render(tmp_path / f"f{suffix}")
    assert check(open(path, "rb").read())


def test_without_the_dot_program_the_source_is_written_beside(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    graph = computed_example()
    with pytest.raises(RuntimeError, match="Debian's graphviz package") as failure:
        graph.render(tmp_path / "f.svg")
    assert "\n" not in str(failure.value)
    assert (tmp_path / "f.dot").read_text() == graph.to_dot()
    assert graph._repr_mimebundle_() == {"text/plain": graph.to_dot()}


def test_without_the_graphviz_package_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(ImportError, match=r"pip install 'chainrule\[graph\]'"):
        computed_example().render(tmp_path / "f.svg")
    assert computed_example()._repr_svg_() is None


def test_importing_chainrule_does_not_import_graphviz():
    code = "import sys, chainrule; cr = chainrule; cr.trace(lambda x: x, 1.0).to_dot(); " \
           "print('graphviz' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert result.stdout.strip() == "False", result.stderr


# -- cr.draw: a Scalar's graph ----------------------------------------------------------


class StandIn:
    """The attributes cr.draw reads from a chainrule.Scalar, and nothing else."""

    def __init__(self, data, op="", parents=(), label=""):
        self.data, self.grad, self.op, self.parents, self.label = data, 0.0, op, parents, label


def test_draw_shows_every_scalar_with_its_data_grad_and_op(tmp_path):
    a, b = StandIn(2.0, label="a"), StandIn(-3.0, label="b")
    c = StandIn(-6.0, "*", (a, b), "c")
    d = StandIn(-5.0, "+", (c, StandIn(1.0, label="one")), "d")
    a.grad, b.grad, c.grad, d.grad = -3.0, 2.0, 1.0, 1.0
    picture = cr.draw(d, tmp_path / "d.svg")
    for value in (a, b, c, d):
        assert f"{{ {value.label} | data {value.data:g} | grad {value.grad:g} }}" in picture.source
    assert picture.source.count("_op [") == 2 and "rankdir=LR" in picture.source
    ElementTree.fromstring((tmp_path / "d.svg").read_text())


def test_draw_walks_a_long_chain_without_recursion():
    value = StandIn(0.0, label="x0")
    for i in range(5000):
        value = StandIn(float(i), "+", (value,), f"x{i + 1}")
    source = cr.draw(value).source
    assert "x0 | data 0" in source and source.count("shape=record") == 5001


def test_the_public_names():
    assert issubclass(cr.GuardError, ValueError) and cr.Graph is type(cr.trace(cnp.sin, 1.0))
    assert callable(cr.draw) and callable(cr.trace)
