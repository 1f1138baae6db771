"""nbgrader validate passes on the instructor's source of every notebook of the series.

The rest of the series' round trip is test_course_series.py; this file stands alone so that
pytest's workers can run it beside that one.
"""

from __future__ import annotations

import pytest

from bpcore.handouts.build import build
from bpcore.handouts.course import COURSE_DIR, assignment_path
from bpcore.handouts.series import notebook_paths
from tests.handouts.grading_support import nbgrader_or_skip, validate_source
from tests.handouts.support import NOTEBOOKS

PATHS = notebook_paths(NOTEBOOKS)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    nbgrader_or_skip()
    out = tmp_path_factory.mktemp("series-course")
    build(notebooks_dir=NOTEBOOKS, formats=("nbgrader",), out=out, log=lambda line: None)
    return out / COURSE_DIR


@pytest.mark.parametrize("path", PATHS, ids=[p.stem[:2] for p in PATHS])
def test_validate_passes_on_the_source(course, path):
    assert (course / assignment_path(path.stem)).is_file()
    assert validate_source(course, path.stem) == {}
