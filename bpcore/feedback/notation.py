"""Checkers for reading the notation (notebooks 00 and 01): shapes, indices, the seed's letters, what m counts.

These exercises return shapes, indices or small lists rather than arrays of
numbers, so each checker normalises the learner's result to plain tuples and
compares it with the series' conventions: layers l = 1..L with a^0 = x; w^l of
shape (n_l, n_{l-1}), its entry w^l_jk going to neuron j of layer l from
neuron k of layer l−1; b^l of shape (n_l, 1); columns are examples; maths
indices count from 1, numpy's from 0. The one array-valued exercise (the
seed's forward equation for one neuron) goes through the engine's
:func:`~bpcore.feedback.engine.check`.
"""

from __future__ import annotations

import numpy as np

from ..network import Network, forward, init_network
from .engine import Case, Feedback, Spec, call, check, failed, passed, returned_none
from .slips import Slip

__all__ = ["check_layer_shapes", "check_seed_weighted_input", "check_batch_sizes", "check_weight_index"]


def _whole(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _as_shape(v):
    """A shape as a tuple of ints, or None if ``v`` is not a tuple/list of whole numbers."""
    if isinstance(v, (tuple, list)) and all(_whole(n) for n in v):
        return tuple(int(n) for n in v)
    return None


def _sizes_text(sizes) -> str:
    return "(" + ", ".join(str(n) for n in sizes) + ")"


_RAISED = object()  # the learner's function raised in this case


def _run(fn, spec: Spec, cases: list, normalise):
    """The learner's normalised result per case label (_RAISED where it raised), or the Feedback that ends
    the check: not a function, the stub, None, a result ``normalise`` refuses (it returns a Feedback), or
    an exception in every case. Also returns the first exception's Feedback (None if nothing raised)."""
    got, first_raise = {}, None
    for case in cases:
        result, problem = call(fn, spec, case.args, where=f"for {case.label}")
        if problem is not None and problem.slip in ("not_callable", "not_implemented"):
            return problem, None
        if problem is not None:
            got[case.label], first_raise = _RAISED, first_raise or problem
            continue
        if result is None:
            return returned_none(spec), None
        value = normalise(case, result)
        if isinstance(value, Feedback):
            return value, None
        got[case.label] = value
    if all(v is _RAISED for v in got.values()):
        return first_raise, None
    return got, first_raise


def _slip_in(slips: list, cases: list, got: dict):
    """The first slip the learner made in every case: the same value, or raising where the slip raises."""
    def variant(slip, case):
        try:
            return slip.variant(case)
        except Exception:  # the slipped formula itself raises here, as the learner's code may
            return _RAISED

    return next((s for s in slips if all(variant(s, c) == got[c.label] for c in cases)), None)


def _verdict(spec: Spec, cases: list, got: dict, first_raise, slips: list, pass_line: str, explain_wrong):
    """Pass, the named slip, the first exception, or ``explain_wrong(case, value) -> (slip, line)``."""
    if all(got[c.label] == c.expected[0] for c in cases):
        return passed(spec, f"{pass_line} in {len(cases)} test cases ({'; '.join(c.label for c in cases)}).")
    slip = _slip_in(slips, cases, got)
    if slip is not None:
        return failed(spec, slip.id, slip.explain)
    if first_raise is not None:
        return first_raise
    wrong = next(c for c in cases if got[c.label] != c.expected[0])
    return failed(spec, *explain_wrong(wrong, got[wrong.label]))


# --------------------------------------------------------------------------- 0.1: the shapes of a network

LAYER_SHAPES = Spec(
    checker="check_layer_shapes", equation="shapes",
    formula="w^l maps n_{l-1} numbers to n_l numbers; every example is a column",
    notebook="00_start_here.ipynb", reference="a network built by bpcore.network.init_network",
    arg_names=("sizes", "m"), out_names=("shapes",),
    out_shapes=("a list of L triples (shape of w^l, shape of b^l, shape of z^l)",))


def _shapes_with(c, w=None, b=None, z=None, layers=None):
    """The triples with one rule changed: w(n_l, n_prev), b(n_l), z(n_l, m) give shapes; layers the l's."""
    sizes, m = c.args
    layers = range(1, len(sizes)) if layers is None else layers(len(sizes) - 1)
    return [((w or (lambda n, p: (n, p)))(sizes[l], sizes[l - 1]), (b or (lambda n: (n, 1)))(sizes[l]),
             (z or (lambda n, m: (n, m)))(sizes[l], m)) for l in layers]


_BIAS_SHAPE = ("Your b^l has the wrong shape. A layer has one bias per neuron, shared by all m examples: a "
               "column of n_l numbers, shape (n_l, 1), that numpy broadcasts over the m columns "
               "(notebook 00, section 2).")
_WRONG_LAYERS = ("Your list runs over the wrong layers. It holds one triple per layer with weights, "
                 "l = 1..L: the input layer 0 has no w, b or z, and the output layer L has them.")

LAYER_SHAPES_SLIPS = [
    Slip(id="transposed_shape", variant=lambda c: _shapes_with(c, w=lambda n, p: (p, n)),
         explain="Your w^l has shape (n_{l-1}, n_l), the transpose. w^l maps the n_{l-1} numbers of layer "
                 "l−1 to the n_l numbers of layer l, so it has one row per neuron of layer l: (n_l, n_{l-1})."),
    Slip(id="bias_shape", variant=lambda c: _shapes_with(c, b=lambda n: (n,)), explain=_BIAS_SHAPE),
    Slip(id="bias_shape", variant=lambda c: _shapes_with(c, b=lambda n: (1, n)), explain=_BIAS_SHAPE),
    Slip(id="bias_shape", variant=lambda c: _shapes_with(c, b=lambda n: (n, c.args[1])),
         explain="Your b^l has shape (n_l, m): one bias per example. A layer has one bias per neuron, shared "
                 "by all m examples: shape (n_l, 1), broadcast over the columns."),
    Slip(id="examples_as_rows", variant=lambda c: _shapes_with(c, z=lambda n, m: (m, n)),
         explain="Your z^l has shape (m, n_l): the examples as rows. Examples are columns: z^l = w^l a^{l-1} "
                 "+ b^l is (n_l, n_{l-1}) times (n_{l-1}, m), shape (n_l, m)."),
    Slip(id="wrong_layers", variant=lambda c: _shapes_with(c, layers=lambda L: range(0, L)), explain=_WRONG_LAYERS),
    Slip(id="wrong_layers", variant=lambda c: _shapes_with(c, layers=lambda L: range(1, L)), explain=_WRONG_LAYERS),
    Slip(id="wrong_layers", variant=lambda c: _shapes_with(c, layers=lambda L: range(0, L + 1)),
         explain=_WRONG_LAYERS),
]


def _as_triples(result):
    """The learner's list as a list of (w shape, b shape, z shape) int tuples, or None if not of that form."""
    if not isinstance(result, (list, tuple)):
        return None
    triples = []
    for item in result:
        if not isinstance(item, (list, tuple)) or len(item) != 3:
            return None
        shapes = tuple(_as_shape(s) for s in item)
        if any(s is None for s in shapes):
            return None
        triples.append(shapes)
    return triples


def _first_wrong_shape(case: Case, got) -> str:
    sizes, m = case.args
    want = case.expected[0]
    where = f"For sizes = {_sizes_text(sizes)} and m = {m}"
    if len(got) != len(want):
        return (f"{where} your list has {len(got)} entries; a network with these sizes has L = {len(want)} "
                "layers with weights, l = 1..L, one triple each.")
    for l, (mine, ref) in enumerate(zip(got, want), start=1):
        for name, s, r in zip((f"w^{l}", f"b^{l}", f"z^{l}"), mine, ref):
            if s != r:
                return (f"{where} your shape of {name} is {s}, which does not fit the two rules: w^l maps "
                        "n_{l-1} numbers to n_l numbers, and every example is a column.")
    return f"{where} your shapes differ from the network's."


def check_layer_shapes(fn) -> Feedback:
    """Check the shapes of a network from its sizes: w^l (n_l, n_{l-1}), b^l (n_l, 1), z^l (n_l, m).

    Parameters
    ----------
    fn : callable ``fn(sizes, m) -> list``
        sizes : (n_0, ..., n_L); m : the number of examples in the batch.
        Returns, for l = 1..L in order, the triple (shape of w^l, shape of
        b^l, shape of z^l), each shape a tuple of ints.

    Returns
    -------
    Feedback
        Compared with the shapes of a network built by
        :func:`bpcore.network.init_network` and run by
        :func:`bpcore.network.forward`, for sizes (4, 6, 3, 2) with m = 7,
        (2, 5) with m = 3 and (3, 3, 3) with m = 3.

    Taught in ``notebooks/00_start_here.ipynb``.
    """
    cases = []
    for sizes, m in (((4, 6, 3, 2), 7), ((2, 5), 3), ((3, 3, 3), 3)):
        net = init_network(sizes, 0)
        z, _ = forward(net, np.zeros((sizes[0], m)))
        want = [(net.w[l].shape, net.b[l].shape, z[l].shape) for l in range(1, net.L + 1)]
        cases.append(Case(label=f"sizes {_sizes_text(sizes)}, m = {m}", args=(list(sizes), m), expected=(want,)))
    def normalise(case, result):
        triples = _as_triples(result)
        if triples is None:
            return failed(LAYER_SHAPES, "wrong_type",
                          "Return a list with one triple per layer l = 1..L: (shape of w^l, shape of b^l, "
                          f"shape of z^l), each shape a tuple of whole numbers; got a {type(result).__name__} "
                          "that is not of that form.")
        return triples

    got, first_raise = _run(fn, LAYER_SHAPES, cases, normalise)
    if isinstance(got, Feedback):
        return got
    return _verdict(LAYER_SHAPES, cases, got, first_raise, LAYER_SHAPES_SLIPS, "Your shapes match a real network's",
                    lambda case, value: ("wrong_shape", _first_wrong_shape(case, value)))


# --------------------------------------------------------------------------- 0.2: the seed's letters

SEED_WEIGHTED_INPUT = Spec(
    checker="check_seed_weighted_input", equation="the seed's forward equation",
    formula="z^L_k = Σ_j w^L_kj a^{L-1}_j + b^L_k  (k in layer L, j in layer L−1)",
    notebook="00_start_here.ipynb", reference="row k of bpcore.network.forward's z^L",
    arg_names=("w", "b", "a_prev", "k"), out_names=("z_k",), out_shapes=("a single number",),
    shape_hint="In the seed's letters, k is a neuron of layer L and j one of layer L−1: w^L_kj is row k, "
               "column j of w^L, shape (n_L, n_{L-1}), and the sum over j runs along that row "
               "(notebook 00, section 3).")


def _seed_with(c, z_of):
    w, b, a_prev, k = c.args
    return z_of(w, b, a_prev[:, 0], k)


SEED_WEIGHTED_INPUT_SLIPS = [
    Slip(id="column_not_row",
         variant=lambda c: _seed_with(c, lambda w, b, a, k: float(np.sum(w[:, k] * a) + b[k, 0])),
         explain="Your z_k adds up column k of w^L. In the seed's w^L_kj the first index k is the neuron "
                 "the weight goes TO (layer L) and the second, j, the neuron it comes FROM (layer L−1), as "
                 "in our w^l_jk: so w^L_kj is row k, column j, and z^L_k sums along row k. Same convention, "
                 "other letters: no transpose."),
    Slip(id="missing_bias", variant=lambda c: _seed_with(c, lambda w, b, a, k: float(w[k] @ a)),
         explain="Your z_k leaves out the bias: add b^L_k, the bias of neuron k."),
    Slip(id="products_not_summed", variant=lambda c: _seed_with(c, lambda w, b, a, k: w[k] * a + b[k, 0]),
         explain="You returned the n_{L-1} products w^L_kj a^{L-1}_j (plus the bias) without adding them "
                 "up: the seed's formula has an implicit sum over j, Σ_j w^L_kj a^{L-1}_j."),
    Slip(id="whole_layer", variant=lambda c: _seed_with(c, lambda w, b, a, k: w @ a[:, None] + b),
         explain="You returned z^L for every neuron of the layer; the exercise asks for one neuron's "
                 "weighted input z^L_k, a single number."),
]


def _one_number(fn):
    """``fn`` with a size-1 result (e.g. an array of shape (1, 1)) turned into a plain number."""
    def wrapped(*args):
        result = fn(*args)
        if isinstance(result, (np.ndarray, list, tuple, np.generic)) and np.size(result) == 1:
            try:
                return float(np.asarray(result, dtype=np.float64).reshape(()))
            except (TypeError, ValueError):
                return result
        return result
    return wrapped


def check_seed_weighted_input(fn) -> Feedback:
    """Check the seed's forward equation for one neuron: z^L_k = Σ_j w^L_kj a^{L-1}_j + b^L_k.

    In the seed's letters k is a neuron of layer L and j one of layer L−1, so
    w^L_kj is row k, column j of w^L: the series' convention ("to the first
    index, from the second") with the letters swapped.

    Parameters
    ----------
    fn : callable ``fn(w, b, a_prev, k) -> z_k``
        w : w^L, shape (n_L, n_{L-1}); b : b^L, shape (n_L, 1); a_prev :
        a^{L-1} for one example, shape (n_{L-1}, 1); k : a neuron of layer L
        as a numpy index (counted from 0). Returns the number z^L_k.

    Returns
    -------
    Feedback
        Compared with row k of :func:`bpcore.network.forward`'s z^L on a
        square layer (3 → 3, k = 1), a non-square one (4 → 2, k = 0) and
        another (2 → 4, k = 3).

    Taught in ``notebooks/00_start_here.ipynb``.
    """
    if not callable(fn):
        return check(fn, SEED_WEIGHTED_INPUT, [], [])
    cases = []
    for n_in, n_out, k, seed in ((3, 3, 1, 15), (4, 2, 0, 16), (2, 4, 3, 17)):
        rng = np.random.default_rng(seed)
        w = rng.standard_normal((n_out, n_in))
        b = rng.standard_normal((n_out, 1))
        a_prev = rng.standard_normal((n_in, 1))
        z, _ = forward(Network((n_in, n_out), [None, w], [None, b]), a_prev)
        cases.append(Case(label=f"{n_in} → {n_out} neurons, k = {k}", args=(w, b, a_prev, k),
                          expected=(np.float64(z[1][k, 0]),)))
    return check(_one_number(fn), SEED_WEIGHTED_INPUT, cases, SEED_WEIGHTED_INPUT_SLIPS)


# --------------------------------------------------------------------------- 0.3: what m counts

BATCH_SIZES = Spec(
    checker="check_batch_sizes", equation="minibatches of an epoch",
    formula="each of the N examples in exactly one minibatch of m (the last may be smaller)",
    notebook="00_start_here.ipynb", reference="bpcore.train.sgd_epoch's minibatches",
    arg_names=("N", "m"), out_names=("sizes",), out_shapes=("a list of whole numbers, one per update",))


def _blocks(N: int, m: int) -> list:
    """How many examples each update of one epoch averages over: sgd_epoch's blocks perm[k:k+m]."""
    return [min(m, N - k) for k in range(0, N, m)]


BATCH_SIZES_SLIPS = [
    Slip(id="dropped_remainder", variant=lambda c: [c.args[1]] * (c.args[0] // c.args[1]),
         explain="Your list leaves out the last, smaller minibatch, so some examples are never used. When "
                 "m does not divide N, the epoch ends with one update on the examples that are left, and "
                 "that update averages over its own, smaller m."),
    Slip(id="last_batch_full_size", variant=lambda c: [c.args[1]] * -(-c.args[0] // c.args[1]),
         explain="Your last minibatch has m examples, but only the examples left over are in it: its m, "
                 "the number of examples that update averages over, is smaller."),
    Slip(id="swapped_count", variant=lambda c: [c.args[0] // c.args[1]] * c.args[1],
         explain="Your list has m entries of N/m: the other way round. There are about N/m updates per "
                 "epoch, and each averages over m examples."),
]


def _batch_problem(case: Case, got) -> str:
    N, m = case.args
    where = f"For N = {N}, m = {m}"
    if sum(got) != N:
        return (f"{where} your minibatches hold {sum(got)} examples in all; an epoch uses each of the N "
                f"examples exactly once.")
    if any(s > m or s < 1 for s in got):
        return f"{where} one of your minibatches holds {max(got)} examples; each holds 1 to m."
    return f"{where} every minibatch but the last holds m examples; the last holds what is left over."


def check_batch_sizes(fn) -> Feedback:
    """Check the minibatches of one epoch: how many examples each update averages over (its m).

    Parameters
    ----------
    fn : callable ``fn(N, m) -> list``
        N : the number of training examples; m : the batch size, 1 ≤ m ≤ N
        (m = N is full-batch descent). Returns, in order, the number of
        examples in each update of one epoch: a plain list of whole numbers
        (not an array shape), whose length is the number of updates.

    Returns
    -------
    Feedback
        Compared with the minibatches :func:`bpcore.train.sgd_epoch` takes
        (blocks of m columns of the shuffled data, the last one shorter when
        m does not divide N) for (N, m) = (12, 4), (10, 4), (1000, 1000),
        (5, 1) and (1005, 10).

    Taught in ``notebooks/00_start_here.ipynb``.
    """
    cases = [Case(label=f"N = {N}, m = {m}", args=(N, m), expected=(_blocks(N, m),))
             for N, m in ((12, 4), (10, 4), (1000, 1000), (5, 1), (1005, 10))]
    def normalise(case, result):
        if isinstance(result, np.ndarray) and result.ndim == 1:
            result = result.tolist()
        if _whole(result):
            return failed(BATCH_SIZES, "wrong_type",
                          f"For {case.label} you returned one number, {int(result)}. Return the list of "
                          "minibatch sizes, one entry per update (its length is the number of updates).")
        if not isinstance(result, (list, tuple)) or not all(_whole(s) for s in result):
            return failed(BATCH_SIZES, "wrong_type", "Return a list of whole numbers, one per update: how many "
                          f"examples that update averages over; got a {type(result).__name__}.")
        return [int(s) for s in result]

    got, first_raise = _run(fn, BATCH_SIZES, cases, normalise)
    if isinstance(got, Feedback):
        return got
    return _verdict(BATCH_SIZES, cases, got, first_raise, BATCH_SIZES_SLIPS,
                    "Your minibatches match bpcore.train.sgd_epoch's",
                    lambda case, value: ("wrong_values", _batch_problem(case, value)))


# --------------------------------------------------------------------------- 1.3: reading w^l_jk

WEIGHT_INDEX = Spec(
    checker="check_weight_index", equation="w^l_jk",
    formula="w^l_jk goes to neuron j of layer l from neuron k of layer l−1 (the maths counts from 1, "
            "numpy from 0)",
    notebook="01_forward_propagation.ipynb", reference="the series' convention (notebook 00, section 2)",
    arg_names=("sizes", "l", "j", "k"), out_names=("shape", "index"),
    out_shapes=("(n_l, n_{l-1})", "(row, column), counted from 0"))


def _index_with(c, shape, index):
    sizes, l, j, k = c.args
    return shape(sizes, l), index(j, k)


def _right_shape(sizes, l):
    return (sizes[l], sizes[l - 1])


WEIGHT_INDEX_SLIPS = [
    Slip(id="one_based_in_code", variant=lambda c: _index_with(c, _right_shape, lambda j, k: (j, k)),
         explain="Your index is (j, k) itself. The maths counts neurons from 1, numpy from 0: neuron j of "
                 "layer l is row j − 1 (notebook 00, section 2)."),
    Slip(id="swapped_indices", variant=lambda c: _index_with(c, _right_shape, lambda j, k: (k - 1, j - 1)),
         explain="Your index is (k, j): the other way round. w^l_jk goes to neuron j of layer l (its row) "
                 "from neuron k of layer l−1 (its column)."),
    Slip(id="from_to_order", variant=lambda c: _index_with(c, lambda s, l: (s[l - 1], s[l]),
                                                           lambda j, k: (k - 1, j - 1)),
         explain="You stored w^l as (from, to): shape (n_{l-1}, n_l) and index (k, j). The series stores "
                 "it as (to, from), shape (n_l, n_{l-1}), so that z^l = w^l a^{l-1} needs no transpose: "
                 "row j holds the weights into neuron j."),
    Slip(id="transposed_shape", variant=lambda c: _index_with(c, lambda s, l: (s[l - 1], s[l]),
                                                              lambda j, k: (j - 1, k - 1)),
         explain="Your shape is (n_{l-1}, n_l), the transpose: w^l has one row per neuron of layer l, "
                 "(n_l, n_{l-1})."),
    Slip(id="layer_off_by_one", variant=lambda c: _index_with(c, lambda s, l: (s[l + 1], s[l]),
                                                              lambda j, k: (j - 1, k - 1)),
         explain="Your shape is that of w^{l+1}. In sizes = (n_0, ..., n_L), layer l is entry l: w^l "
                 "connects layer l−1 (n_{l-1}) to layer l (n_l)."),
]


def _as_pair_of_pairs(result):
    if isinstance(result, (list, tuple)) and len(result) == 2:
        shape, index = _as_shape(result[0]), _as_shape(result[1])
        if shape is not None and index is not None and len(shape) == 2 and len(index) == 2:
            return shape, index
    return None


def check_weight_index(fn) -> Feedback:
    """Check reading w^l_jk: the shape of w^l and the numpy index of its entry (j, k).

    Parameters
    ----------
    fn : callable ``fn(sizes, l, j, k) -> (shape, index)``
        sizes : (n_0, ..., n_L); l : a layer, 1 ≤ l ≤ L; j : a neuron of
        layer l and k one of layer l−1, both counted from 1 as in the maths.
        Returns the shape of w^l, (n_l, n_{l-1}), and the numpy index
        (row, column) of w^l_jk, counted from 0.

    Returns
    -------
    Feedback
        Compared with the convention (shape (n_l, n_{l-1}), index
        (j − 1, k − 1)) for sizes (4, 3, 2) with l = 2, j = 1, k = 3, and
        sizes (3, 5, 4) with (l, j, k) = (1, 4, 2) and (2, 2, 5).

    Taught in ``notebooks/01_forward_propagation.ipynb``.
    """
    cases = [Case(label=f"sizes {_sizes_text(sizes)}, l = {l}, j = {j}, k = {k}", args=(sizes, l, j, k),
                  expected=((_right_shape(sizes, l), (j - 1, k - 1)),))
             for sizes, l, j, k in (((4, 3, 2), 2, 1, 3), ((3, 5, 4), 1, 4, 2), ((3, 5, 4), 2, 2, 5))]
    def normalise(case, result):
        pair = _as_pair_of_pairs(result)
        if pair is None:
            return failed(WEIGHT_INDEX, "wrong_type", "Return a pair: the shape of w^l, two whole numbers, and "
                          f"the index (row, column), two whole numbers; got a {type(result).__name__} that "
                          "is not of that form.")
        return pair

    def explain_wrong(case, value):
        part = "shape of w^l" if value[0] != case.expected[0][0] else "index"
        return "wrong_values", (f"For {case.label} your {part} is wrong. w^l maps layer l−1 to layer l, one "
                                "row per neuron of layer l; w^l_jk is in the row of j and the column of k; "
                                "numpy counts from 0.")

    got, first_raise = _run(fn, WEIGHT_INDEX, cases, normalise)
    if isinstance(got, Feedback):
        return got
    return _verdict(WEIGHT_INDEX, cases, got, first_raise, WEIGHT_INDEX_SLIPS,
                    "Your shapes and indices are right", explain_wrong)
