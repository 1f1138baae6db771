"""Build instructor and student handouts (HTML and PDF) from the notebooks.

Usage (from the project root, inside the venv)::

    bpcore-handouts                      # every notebook, both versions, HTML + PDF, A4
    bpcore-handouts 02 05                # a subset, by number or file name
    bpcore-handouts --version student --format pdf --paper letter
    bpcore-handouts --out ~/course/handouts
    bpcore-handouts --list               # the notebooks it can build

(``python -m bpcore.handouts`` is the same command.) The notebooks are read as
committed (their stored outputs; nothing is re-run) and never written. Handouts go
to ``build/handouts/`` (git-ignored) by default::

    build/handouts/index.html                      links to every handout built there
    build/handouts/student/NN_name-student.html    + .pdf, + mathjax/ (offline maths)
    build/handouts/instructor/NN_name-instructor.html

Each version folder is self-contained: zip ``student/`` or upload it as it is and
the HTML shows its maths with no network.

Versions (driven by cell tags and nbgrader-style markers):

- instructor: every cell; solution cells are shown (their ``source_hidden`` flag is
  cleared) and labelled "Solution".
- student: cells tagged ``solution`` (code or markdown) are removed; inside any
  cell, the lines from ``### BEGIN SOLUTION`` to ``### END SOLUTION`` become
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` (markdown: "YOUR ANSWER
  HERE") and that cell's stored outputs are dropped.

Both versions: the navigation-bar cell is dropped; the title cell and the learning
objectives become a header with a contents list; cells tagged ``widget`` lose their
outputs (a live widget is dead on paper) and show a short note, while the
``static-figure`` cell next to them is kept; widget state is stripped; error
outputs are shortened to ``ExceptionName: message``; machine paths are removed from
outputs; first-line ``# nbval-...:`` maintainer comments are dropped; links to
another notebook point at that notebook's handout of the same version.

PDFs are printed from the HTML by Debian's chromium through playwright, after
MathJax (2.7, Debian's libjs-mathjax, copied next to the HTML) has typeset the
maths, with every request that is not a local file blocked. A file in the output
folder that this tool did not write (it keeps a manifest) is never overwritten, and
nothing is deleted. Exit codes: 0 built; 1 a handout failed to build; 2 bad
arguments or a missing tool (chromium, MathJax, playwright), with a message saying
how to install it.

Modules, one role each:

- :mod:`~bpcore.handouts.series`     the series' conventions (names, titles, navigation), shared
  with ``tools/notebooks.py``
- :mod:`~bpcore.handouts.transform`  a notebook in, its student or instructor version out (pure)
- :mod:`~bpcore.handouts.render`     the handout notebook as one HTML page (nbconvert)
- :mod:`~bpcore.handouts.mathjax`    finding MathJax 2 and the files a handout needs
- :mod:`~bpcore.handouts.pdf`        finding chromium and printing HTML to PDF (playwright)
- :mod:`~bpcore.handouts.folder`     the output folder: manifest, safe writes, index page
- :mod:`~bpcore.handouts.build`      choosing notebooks and building every file asked for
- :mod:`~bpcore.handouts.cli`        the ``bpcore-handouts`` command

This file holds only what all of them share; importing it imports nothing else.
"""

#: The two versions of a handout, and the label each one's header and footer show.
VERSIONS = ("student", "instructor")
VERSION_LABELS = {"student": "Student version", "instructor": "Instructor version · with solutions"}
#: Output formats (ipynb: student and instructor notebooks; nbgrader: the course folder), and
#: paper sizes by their command-line name.
FORMATS = ("html", "pdf", "ipynb", "nbgrader")
PAPERS = {"a4": "A4", "letter": "Letter"}


class HandoutError(Exception):
    """A problem the user can fix; the command prints it without a traceback (exit code 2)."""


def check_paper(paper: str) -> str:
    """The paper's command-line name in lower case; HandoutError if it is not one of PAPERS."""
    name = str(paper).lower()
    if name not in PAPERS:
        raise HandoutError(f"--paper must be one of {sorted(PAPERS)}; got {paper!r}")
    return name
