"""ADIv5 Debug Port and Access Ports over a `DapAccess` transport.

`DebugPort` powers the debug domain up, clears sticky errors, reads DPIDR and finds
access ports; `AccessPort` reads and writes one AP's registers. MEM-APs are in
`ocdpy.arm.memap`. Which bank SELECT must point at is the transport's business (the
ST-Link's DAP commands take the AP number and register address directly).
"""

from __future__ import annotations

import time

from ocdpy import log
from ocdpy.adapter.base import DapAccess
from ocdpy.errors import TargetConnectionError, TargetError

DP_ABORT = 0x0
DP_DPIDR = 0x0
DP_CTRL_STAT = 0x4
DP_SELECT = 0x8
DP_RDBUFF = 0xC
ABORT_CLEAR = 0x1E  # STKCMPCLR | STKERRCLR | WDERRCLR | ORUNERRCLR
CSYSPWRUPREQ, CSYSPWRUPACK = 1 << 30, 1 << 31
CDBGPWRUPREQ, CDBGPWRUPACK = 1 << 28, 1 << 29
STICKYERR = 1 << 5
POWERUP_TIMEOUT_S = 0.5

AP_CSW, AP_TAR, AP_DRW = 0x00, 0x04, 0x0C
AP_CFG, AP_BASE, AP_IDR = 0xF4, 0xF8, 0xFC
AP_CLASS_MEM = 0x8
AP_TYPES = {0x0: "JTAG-AP", 0x1: "AHB3-AP", 0x2: "APB2/3-AP", 0x4: "AXI3/4-AP", 0x5: "AHB5-AP",
            0x6: "APB4/5-AP", 0x7: "AXI5-AP", 0x8: "AHB5-AP with HPROT"}
AHB_TYPES = (0x1, 0x5, 0x8)


def describe_dpidr(dpidr: int) -> str:
    version = (dpidr >> 12) & 0xF
    partno = (dpidr >> 20) & 0xFF
    designer = (dpidr >> 1) & 0x7FF
    return f"DPIDR {dpidr:#010x}: DPv{version}, designer {designer:#05x}, part {partno:#04x}"


class AccessPort:
    """One access port, addressed by its APSEL number."""

    def __init__(self, dp: DebugPort, num: int) -> None:
        self.dp = dp
        self.num = num
        self.idr: int | None = None

    def read(self, reg: int) -> int:
        return self.dp.transport.ap_read(self.num, reg)

    def write(self, reg: int, value: int) -> None:
        self.dp.transport.ap_write(self.num, reg, value)

    def read_idr(self) -> int:
        if self.idr is None:
            self.idr = self.dp.transport.ap_read(self.num, AP_IDR)
        return self.idr

    @property
    def is_mem_ap(self) -> bool:
        idr = self.read_idr()
        return idr != 0 and (idr >> 13) & 0xF == AP_CLASS_MEM

    @property
    def type_name(self) -> str:
        return AP_TYPES.get(self.read_idr() & 0xF, "unknown AP")


class DebugPort:
    """The SW-DP (or JTAG-DP) behind a DAP-level probe."""

    def __init__(self, transport: DapAccess) -> None:
        self.transport = transport
        self.dpidr: int | None = None
        self._aps: dict[int, AccessPort] = {}

    def connect(self) -> int:
        """Connect (the probe's line reset), power the debug domain up, clear errors."""
        self.dpidr = self.transport.connect()
        log.debug(describe_dpidr(self.dpidr))
        self.power_up()
        return self.dpidr

    def read_dp(self, reg: int) -> int:
        return self.transport.dp_read(reg)

    def write_dp(self, reg: int, value: int) -> None:
        self.transport.dp_write(reg, value)

    def clear_sticky_errors(self) -> None:
        self.transport.dp_write(DP_ABORT, ABORT_CLEAR)

    def power_up(self) -> None:
        acks = CSYSPWRUPACK | CDBGPWRUPACK
        ctrl = self.read_dp(DP_CTRL_STAT)
        if ctrl & STICKYERR:
            self.clear_sticky_errors()
        if ctrl & acks == acks:
            return
        self.write_dp(DP_CTRL_STAT, CSYSPWRUPREQ | CDBGPWRUPREQ)
        deadline = time.monotonic() + POWERUP_TIMEOUT_S
        while True:
            ctrl = self.read_dp(DP_CTRL_STAT)
            if ctrl & acks == acks:
                return
            if time.monotonic() > deadline:
                raise TargetConnectionError(
                    f"the debug domain did not power up (CTRL/STAT {ctrl:#010x}): the target may be "
                    "in a deep low-power mode; connect under reset (`reset_config srst_only "
                    "connect_assert_srst`)")

    def ap(self, num: int) -> AccessPort:
        if not 0 <= num <= 255:
            raise TargetError(f"access port {num} does not exist (AP numbers are 0-255)")
        if num not in self._aps:
            self._aps[num] = AccessPort(self, num)
        return self._aps[num]

    def find_mem_ap(self, max_aps: int = 8) -> AccessPort:
        """The first AHB MEM-AP, the way OpenOCD looks for the one that reaches a core."""
        for num in range(max_aps):
            ap = self.ap(num)
            idr = ap.read_idr()
            if idr == 0:
                break  # APs are numbered from 0 without gaps
            if ap.is_mem_ap and idr & 0xF in AHB_TYPES:
                return ap
        raise TargetError("Could not find MEM-AP to control the core: give the target's access port "
                          "with `-ap-num N` (`dap info` lists them)")
