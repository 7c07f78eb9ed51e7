"""Every script in examples/ runs to completion (each asserts its own results),
writing its pictures into the directory given as its first argument."""

import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = sorted((pathlib.Path(__file__).resolve().parents[1] / "examples").glob("*.py"))
DRAWING = {"tanh_derivatives.py", "taylor_sin.py", "dual_numbers.py", "gradient_descent.py",
           "finite_differences.py", "running_example.py", "scalar_tutorial.py", "rosenbrock.py", "mlp_two_moons.py",
           "tutorial_minimise_L.py"}


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script, tmp_path):
    result = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr
    pictures = sorted(tmp_path.iterdir())
    assert bool(pictures) == (script.name in DRAWING)
    for picture in pictures:
        content = picture.read_bytes()
        assert content.startswith(b"\x89PNG") or b"<svg" in content[:400], picture
        assert f"saved {picture}" in result.stdout


def test_demo_command_prints_the_worked_examples_and_writes_every_picture(tmp_path):
    result = subprocess.run([sys.executable, "-m", "chainrule", "demo", "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr
    assert "(4.0, -11.0)" in result.stdout and "(4.0, -12.0)" in result.stdout
    assert "3.952219563724" in result.stdout  # the 4th derivative of tanh at 0.5
    assert "7/7" in result.stdout  # progress, one line per picture
    page = (tmp_path / "index.html").read_text()
    for picture in ("tanh.png", "tangent.png", "trajectories.png", "step_error.png",
                    "scalar_before.svg", "scalar_after.svg", "running_example.svg",
                    "gradient_graph.svg"):
        assert picture in page and (tmp_path / picture).stat().st_size > 1000, picture
    assert "w9 = w7 + w8" in page  # the running example's table, with the picture
