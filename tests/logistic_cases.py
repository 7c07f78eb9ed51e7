"""The logistic-regression loss and data the tests of foreign array inputs (Dask,
CuPy) differentiate, written with plain ``np.*`` calls."""

import numpy as np


def logistic_loss(w, X, y):
    """Mean logistic loss with an L2 penalty."""
    margin = X @ w
    return np.mean(np.logaddexp(0.0, margin) - y * margin) + 0.01 * np.sum(w ** 2)


def logistic_data(rng, rows, features):
    """``(w, X, y)``: weights, a design matrix and 0/1 labels."""
    X = rng.standard_normal((rows, features))
    y = (rng.uniform(size=rows) < 0.5).astype(float)
    w = rng.standard_normal(features) * 0.3
    return w, X, y
