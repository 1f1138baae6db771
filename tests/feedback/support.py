"""What every verdict must look like, and learner functions shared by the feedback tests."""

import re

from bpcore.feedback import SLIPS


def assert_passes(result, equation):
    assert result.passed, result.message
    assert result.slip is None
    assert result.equation == equation
    assert result.message.startswith(f"✓ {equation} correct")


def assert_names_slip(result, slip, fragment):
    assert not result.passed
    assert result.slip == slip, result.message
    assert slip in SLIPS
    assert fragment in result.message
    assert "not right yet" in result.message
    assert result.equation in result.message.splitlines()[0]
    assert "Taught in" in result.message


def raises(exc):
    """A learner's function that raises ``exc`` whatever it is given."""
    def fn(*args):
        raise exc
    return fn


def case_id(cases):
    """pytest ids 'checker-slip-i' for a list of (checker, fn, slip, fragment)."""
    return [f"{c.__name__}-{s}-{i}" for i, (c, _, s, _) in enumerate(cases)]


# Python a learner could paste: a message names the slip and the principle, never the corrected code.
CODE_FRAGMENTS = ("np.", "numpy.", "rng.", ".T ", ".T)", " @ ", "axis=", "keepdims", "sqrt(", "sum(",
                  "norm(", "sigmoid_prime(", "softmax(", "backward(", "diagflat", "_L ", "_L)", " * ", "**",
                  "def ", "return ", "[:, ")


def assert_gives_no_code(message):
    found = [f for f in CODE_FRAGMENTS if f in message]
    assert not found, f"the message shows code {found}: {message}"
# Code a message must not contain: the corrected line stays in the solution (x.T, a @ b, np.…(),
# a snake_case call such as sigmoid_prime(z_l), arithmetic on the learner's names, `return p - ...`).
CODE = [r"\.T\b", r"\s@\s", r"\bnp\.\w+", r"\b[a-z]+_[a-z_]*\s*\(",
        r"\b(?:eta|grad_sum|delta_next|w_next|z_l|delta_l|delta_L|a_prev|net\.\w+)\s*[-+*/]",
        r"\breturn [a-z_]+\s*[-+*/@(]"]


def code_in(text):
    """The first piece of code found in ``text`` (None if it gives none away)."""
    found = (re.search(pattern, text) for pattern in CODE)
    return next((m.group(0) for m in found if m), None)
