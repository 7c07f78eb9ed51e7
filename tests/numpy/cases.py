"""Helpers for test tables whose rows are (numpy function, args, kwargs, shapes)."""


def case_id(case):
    """A readable test id: ``roll(1, axis=0)``."""
    function, args, kwargs, _ = case
    words = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{function.__name__}({', '.join(words)})"


def applied(function, args, kwargs, name):
    """``x -> function(x, *args, **kwargs)``, named for check_grads' messages."""
    def apply(x):
        return function(x, *args, **kwargs)

    apply.__name__ = name
    return apply
