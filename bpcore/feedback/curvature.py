"""Checker for the edge of stability of a quadratic cost: η = 2/λ_max of its symmetric matrix H."""

from __future__ import annotations

import numpy as np

from ..curvature import edge_of_stability
from .engine import Case, Feedback, Spec, check
from .slips import Slip

__all__ = ["check_edge_of_stability"]

EDGE = Spec(
    checker="check_edge_of_stability", equation="the edge of stability", formula="η = 2/λ_max(H)",
    notebook="06_the_update_rule.ipynb", reference="bpcore.curvature.edge_of_stability",
    arg_names=("H",), out_names=("edge",), out_shapes=("one number",),
    shape_hint="The edge is one number, 2 divided by the largest eigenvalue of H.")


def _tilted(eigenvalues, angle):
    """Q diag(eigenvalues) Q^T for the rotation Q of the plane by ``angle``."""
    q = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return q @ np.diag(eigenvalues) @ q.T


def _edge_cases() -> list:
    """An untilted bowl, the tilted bowl of notebook 06, and a seeded 3 × 3 one."""
    q, _ = np.linalg.qr(np.random.default_rng(63).standard_normal((3, 3)))
    matrices = (("the bowl diag(10, 1)", np.diag([10.0, 1.0])),
                ("that bowl turned by 30°", _tilted([10.0, 1.0], np.pi / 6)),
                ("a 3 × 3 H with eigenvalues 4, 2.5, 0.5", q @ np.diag([4.0, 2.5, 0.5]) @ q.T))
    return [Case(label=label, args=(H,), expected=(np.float64(edge_of_stability(np.linalg.eigvalsh(H)[-1])),))
            for label, H in matrices]


EDGE_SLIPS = [
    Slip(id="edge_from_smallest", variant=lambda c: 2 / np.linalg.eigvalsh(c.args[0])[0],
         explain="Your result is 2/λ_min, from the smallest eigenvalue (the first of the eigenvalues when "
                 "they come in ascending order, as numpy's routine for symmetric matrices returns them). "
                 "The flattest direction sets the speed; the "
                 "sharpest sets the edge, since every direction must have |1 − ηλ| < 1 (section 4, 'Two "
                 "weights, two curvatures')."),
    Slip(id="one_over_lambda", variant=lambda c: 1 / np.linalg.eigvalsh(c.args[0])[-1],
         explain="Your result is 1/λ_max: the step that lands on the minimum of the sharpest direction "
                 "in one go (factor 1 − ηλ = 0). The edge, where the factor reaches −1, is twice as far "
                 "(section 4, the table)."),
    Slip(id="diagonal_as_eigenvalues", variant=lambda c: 2 / np.max(np.diag(c.args[0])),
         explain="Your result is 2 divided by the largest DIAGONAL entry of H. That is the curvature along "
                 "a coordinate axis, which equals λ_max only when the bowl is not tilted. For the tilted "
                 "bowl the curvatures that matter are along the eigenvectors of H (section 4, 'Optional: "
                 "a tilted bowl')."),
]


def check_edge_of_stability(fn) -> Feedback:
    """Check η = 2/λ_max(H), the largest stable learning rate on the quadratic cost C(w) = ½ w^T H w.

    Parameters
    ----------
    fn : callable ``fn(H) -> edge``
        H : a symmetric positive definite matrix, shape (P, P). Returns one
        number, 2/λ_max with λ_max the largest eigenvalue of H.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.curvature.edge_of_stability` of the largest
        eigenvalue, for diag(10, 1), the same bowl turned by 30° (the tilted
        bowl of notebook 06) and a 3 × 3 matrix with eigenvalues 4, 2.5 and 0.5.

    Taught in ``notebooks/06_the_update_rule.ipynb`` (section 4, Exercise 6.3).
    """
    return check(fn, EDGE, _edge_cases(), EDGE_SLIPS)
