"""chainrule.plot: each picture is a Figure with the expected artists, computed
with one vectorised call on the grid, and saved as PNG or SVG."""

import inspect
import subprocess
import sys
from xml.etree import ElementTree

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.quiver import Quiver

import chainrule as cr
import chainrule.plot as crplot


def saddle(a, b):
    return b * ((a + b) * (a - b))


def bowl(a, b):
    return (a * a + 4 * b * b) / 2


class CountingCalls:
    def __init__(self, function):
        self.function, self.calls = function, 0

    def __call__(self, *args):
        self.calls += 1
        return self.function(*args)


@pytest.mark.parametrize("order", [0, 2, 4])
def test_derivatives_draws_f_and_each_derivative(order):
    figure = cr.plot.derivatives(np.tanh, xlim=(-2, 2), order=order, n=41)
    assert isinstance(figure, Figure)
    lines = figure.axes[0].get_lines()
    assert len(lines) == order + 1
    x, t = lines[0].get_xdata(), np.tanh(lines[0].get_xdata())
    closed_forms = [t, 1 - t**2, -2 * t * (1 - t**2), (1 - t**2) * (6 * t**2 - 2),
                    (1 - t**2) * (16 * t - 24 * t**3)]
    assert x[0] == -2 and x[-1] == 2 and len(x) == 41
    for line, expected in zip(lines, closed_forms):
        np.testing.assert_allclose(line.get_ydata(), expected, atol=1e-12)


def test_derivatives_of_a_polynomial_include_the_constant_ones():
    lines = cr.plot.derivatives(lambda x: x ** 3, order=3, n=5).axes[0].get_lines()
    np.testing.assert_allclose(lines[3].get_ydata(), 6.0)
    assert [line.get_label() for line in lines] == ["f", "f'", "f''", "f'''"]


def test_tangent_has_the_exact_slope_and_the_secant():
    figure = cr.plot.tangent(np.sin, 1.0, h=0.25, n=11)
    _, tangent_line, secant_line = figure.axes[0].get_lines()
    x = tangent_line.get_xdata()
    np.testing.assert_allclose(tangent_line.get_ydata(), np.sin(1.0) + np.cos(1.0) * (x - 1.0))
    secant = (np.sin(1.25) - np.sin(1.0)) / 0.25
    np.testing.assert_allclose(secant_line.get_ydata(), np.sin(1.0) + secant * (x - 1.0))
    assert "chainrule" in tangent_line.get_label() and "h = 0.25" in secant_line.get_label()
    assert figure.axes[0].get_xlim() == (-2.0, 4.0)


def test_gradient_field_has_colours_contours_and_exact_arrows():
    figure = cr.plot.gradient_field(saddle, xlim=(-1, 1), ylim=(-2, 2), n=9, arrows=9)
    ax = figure.axes[0]
    assert len(ax.images) == 1
    assert len(figure.axes) == 2  # and a colour bar
    (quiver,) = [c for c in ax.collections if isinstance(c, Quiver)]
    a, b = quiver.X, quiver.Y
    np.testing.assert_allclose(quiver.U, 2 * a * b)                 # dL/da
    np.testing.assert_allclose(quiver.V, a * a - 3 * b * b)         # dL/db
    assert len(ax.collections) > 1  # the contour lines


def test_a_100_by_100_field_calls_f_once_on_the_whole_grid():
    counted = CountingCalls(saddle)
    figure = cr.plot.gradient_field(counted, n=100)
    assert counted.calls <= 2  # not 10,000
    assert figure.axes[0].images[0].get_array().shape == (100, 100)


def test_descent_paths_step_all_starts_together_and_descend_a_convex_function(rng):
    starts = rng.uniform(-3, 3, size=(7, 2))
    counted = CountingCalls(bowl)
    paths = cr.plot.descent_paths(counted, starts, steps=20, lr=0.1)
    assert paths.shape == (7, 21, 2)
    assert counted.calls == 20  # one call per step for all starts
    np.testing.assert_array_equal(paths[:, 0], starts)
    values = bowl(paths[..., 0], paths[..., 1])
    assert np.all(np.diff(values, axis=1) < 0)
    assert np.all(values[:, -1] < 0.05 * values[:, 0])
    # the same as a loop over one start with cr.grad
    a, b = starts[3]
    for _ in range(20):
        da, db = cr.grad(bowl, argnums=(0, 1))(a, b)
        a, b = a - 0.1 * da, b - 0.1 * db
    np.testing.assert_allclose(paths[3, -1], (a, b), rtol=1e-14)


def test_descent_paths_asks_for_pairs():
    with pytest.raises(ValueError, match=r"list of \(a, b\) pairs"):
        cr.plot.descent_paths(bowl, [1.0, 2.0, 3.0])


def test_trajectories_draws_one_path_per_start_on_the_field():
    starts = [(2.0, 1.0), (-1.5, -1.0), (0.5, 2.0)]
    figure = cr.plot.trajectories(bowl, starts, steps=6, lr=0.2, xlim=(-3, 3), ylim=(-3, 3),
                                  n=10)
    ax = figure.axes[0]
    lines = ax.get_lines()
    assert len(lines) == len(starts)
    expected = cr.plot.descent_paths(bowl, starts, steps=6, lr=0.2)
    for line, path in zip(lines, expected):
        np.testing.assert_allclose(np.column_stack([line.get_xdata(), line.get_ydata()]), path)
    assert any(isinstance(c, Quiver) for c in ax.collections)
    assert ax.get_xlim() == (-3.0, 3.0)


def test_step_error_draws_each_method_and_the_two_default_steps():
    figure = cr.plot.step_error(np.exp, 1.0, hs=np.logspace(-12, -1, 12),
                                methods=("forward", "central", "complex"))
    ax = figure.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    labels = [line.get_label() for line in ax.get_lines()]
    assert len(labels) == 3 + 2
    assert labels[0].startswith("forward (best h") and labels[2].startswith("complex")
    assert np.all(ax.get_lines()[2].get_ydata() > 0)  # exact zeros drawn at the floor


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_pictures_are_saved(suffix, tmp_path):
    path = tmp_path / f"tanh.{suffix}"
    returned = cr.plot.derivatives(np.tanh, order=1, n=20, save=str(path))
    assert isinstance(returned, Figure)
    if suffix == "png":
        assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    else:
        assert ElementTree.parse(path).getroot().tag.endswith("svg")


def test_drawing_into_given_axes_returns_their_figure():
    figure = Figure()
    left, right = figure.subplots(1, 2)
    assert cr.plot.tangent(np.exp, 0.0, ax=right, n=5) is figure
    assert cr.plot.derivatives(np.exp, order=1, ax=left, n=5) is figure
    assert len(left.get_lines()) == 2 and len(right.get_lines()) == 3
    inner = Figure().subfigures(1, 2)[1].add_subplot()
    assert cr.plot.derivatives(np.exp, order=1, ax=inner, n=5) is inner.figure.figure


@pytest.mark.parametrize("name", ["derivatives", "tangent", "gradient_field", "descent_paths",
                                  "trajectories", "step_error"])
def test_each_picture_has_an_example(name):
    assert ">>>" in inspect.getdoc(getattr(crplot, name))


def run_python(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)


def test_import_chainrule_leaves_matplotlib_out_until_cr_plot_is_used():
    result = run_python(
        "import sys, chainrule as cr\n"
        "assert 'matplotlib' not in sys.modules, 'import chainrule imported matplotlib'\n"
        "assert 'plot' in dir(cr)\n"
        "cr.plot.derivatives\n"
        "assert 'matplotlib' in sys.modules\n")
    assert result.returncode == 0, result.stderr


def test_without_matplotlib_the_error_says_what_to_install():
    result = run_python(
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "import chainrule as cr\n"
        "cr.grad(lambda x: x * x)(1.0)\n"
        "cr.plot\n")
    assert result.returncode != 0
    assert "chainrule.plot needs matplotlib: pip install 'chainrule[plot]'" in result.stderr


def test_other_missing_attributes_are_attribute_errors():
    with pytest.raises(AttributeError, match="no attribute 'plots'"):
        cr.plots  # noqa: B018
