"""ST-Link driver, split in three like pyOCD and probe-rs: transports (`StlinkUsb`,
`StlinkTcp`), the command protocol (`Stlink`), and the session-facing adapter
(`StlinkAdapter`, with `StlinkDap` for `adapter driver st-link`)."""

from __future__ import annotations

from .adapter import StlinkAdapter, StlinkDap
from .protocol import Stlink, status_error
from .transport import StlinkTransport, serial_matches
from .version import StlinkVersion

__all__ = ["Stlink", "StlinkAdapter", "StlinkDap", "StlinkTransport", "StlinkVersion",
           "serial_matches", "status_error"]
