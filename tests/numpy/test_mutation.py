"""Item and augmented assignment, creation that stays traced, and views:
NumPy semantics in every mode and order, never a silent wrong derivative."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp


def fill_by_assignment(x):
    y = np.zeros(3, like=x)
    y[0] = x[0] * x[1]
    y[1:] = np.sin(x)
    return y


def augmented(x):
    y = x * 1.0
    y += 1.0
    y *= x
    y[0] -= x[1]
    return y


def masked_update(x):
    y = x * 2.0
    y[y > 1.0] *= 3.0
    y[[0, 0]] += 1.0
    return y


def zeros_like_then_fill(x):
    y = np.zeros_like(x)
    for i in range(len(x)):
        y[i] = x[i] ** (i + 1)
    return y


def stacked(x):
    return cnp.array([x[0] * x[1], np.sin(x[1]), 2.0]) + np.stack([x, x ** 2])[1, 0]


def through_a_view(x):
    y = x * 1.0
    v = y[1:]
    v *= 3.0  # writes into y, as in NumPy
    r = y.reshape(2, 1)
    r += x[0]
    return y


FUNCTIONS = [fill_by_assignment, augmented, masked_update, zeros_like_then_fill, stacked,
             through_a_view]


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_mutation_matches_numpy_and_differentiates_in_both_modes_to_second_order(function):
    x = np.array([0.7, 1.3])
    # the traced run gives NumPy's values
    np.testing.assert_allclose(cr.jvp(function, (x,), (np.ones(2),))[0],
                               function_on_plain(function, x))
    cr.check_grads(function, (x,), modes=("fwd", "rev"), order=2)


def function_on_plain(function, x):
    """The same function run by NumPy alone (``like=`` falls back to ndarray)."""
    return function(x.copy())


def test_augmented_assignment_updates_aliases_like_numpy():
    def f(x):
        y = x * 1.0
        alias = y
        y += 1.0
        return alias  # NumPy: alias sees the +1

    out, tangent = cr.jvp(f, (np.ones(2),), (np.ones(2),))
    np.testing.assert_array_equal(out, [2.0, 2.0])
    np.testing.assert_array_equal(tangent, [1.0, 1.0])


def test_earlier_recorded_values_do_not_change():
    def f(x):
        y = x * 1.0
        z = y * y  # uses y before the write
        y[0] = 10.0
        return np.sum(z) + np.sum(y)

    np.testing.assert_allclose(cr.grad(f)(np.array([1.0, 2.0])), [2.0, 5.0])


def test_a_view_kept_across_a_write_to_its_base_shows_the_write():
    def f(x):
        y = x * 1.0
        v = y[0:2]
        y[0] = 5.0 * x[1]  # NumPy changes v too
        return np.sum(v * v)

    x = np.array([1.0, 2.0])
    assert f(x.copy()) == 104.0  # plain NumPy: v = [10, 2]
    np.testing.assert_allclose(cr.grad(f)(x), [0.0, 104.0])
    cr.check_grads(f, (x,), modes=("fwd", "rev"), order=2)


def test_asarray_keeps_a_tracer():
    assert cr.grad(lambda x: np.sum(cnp.asarray(x) * 2))(np.ones(2)).tolist() == [2.0, 2.0]


# -- plain arrays refilled after a recorded operation read them ----------------------------------
# The tape keeps a copy of each writeable plain array a rule reads, so a later
# refill (which NumPy's C code may do, as rng.standard_normal(out=z)) cannot
# change what the backward pass sees.


def coefficient_buffer(x):
    coef = np.empty(1)
    s = 0.0
    for i in (1.0, 2.0, 3.0):
        coef[:] = i
        s = s + x * coef
    return np.sum(s * x)


def monte_carlo_noise_buffer(x):
    sigma, rate = x[0], x[1]
    rng = np.random.default_rng(0)
    z = np.empty(5)
    log_s = np.zeros(5)
    dt = 0.1
    for _ in range(4):
        rng.standard_normal(out=z)  # NumPy's C code refills z: no hook sees it
        log_s = log_s + (rate - 0.5 * sigma**2) * dt + sigma * np.sqrt(dt) * z
    return np.mean(np.exp(log_s))


def view_of_a_buffer(x):
    buffer = np.zeros(4)
    window = buffer[1:3]
    buffer[:] = [1.0, 2.0, 3.0, 4.0]
    first = np.sum(x * window)
    buffer[:] = 10.0  # window (a plain view) changes too
    return first + np.sum(x**2 * window)


def slice_of_a_like_array_written_after_use(x):
    M = np.zeros(3, like=x)
    M[:] = 1.0
    first = np.sum(x * M[:2])
    head = M[0:2]
    head[:] = 7.0  # written after x * M[:2] used it
    return first + np.sum(x * M[:2]) + np.sum(M)


def index_array_refilled(x):
    index = np.array([0, 1])
    first = np.sum(x[index] ** 2)
    index[:] = [1, 1]
    return first + np.sum(x[index] ** 3)


def index_arrays_of_take_setitem_and_put_refilled(x):
    index = np.array([0, 1])
    first = np.sum(np.take(x, index) ** 2)
    y = x * 1.0
    y[index] = x[::-1] ** 3
    z = np.zeros(2, like=x)
    z.put(index, x * 5.0)
    index[:] = [1, 1]
    return first + np.sum(np.take(x, index) ** 3) + np.sum(y * x) + np.sum(z * x)


REFILLED = [coefficient_buffer, monte_carlo_noise_buffer, view_of_a_buffer,
            slice_of_a_like_array_written_after_use, index_array_refilled,
            index_arrays_of_take_setitem_and_put_refilled]


@pytest.mark.parametrize("function", REFILLED, ids=lambda f: f.__name__)
def test_plain_buffers_refilled_after_use_give_the_right_gradient(function):
    x = np.array([0.3, 0.8])
    cr.check_grads(function, (x,), modes=("fwd", "rev"), order=2)
    step = 1e-6
    numeric = [(function(x + step * e) - function(x - step * e)) / (2 * step) for e in np.eye(2)]
    np.testing.assert_allclose(cr.grad(function)(x), numeric, rtol=1e-6)


def test_coefficient_buffer_gradient_is_the_sum_of_the_coefficients():
    # s = x * (1 + 2 + 3); the bug read coef as 3 each time: 2 * 9 * x
    np.testing.assert_allclose(cr.grad(coefficient_buffer)(np.array([0.5, 1.0])), [6.0, 12.0])


def test_pullback_after_the_caller_changed_a_primal_in_place():
    x = np.array([1.0, 2.0])
    weights = np.array([3.0, 5.0])
    out, pullback = cr.vjp(lambda x, w: np.sum(x**2 * w), x, weights)
    x[:] = 10.0
    weights[:] = -1.0
    gx, gw = pullback(1.0)
    np.testing.assert_allclose(gx, [6.0, 20.0])
    np.testing.assert_allclose(gw, [1.0, 4.0])
    assert out == 23.0


def test_read_only_plain_arrays_are_not_copied():
    constant = np.arange(3.0)
    constant.flags.writeable = False
    seen = []

    def f(x):
        y = x * constant
        seen.append(y)
        return np.sum(y)

    cr.grad(f)(np.ones(3))
    assert seen[0].level_data.args[1] is constant


# -- a value of an inner transformation written into an outer array -------------------------------


def written_in_inner_grad(x):
    y = np.zeros(2, like=x)
    row = y[0:1]  # a view kept across the inner write

    def inner(t):
        y[0] = t * x[0]
        return np.sum(y) * t

    slope = cr.grad(inner)(2.0)  # d/dt (t^2 x0) = 2 t x0
    return slope * np.sum(y) + y[0] ** 2 + np.sum(row) * x[1]


def written_in_inner_jvp(x):
    y = x * 1.0

    def inner(t):
        y[1] = np.sin(t) * x[0]
        y[0] += t
        return np.sum(y * y)

    _, slope = cr.jvp(inner, (0.5,), (1.0,))
    return slope + np.sum(y**2)


def reference_inner_grad(x):
    y0 = 2.0 * x[0]
    return (4.0 * x[0]) * y0 + y0**2 + y0 * x[1]


def reference_inner_jvp(x):
    t = 0.5
    y0, y1 = x[0] + t, np.sin(t) * x[0]
    dy0, dy1 = 1.0, np.cos(t) * x[0]
    return 2 * (y0 * dy0 + y1 * dy1) + y0**2 + y1**2


@pytest.mark.parametrize("function, reference", [
    (written_in_inner_grad, reference_inner_grad),
    (written_in_inner_jvp, reference_inner_jvp),
], ids=["grad inside", "jvp inside"])
def test_inner_values_written_into_outer_arrays_fall_back_to_the_outer_level(function, reference):
    x = np.array([1.5, 0.4])
    np.testing.assert_allclose(cr.jvp(function, (x,), (np.ones(2),))[0], reference(x))
    np.testing.assert_allclose(cr.grad(function)(x), cr.grad(reference)(x), rtol=1e-12)
    np.testing.assert_allclose(cr.hessian(function)(x), cr.hessian(reference)(x), rtol=1e-12)
    v = np.array([0.3, -1.0])
    np.testing.assert_allclose(cr.jvp(function, (x,), (v,))[1], cr.jvp(reference, (x,), (v,))[1])
    # (the function itself cannot run on plain arrays: the inner transformation would
    # write a traced value into a plain one, so finite differences check the reference)
    cr.check_grads(reference, (x,), modes=("fwd", "rev"), order=2)


def test_an_array_that_really_escapes_still_raises():
    kept = []

    def f(x):
        y = x * 1.0
        kept.append(y)
        return np.sum(y)

    cr.grad(f)(np.ones(2))
    with pytest.raises(cr.EscapedTracerError):
        cr.grad(lambda x: np.sum(kept[0] * x))(np.ones(2))


def test_a_view_chainrule_cannot_write_through_refuses_writes_with_its_message():
    from chainrule.numpy.mutation import make_view

    def f(x):
        y = x * 1.0
        view = make_view(y, y.T, lambda base: base.T, "chainrule cannot write through this")
        view[0] = 1.0
        return np.sum(y)

    with pytest.raises(NotImplementedError, match="cannot write through this"):
        cr.grad(f)(np.ones((2, 2)))


def test_a_large_plain_array_used_again_unchanged_shares_one_copy():
    matrix = np.kron(np.array([[0.5, 0.1], [0.2, 0.4]]), np.eye(256))  # 2 MiB
    arguments = []

    def f(x):
        for _ in range(3):
            x = matrix @ x
            arguments.append(x.level_data.args[0])
        matrix[0, 0] = 0.25  # changed: the next use gets its own copy
        x = matrix @ x
        arguments.append(x.level_data.args[0])
        return np.sum(x)

    gradient = cr.grad(f)(np.ones(512))
    assert arguments[0] is arguments[1] is arguments[2] is not arguments[3]
    assert arguments[3][0, 0] == 0.25 and arguments[0][0, 0] == 0.5
    first = np.kron(np.array([[0.5, 0.1], [0.2, 0.4]]), np.eye(256))
    second = first.copy()
    second[0, 0] = 0.25
    np.testing.assert_allclose(gradient, np.ones(512) @ second @ first @ first @ first)


def test_only_plain_arguments_are_copied_not_traced_values():
    seen = []

    def f(x):
        y = np.sin(x)
        z = y * np.arange(3.0)  # y's value belongs to the tape: kept as it is
        seen.append((y.primal, z.level_data.args[0]))
        return np.sum(z)

    cr.grad(f)(np.ones(3))
    assert seen[0][1] is seen[0][0]


# -- batching: writes into batched arrays, and batched values written, under vmap ------------
# (zeros_like_then_fill is left out: np.zeros_like under vmap is creation.py's; masked_update
# reads y[mask], whose length differs between members: see the masked tests below)
BATCHED = [f for f in FUNCTIONS + REFILLED if f not in (zeros_like_then_fill, masked_update)]


@pytest.mark.parametrize("function", BATCHED, ids=lambda f: f.__name__)
def test_batching(function):
    x = np.array([0.7, 1.3])
    cr.check_vmap(function, (x,))
    loss = lambda x: np.sum(np.sin(function(x)))
    cr.check_vmap(cr.grad(loss), (x,))
    xs = np.array([[0.7, 1.3], [-0.4, 2.1], [1.5, 0.2]])
    np.testing.assert_allclose(cr.grad(lambda xs: np.sum(np.sin(cr.vmap(function)(xs))))(xs),
                               [cr.grad(loss)(x) for x in xs], rtol=1e-12)


def test_batched_values_written_into_shared_and_batched_arrays():
    # the index, the value and the array: each batched or shared by the batch
    def write(x, value, position):
        y = x * 1.0
        y[position] = value
        y[np.argmax(x)] += value
        return y

    xs = np.array([[0.5, 2.0, -1.0], [3.0, 0.1, 0.2]])
    values = np.array([10.0, 20.0])
    got = cr.vmap(write, in_axes=(0, 0, None))(xs, values, [0, 2])
    np.testing.assert_array_equal(got, [write(x, v, [0, 2]) for x, v in zip(xs, values)])
    got = cr.vmap(write, in_axes=(0, None, None))(xs, 5.0, 1)
    np.testing.assert_array_equal(got, [write(x, 5.0, 1) for x in xs])


def test_a_batched_value_written_into_a_plain_array_raises_naming_like():
    def write(x):
        y = np.zeros(3)
        y[:2] = x
        return y

    with pytest.raises(TypeError, match=r"like="):
        cr.vmap(write)(np.ones((2, 2)))
    fixed = lambda x: np.concatenate([x, np.zeros(1)])
    np.testing.assert_array_equal(cr.vmap(fixed)(np.ones((2, 2))), [[1, 1, 0], [1, 1, 0]])


def test_an_entry_of_a_plain_array_written_with_a_batched_value_names_like():
    def write(x):
        y = np.zeros(3)
        y[0] = x[1]
        return y

    with pytest.raises(ValueError) as raised:  # NumPy's error, raised from chainrule's
        cr.vmap(write)(np.ones((2, 2)))
    assert "like=" in str(raised.value.__cause__)


def test_an_outer_array_made_batched_inside_the_vmap_is_differentiated():
    xs = np.array([[1.0, 2.0], [3.0, 4.0]])

    def member(w, x):
        y = w * 1.0  # traced by the grad, shared by the batch
        y += x  # from here on batched
        y[0] *= x[1]
        return np.sum(y ** 2)

    total = lambda w: np.sum(cr.vmap(member, in_axes=(None, 0))(w, xs))
    w = np.array([0.5, -1.0])
    np.testing.assert_allclose(cr.grad(total)(w), sum(cr.grad(member)(w, x) for x in xs))


def test_an_outer_array_written_with_a_batched_value_cannot_be_used_after_the_vmap():
    def f(w):
        y = w * 1.0

        def member(x):
            y[0] = x * w[1]  # one value per batch member, into an array of the grad
            return np.sum(y)

        inner = cr.vmap(member)(np.array([1.0, 2.0]))
        return np.sum(inner) + np.sum(y)

    with pytest.raises(ValueError, match=r"batched value inside vmap"):
        cr.grad(f)(np.array([1.0, 3.0]))


def masked_writes(x, value):
    y = x + 0.0 * value  # batched when either argument is
    y[y > 1.0] = value  # a mask of each member's own: np.where on the batch
    rows = np.outer(x, x) + 0.0 * value
    rows[rows[:, 0] > 0.5] = value * x  # whole rows, one value for each column
    rows[(slice(None), 1)] = 0.0
    return y, rows


def test_masked_writes_with_a_mask_of_each_member():
    cr.check_vmap(masked_writes, (np.array([0.7, 1.3]), 2.5))
    cr.check_vmap(cr.grad(lambda x, v: np.sum(np.sin(masked_writes(x, v)[1])), (0, 1)),
                  (np.array([0.7, 1.3]), 2.5))
    xs = np.array([[0.7, 1.3], [1.5, 2.0], [0.1, 0.2]])  # 1, 2 and 0 entries chosen
    got = cr.vmap(masked_writes, in_axes=(0, None))(xs, 2.5)
    for k, x in enumerate(xs):
        for got_part, want in zip(got, masked_writes(x, 2.5)):
            np.testing.assert_array_equal(got_part[k], want)


def test_reading_a_per_member_mask_selection_raises_naming_where():
    xs = np.array([[0.3, 1.3], [1.5, 2.0]])  # y = 2x: one entry above 1, then two
    with pytest.raises(IndexError, match=r"np.where\(mask, x \* 3.0, x\)"):
        cr.vmap(masked_update)(xs)
    # when every member chooses as many entries, the selection is a batch like any other
    same = np.array([[0.7, 1.3], [2.0, 0.6]])
    np.testing.assert_allclose(cr.vmap(masked_update)(same), [masked_update(x) for x in same])
