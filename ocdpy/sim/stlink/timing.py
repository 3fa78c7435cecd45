"""What a probe command costs in modeled time.

cost = USB round trip of the probe's bus + bytes moved at the bus's payload rate
       + firmware overhead + SWD transfers x clocks per transfer / SWD clock.

An SWD transfer is 8 request bits, 1 turnaround, 3 ACK bits, 32 data bits, 1 parity
bit and a turnaround (46 clocks, ADIv5 section 4.2), and the ST-Link firmware idles
the line for 2 more; 48 clocks per transfer. The per-bus figures live in kinds.py.
"""

from __future__ import annotations

from .kinds import ProbeKind

SWD_CLOCKS_PER_TRANSFER = 48
SWD_LINE_RESET_TRANSFERS = 2  # >=50 clocks high + JTAG-to-SWD sequence + line reset again
NRST_PULSE_S = 1e-3  # DRIVE_NRST pulse width


def command_cost(kind: ProbeKind, bytes_moved: int, swd_transfers: int, swd_khz: float) -> float:
    """Modeled seconds for one command that moved `bytes_moved` USB bytes (both ways)."""
    seconds = kind.round_trip_s + kind.fw_overhead_s + bytes_moved / kind.bytes_per_s
    if swd_transfers and swd_khz > 0:
        seconds += swd_transfers * SWD_CLOCKS_PER_TRANSFER / (swd_khz * 1000.0)
    return seconds
