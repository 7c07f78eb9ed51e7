"""Every script in examples/ runs to completion (each asserts its own results)."""

import pathlib
import subprocess
import sys

import pytest

EXAMPLES = sorted((pathlib.Path(__file__).resolve().parents[1] / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script):
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr


def test_demo_command_prints_the_worked_examples():
    result = subprocess.run([sys.executable, "-m", "chainrule", "demo"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "(4.0, -11.0)" in result.stdout and "(4.0, -12.0)" in result.stdout
    assert "3.952219563724" in result.stdout  # the 4th derivative of tanh at 0.5
