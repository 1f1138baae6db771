"""Settings: every choice validated in one place, each fact from its source, nothing remapped silently."""

import numpy as np
import pytest

from bpcore import datasets
from bpcore.costs import COSTS, validate_cost_output
from bpcore.explorer import settings as S
from bpcore.explorer.settings import Settings, cost_choices, make_data, make_network, output_for_cost
from bpcore.network import INITIALISERS


def test_default_settings_are_the_explorers_default_network():
    s = Settings()
    assert s.dataset == "moons" and s.sizes == (2, 16, 16, 1)
    assert s.output == "sigmoid" and s.cost == "cross_entropy"
    assert s.noise == datasets.DEFAULT_NOISE["moons"]
    assert "2-16-16-1" in s.describe() and "η=0.1" in s.describe()


@pytest.mark.parametrize("field, value, error, words", [
    ("dataset", "mnist", ValueError, "dataset must be one of xor, circles, moons, spiral, gauss"),
    ("eta", 200.0, ValueError, "from 0.0001 to 100"),
    ("eta", 0.0, ValueError, "from 0.0001 to 100"),
    ("eta", float("nan"), ValueError, r"eta \(the learning rate η\) must be a finite number"),
    ("eta", "0.1", TypeError, r"eta \(the learning rate η\) must be a number"),
    ("eta", True, TypeError, "got True"),
    ("noise", -0.1, ValueError, "noise"),
    ("hidden_layers", 5, ValueError, "hidden_layers must be a whole number from 0 to 4"),
    ("width", 0, ValueError, "width"),
    ("width", 2.0, TypeError, "width must be a whole number"),
    ("activation", "softmax", ValueError, "activation must be one of"),
    ("cost", "hinge", ValueError, "unknown cost"),
    ("batch_size", 0, ValueError, "batch_size"),
    ("batch_size", True, TypeError, "batch_size"),
    ("epochs", 0, ValueError, "epochs"),
    ("seed", -1, ValueError, "seed must be a seed: a whole number ≥ 0"),
    ("seed", None, TypeError, "seed=None is not accepted"),
    ("seed", 1.0, TypeError, "Pass seed=1"),
    ("seed", 2**31, ValueError, "seed must be a whole number from 0 to 2147483647"),
    ("seed", np.random.default_rng(0), TypeError, "explorer shows it in its seed box"),
    ("data_seed", -1, ValueError, "data_seed"),
    ("data_seed", "0", TypeError, "data_seed must be a seed"),
    ("batch_size", 151, ValueError, "batch_size=151 is larger than the N=150 training points"),
    ("n", 5, ValueError, "n must be a whole number from 20 to 1000"),
    ("init", "zeros", ValueError, "init must be one of 'auto', 'normal'"),
])
def test_settings_reject_bad_values_with_a_clear_message(field, value, error, words):
    with pytest.raises(error, match=words):
        Settings(**{field: value})


def test_eta_at_the_ends_of_the_slider_is_accepted_despite_rounding():
    assert Settings(eta=S.ETA_MAX * (1 + 1e-12)).eta == pytest.approx(S.ETA_MAX)
    assert Settings(eta=S.ETA_MIN * (1 - 1e-12)).eta == pytest.approx(S.ETA_MIN)


def test_the_output_follows_the_cost_and_the_cost_defaults_to_the_datas_natural_one():
    spiral = Settings(dataset="spiral")
    assert spiral.cost == "softmax_cross_entropy" and spiral.output == "softmax"
    assert spiral.sizes[-1] == 3 and spiral.noise == datasets.DEFAULT_NOISE["spiral"]
    assert Settings(dataset="spiral", cost="quadratic").output == "sigmoid"
    assert Settings(hidden_layers=0).sizes == (2, 1)


@pytest.mark.parametrize("dataset, cost, fits", [
    ("spiral", "cross_entropy", "'softmax_cross_entropy', 'quadratic'"),
    ("moons", "softmax_cross_entropy", "'cross_entropy', 'quadratic'"),
])
def test_a_cost_that_does_not_fit_the_data_is_refused_not_remapped(dataset, cost, fits):
    with pytest.raises(ValueError, match=f"cost '{cost}' does not fit the {dataset} data") as info:
        Settings(dataset=dataset, cost=cost)
    assert fits in str(info.value)
    with pytest.raises(ValueError, match="does not fit"):
        Settings(dataset="moons").replace(dataset="spiral")  # the cost is kept, and it does not fit


def test_output_for_cost_is_what_bpcore_costs_accepts():
    for cost in COSTS:
        validate_cost_output(cost, output_for_cost(cost))  # raises if not a valid pair
    assert [output_for_cost(c) for c in ("cross_entropy", "quadratic", "softmax_cross_entropy")] == [
        "sigmoid", "sigmoid", "softmax"]
    with pytest.raises(ValueError, match="unknown cost 'hinge'"):
        output_for_cost("hinge")


@pytest.mark.parametrize("dataset", S.DATASET_NAMES)
def test_every_offered_cost_is_a_valid_pairing(dataset):
    choices = cost_choices(dataset)
    assert len(choices) == 2
    for label, cost in choices:
        validate_cost_output(cost, output_for_cost(cost))  # raises if invalid
        assert f"({output_for_cost(cost)} output)" in label
        assert Settings(dataset=dataset, cost=cost).cost == cost


def test_the_facts_come_from_their_modules():
    assert set(S.DATASET_NAMES) == set(datasets.N_CLASSES) and set(S.DATASET_NAMES) <= set(datasets.DATASETS)
    assert {s.init_name for s in (Settings(activation=a) for a in S.ACTIVATION_NAMES)} <= set(INITIALISERS)
    for init in INITIALISERS:
        assert Settings(init=init).init_name == init
    assert S.SWEEP_ETAS[0] == pytest.approx(1e-3) and S.SWEEP_ETAS[-1] == pytest.approx(S.ETA_MAX)
    assert all(S.ETA_MIN <= eta <= S.ETA_MAX for eta in S.SWEEP_ETAS)
    assert all(Settings(eta=eta).eta == eta for eta in S.SWEEP_ETAS)
    assert S.checked_etas(S.SWEEP_ETAS) == S.SWEEP_ETAS and len(S.SWEEP_ETAS) <= S.MAX_SWEEP


def test_the_top_of_the_slider_is_past_the_edge_of_stability_of_every_offered_network():
    """η = ETA_MAX must be able to make any network the controls offer diverge (a run labelled so)."""
    from bpcore.curvature import curvature_marks

    for kw in ({}, {"activation": "sigmoid"}, {"cost": "quadratic"}, {"hidden_layers": 0},
               {"dataset": "spiral"}, {"activation": "relu"}):
        s = Settings(**kw)
        data, net0 = make_data(s), make_network(s)
        assert S.ETA_MAX > 10 * curvature_marks(net0, data.x, data.y, s.cost).eta_edge, kw


def test_n_train_is_what_the_split_gives():
    for n in (20, 21, 37, 200, 999, 1000):
        assert Settings(n=n, batch_size=None).n_train == make_data(Settings(n=n, batch_size=None)).N
    assert Settings(n=40, batch_size=30).batch_size == 30


def test_sweep_lists_are_checked_whole_and_text_reads_back():
    assert S.checked_etas([0.01, 1]) == (0.01, 1.0) and S.checked_etas(np.array([0.1])) == (0.1,)
    assert S.parse_etas(S.format_etas(S.SWEEP_ETAS)) == S.SWEEP_ETAS
    assert S.parse_etas(" 0.01 0.1,1 ") == (0.01, 0.1, 1.0)
    for bad, error, words in [([], ValueError, "must hold 1 to 25"), (0.1, TypeError, "must be a list"),
                              ("0.1", TypeError, "must be a list"), ([0.1] * 26, ValueError, "got 26"),
                              ([0.1, float("nan")], ValueError, r"etas\[1\] \(the learning rate η\)"),
                              ([0.1, False], TypeError, "got False"), ([1e3], ValueError, "from 0.0001 to 100")]:
        with pytest.raises(error, match=words):
            S.checked_etas(bad)
    with pytest.raises(ValueError, match="numbers separated by commas.*got 'x'"):
        S.parse_etas("0.1, x")
    with pytest.raises(ValueError, match="must hold 1 to 25"):
        S.parse_etas(" , ")


def test_auto_init_is_xavier_for_tanh_and_he_for_relu():
    assert Settings(activation="tanh").init_name == "xavier"
    assert Settings(activation="relu").init_name == "he"
    assert Settings(activation="relu", init="lecun").init_name == "lecun"


# ---------------------------------------------------------------- data and network
def test_data_depends_on_data_seed_only():
    a = make_data(Settings(seed=0))
    b = make_data(Settings(seed=7, eta=3.0, width=4))
    c = make_data(Settings(data_seed=1))
    assert np.array_equal(a.x, b.x) and np.array_equal(a.y_val, b.y_val)
    assert not np.array_equal(a.x, c.x)
    assert a.x.shape == (2, 150) and a.x_val.shape == (2, 50) and a.y.shape == (1, 150)
    assert a.N == 150


def test_network_from_seed_is_reproducible_and_seed_dependent():
    s = Settings()
    n1, n2, n3 = make_network(s), make_network(s), make_network(s.replace(seed=1))
    assert all(np.array_equal(n1.w[l], n2.w[l]) for l in range(1, n1.L + 1))
    assert not np.array_equal(n1.w[1], n3.w[1])
    assert n1.sizes == s.sizes and n1.hidden == "tanh" and n1.output == "sigmoid"


def test_the_shuffles_are_independent_of_the_initial_weights_but_seeded():
    s = Settings()
    assert S.make_shuffle(s).integers(1 << 30) == S.make_shuffle(s).integers(1 << 30)
    assert S.make_shuffle(s).integers(1 << 30) != S.make_shuffle(s.replace(seed=1)).integers(1 << 30)
