"""The `ocdpy` command line (OpenOCD's options). Filled in by the command-layer work."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-v", "--version"):
        from ocdpy import __version__

        print(f"ocdpy {__version__}")
        return 0
    sys.stderr.write("Error: the ocdpy command line is not yet available\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
