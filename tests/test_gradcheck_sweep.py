"""The seeded sweep: the gradient checker never calls a correct network wrong, over
random architectures × every activation/cost pair bpcore supports.

* 1,000 random architectures (depth 1–3, widths 1–3, m 1–2, four initialisers)
  × every pair (5 hidden activations × 7 cost/output pairs), through
  ``check_equations``; the first 50 of them through ``check_backward`` and
  ``check_update_step`` too;
* 20 architectures per pair at an exact minimum (y = a^L), through all three checks;
* 10 architectures per pair at the fixed steps h = 0.1, 1 and 10.

Every problem is a function of its seed (``gradcheck_problems.py``): no redraws, no
filtering. The counts join the session's tally (``correct networks checked ...``).

The sweep is pure float64 arithmetic and most of the unit tests' time, so it runs once,
on the main version (noxfile.MAIN_PYTHON_ONLY); every Python of the matrix runs the rest
of the checker's tests (test_gradcheck.py, test_planted_bugs.py) and the notebooks.
"""

import collections

import pytest

from bpcore import check_backward, check_equations, check_update_step
from bpcore.verdicts import AGREES
from tests.gradcheck_problems import (
    COST_OUTPUT,
    HIDDEN,
    PAIR_IDS,
    PAIRS,
    architecture,
    at_minimum,
    count_verdicts,
    no_wrong,
    random_problem,
)

ARCHITECTURES = 1000         # random architectures in the big sweep, each with every pair
END_TO_END_ARCHITECTURES = 50
LARGE_H_ARCHITECTURES = 10  # architectures per pair checked at h = 0.1, 1 and 10
AT_MINIMUM = 20              # architectures per pair checked at an exact minimum


@pytest.mark.parametrize("hidden, cost, output", PAIRS, ids=PAIR_IDS)
def test_an_exact_minimum_is_never_wrong(hidden, cost, output, tally):
    """y = a^L: every gradient is 0, and both sides compute rounding (the forward pass's, mostly)."""
    reports = []
    for seed in range(AT_MINIMUM):
        net, x, y = at_minimum(seed, hidden, cost, output)
        for fn in (check_equations, check_backward, check_update_step):
            report = fn(net, x, y, cost)
            assert not report.failures, f"{fn.__name__}, seed {seed}, sizes {net.sizes}\n{report.summary()}"
            reports.append(report)
    count_verdicts(tally, "exact minimum (y = a^L)", reports, networks=AT_MINIMUM)


@pytest.mark.parametrize("hidden, cost, output", PAIRS, ids=PAIR_IDS)
def test_a_large_fixed_h_is_never_wrong(hidden, cost, output, tally):
    """Beyond the steps the checker chooses from, the truncation error cannot be estimated from
    a few points; wherever the cost is not exactly a parabola the verdict is "cannot tell"."""
    reports = []
    for seed in range(LARGE_H_ARCHITECTURES):
        net, x, y = random_problem(seed, hidden, cost, output)
        for h in (0.1, 1.0, 10.0):
            report = check_equations(net, x, y, cost, h=h)
            assert not report.failures, f"h {h}, seed {seed}, sizes {net.sizes}\n{report.summary()}"
            reports.append(report)
    count_verdicts(tally, "large fixed h (0.1, 1, 10)", reports, networks=LARGE_H_ARCHITECTURES)


@pytest.mark.parametrize("hidden, cost, output", PAIRS, ids=PAIR_IDS)
def test_random_architectures(hidden, cost, output, tally):
    """Each pair on the same 1,000 seeded architectures; the first 50 end to end too."""
    reports = []
    for seed in range(ARCHITECTURES):
        net, x, y = random_problem(seed, hidden, cost, output)
        report = check_equations(net, x, y, cost)
        assert not report.failures, f"seed {seed}, sizes {net.sizes}, m {x.shape[1]}\n{report.summary()}"
        reports.append(report)
        if seed < END_TO_END_ARCHITECTURES:
            more = [check_backward(net, x, y, cost), check_update_step(net, x, y, cost)]
            no_wrong(more, f"seed {seed}, sizes {net.sizes}")
            reports += more
    count_verdicts(tally, "random architectures x pairs", reports, networks=ARCHITECTURES)
    # most checks are decided: "cannot tell" is for gradients that really are ~0 (dead units)
    verdicts = collections.Counter(c.verdict for r in reports for c in r.checks)
    assert verdicts[AGREES] > 0.5 * sum(verdicts.values())


def test_the_sweep_covers_every_pair_and_shape():
    assert len(PAIRS) == len(HIDDEN) * len(COST_OUTPUT) == 35
    assert {c for _, c, _ in PAIRS} == {"quadratic", "cross_entropy", "softmax_cross_entropy"}
    shapes = [architecture(s) for s in range(ARCHITECTURES)]
    assert {len(s) - 1 for s, _, _ in shapes} == {1, 2, 3}
    assert {m for _, m, _ in shapes} == {1, 2}
    assert {i for _, _, i in shapes} == {"lecun", "xavier", "normal", "he"}
