"""The exercise convention, defined once: how a notebook holds an exercise, its check and its solution.

An exercise of notebook NN is a block that starts at a markdown heading ``### Exercise NN.k: title``
and runs to the next exercise heading or the end of the notebook. Inside it:

- a code cell tagged ``exercise``: the learner's stub. It defines a function whose body is
  ``raise NotImplementedError(...)`` (or leaves a value to compute); it prints nothing.
- a code cell tagged ``check`` right after it: one call of a :mod:`bpcore.feedback` checker as the
  cell's last expression, e.g. ``check_bp1(my_output_error)``. Run All shows its verdict on the stub
  ("✗ … not implemented yet"), never a solution.
- a markdown cell "**The result should be:**" with the verdict a correct solution gets.
- a markdown cell tagged ``solution``: the solution, one click away and never executable in the
  notebook a learner opens. It is an HTML ``<details>`` block holding a fenced ``python`` code block
  (the code that replaces the stub) and, optionally, an explanation; a text question's model answer
  is the same block without code.

Tests execute each notebook with every stub replaced by its solution (:func:`with_solutions`) and
assert that every check then passes, and read the stored outputs to assert that every untouched stub
fails its check. The handout builder drops ``solution`` cells from student versions and opens them
in instructor versions. Standard library only.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass

from .series import cell_source, cell_tags

__all__ = [
    "EXERCISE", "CHECK", "SOLUTION", "EXERCISE_HEADING", "RESULT_MARK", "Exercise",
    "solution_markdown", "solution_code", "exercises", "with_solutions", "open_details",
    "CheckCall", "check_call",
]

EXERCISE, CHECK, SOLUTION = "exercise", "check", "solution"
#: "### Exercise 2.1: BP1 for the quadratic cost": group 1 the notebook number, group 2 k.
EXERCISE_HEADING = re.compile(r"^###\s+Exercise\s+(\d+)\.(\d+)\b")
RESULT_MARK = "**The result should be:**"
SUMMARY = "Solution (open it after you have tried)"
_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_DETAILS = re.compile(r"<details(\s*)>")


@dataclass
class Exercise:
    """Cell indices of one exercise block (None where the block has no such cell)."""

    name: str          # "Exercise 2.1"
    heading: int
    stub: int | None
    check: int | None
    result: int | None
    solution: int | None
    end: int


def solution_markdown(code: str = "", explanation: str = "", summary: str = SUMMARY) -> str:
    """The source of a ``solution`` cell: a closed <details> block with the code and explanation."""
    parts = [f"<details>\n<summary>{summary}</summary>\n"]
    if code:
        parts.append("```python\n" + code.strip("\n") + "\n```\n")
    if explanation:
        parts.append(explanation.strip("\n") + "\n")
    parts.append("</details>")
    return "\n".join(parts)


def solution_code(cell) -> str:
    """The python code of a ``solution`` cell ('' for a text answer). Several fences are joined."""
    return "\n\n".join(m.group(1).rstrip("\n") for m in _FENCE.finditer(cell_source(cell)))


def open_details(source: str) -> str:
    """The same markdown with every <details> block open (for instructor handouts and print)."""
    return _DETAILS.sub("<details open>", source)


def exercises(nb) -> list:
    """The exercise blocks of a notebook, in order."""
    cells = nb["cells"]
    heads = [(i, m) for i, c in enumerate(cells) if c.get("cell_type") == "markdown"
             for m in [EXERCISE_HEADING.match(cell_source(c).lstrip())] if m]
    found = []
    for n, (start, m) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(cells)

        def first(pred):
            return next((i for i in range(start + 1, end) if pred(cells[i])), None)

        found.append(Exercise(
            name=f"Exercise {m.group(1)}.{m.group(2)}", heading=start, end=end,
            stub=first(lambda c: c.get("cell_type") == "code" and EXERCISE in cell_tags(c)),
            check=first(lambda c: c.get("cell_type") == "code" and CHECK in cell_tags(c)),
            result=first(lambda c: c.get("cell_type") == "markdown" and RESULT_MARK in cell_source(c)),
            solution=first(lambda c: SOLUTION in cell_tags(c))))
    return found


def with_solutions(nb):
    """A copy of ``nb`` in which every exercise stub is replaced by its solution's code.

    Outputs are cleared, so the copy is ready to execute. Raises ValueError naming the exercise
    when a stub has no solution code to replace it.
    """
    nb = copy.deepcopy(nb)
    for ex in exercises(nb):
        if ex.stub is None:
            continue
        code = solution_code(nb["cells"][ex.solution]) if ex.solution is not None else ""
        if not code:
            raise ValueError(f"{ex.name}: the exercise cell has no solution code to replace it "
                             "(a ```python fence inside the 'solution' cell)")
        nb["cells"][ex.stub]["source"] = code
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


@dataclass
class CheckCall:
    """The checker call a ``check`` cell ends with, e.g. ``check_bp1(my_output_error)``.

    checker : its name ("check_bp1"); argument : the source of its first argument, the learner's
    function ("my_output_error"); call : the source of the whole call; before : the cell's source
    before the statement holding the call ("" when the call is the whole cell).
    """

    checker: str
    argument: str
    call: str
    before: str


def check_call(source: str) -> CheckCall:
    """The checker call in the last statement of a check cell's ``source`` (it may sit in ``print(...)``).

    A checker is a function whose name starts with ``check_``, called with the learner's function
    first. Raises ValueError when the last statement is no such call (or the source is not Python).
    """
    try:
        body = ast.parse(source).body
    except SyntaxError as exc:
        raise ValueError(f"a check cell must be Python; line {exc.lineno}: {exc.msg}") from None
    last = body[-1] if body else None
    calls = [node for node in ast.walk(last.value) if isinstance(node, ast.Call)] if isinstance(last, ast.Expr) else []
    for node in calls:
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
        if name.startswith("check_") and node.args:
            lines = source.splitlines(keepends=True)
            return CheckCall(checker=name, argument=ast.get_source_segment(source, node.args[0]),
                             call=ast.get_source_segment(source, node), before="".join(lines[: last.lineno - 1]))
    raise ValueError(f"a check cell must end with a checker call such as check_bp1(my_function); got {source!r}")
