"""Figures the tests measure, printed after the results (from every pytest-xdist worker too).

``report(request, text)`` keeps a block of text, and ``verdict_tally(config)`` the counts of the
gradient checker's verdicts on correct networks (test_gradcheck.py and test_gradcheck_sweep.py
add to it, through the ``tally`` fixture). ``tests/conftest.py`` prints them in the terminal
summary, the tally as one table. A worker's ``print`` never reaches the terminal, so under
``pytest -n`` (the default, see pyproject.toml) each worker sends both to the controller when
it finishes, and the controller adds them up.
"""

from __future__ import annotations

import collections

import pytest

from bpcore.verdicts import AGREES, CANNOT_TELL, WRONG

BLOCKS = pytest.StashKey[list]()
TALLY = pytest.StashKey[dict]()
WORKER_KEY = "bpcore_measured"   # in a worker's workeroutput


def start(config) -> None:
    config.stash[BLOCKS] = []
    config.stash[TALLY] = collections.defaultdict(collections.Counter)


def report(request, text: str) -> None:
    """Print ``text`` (a measured figure, a table) after the test results."""
    request.config.stash[BLOCKS].append(text)


def verdict_tally(config) -> dict:
    """{family: Counter of "networks", "reports" and each verdict} of this process."""
    return config.stash[TALLY]


def send_from_worker(config) -> None:
    """In a pytest-xdist worker: hand the blocks and the tally to the controller."""
    if hasattr(config, "workeroutput"):
        config.workeroutput[WORKER_KEY] = {
            "blocks": list(config.stash[BLOCKS]),
            "tally": {family: dict(c) for family, c in config.stash[TALLY].items()},
        }


def receive_from_worker(config, workeroutput: dict) -> None:
    """In the controller: add a finished worker's blocks and tally to its own, once."""
    sent = workeroutput.pop(WORKER_KEY, {})   # pop: xdist calls testnodedown twice for a worker that was interrupted
    config.stash[BLOCKS].extend(sent.get("blocks", []))
    for family, counts in sent.get("tally", {}).items():
        config.stash[TALLY][family].update(counts)


def tally_table(counts: dict) -> str:
    lines = ["correct networks checked, and the verdicts on them (a 'wrong' would be a false alarm):"]
    for family in sorted(counts):
        c = counts[family]
        lines.append(f"  {family:<34} {c['networks']:6d} networks, {c['reports']:6d} reports: "
                     f"{c[WRONG]} wrong, {c[AGREES]} agree, {c[CANNOT_TELL]} cannot tell")
    total = sum(c["networks"] for c in counts.values())
    wrong = sum(c[WRONG] for c in counts.values())
    lines.append(f"  total: {total} correct networks, {wrong} false 'wrong' verdicts")
    return "\n".join(lines)


def write_summary(config, terminalreporter) -> None:
    blocks, counts = config.stash[BLOCKS], config.stash[TALLY]
    if counts:
        blocks = blocks + [tally_table(counts)]
    if blocks:
        terminalreporter.section("measured by the tests")
        for text in blocks:
            terminalreporter.write_line(text)
            terminalreporter.write_line("")
