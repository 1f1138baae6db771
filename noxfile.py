"""The Python matrix: every version the README names installs the pins and passes the tests.

Each ``tests-X.Y`` session makes a fresh venv with that interpreter, installs
requirements.txt (exact pins; environment markers where a version needs other
pins) and runs the unit tests and every notebook under strict nbval, as the main
run does (.ci/run adds ``-- -n 0``: one test process per session, not a worker per
core). The tests that start servers or a browser (browser, handouts, JupyterHub,
start.sh), the nbgrader round trips and the gradient checker's seeded
sweep (most of the unit tests' time) run once, on the main version, in
``.venv/bin/pytest``; every version runs the rest of the checker's tests.

    .venv/bin/nox -l                   # the sessions
    .venv/bin/nox -s tests-3.10        # one version (its interpreter must be on PATH)
    .ci/run                            # every listed version found on the machine

``PYTHONS`` is the one list of supported versions: the README names exactly
these (a test checks it) and .ci/run finds an interpreter for each.
"""

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
MAIN_PYTHON_ONLY = [
    "tests/test_browser.py",
    "tests/test_browser_stepper.py",
    "tests/handouts",                        # PDFs in Chromium, and nbgrader (requirements-dev.txt)
    "tests/test_hub.py",
    "tests/test_start_sh.py",
    "tests/test_lab_kernels.py",             # starts a JupyterLab server
    "tests/test_gradcheck_sweep.py",         # the checker's seeded sweep, pure float64 arithmetic: once is enough
]

nox.options.default_venv_backend = "venv"
nox.options.download_python = "never"  # the machine has no network but the registries
nox.options.sessions = ["tests"]


@nox.session(python=PYTHONS)
def tests(session):
    """Pins install; unit tests and strict nbval pass on this interpreter."""
    session.install("--disable-pip-version-check", "--quiet", "-r", "requirements.txt")
    session.run("python", "-m", "pip", "check", "--disable-pip-version-check", silent=True)
    session.run(
        "pytest", "-p", "no:cacheprovider",
        *(f"--ignore={path}" for path in MAIN_PYTHON_ONLY),
        *session.posargs,
    )
