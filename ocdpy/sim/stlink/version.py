"""ST-Link firmware versions: parsing "V2J37S7"-style names, the bytes GET_VERSION and
GET_VERSION_EX return, and which commands a given firmware release implements.

A version is hardware generation V, then component versions: J (JTAG/SWD), S (SWIM),
M (mass storage/VCP), B (bridge). ST-Link/V2 reports J and S in GET_VERSION, V2-1
reports J and M in the same two fields, STLINK-V3 answers GET_VERSION with zeros
and gives the components in GET_VERSION_EX.

Written apart from ocdpy.adapter.stlink.version on purpose (the sim is the driver's
oracle; see protocol.py).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from ocdpy.errors import ConfigError

_PART = re.compile(r"([VJSMB])(\d+)")


@dataclass(frozen=True)
class FirmwareVersion:
    hw: int
    jtag: int
    swim: int = 0
    msd: int = 0
    bridge: int = 0

    @classmethod
    def parse(cls, text: str) -> FirmwareVersion:
        """Parse "V2J37S7", "V2J37M26", "V3J7M3B5S1" (also lower case, "V2.J37.S7")."""
        cleaned = text.strip().upper().replace(".", "")
        parts = _PART.findall(cleaned)
        if not parts or "".join(p + n for p, n in parts) != cleaned or parts[0][0] != "V":
            raise ConfigError(
                f"bad ST-Link firmware version {text!r}: expected e.g. V2J37S7, V2J37M26 or V3J7M3B5S1"
            )
        fields: dict[str, int] = {}
        for letter, number in parts:
            if letter in fields:
                raise ConfigError(f"bad ST-Link firmware version {text!r}: {letter} given twice")
            fields[letter] = int(number)
        version = cls(
            hw=fields["V"],
            jtag=fields.get("J", 0),
            swim=fields.get("S", 0),
            msd=fields.get("M", 0),
            bridge=fields.get("B", 0),
        )
        if version.hw not in (2, 3):
            raise ConfigError(f"bad ST-Link firmware version {text!r}: only V2 and V3 probes are modeled")
        if version.hw == 2 and max(version.jtag, version.swim, version.msd) > 63:
            raise ConfigError(f"bad ST-Link firmware version {text!r}: V2 fields are at most 63")
        if version.hw == 2 and version.swim and version.msd:
            raise ConfigError(
                f"bad ST-Link firmware version {text!r}: a V2 probe reports either S (ST-Link/V2) "
                "or M (ST-Link/V2-1), not both"
            )
        if max(version.jtag, version.swim, version.msd, version.bridge) > 255:
            raise ConfigError(f"bad ST-Link firmware version {text!r}: fields are at most 255")
        return version

    def __str__(self) -> str:
        # The order OpenOCD prints: V J M B S, with J/S shown even when zero unless M is set.
        text = f"V{self.hw}"
        if self.jtag or not self.msd:
            text += f"J{self.jtag}"
        if self.msd:
            text += f"M{self.msd}"
        if self.bridge:
            text += f"B{self.bridge}"
        if self.swim or not self.msd:
            text += f"S{self.swim}"
        return text

    # -- wire encodings -------------------------------------------------------------

    def get_version_reply(self, vid: int, pid: int) -> bytes:
        """The 6 bytes of GET_VERSION: big-endian V:4 X:6 Y:6, then VID and PID little-endian."""
        if self.hw >= 3:
            word = self.hw << 12  # V3 leaves X and Y zero: the host must ask GET_VERSION_EX
        else:
            y = self.msd if self.msd else self.swim
            word = (self.hw << 12) | (self.jtag << 6) | y
        return struct.pack(">H", word) + struct.pack("<HH", vid, pid)

    def get_version_ex_reply(self, vid: int, pid: int) -> bytes:
        """The 12 bytes of GET_VERSION_EX (STLINK-V3)."""
        return bytes([self.hw, self.swim, self.jtag, self.msd, self.bridge, 0, 0, 0]) + struct.pack(
            "<HH", vid, pid
        )

    # -- what this release implements (release notes, as drivers key on them) --------

    def _at_least(self, v2_jtag: int, v3_jtag: int = 0) -> bool:
        if self.hw >= 3:
            return self.jtag >= v3_jtag
        return self.jtag >= v2_jtag

    @property
    def has_trace(self) -> bool:
        """SWO trace and target voltage: V2J13, all V3."""
        return self._at_least(13)

    has_target_voltage = has_trace

    @property
    def has_getlastrwstatus2(self) -> bool:
        return self._at_least(15)

    @property
    def has_swd_set_freq(self) -> bool:
        return self.hw == 2 and self.jtag >= 22

    @property
    def has_jtag_set_freq(self) -> bool:
        return self.hw == 2 and self.jtag >= 24

    @property
    def has_dap_reg(self) -> bool:
        return self._at_least(24)

    @property
    def has_mem_16bit(self) -> bool:
        """16-bit memory access and 32-bit write without address increment: V2J26."""
        return self._at_least(26)

    @property
    def has_ap_init(self) -> bool:
        return self._at_least(28)

    @property
    def has_dpbanksel(self) -> bool:
        """Banked DP registers, CSW in memory commands, RW_MISC, read without increment."""
        return self._at_least(32, 2)

    @property
    def has_rw8_512(self) -> bool:
        return self.hw >= 3 and self.jtag >= 6

    @property
    def has_com_freq(self) -> bool:
        return self.hw >= 3

    @property
    def rw8_max(self) -> int:
        return 512 if self.has_rw8_512 else 64
