"""The Tcl language layer: a Jim Tcl 0.81-compatible interpreter (see docs/tcl.md).

    from ocdpy.tcl import Interp, TclError
    interp = Interp()
    interp.eval("set x [expr {6 * 7}]")
"""

from __future__ import annotations

from ocdpy.tcl.errors import TclError, TclExit
from ocdpy.tcl.interp import Frame, Interp

__all__ = ["Interp", "TclError", "TclExit", "Frame"]
