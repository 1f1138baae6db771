"""``python -m bpcore.handouts``: the ``bpcore-handouts`` command."""

import sys

from .cli import main

sys.exit(main())
