"""Project-wide pytest set-up.

nbval opens --nbval-sanitize-with relative to the *current* directory, so a
plain `pytest` from another folder would not find it. We point it at the
absolute path of tests/nbval_sanitize.cfg unless the user gave one.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def pytest_configure(config):
    if getattr(config.option, "nbval_sanitize_with", "missing") is None:
        config.option.nbval_sanitize_with = str(ROOT / "tests" / "nbval_sanitize.cfg")
    # Notebooks must draw inline; an inherited Agg backend would drop their figures.
    os.environ.pop("MPLBACKEND", None)
    if config.pluginmanager.hasplugin("nbval"):
        # nbval's kernels talk over Unix sockets: a TCP port can be taken between being
        # picked and being bound (tests/kernel_support.py)
        from tests.kernel_support import use_ipc_kernels_in_nbval

        use_ipc_kernels_in_nbval()
