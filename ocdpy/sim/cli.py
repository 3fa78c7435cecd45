"""The `ocdpy-sim` command line. Filled in by the virtual hardware work."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    sys.stderr.write("Error: ocdpy-sim is not yet available\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
