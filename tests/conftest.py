"""The figures the tests measure (tests/measured.py): kept during the run, printed at the end."""

import pytest

from tests import measured


def pytest_configure(config):
    measured.start(config)


@pytest.hookimpl(trylast=True)  # after the session's teardowns, where fixtures report
def pytest_sessionfinish(session):
    measured.send_from_worker(session.config)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist: a worker finished (its workeroutput holds what it measured)."""
    measured.receive_from_worker(node.config, getattr(node, "workeroutput", {}))


def pytest_terminal_summary(terminalreporter, config):
    measured.write_summary(config, terminalreporter)


@pytest.fixture
def tally(request):
    """{family: Counter} of the gradient checker's verdicts on correct networks (tests/measured.py)."""
    return measured.verdict_tally(request.config)
