#!/usr/bin/env python3
"""styrdok's command line. Run ``python build.py --help``."""

import sys

from styrdok.cli import main

if __name__ == "__main__":
    sys.exit(main())
