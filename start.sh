#!/usr/bin/env bash
# Set up the series (first run only) and open your own copy of it in JupyterLab.
#   ./start.sh                 # creates .venv, installs requirements.txt, opens notebook 00 of my-notebooks/
#   ./start.sh --no-browser    # any extra arguments go to `jupyter lab`
# my-notebooks/ is your copy of notebooks/ (git-ignored): made on the first run and never
# overwritten; notebooks the series gains later are added to it (tools/learner_copy.py).
# As root (a container, many cloud notebooks, a fresh VM) JupyterLab refuses to start
# without --allow-root, so it is passed then, and only then.
set -euo pipefail
cd "$(dirname "$0")"

python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {
    echo "bpcore needs Python 3.10 or newer; python3 is $(python3 --version 2>&1)." >&2
    exit 1
}
python3 -c 'import sys; sys.exit(sys.version_info[:2] > (3, 13))' || \
    echo "Note: the series is tested on Python 3.10 to 3.13; python3 is $(python3 --version 2>&1)."
if [ ! -x .venv/bin/jupyter ] || [ requirements.txt -nt .venv/.installed ]; then
    echo "Setting up .venv (first run: about two minutes)..."
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
    touch .venv/.installed
fi
.venv/bin/python tools/learner_copy.py my-notebooks
as_root=()
if [ "${EUID:-$(id -u)}" -eq 0 ]; then
    echo "Running as root (as in a container): starting JupyterLab with --allow-root."
    as_root=(--allow-root)
fi
exec .venv/bin/jupyter lab my-notebooks/00_start_here.ipynb ${as_root[@]+"${as_root[@]}"} "$@"
