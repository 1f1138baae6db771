"""Seeded problems for the gradient-checker tests (test_gradcheck.py, test_planted_bugs.py).

Every problem is a pure function of its seed: no redraws, no filtering. A
"random architecture" is the sizes (n_0, ..., n_L), the batch size m and the
initialiser drawn from a seed; every activation/cost pair bpcore supports is
then tried on it, with its own weights, biases, inputs and targets.
"""

import functools
import itertools

import numpy as np

from bpcore import forward, init_network, train
from bpcore import datasets
from bpcore.datasets import one_hot

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
COST_OUTPUT = [
    ("quadratic", "sigmoid"),
    ("quadratic", "tanh"),
    ("quadratic", "identity"),
    ("quadratic", "relu"),
    ("quadratic", "leaky_relu"),
    ("cross_entropy", "sigmoid"),
    ("softmax_cross_entropy", "softmax"),
]
PAIRS = [(h, c, o) for h, (c, o) in itertools.product(HIDDEN, COST_OUTPUT)]
PAIR_IDS = [f"{h}-{c}-{o}" for h, c, o in PAIRS]
INITS = ("lecun", "xavier", "normal", "he")


@functools.lru_cache(maxsize=None)
def _architecture(seed):
    rng = np.random.default_rng([seed, 0])
    depth = int(rng.integers(1, 4))
    sizes = tuple(int(n) for n in rng.integers(1, 4, depth + 1))
    return sizes, int(rng.integers(1, 3)), INITS[int(rng.integers(0, len(INITS)))]


def architecture(seed):
    """(sizes, m, init) of random architecture number ``seed``: depth 1–3, widths 1–3, m 1–2."""
    sizes, m, init = _architecture(seed)
    return list(sizes), m, init


def targets(rng, cost, n, m):
    """Valid targets of shape (n, m) for ``cost``."""
    if cost == "softmax_cross_entropy":
        return one_hot(rng.integers(0, n, m), n)
    if cost == "cross_entropy":
        return rng.integers(0, 2, (n, m)).astype(float)
    return rng.uniform(-1.0, 1.0, (n, m))


def random_problem(seed, hidden, cost, output):
    """Architecture ``seed`` with this activation/cost pair: (net, x, y).

    Biases are drawn too (so b^l matters in every check), with a random scale;
    inputs are uniform in [−2, 2]; with init="normal" many units saturate.
    """
    sizes, m, init = architecture(seed)
    if output == "softmax":
        sizes[-1] = max(2, sizes[-1])  # a one-neuron softmax is constant
    pair = PAIRS.index((hidden, cost, output))
    rng = np.random.default_rng([seed, 1, pair])
    net = init_network(sizes, rng, init=init, hidden=hidden, output=output)
    scale = rng.uniform(0.0, 1.0)
    net = net.with_params(net.w, [None] + [scale * rng.standard_normal(b.shape) for b in net.b[1:]])
    x = rng.uniform(-2.0, 2.0, (sizes[0], m))
    return net, x, targets(rng, cost, sizes[-1], m)


def at_minimum(seed, hidden, cost, output):
    """Random problem ``seed`` with its targets replaced by the network's own outputs: y = a^L.

    Every gradient is then exactly 0 in exact arithmetic, and what finite
    differences and backprop compute is rounding; nothing may be called wrong.
    """
    net, x, _ = random_problem(seed, hidden, cost, output)
    return net, x, forward(net, x)[1][-1].copy()


def trained_to_zero(seed, hidden, epochs=3000):
    """(net, x, y): a 2-3-1 net with an identity output fitted exactly to two examples (quadratic cost).

    Full-batch gradient descent drives the cost to rounding level (about 1e-30).
    """
    rng = np.random.default_rng([seed, 2])
    net = init_network([2, 3, 1], rng, hidden=hidden, output="identity")
    x, y = rng.standard_normal((2, 2)), rng.standard_normal((1, 2))
    net, history = train(net, x, y, "quadratic", eta=0.2, m=None, epochs=epochs, rng=seed)
    assert not history.failed, history.message
    return net, x, y


def deep_narrow(hidden_layers, cost, seed=0, m=3):
    """A LeCun-initialised sigmoid net with ``hidden_layers`` hidden layers of 5 units."""
    rng = np.random.default_rng([seed, hidden_layers])
    n_out = 3 if cost == "softmax_cross_entropy" else 2
    output = "softmax" if cost == "softmax_cross_entropy" else "sigmoid"
    net = init_network([3] + [5] * hidden_layers + [n_out], rng, init="lecun", hidden="sigmoid", output=output)
    x = rng.standard_normal((3, m))
    y = rng.uniform(size=(n_out, m)) if cost == "quadratic" else targets(rng, cost, n_out, m)
    return net, x, y


def saturated(z_scale, cost, seed=0):
    """A 2-4-3 tanh net whose output weighted inputs z^L are of order ±z_scale."""
    rng = np.random.default_rng([seed, int(z_scale)])
    output = "softmax" if cost == "softmax_cross_entropy" else "sigmoid"
    net = init_network([2, 4, 3], rng, init="xavier", hidden="tanh", output=output)
    net = net.with_params([None, net.w[1], z_scale * net.w[2]],
                          [None, net.b[1], z_scale * rng.standard_normal((3, 1))])
    x = rng.standard_normal((2, 4))
    y = rng.uniform(size=(3, 4)) if cost == "quadratic" else targets(rng, cost, 3, 4)
    return net, x, y


TRAINING_RECIPES = {
    # name: (data, sizes, hidden, output, cost)
    "moons tanh": (datasets.moons, [2, 16, 16, 1], "tanh", "sigmoid", "cross_entropy"),
    "moons relu": (datasets.moons, [2, 8, 8, 1], "relu", "sigmoid", "cross_entropy"),
    "circles sigmoid": (datasets.circles, [2, 8, 1], "sigmoid", "sigmoid", "quadratic"),
    "spiral softmax": (lambda rng, n: datasets.spiral(rng, n=n, k=3), [2, 16, 3], "tanh", "softmax",
                       "softmax_cross_entropy"),
}


def trained(name, seed=0):
    """(net, x, y, cost) after 60 epochs of SGD on recipe ``name``."""
    data, sizes, hidden, output, cost = TRAINING_RECIPES[name]
    x, y = data(np.random.default_rng(seed), n=120)
    net = init_network(sizes, np.random.default_rng(seed + 1), init="xavier", hidden=hidden, output=output)
    net, history = train(net, x, y, cost, eta=0.5, m=10, epochs=60, rng=seed)
    assert not history.diverged
    return net, x, y, cost



def count_verdicts(tally, family, reports, networks=1):
    """Add ``reports`` (and ``networks``) to ``family`` of the session's ``tally`` (tests/conftest.py)."""
    tally[family]["networks"] += networks
    for r in reports:
        tally[family]["reports"] += 1
        tally[family].update(c.verdict for c in r.checks)


def no_wrong(reports, where):
    for r in reports:
        assert not r.failures, f"{where}\n{r.summary()}"
