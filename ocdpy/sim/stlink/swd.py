"""The probe's SWD engine: how the ST-Link firmware reaches the target through the
`SimTarget` contract, counts SWD transfers for the timing model, and turns SWD
outcomes into ST-Link status bytes.

Status mapping (what the firmware reports, by where the transfer failed):
  WAIT ack      AP access -> SWD_AP_WAIT (0x10), DP access -> SWD_DP_WAIT (0x14)
  FAULT ack     AP access -> SWD_AP_FAULT (0x11), DP access -> SWD_DP_FAULT (0x15)
  no ack        AP access -> SWD_AP_ERROR (0x12), DP access -> SWD_DP_ERROR (0x16)
  bus fault on a memory access -> SWD_AP_FAULT with the faulting address
A memory fault leaves STICKYERR set in the target's DP; the firmware clears it
(ABORT) so the next command works, as HLA hosts never touch the DP themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocdpy.sim.port import SimBusFault, SimSwdError, SimTarget

from . import protocol as P
from .timing import SWD_LINE_RESET_TRANSFERS

REGRDY_POLLS = 8
POWERUP_POLLS = 8


@dataclass
class Outcome:
    """Result of a firmware-level target operation."""

    status: int = P.OK
    fault_addr: int = 0

    @property
    def ok(self) -> bool:
        return self.status == P.OK


def swd_status(exc: Exception, ap_access: bool) -> int:
    if isinstance(exc, SimBusFault):
        return P.SWD_AP_FAULT
    if isinstance(exc, SimSwdError):
        if exc.ack == SimSwdError.ACK_WAIT:
            return P.SWD_AP_WAIT if ap_access else P.SWD_DP_WAIT
        if exc.ack == SimSwdError.ACK_FAULT:
            return P.SWD_AP_FAULT if ap_access else P.SWD_DP_FAULT
        return P.SWD_AP_ERROR if ap_access else P.SWD_DP_ERROR
    raise exc


class SwdEngine:
    def __init__(self, target: SimTarget) -> None:
        self.target = target
        self.transfers = 0  # SWD transfers since the counter was last taken
        self.dpidr = 0
        self.select = 0  # last SELECT value the host wrote (banked DP reads restore it)

    def take_transfers(self) -> int:
        n, self.transfers = self.transfers, 0
        return n

    # -- connection -------------------------------------------------------------------

    def connect(self) -> int:
        """SWD line reset, DPIDR read, sticky errors cleared, debug power-up; a status."""
        self.transfers += SWD_LINE_RESET_TRANSFERS + 1
        try:
            self.dpidr = self.target.swd_line_reset()
        except SimSwdError:
            return P.GET_IDCODE_ERROR
        try:
            self.transfers += 3
            self.target.dp_write(P.DP_ABORT, P.ABORT_CLEAR_ALL)
            self.target.dp_write(P.DP_SELECT, 0)
            self.select = 0
            self.target.dp_write(P.DP_CTRL_STAT, P.CSYSPWRUPREQ | P.CDBGPWRUPREQ)
            acks = P.CSYSPWRUPACK | P.CDBGPWRUPACK
            for _ in range(POWERUP_POLLS):
                self.transfers += 1
                if self.target.dp_read(P.DP_CTRL_STAT) & acks == acks:
                    return P.OK
        except SimSwdError:
            return P.GET_IDCODE_ERROR
        return P.DBG_POWER_ERROR

    def read_idcode(self) -> tuple[int, int]:
        self.transfers += 1
        try:
            self.dpidr = self.target.dp_read(P.DP_DPIDR)
        except SimSwdError as exc:
            return swd_status(exc, False), 0
        return P.OK, self.dpidr

    # -- memory -----------------------------------------------------------------------

    def _clear_sticky(self) -> None:
        try:
            self.transfers += 1
            self.target.dp_write(P.DP_ABORT, P.ABORT_CLEAR_ALL)
        except SimSwdError:
            pass

    def mem_read(self, ap: int, addr: int, size: int, width: int) -> tuple[bytes, Outcome]:
        """Read `size` bytes; on a fault, the bytes before it and zeros after."""
        self.transfers += 2 + size // width + 1 + size // 1024  # CSW, TAR, data, RDBUFF, TAR reloads
        try:
            return self.target.mem_read(ap, addr, size, width), Outcome()
        except SimBusFault as exc:
            good = max(0, min(size, exc.addr - addr))
            data = b""
            if good:
                try:
                    data = self.target.mem_read(ap, addr, good - good % width, width)
                except (SimBusFault, SimSwdError):
                    data = b""
            self._clear_sticky()
            return data.ljust(size, b"\0"), Outcome(P.SWD_AP_FAULT, exc.addr)
        except SimSwdError as exc:
            if exc.ack == SimSwdError.ACK_FAULT:
                self._clear_sticky()
            return bytes(size), Outcome(swd_status(exc, True), addr)

    def mem_write(self, ap: int, addr: int, data: bytes, width: int) -> Outcome:
        self.transfers += 2 + len(data) // width + len(data) // 1024
        try:
            self.target.mem_write(ap, addr, data, width)
        except SimBusFault as exc:
            self._clear_sticky()
            return Outcome(P.SWD_AP_FAULT, exc.addr)
        except SimSwdError as exc:
            if exc.ack == SimSwdError.ACK_FAULT:
                self._clear_sticky()
            return Outcome(swd_status(exc, True), addr)
        return Outcome()

    def read32(self, addr: int, ap: int = 0) -> tuple[int, Outcome]:
        data, outcome = self.mem_read(ap, addr, 4, 4)
        return int.from_bytes(data, "little"), outcome

    def write32(self, addr: int, value: int, ap: int = 0) -> Outcome:
        return self.mem_write(ap, addr, (value & 0xFFFFFFFF).to_bytes(4, "little"), 4)

    # -- core registers through DCRSR/DCRDR --------------------------------------------

    def _wait_regrdy(self) -> Outcome:
        for _ in range(REGRDY_POLLS):
            dhcsr, outcome = self.read32(P.DHCSR)
            if not outcome.ok:
                return outcome
            if dhcsr & P.S_REGRDY:
                return Outcome()
        return Outcome(P.FAULT)

    def read_core_reg(self, regsel: int) -> tuple[int, Outcome]:
        outcome = self.write32(P.DCRSR, regsel & 0x7F)
        if outcome.ok:
            outcome = self._wait_regrdy()
        if not outcome.ok:
            return 0, outcome
        return self.read32(P.DCRDR)

    def write_core_reg(self, regsel: int, value: int) -> Outcome:
        outcome = self.write32(P.DCRDR, value)
        if outcome.ok:
            outcome = self.write32(P.DCRSR, P.DCRSR_WNR | (regsel & 0x7F))
        if outcome.ok:
            outcome = self._wait_regrdy()
        return outcome

    # -- DAP registers ----------------------------------------------------------------

    def dp_read(self, reg: int, banked: bool) -> tuple[int, int]:
        bank = (reg >> 4) & 0xF
        try:
            if bank and banked:
                self.transfers += 3
                self.target.dp_write(P.DP_SELECT, (self.select & ~0xF) | bank)
                value = self.target.dp_read(reg & 0xC)
                self.target.dp_write(P.DP_SELECT, self.select)
            else:
                self.transfers += 1
                value = self.target.dp_read(reg & 0xC)
        except SimSwdError as exc:
            return swd_status(exc, False), 0
        return P.OK, value

    def dp_write(self, reg: int, value: int, banked: bool) -> int:
        bank = (reg >> 4) & 0xF
        try:
            if bank and banked:
                self.transfers += 3
                self.target.dp_write(P.DP_SELECT, (self.select & ~0xF) | bank)
                self.target.dp_write(reg & 0xC, value)
                self.target.dp_write(P.DP_SELECT, self.select)
            else:
                self.transfers += 1
                self.target.dp_write(reg & 0xC, value)
                if reg & 0xC == P.DP_SELECT:
                    self.select = value
        except SimSwdError as exc:
            return swd_status(exc, False)
        return P.OK

    def ap_read(self, ap: int, reg: int) -> tuple[int, int]:
        self.transfers += 2  # the posted read, then RDBUFF
        try:
            return P.OK, self.target.ap_read(ap, reg)
        except SimSwdError as exc:
            return swd_status(exc, True), 0

    def ap_write(self, ap: int, reg: int, value: int) -> int:
        self.transfers += 1
        try:
            self.target.ap_write(ap, reg, value)
        except SimSwdError as exc:
            return swd_status(exc, True)
        return P.OK
