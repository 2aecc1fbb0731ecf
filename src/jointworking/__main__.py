"""Run the command line: ``python -m jointworking``."""

from __future__ import annotations

import sys

from jointworking.cli import main

if __name__ == "__main__":
    sys.exit(main())
