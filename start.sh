#!/usr/bin/env bash
# Set up the series (first run only) and open it in JupyterLab.
#   ./start.sh                 # creates .venv, installs requirements.txt, opens notebook 00
#   ./start.sh --no-browser    # any extra arguments go to `jupyter lab`
set -euo pipefail
cd "$(dirname "$0")"

python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {
    echo "bpcore needs Python 3.10 or newer; python3 is $(python3 --version 2>&1)." >&2
    exit 1
}
if [ ! -x .venv/bin/jupyter ] || [ requirements.txt -nt .venv/.installed ]; then
    echo "Setting up .venv (first run: about two minutes)..."
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
    touch .venv/.installed
fi
exec .venv/bin/jupyter lab notebooks/00_start_here.ipynb "$@"
