"""The slip catalogue: every slip a checker can name is described once, and every description is used."""

from pathlib import Path

from bpcore.feedback import SLIPS, engine, equations, gradient_checking, initialisation, training
from bpcore.feedback import backward_pass, curvature
from bpcore.feedback import costs as cost_checkers
from bpcore.feedback.slips import Slip
from bpcore.feedback import backward_pass, gradients  # notebook 04

CHECKER_MODULES = (equations, gradient_checking, initialisation, training, cost_checkers)
CHECKER_MODULES += (backward_pass, curvature)  # notebooks 03 and 06
from bpcore.feedback import forward, notation, output_error  # noqa: E402  (notebooks 00-02, 08)

CHECKER_MODULES += (forward, notation, output_error)
from bpcore.feedback import full_backward, gradients, target_change  # noqa: E402  (notebook 04)

CHECKER_MODULES += (gradients, full_backward, target_change)

from bpcore.feedback import gradient_verdicts  # noqa: E402  (notebook 05)

CHECKER_MODULES += (gradient_verdicts,)


def test_every_description_is_one_plain_line():
    for slip, description in SLIPS.items():
        assert slip.isidentifier() and slip == slip.lower()
        assert description and "\n" not in description and not description.endswith(".")


def test_every_slip_variant_of_every_checker_is_in_the_catalogue():
    variants = [s for module in CHECKER_MODULES for value in vars(module).values()
                if isinstance(value, list) for s in value if isinstance(s, Slip)]
    assert len(variants) > 40
    assert {s.id for s in variants} <= set(SLIPS)


def test_every_catalogued_slip_can_be_named_by_some_module():
    """No dead entries: each id appears, quoted, in the engine or a checker module."""
    sources = "".join(Path(m.__file__).read_text(encoding="utf-8") for m in (engine, *CHECKER_MODULES))
    unused = [slip for slip in SLIPS if f'"{slip}"' not in sources]
    assert unused == []


def test_no_slip_id_is_written_twice_in_the_catalogue():
    """A dict literal keeps only the last of two equal keys: a second meaning would silently replace the first."""
    import ast
    import collections

    from bpcore.feedback import slips

    tree = ast.parse(Path(slips.__file__).read_text())
    catalogue = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                     and any(getattr(t, "id", "") == "SLIPS" for t in node.targets))
    counts = collections.Counter(key.value for key in catalogue.keys)
    assert len(counts) == len(SLIPS) > 100
    assert not [k for k, n in counts.items() if n > 1]
