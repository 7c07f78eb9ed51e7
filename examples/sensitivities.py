"""Sensitivities of an ODE solution to its parameters: a damped oscillator
integrated with explicit Euler steps in a Python loop, written with item
assignment into an array made with ``np.zeros(n, like=...)``.

Run: python examples/sensitivities.py
"""

import numpy as np

import chainrule as cr


def simulate(params, steps=200, dt=0.05):
    """Positions of x'' = -k x - c x' from x = 1, x' = 0; params = [k, c]."""
    k, c = params[0], params[1]
    positions = np.zeros(steps, like=params)  # stays traced: can be filled with traced values
    x, v = 1.0, 0.0
    for i in range(steps):
        x, v = x + dt * v, v + dt * (-k * x - c * v)
        positions[i] = x
    return positions


if __name__ == "__main__":
    params = np.array([4.0, 0.3])
    jac = cr.jacobian(simulate, mode="fwd")(params)  # (steps, 2): two inputs, forward mode
    print("d x(t_end) / d k =", jac[-1, 0].round(6), "  d x(t_end) / d c =", jac[-1, 1].round(6))
    reverse = cr.jacobian(simulate, mode="rev")(params)
    assert np.allclose(jac, reverse)
    cr.check_grads(lambda p: simulate(p, steps=20), (params,), order=2)
    print("forward and reverse mode agree, and both match finite differences")
