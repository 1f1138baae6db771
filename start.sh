#!/usr/bin/env bash
# Set up the series (first run only) and open your own copy of it in JupyterLab.
#   ./start.sh                 # creates .venv, installs requirements.txt, opens notebook 00 of my-notebooks/
#   ./start.sh --fresh 05      # first a fresh copy of notebook 05 (yours is kept, renamed); may repeat
#   ./start.sh --no-browser    # any other arguments go to `jupyter lab`
#   ./start.sh --ip=0.0.0.0 --no-browser   # in a container, so that the host can reach JupyterLab
# my-notebooks/ is your copy of notebooks/ (git-ignored): made on the first run and never
# overwritten; notebooks the series gains later are added to it (tools/learner_copy.py).
# As root (a container, many cloud notebooks, a fresh VM) JupyterLab refuses to start
# without --allow-root, so it is passed then, and only then.
set -euo pipefail
cd "$(dirname "$0")"
copy_args=() lab_args=()
while [ $# -gt 0 ]; do
    case $1 in
        --fresh)
            [ $# -ge 2 ] || { echo "start.sh: --fresh needs a notebook number, e.g. --fresh 05" >&2; exit 2; }
            copy_args+=(--fresh "$2"); shift 2 ;;
        --fresh=*) copy_args+=(--fresh "${1#--fresh=}"); shift ;;
        *) lab_args+=("$1"); shift ;;
    esac
done

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
.venv/bin/python tools/learner_copy.py my-notebooks ${copy_args[@]+"${copy_args[@]}"}
as_root=()
if [ "${EUID:-$(id -u)}" -eq 0 ]; then
    echo "Running as root (as in a container): starting JupyterLab with --allow-root."
    as_root=(--allow-root)
fi
exec .venv/bin/jupyter lab my-notebooks/00_start_here.ipynb ${as_root[@]+"${as_root[@]}"} \
    ${lab_args[@]+"${lab_args[@]}"}
