"""The virtual ST-Link: probe firmware that speaks the real ST-Link USB command set to
a virtual target (`ocdpy.sim.port.SimTarget`).

    from ocdpy.sim.stlink import SimStlink
    probe = SimStlink(chip, kind="stlink-v2-1", fw="V2J37M26")

Reach it through `ocdpy.sim.usb_backend.SimUsbBackend` (pyusb) or
`ocdpy.sim.tcp_server.StlinkServer` (the ST-LINK server protocol).
"""

from __future__ import annotations

from .faults import PROBE_FAULT_NAMES, ProbeFaults
from .firmware import SimStlink
from .kinds import PROBE_KINDS, ST_VID, ProbeKind, probe_kind
from .usberror import SimUsbError
from .version import FirmwareVersion

__all__ = [
    "PROBE_FAULT_NAMES",
    "PROBE_KINDS",
    "ST_VID",
    "FirmwareVersion",
    "ProbeFaults",
    "ProbeKind",
    "SimStlink",
    "SimUsbError",
    "probe_kind",
]
