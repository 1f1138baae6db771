"""Build instructor and student handouts (HTML, PDF, notebooks) and an nbgrader course from the notebooks.

Usage (from the project root, inside the venv)::

    bpcore-handouts                      # every notebook, both versions, HTML + PDF + ipynb, nbgrader; A4
    bpcore-handouts 02 05                # a subset, by number or file name
    bpcore-handouts --version student --format pdf --paper letter
    bpcore-handouts --format ipynb,nbgrader   # formats: html, pdf, ipynb, nbgrader, all
    bpcore-handouts --out ~/course/handouts --force
    bpcore-handouts --list               # the notebooks it can build

(``python -m bpcore.handouts`` is the same command.) The notebooks are read as
committed (their stored outputs; nothing is re-run) and never written. Handouts go
to ``build/handouts/`` (git-ignored) by default::

    build/handouts/index.html                      links to every handout built there
    build/handouts/student/index.html              the student handouts in order, with titles
    build/handouts/student/NN_name-student.html    + .pdf, + .ipynb, + mathjax/ (offline maths)
    build/handouts/instructor/NN_name-instructor.html   (the same for the instructor)
    build/handouts/nbgrader/                       the nbgrader course (:mod:`~bpcore.handouts.course`)

Each version folder is self-contained: zip ``student/`` or upload it as it is and
the HTML shows its maths with no network.

Versions (driven by cell tags, the exercise convention and nbgrader-style markers):

- instructor: every cell; solution cells are shown (their ``source_hidden`` flag is
  cleared, their <details> opened) and labelled "Solution"; in the notebook version
  each exercise's stub holds its solution's code.
- student: cells tagged ``solution`` (code or markdown) are removed; inside any
  cell, the lines from ``### BEGIN SOLUTION`` to ``### END SOLUTION`` become
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` (markdown: "YOUR ANSWER
  HERE") and that cell's stored outputs are dropped.

HTML and PDF: the navigation-bar cell is dropped; the title cell and the learning
objectives become a header with a contents list, with links to the previous and next
notebooks' handouts and the index above it and below the last cell; cells tagged
``widget`` lose their outputs (a live widget is dead on paper) and show a short
note, while the ``static-figure`` cell next to them is kept. Notebooks keep every
cell in place, navigation bar included. All formats: widget state is stripped; error
outputs are shortened to ``ExceptionName: message``; machine paths are removed from
outputs; first-line ``# nbval-...:`` maintainer comments are dropped; links to
another notebook point at that notebook's handout of the same version and format.

PDFs are printed from the HTML by Debian's chromium through playwright, after
MathJax (2.7, Debian's libjs-mathjax, copied next to the HTML) has typeset the
maths, with every request that is not a local file blocked; their links are made
relative afterwards. The output folder's manifest keeps a hash of every file the
tool wrote: a file it did not write, or one edited since, is never overwritten
without ``--force``, and nothing is deleted. Exit codes: 0 built; 1 a handout
failed to build; 2 bad arguments, a missing tool (chromium, MathJax, playwright)
or a file it will not overwrite, with a message saying what to do.

Modules, one role each:

- :mod:`~bpcore.handouts.series`     the series' conventions (names, titles, navigation), shared
  with ``tools/notebooks.py``
- :mod:`~bpcore.handouts.exercises`  the exercise convention (stub, check, result, solution)
- :mod:`~bpcore.handouts.transform`  a notebook in, its student or instructor version out (pure)
- :mod:`~bpcore.handouts.render`     the handout notebook as one HTML page (nbconvert)
- :mod:`~bpcore.handouts.mathjax`    finding MathJax 2 and the files a handout needs
- :mod:`~bpcore.handouts.pdf`        finding chromium and printing HTML to PDF (playwright)
- :mod:`~bpcore.handouts.course`     a notebook as an nbgrader assignment; the course's config
- :mod:`~bpcore.handouts.grading`    the points of each exercise
- :mod:`~bpcore.handouts.hidden`     the hidden tests graded copies run (numpy and bpcore only)
- :mod:`~bpcore.handouts.folder`     the output folder: manifest with hashes, safe writes, index pages
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
