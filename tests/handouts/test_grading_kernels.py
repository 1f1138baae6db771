"""nbgrader's kernels, under the course configuration the round trips use, talk over Unix sockets.

tests/handouts/grading_support.py adds the ipc kernel manager (tests/kernel_support.py) to the
course's nbgrader_config.py; this runs nbgrader's Execute preprocessor, as autograde does, and
asks the kernel which transport it was given.
"""

from __future__ import annotations

import nbformat

from bpcore.handouts.course import CONFIG_NAME
from tests.handouts.grading_support import load_course_config, nbgrader_or_skip
from tests.kernel_support import ASK_TRANSPORT


def test_nbgraders_execute_under_the_course_config_runs_over_unix_sockets(tmp_path):
    nbgrader_or_skip()
    from nbgrader.preprocessors import Execute

    (tmp_path / CONFIG_NAME).write_text("c = get_config()\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(ASK_TRANSPORT)])
    Execute(config=load_course_config(tmp_path)).preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    assert "".join(o.get("text", "") for o in nb.cells[0].outputs).strip() == "ipc"
