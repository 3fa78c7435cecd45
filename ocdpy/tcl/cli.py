"""Command line for the Tcl engine: run a script as jimsh does, or syntax-check files.

Output is written as bytes in the latin-1 model (one char per byte), so non-ASCII text
goes through unchanged, as with jimsh. An uncaught error prints jimsh's report on
stderr and exits 1; `exit N` exits N.
"""

from __future__ import annotations

import io
import sys


def _latin1_stream(stream) -> io.TextIOWrapper:
    return io.TextIOWrapper(stream.buffer, encoding="latin-1", errors="replace",
                            newline="\n", write_through=False)


def check_files(paths: list[str]) -> int:
    from ocdpy.tcl.parser import check

    rc = 0
    for path in paths:
        try:
            with open(path, "rb") as f:
                text = f.read().decode("latin-1")
        except OSError as ex:
            sys.stderr.write(f"Error: couldn't read file \"{path}\": {ex.strerror}\n")
            rc = 1
            continue
        problem = check(text)
        if problem is not None:
            msg, line = problem
            sys.stderr.write(f"{path}:{line}: Error: {msg}\n")
            rc = 1
    return rc


def run_file(path: str, args: list[str]) -> int:
    from ocdpy.tcl import Interp, TclError, TclExit
    from ocdpy.tcl.paths import tcl_string
    from ocdpy.tcl.values import TclList

    # jimsh hands the script its arguments as bytes, not as decoded text
    path = tcl_string(path)
    args = [tcl_string(a) for a in args]

    out = _latin1_stream(sys.stdout)
    err = _latin1_stream(sys.stderr)
    interp = Interp(stdout=out)
    interp.stderr = err
    interp.set_var("argv0", path)
    interp.set_var("argv", TclList(list(args)))
    interp.set_var("argc", len(args))
    rc = 0
    try:
        try:
            interp.source_top(path)
        except TclError as e:
            out.flush()
            err.write(e.format_trace() + "\n")
            rc = 1
        except TclExit as x:
            rc = x.code & 0xFF
        except RecursionError:
            out.flush()
            err.write("Error: Infinite eval recursion\n")
            rc = 1
        except Exception as ex:  # a bug in ocdpy: say so without a traceback
            out.flush()
            err.write(f"Error: internal error in the Tcl engine: {type(ex).__name__}: {ex}\n")
            rc = 1
    finally:
        try:
            out.flush()
            err.flush()
        except (OSError, ValueError):
            pass
    return rc


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        sys.stdout.write("usage: python -m ocdpy.tcl FILE [ARG...]\n"
                         "       python -m ocdpy.tcl --check FILE...\n")
        return 0 if argv else 2
    if argv[0] == "--version":
        sys.stdout.write("0.81\n")
        return 0
    if argv[0] == "--check":
        return check_files(argv[1:])
    return run_file(argv[0], argv[1:])
