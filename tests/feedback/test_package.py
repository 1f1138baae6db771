"""bpcore.feedback's public names, and what it may import."""

import ast
import subprocess
import sys
from pathlib import Path

import bpcore.feedback as fb

PUBLIC = ["Feedback", "SLIPS", "check_forward", "check_bp1", "check_cross_entropy_delta", "check_bp2",
          "check_bp3", "check_bp4", "check_numerical_gradient", "check_update_parameter", "check_sgd_epoch",
          "check_update_ratio", "check_sweep_choice", "check_xavier_init",
          # notebooks 08 and 09
          "check_softmax_delta", "check_softmax_delta_long", "check_hidden_delta_sizes", "check_delta_bound"]
PUBLIC += ["check_deltas", "check_linear_delta", "check_minibatch_step", "check_edge_of_stability"]  # 03, 06
PUBLIC += ["check_layer_shapes", "check_seed_weighted_input", "check_batch_sizes", "check_forward_pass",
           "check_weight_index", "check_tanh_output_error"]  # notebooks 00-02
PUBLIC += ["check_cross_entropy_backward", "check_target_change_factor"]  # notebook 04
PUBLIC += ["check_gradient_verdict", "check_step_choice"]  # notebook 05


def test_public_names():
    assert sorted(fb.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert getattr(fb, name) is not None


def test_feedback_imports_no_plotting_widgets_or_explorer():
    for path in Path(fb.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(n.startswith(("matplotlib", "ipywidgets")) for n in names), path.name
        assert not any(n.split(".")[-1] in ("explore", "explorer", "widgets", "plots") for n in names), path.name


def test_importing_feedback_loads_neither_the_explorer_nor_matplotlib():
    code = ("import sys, bpcore.feedback; "
            "print(*[m in sys.modules for m in ('bpcore.explorer', 'matplotlib', 'ipywidgets')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]
