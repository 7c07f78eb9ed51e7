"""``python -m chainrule diff``: formulas read against a whitelist, never evaluated as Python."""

import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest

from chainrule.__main__ import main


def run(capsys, *argv):
    """(exit code, stdout, stderr) of ``main(argv)`` in this process."""
    try:
        code = main(list(argv))
    except SystemExit as exit:
        code = exit.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def numbers_after(out, prefix):
    return [float(line.split("=")[-1]) for line in out.splitlines() if prefix in line]


def test_value_and_gradient(capsys):
    code, out, err = run(capsys, "diff", "x*y + sin(x)", "--at", "x=1,y=2")
    assert code == 0 and err == ""
    value = float(next(line for line in out.splitlines() if line.startswith("value")).split()[1])
    assert value == pytest.approx(2 + math.sin(1), rel=1e-15)
    assert numbers_after(out, "d/dx") == pytest.approx([2 + math.cos(1)], rel=1e-15)
    assert numbers_after(out, "d/dy") == [1.0]


@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_hessian_in_both_modes(capsys, mode):
    code, out, _ = run(capsys, "diff", "x**2 * y + exp(y)", "--at", "x=1,y=0", "--order", "2",
                       "--mode", mode)
    assert code == 0
    rows = out.split("hessian")[1].splitlines()[1:3]
    hessian = [[float(v) for v in row.split()] for row in rows]
    np.testing.assert_allclose(hessian, [[0.0, 2.0], [2.0, 1.0]], rtol=1e-15)
    assert numbers_after(out, "d/dx") == [0.0] and numbers_after(out, "d/dy") == [2.0]


def test_table_and_graph(capsys, tmp_path):
    picture = tmp_path / "f.svg"
    code, out, _ = run(capsys, "diff", "exp(2*x1) + x1*x2**2 + cos(x2)", "--at", "x1=1,x2=2",
                       "--table", "--graph", str(picture))
    assert code == 0
    assert "\nw9 = w7 + w8 " in out and out.count("\nw") == 9 and "adjoint" in out
    ElementTree.fromstring(picture.read_text())


HOSTILE = [
    #  formula                                   --at
    ("__import__('os').system('echo pwned')",   "x=1"),
    ("x.real",                                  "x=1"),
    ("x.__class__.__bases__",                   "x=1"),
    ("x[0]",                                    "x=1"),
    ("(lambda: 1)()",                           "x=1"),
    ("lambda: x",                               "x=1"),
    ("[x for x in (1, 2)]",                     "x=1"),
    ("sum(x for x in (1,))",                    "x=1"),
    ("open('/etc/passwd')",                     "x=1"),
    ("eval('1')",                               "x=1"),
    ("sin(x=1)",                                "x=1"),
    ("sin(*x)",                                 "x=1"),
    ("sin(x, x)",                               "x=1"),
    ("sin",                                     "x=1"),
    ("x + " * 2500 + "x",                       "x=1"),
    ("sin(" * 80 + "x" + ")" * 80,              "x=1"),
    ("x + z",                                   "x=1"),
    ("'text'",                                  "x=1"),
    ("1j * x",                                  "x=1"),
    ("True + x",                                "x=1"),
    ("x if x else 1",                           "x=1"),
    ("x < 1",                                   "x=1"),
    ("x and 1",                                 "x=1"),
    ("(x := 2)",                                "x=1"),
    ("f'{x}'",                                  "x=1"),
    ("x @ x",                                   "x=1"),
    ("x // 2",                                  "x=1"),
    ("x; x",                                    "x=1"),
    ("",                                        "x=1"),
    ("x",                                       "x=1,y"),
    ("x",                                       "x=one"),
    ("x",                                       "x=1,x=2"),
    ("sin(x)",                                  "sin=1"),
    ("x",                                       "x==1"),
]


@pytest.mark.parametrize("formula, at", HOSTILE, ids=[f"{i}" for i in range(len(HOSTILE))])
def test_anything_else_is_one_line_on_stderr_and_exit_code_2(capsys, formula, at):
    code, out, err = run(capsys, "diff", formula, "--at", at)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("python -m chainrule diff: error: "), err


def test_a_hostile_formula_in_a_real_process(tmp_path):
    marker = tmp_path / "pwned"
    formula = f"__import__('os').system('touch {marker}')"
    result = subprocess.run([sys.executable, "-m", "chainrule", "diff", formula, "--at", "x=1"],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "unknown function" in result.stderr
    assert not marker.exists()


def test_the_other_commands_still_work(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0 and "numpy.sin" in out
    code, out, _ = run(capsys, "demo")
    assert code == 0 and "(4.0, -11.0)" in out


def test_drawing_without_the_dot_program_is_one_line_and_exit_code_1(capsys, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    code, out, err = run(capsys, "diff", "x*y", "--at", "x=1,y=2", "--graph",
                         str(tmp_path / "f.svg"))
    assert code == 1 and err.count("\n") == 1 and "graphviz" in err
    assert (tmp_path / "f.dot").read_text().startswith('digraph "f"')
    assert numbers_after(out, "d/dx") == [2.0]  # the numbers came before the picture


def test_rules_has_a_batch_column_read_from_the_registry(capsys):
    from chainrule.numpy.wrap import PRIMITIVES

    code, out, _ = run(capsys, "rules")
    rows = {line.split()[0]: line.split()[-1] for line in out.splitlines()[2:]}
    assert rows.keys() == PRIMITIVES.keys()
    for name, primitive in PRIMITIVES.items():
        assert rows[name] == ("rule" if "batch" in primitive.rules else "loop"), name
    assert rows["numpy.sin"] == "rule"
