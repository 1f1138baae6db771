"""The training checkers: the update rule, one epoch of minibatch SGD, the update/weight ratio."""

import numpy as np
import pytest

from bpcore.backprop import backward
from bpcore.feedback import check_sgd_epoch, check_update_parameter, check_update_ratio
from bpcore.network import Network
from bpcore.train import sgd_epoch
from bpcore.update import update
from tests.feedback.support import assert_names_slip, assert_passes, case_id

# --------------------------------------------------------------------------- the update rule


def update_ok(p, grad_sum, eta, m):
    return p - (eta / m) * grad_sum


def test_correct_update_passes():
    assert_passes(check_update_parameter(update_ok), "update")


SLIP_CASES = [
    (check_update_parameter, lambda p, g, eta, m: p - eta * g, "missing_1_over_m", "1/m is missing"),
    (check_update_parameter, lambda p, g, eta, m: p - eta * m * g, "eta_times_m", "m divides"),
    (check_update_parameter, lambda p, g, eta, m: p - g / m, "missing_eta", "η is missing"),
    (check_update_parameter, lambda p, g, eta, m: p - m / eta * g, "m_over_eta", "upside down"),
    (check_update_parameter, lambda p, g, eta, m: p + eta / m * g, "wrong_sign", "climbs the gradient"),
    (check_update_parameter, lambda p, g, eta, m: eta / m * g, "returned_step", "not the new parameter"),
    (check_update_parameter, lambda p, g, eta, m: -eta / m * g, "returned_step", "not the new parameter"),
]


@pytest.mark.parametrize("checker, fn, slip, fragment", SLIP_CASES, ids=case_id(SLIP_CASES))
def test_update_slip_is_caught_and_named(checker, fn, slip, fragment):
    assert_names_slip(checker(fn), slip, fragment)


def test_the_step_size_slips_each_have_a_test():
    tested = {s for _, _, s, _ in SLIP_CASES}
    for slip in ("missing_1_over_m", "eta_times_m", "missing_eta", "m_over_eta", "wrong_sign"):
        assert slip in tested


# --------------------------------------------------------------------------- one epoch of SGD


def _scaled_epoch(scale_m, sign=1.0, shuffle=True):
    def fn(net, x, y, cost, eta, m, rng):
        perm = rng.permutation(x.shape[1]) if shuffle else np.arange(x.shape[1])
        for k in range(0, x.shape[1], m):
            cols = perm[k:k + m]
            g = backward(net, x[:, cols], y[:, cols], cost)
            net = update(net, g, sign * eta, scale_m(m)) if sign > 0 else net.with_params(
                [None] + [net.w[l] + (eta / m) * g.grad_w[l] for l in range(1, net.L + 1)],
                [None] + [net.b[l] + (eta / m) * g.grad_b[l] for l in range(1, net.L + 1)])
        return net
    return fn


def test_check_sgd_epoch_accepts_bpcore_and_a_correct_loop():
    for fn in (sgd_epoch, _scaled_epoch(lambda m: m)):
        fb = check_sgd_epoch(fn)
        assert fb.passed and str(fb).startswith("✓ one epoch of minibatch SGD correct")


def test_check_sgd_epoch_passes_for_other_seeds_and_says_what_it_ran():
    fb = check_sgd_epoch(sgd_epoch, seed=3)
    assert fb.passed
    assert "(N = 45, m = 5, η = 0.5, 9 steps)" in fb.message


@pytest.mark.parametrize("fn, words, slip", [
    (_scaled_epoch(lambda m: 1), "m times too large", "missing_1_over_m"),
    (_scaled_epoch(lambda m: m * m), "m times too small", "wrong_scale"),
    (_scaled_epoch(lambda m: m, sign=-1.0), "uphill", "wrong_sign"),
    (_scaled_epoch(lambda m: m, shuffle=False), "did not shuffle", "no_shuffle"),
    (lambda net, *args: net, "did not change", "wrong_values"),
    (lambda *args: None, "returned NoneType", "returned_none"),
    (lambda *args: 1 / 0, "raised ZeroDivisionError", "exception"),
    (42, "pass your function itself", "not_callable"),
])
def test_check_sgd_epoch_names_the_slip(fn, words, slip):
    fb = check_sgd_epoch(fn)
    assert not fb.passed and words in str(fb) and fb.slip == slip
    assert "Traceback" not in str(fb)


def test_check_sgd_epoch_on_the_stub():
    def stub(*args):
        raise NotImplementedError("Exercise 7.1")
    fb = check_sgd_epoch(stub)
    assert "not implemented yet (Exercise 7.1)" in str(fb) and fb.slip == "not_implemented"


def test_check_sgd_epoch_is_not_fooled_by_a_network_changed_in_place():
    """The learner gets a copy: changing its weights in place cannot alter the reference or the slips."""
    def in_place_then_return(net, x, y, cost, eta, m, rng):
        for l in range(1, net.L + 1):
            net.w[l][...] = 0.0
        return net
    fb = check_sgd_epoch(in_place_then_return)
    assert not fb.passed and fb.slip == "wrong_values" and "differ from bpcore.train.sgd_epoch" in fb.message


def test_check_sgd_epoch_a_network_of_other_sizes_is_wrong_not_an_error():
    def no_hidden_layer(net, *args):
        return Network((2, 1), [None, np.zeros((1, 2))], [None, np.zeros((1, 1))])
    fb = check_sgd_epoch(no_hidden_layer)
    assert not fb.passed and fb.slip == "wrong_values"


# --------------------------------------------------------------------------- the update/weight ratio


def _ratios(scale):
    def fn(net, grads, eta, m):
        return [None] + [scale(eta, m) * np.linalg.norm(grads.grad_w[l]) / np.linalg.norm(net.w[l])
                         for l in range(1, net.L + 1)]
    return fn


def test_check_update_ratio_accepts_the_definition():
    fb = check_update_ratio(_ratios(lambda eta, m: eta / m))
    assert fb.passed and "layer 3:" in str(fb)
    assert "bpcore.update.update_ratios" in str(fb)


@pytest.mark.parametrize("fn, words", [
    (_ratios(lambda eta, m: 1.0), "lack the factor η/m"),
    (_ratios(lambda eta, m: eta), "m times too large"),
    (_ratios(lambda eta, m: 1 / m), "lack η"),
    (lambda net, grads, eta, m: [None] + [np.linalg.norm(net.w[l]) * m / eta
                                          / np.linalg.norm(grads.grad_w[l]) for l in (1, 2, 3)],
     "upside down"),
    (lambda net, grads, eta, m: [1.0, 2.0], "length L + 1 = 4"),
    (lambda net, grads, eta, m: [None, 1.0, 2.0, 3.0, 4.0], "length L + 1 = 4"),
    (lambda net, grads, eta, m: [None, 1e-3, 1e-3, 1e-3], "differ from"),
])
def test_check_update_ratio_names_the_slip(fn, words):
    fb = check_update_ratio(fn)
    assert not fb.passed and words in str(fb)


@pytest.mark.parametrize("fn, slip", [
    (_ratios(lambda eta, m: 1.0), "missing_eta"),
    (_ratios(lambda eta, m: eta), "missing_1_over_m"),
    (_ratios(lambda eta, m: 1 / m), "missing_eta"),
    (lambda net, grads, eta, m: [1.0, 2.0], "wrong_type"),
    (lambda net, grads, eta, m: [None, 1.0, 2.0, 3.0, 4.0], "wrong_shape"),
])
def test_check_update_ratio_slip_ids(fn, slip):
    assert check_update_ratio(fn).slip == slip


# --------------------------------------------------------------------------- the update rule: in place, no code


def test_an_update_that_changes_p_in_place_fails_even_with_the_right_values():
    def update_inplace(p, g, eta, m):
        p -= (eta / m) * g
        return p
    assert_names_slip(check_update_parameter(update_inplace), "changed_in_place", "changed p in place")


def test_update_messages_give_no_corrected_code_away():
    from bpcore.feedback.training import UPDATE_PARAMETER, UPDATE_PARAMETER_SLIPS
    from tests.feedback.support import code_in
    texts = [s.explain for s in UPDATE_PARAMETER_SLIPS] + [UPDATE_PARAMETER.shape_hint]
    texts += [check_update_parameter(fn).message for _, fn, _, _ in SLIP_CASES]
    assert [(t, code_in(t)) for t in texts if code_in(t)] == []


# --------------------------------------------------------------------------- one minibatch step, loop form

from bpcore.feedback import check_minibatch_step  # noqa: E402  (this part's checker)
from bpcore.update import update_parameter  # noqa: E402


def minibatch_step(add=True, scale=lambda eta, m: eta / m, biases=True, first_only=False):
    """A learner's loop form: add up the examples' gradients, then one step of scale × the sums."""
    def my_minibatch_step(net, example_grads, eta):
        m, layers = len(example_grads), range(1, net.L + 1)
        sum_w = [None] + [np.zeros_like(net.w[l]) for l in layers]
        sum_b = [None] + [np.zeros_like(net.b[l]) for l in layers]
        for g in example_grads[:1] if first_only else example_grads:
            for l in layers:
                sum_w[l] = sum_w[l] + g.grad_w[l] if add else g.grad_w[l]
                sum_b[l] = sum_b[l] + g.grad_b[l] if add else g.grad_b[l]
        k = scale(eta, m)
        return net.with_params([None] + [net.w[l] - k * sum_w[l] for l in layers],
                               [None] + [net.b[l] - (k * sum_b[l] if biases else 0) for l in layers])
    return my_minibatch_step


def with_update_parameter(net, example_grads, eta):
    m, layers = len(example_grads), range(1, net.L + 1)
    sum_w = [None] + [sum(g.grad_w[l] for g in example_grads) for l in layers]
    sum_b = [None] + [sum(g.grad_b[l] for g in example_grads) for l in layers]
    return net.with_params([None] + [update_parameter(net.w[l], sum_w[l], eta, m) for l in layers],
                           [None] + [update_parameter(net.b[l], sum_b[l], eta, m) for l in layers])


def test_a_correct_minibatch_step_passes():
    for fn in (minibatch_step(), with_update_parameter):
        assert_passes(check_minibatch_step(fn), "one minibatch step")


def step_per_example(net, example_grads, eta):
    for g in example_grads:
        net = update(net, g, eta)   # each g has m = 1
    return net


def step_in_place(net, example_grads, eta):
    for g in example_grads:
        for l in range(1, net.L + 1):
            net.w[l] -= eta / len(example_grads) * g.grad_w[l]
            net.b[l] -= eta / len(example_grads) * g.grad_b[l]
    return net


MINIBATCH_SLIPS = [
    (minibatch_step(add=False), "overwrote_instead_of_adding", "only the LAST example's gradient"),
    (minibatch_step(first_only=True), "one_example", "only the first example's"),
    (minibatch_step(scale=lambda eta, m: eta), "missing_1_over_m", "m times too large"),
    (step_per_example, "missing_1_over_m", "one example's gradients, whose m is 1"),
    (minibatch_step(scale=lambda eta, m: eta / m / m), "divided_by_m_twice", "divided by m twice"),
    (minibatch_step(scale=lambda eta, m: -eta / m), "wrong_sign", "climbs the gradient"),
    (minibatch_step(biases=False), "missing_bias_update", "biases did not move"),
    (lambda net, example_grads, eta: net, "unchanged_network", "the one you were given"),
    (step_in_place, "changed_in_place", "changed the network it was given"),
]


@pytest.mark.parametrize("fn, slip, fragment", MINIBATCH_SLIPS, ids=[f"{s}-{i}" for i, (_, s, _) in
                                                                    enumerate(MINIBATCH_SLIPS)])
def test_minibatch_step_slip_is_caught_and_named(fn, slip, fragment):
    assert_names_slip(check_minibatch_step(fn), slip, fragment)


def test_a_minibatch_step_wrong_elsewhere_names_the_first_wrong_parameter():
    def one_bias_off(net, example_grads, eta):
        new = with_update_parameter(net, example_grads, eta)
        return new.with_params(new.w, new.b[:2] + [new.b[2] + 1.0] + new.b[3:])
    result = check_minibatch_step(one_bias_off)
    assert result.slip == "wrong_values"
    assert "your b^2 differs from bpcore.update's (w^1, b^1, w^2 right)" in result.message


def test_minibatch_messages_give_no_corrected_code_away():
    from bpcore.feedback.training import MINIBATCH_STEP_SLIPS
    from tests.feedback.support import code_in
    texts = [s.explain for s in MINIBATCH_STEP_SLIPS] + [check_minibatch_step(fn).message for fn, _, _ in MINIBATCH_SLIPS]
    assert [(t, code_in(t)) for t in texts if code_in(t)] == []


# --------------------------------------------------------------------------- notebook 07: new slips, no code


def test_check_sgd_epoch_recognises_one_full_batch_step():
    from bpcore.backprop import backward as bw

    def full_batch(net, x, y, cost, eta, m, rng):
        return update(net, bw(net, x, y, cost), eta)
    fb = check_sgd_epoch(full_batch)
    assert not fb.passed and fb.slip == "one_full_batch_step" and "full-batch" in fb.message


def test_check_update_ratio_recognises_a_step_not_divided_by_the_weights():
    def step_size(net, grads, eta, m):
        return [None] + [(eta / m) * np.linalg.norm(grads.grad_w[l]) for l in range(1, net.L + 1)]
    fb = check_update_ratio(step_size)
    assert not fb.passed and fb.slip == "not_divided_by_weights" and "divides by ‖w^l‖" in fb.message


def test_training_messages_of_notebook_07_give_no_corrected_code_away():
    from bpcore.feedback.training import SGD_EPOCH, SGD_EPOCH_SLIPS, UPDATE_RATIO, UPDATE_RATIO_SLIPS
    from tests.feedback.support import assert_gives_no_code, code_in
    texts = [s.explain for s in SGD_EPOCH_SLIPS + UPDATE_RATIO_SLIPS] + [SGD_EPOCH.shape_hint, UPDATE_RATIO.shape_hint]
    texts += [check_sgd_epoch(lambda net, *a: Network((2, 1), [None, np.zeros((1, 2))],
                                                      [None, np.zeros((1, 1))])).message,
              check_sgd_epoch(lambda *a: 3).message,
              check_update_ratio(lambda net, grads, eta, m: [None, 1e-3, 1e-3, 1e-3]).message]
    assert [(t, code_in(t)) for t in texts if code_in(t)] == []
    for t in texts:
        assert_gives_no_code(t)


def test_check_sgd_epoch_names_a_shuffle_drawn_for_every_block():
    def reshuffled(net, x, y, cost, eta, m, rng):
        for k in range(0, x.shape[1], m):
            cols = rng.permutation(x.shape[1])[k:k + m]
            net = update(net, backward(net, x[:, cols], y[:, cols], cost), eta)
        return net
    assert_names_slip(check_sgd_epoch(reshuffled), "shuffled_every_block", "shuffles ONCE")


# --------------------------------------------------------------------------- choosing η from a sweep

from bpcore.explorer import Settings, lr_sweep  # noqa: E402  (the real sweep notebook 07 gives the checker)
from bpcore.feedback import check_sweep_choice  # noqa: E402  (this part's checker)
from bpcore.feedback.training import SWEEP_CHOICE, SWEEP_CHOICE_SLIPS, _MADE_UP_CHOICE, _made_up_sweep  # noqa: E402

CIRCLES = lr_sweep(Settings(dataset="circles", epochs=30))


def _choose(loss="final_val_loss", keep=lambda s: ~(s.diverged | s.rose), pick=np.argmin, index=False):
    """A learner's choice: ``pick`` of ``loss`` among the runs ``keep`` marks."""
    def choose(sweep):
        ok = np.flatnonzero(keep(sweep))
        i = ok[pick(getattr(sweep, loss)[ok])]
        return int(i) if index else float(sweep.etas[i])
    return choose


def test_check_sweep_choice_accepts_the_rule_and_prints_part_b():
    fb = check_sweep_choice(_choose(), CIRCLES)
    assert_passes(fb, "choosing η from a sweep")
    assert "the sweep given, 11 runs: η = 1;" in fb.message and "η = 0.1)" in fb.message
    assert "next η up, 3, diverged; its largest update/weight ratio at the start is 0.47" in fb.message


def test_the_made_up_choice_is_the_rule_of_sweep_result():
    from bpcore.explorer.run import SweepResult
    s = _made_up_sweep()
    full = SweepResult(etas=s.etas, final_loss=s.final_loss, final_val_loss=s.final_val_loss,
                       diverged=s.diverged, rose=s.rose, start_loss=0.69)
    assert full.best_eta == _MADE_UP_CHOICE


def test_the_made_up_sweep_separates_every_slip():
    s, case = _made_up_sweep(), None
    from bpcore.feedback.engine import Case
    case = Case(label="made up", args=(s,), expected=(_MADE_UP_CHOICE,))
    picks = [slip.variant(case) for slip in SWEEP_CHOICE_SLIPS] + [_MADE_UP_CHOICE, float(s.etas[0])]
    assert len(set(picks)) == len(picks), picks


@pytest.mark.parametrize("fn, slip, fragment", [
    (_choose(loss="final_loss"), "chose_by_training_loss", "TRAINING loss"),
    (_choose(keep=lambda s: np.ones(s.etas.size, bool)), "kept_failed_runs", "a failed one included"),
    (_choose(keep=lambda s: ~s.diverged), "kept_risen_runs", "above where it started"),
    (lambda s: float(np.max(s.etas[~(s.diverged | s.rose)])), "largest_good_eta", "largest η that did not fail"),
    (_choose(pick=np.argmax), "highest_loss", "HIGHEST"),
    (_choose(index=True), "returned_index", "positions in the sweep"),
    (lambda s: float(s.etas[0]), "wrong_values", "not the sweep's recommendation"),
    (lambda s: s.etas, "wrong_type", "return one number"),
    (lambda s: None, "returned_none", "returned None"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_check_sweep_choice_names_the_slip(fn, slip, fragment):
    fb = check_sweep_choice(fn, CIRCLES)
    assert not fb.passed and fb.slip == slip and fragment in fb.message, fb.message
    assert "Traceback" not in fb.message


def test_sweep_messages_give_no_corrected_code_away():
    from tests.feedback.support import code_in
    texts = [s.explain for s in SWEEP_CHOICE_SLIPS] + [SWEEP_CHOICE.shape_hint]
    assert [(t, code_in(t)) for t in texts if code_in(t)] == []
