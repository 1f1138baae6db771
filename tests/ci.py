"""Are we in CI? One rule for the whole suite, and what a test does when it lacks something.

CI (``.ci/run``) sets CI=true. There a test that lacks what it needs (Chromium,
MathJax, nbgrader, the hub) fails, so CI can never pass by skipping; on a
learner's or maintainer's machine it skips and says how to install what is missing.
"""

from __future__ import annotations

import os


def in_ci() -> bool:
    """True when the environment variable CI is 1, true or yes (any case)."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require(problems: list, what: str) -> None:
    """Skip (locally) or fail (in CI) when ``problems`` lists missing dependencies."""
    import pytest

    if problems:
        message = "; ".join(problems)
        if in_ci():
            pytest.fail(f"{what} cannot run in CI: {message}", pytrace=False)
        pytest.skip(message)
