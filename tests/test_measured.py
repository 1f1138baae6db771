"""What the tests measure reaches the terminal once, added up, with pytest's workers or without."""

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parent.parent

CONFTEST = """
import pytest

from tests import measured
from tests.conftest import pytest_configure, pytest_sessionfinish, pytest_terminal_summary, pytest_testnodedown, tally


@pytest.fixture(scope="session")
def timed_once(request):
    yield
    measured.report(request, "figure from a session teardown: 9.5 s")   # as a session fixture that times a course
"""
TEST_A = """
from tests.measured import report

def test_a(request, tally, timed_once):
    tally["family"]["networks"] += 2
    tally["family"]["wrong"] += 1
    report(request, "figure from a: 1.25 s")
"""
TEST_B = """
def test_b(tally):
    tally["family"]["networks"] += 3
    tally["family"]["agrees"] += 7
"""


@pytest.mark.parametrize("workers", [["-n", "2", "--dist", "loadfile"], ["-n", "0"]], ids=["two-workers", "one-process"])
def test_blocks_and_the_tally_are_printed_once_and_added_up(pytester, monkeypatch, workers):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_a=TEST_A, test_b=TEST_B)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "xdist", *workers)
    result.assert_outcomes(passed=2)
    out = result.stdout.str()
    if workers[1] == "2":
        result.stdout.fnmatch_lines(["*2 workers*"])
    assert out.count("measured by the tests") == 1
    assert out.count("figure from a: 1.25 s") == 1
    assert out.count("figure from a session teardown: 9.5 s") == 1
    result.stdout.fnmatch_lines(["*family*5 networks*1 wrong, 7 agree, 0 cannot tell",
                                 "*total: 5 correct networks, 1 false 'wrong' verdicts"])
