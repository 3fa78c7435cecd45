"""ST-Link firmware version: decoding GET_VERSION(_EX), the features each release
brings (the thresholds OpenOCD 0.12 gates on), and advice for troublesome releases.

GET_VERSION answers V:4 X:6 Y:6 big-endian, then VID and PID. X is the JTAG/SWD
release; Y is SWIM on ST-Link/V2 and mass storage on V2-1 (V2-1 STM8 probes swap
them). STLINK-V3 answers zeros and gives the components in GET_VERSION_EX.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from . import consts as C

# feature -> (minimum V2 JTAG release, minimum V3 JTAG release or None if V2 only)
FEATURES: dict[str, tuple[int, int | None]] = {
    "trace": (13, 0),  # SWO trace and the target voltage command
    "target_voltage": (13, 0),
    "getlastrwstatus2": (15, 0),  # fault address of a failed memory command
    "fpu_reg": (15, 0),  # FPU registers through the register commands
    "swd_set_freq": (22, None),
    "jtag_set_freq": (24, None),
    "dap_reg": (24, 0),  # DP/AP register commands: needed for `adapter driver st-link`
    "mem_16bit": (26, 0),
    "mem_wr_no_inc": (26, 0),
    "ap_init": (28, 0),
    "fix_close_ap": (29, 0),
    "dpbanksel": (32, 2),  # banked DP registers, AP number and CSW in memory commands
    "csw": (32, 2),
    "rw_misc": (32, 2),
    "mem_rd_no_inc": (32, 2),
    "rw8_512": (999, 6),
    "com_freq": (999, 0),
}

# What an HLA session loses below each release, for the upgrade advice.
_HLA_LOSSES = (
    (13, "target voltage"),
    (15, "fault addresses of failed memory accesses"),
    (22, "SWD clock selection (adapter speed is ignored)"),
    (26, "16-bit memory access (done byte by byte)"),
)
RECOMMENDED_V2_JTAG = 26
DAP_DIRECT_MIN_V2_JTAG = 24


@dataclass(frozen=True)
class StlinkVersion:
    stlink: int
    jtag: int
    swim: int = 0
    msd: int = 0
    bridge: int = 0
    vid: int = 0
    pid: int = 0

    @classmethod
    def decode(cls, reply: bytes, reply_ex: bytes | None = None) -> StlinkVersion:
        """From the 6-byte GET_VERSION reply (and the 12-byte GET_VERSION_EX reply)."""
        word = struct.unpack_from(">H", reply, 0)[0]
        vid, pid = struct.unpack_from("<HH", reply, 2)
        v, x, y = (word >> 12) & 0xF, (word >> 6) & 0x3F, word & 0x3F
        if pid in C.V2_1_PIDS and ((x <= 22 and y == 7) or (x >= 25 and 7 <= y <= 12)):
            jtag, swim, msd = 0, y, x  # an STM8 (SWIM-only) V2-1
        elif pid in C.V2_1_PIDS:
            jtag, swim, msd = x, 0, y
        else:
            jtag, swim, msd = x, y, 0
        bridge = 0
        if reply_ex is not None:
            v, swim, jtag, msd, bridge = reply_ex[0], reply_ex[1], reply_ex[2], reply_ex[3], reply_ex[4]
            vid, pid = struct.unpack_from("<HH", reply_ex, 8)
        return cls(v, jtag, swim, msd, bridge, vid, pid)

    @staticmethod
    def needs_version_ex(reply: bytes) -> bool:
        word = struct.unpack_from(">H", reply, 0)[0]
        return (word >> 12) == 3 and (word & 0xFFF) == 0

    @property
    def api(self) -> int:
        """The debug command API: 1 (V1 before J11), 2 (V1 J11+, V2, V2-1), 3 (V3)."""
        if self.stlink >= 3:
            return 3
        if self.stlink == 1 and self.jtag < 11:
            return 1
        return 2

    def has(self, feature: str) -> bool:
        v2_min, v3_min = FEATURES[feature]
        if self.stlink >= 3:
            return v3_min is not None and self.jtag >= v3_min
        if self.stlink == 2:
            return self.jtag >= v2_min
        return False

    @property
    def rw8_max(self) -> int:
        return C.RW8_MAX_V3 if self.has("rw8_512") else C.RW8_MAX

    def __str__(self) -> str:
        # OpenOCD's order: V J M B S, J and S shown unless there is an M part
        text = f"V{self.stlink}"
        if self.jtag or not self.msd:
            text += f"J{self.jtag}"
        if self.msd:
            text += f"M{self.msd}"
        if self.bridge:
            text += f"B{self.bridge}"
        if self.swim or not self.msd:
            text += f"S{self.swim}"
        return text

    def describe(self) -> str:
        """The line OpenOCD logs after reading the version."""
        return f"STLINK {self} (API v{self.api}) VID:PID {self.vid:04X}:{self.pid:04X}"

    def upgrade_advice(self) -> str | None:
        """A warning for firmware known to limit a debug session, or None."""
        if self.stlink != 2 or self.jtag >= RECOMMENDED_V2_JTAG:
            return None
        lost = [what for release, what in _HLA_LOSSES if self.jtag < release]
        return (f"ST-Link firmware {self} is old: no {', no '.join(lost)}. Update the probe to "
                f"V2J{RECOMMENDED_V2_JTAG} or later with ST's ST-LINK firmware upgrade tool "
                "(STSW-LINK007)")
