"""`python -m ocdpy.tcl FILE` runs a script like `jimsh FILE`; `--check FILE...` parses only."""

from __future__ import annotations

import sys

from ocdpy.tcl.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
