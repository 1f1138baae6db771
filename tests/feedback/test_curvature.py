"""The edge-of-stability checker of notebook 06: η = 2/λ_max of a symmetric H."""

import numpy as np
import pytest

from bpcore.curvature import largest_eigenvalue
from bpcore.feedback import check_edge_of_stability
from bpcore.feedback.curvature import EDGE, EDGE_SLIPS
from tests.feedback.support import assert_names_slip, assert_passes, code_in


def test_correct_edges_pass_with_eigvalsh_or_power_iteration():
    for fn in (lambda H: 2 / np.linalg.eigvalsh(H)[-1],
               lambda H: 2 / max(np.linalg.eigvalsh(H)),
               lambda H: 2 / largest_eigenvalue(lambda v: H @ v, H.shape[0], rng=0, tol=1e-12).lambda_max):
        assert_passes(check_edge_of_stability(fn), "the edge of stability")


SLIP_CASES = [
    (lambda H: 2 / np.linalg.eigvalsh(H)[0], "edge_from_smallest", "ascending order"),
    (lambda H: 2 / np.min(np.linalg.eigvalsh(H)), "edge_from_smallest", "sharpest sets the edge"),
    (lambda H: 1 / np.linalg.eigvalsh(H)[-1], "one_over_lambda", "twice as far"),
    (lambda H: 2 / np.max(np.diag(H)), "diagonal_as_eigenvalues", "DIAGONAL"),
    (lambda H: 2 / H.diagonal().max(), "diagonal_as_eigenvalues", "eigenvectors of H"),
]


@pytest.mark.parametrize("fn, slip, fragment", SLIP_CASES, ids=[f"{s}-{i}" for i, (_, s, _) in enumerate(SLIP_CASES)])
def test_edge_slip_is_caught_and_named(fn, slip, fragment):
    assert_names_slip(check_edge_of_stability(fn), slip, fragment)


def test_a_vector_instead_of_a_number_is_a_shape_problem():
    assert check_edge_of_stability(lambda H: 2 / np.linalg.eigvalsh(H)).slip == "wrong_shape"


def test_edge_messages_give_no_corrected_code_away():
    texts = [s.explain for s in EDGE_SLIPS] + [EDGE.shape_hint]
    texts += [check_edge_of_stability(fn).message for fn, _, _ in SLIP_CASES]
    assert [(t, code_in(t)) for t in texts if code_in(t)] == []
    assert [t for t in texts if "eigvalsh" in t or "linalg" in t] == [], "a message names a numpy function"
