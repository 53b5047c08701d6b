"""``python -m styrdok``: the same command line as ``styrdok`` and ``python build.py``."""

import sys

from .cli import main

sys.exit(main())
