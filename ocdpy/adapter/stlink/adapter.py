"""The ST-Link as a session's `Adapter`: the connect sequence, the SWD clock, target
voltage, NRST, and the access it offers (`hla` for `hla_swd`, `dap` for
`dapdirect_swd`).

Connect sequence (OpenOCD 0.12's, minus its redundant mode queries): read the firmware
version, leave DFU/mass-storage/debug mode, read the target voltage, set the SWD clock,
hold NRST for connect-under-reset, enter SWD, then release NRST (hla) or keep it held.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.adapter.base import (
    WALL_CLOCK,
    Adapter,
    AdapterSettings,
    DapAccess,
    HlaAccess,
    ResetConfig,
    Timebase,
)
from ocdpy.errors import ConfigError, OcdError, ProbeError, TargetConnectionError

from . import consts as C
from .protocol import NRST_HINT, SWD_PINS_HINT, Stlink, status_error
from .speed import V2_SWD_SPEEDS, match_speed, unmatched_message
from .transport import StlinkTransport
from .version import DAP_DIRECT_MIN_V2_JTAG

LOW_VOLTAGE = 1.5  # below the 1.65 V every STM32 needs, with margin for the probe's ADC
CTRL_STAT, SELECT = 0x4, 0x8
CORUNDETECT = 1


class StlinkDap(DapAccess):
    """DP/AP register access through the ST-Link's DAP commands (`adapter driver st-link`)."""

    def __init__(self, stlink: Stlink) -> None:
        self.stlink = stlink

    def connect(self) -> int:
        log.info("stlink_dap_op_connect(connect)")
        dpidr = self.stlink.read_idcode()
        log.info(f"SWD DPIDR {dpidr:#010x}")
        return dpidr

    def _dp_reg(self, reg: int) -> int:
        if reg & 0xF0 and not self.stlink.has("dpbanksel"):
            raise ProbeError(f"Banked DP registers not supported in current STLink FW "
                             f"({self.stlink.version}): update the probe to V2J32 or V3J2")
        return reg

    def dp_read(self, reg: int) -> int:
        return self.stlink.read_dap_reg(C.DP_PORT, self._dp_reg(reg))

    def dp_write(self, reg: int, value: int) -> None:
        if reg == SELECT:
            value &= ~0xF  # the probe banks DP registers itself
        elif reg == CTRL_STAT:
            value &= ~CORUNDETECT  # the probe does not support overrun detection
        self.stlink.write_dap_reg(C.DP_PORT, self._dp_reg(reg), value)

    def ap_read(self, ap: int, reg: int) -> int:
        if reg != 0xFC:  # the IDR can be read before the AP is opened (AP scans)
            self.stlink.init_ap(ap)
        return self.stlink.read_dap_reg(ap, reg)

    def ap_write(self, ap: int, reg: int, value: int) -> None:
        self.stlink.init_ap(ap)
        self.stlink.write_dap_reg(ap, reg, value)

    def mem_fast_path(self, ap: int) -> bool:
        return ap == 0 or self.stlink.has("csw")

    # On AP 0 the probe's own CSW is the MEM-AP's default one; passing none lets single
    # words go through the one-round-trip debug-register commands.
    def mem_read(self, ap: int, address: int, size: int, width: int, csw: int, tar_block: int) -> bytes:
        self.stlink.init_ap(ap)
        return self.stlink.read_memory(address, size, width, ap, csw if ap else 0, tar_block)

    def mem_write(self, ap: int, address: int, data: bytes, width: int, csw: int, tar_block: int) -> None:
        self.stlink.init_ap(ap)
        self.stlink.write_memory(address, data, width, ap, csw if ap else 0, tar_block)


class StlinkAdapter(Adapter):
    """An ST-Link probe (V2, V2-1, V3) on USB or behind an ST-LINK server."""

    def __init__(self, transport: StlinkTransport, driver: str = "hla", transport_name: str | None = None,
                 speed_khz: int | None = None, reset: ResetConfig | None = None) -> None:
        self.driver = driver
        self.transport = transport_name or ("hla_swd" if driver == "hla" else "dapdirect_swd")
        self.link = transport
        self.stlink = Stlink(transport)
        self.stlink.link_hint = self._link_hint
        self.requested_khz = speed_khz
        self.reset_config = reset or ResetConfig()
        self.voltage: float | None = None
        self._speed_khz = 0
        self._v3_speeds: list[int] | None = None
        self._srst = False
        self._in_debug = False
        self._dap: StlinkDap | None = None

    @classmethod
    def from_settings(cls, settings: AdapterSettings) -> StlinkAdapter:
        if settings.backend == "tcp":
            from .tcp import StlinkTcp

            link: StlinkTransport = StlinkTcp(settings.vid_pids, settings.serial, settings.tcp_port)
        else:
            from .usb import StlinkUsb

            link = StlinkUsb(settings.vid_pids, settings.serial, settings.usb_backend)
        return cls(link, settings.driver, settings.transport, settings.speed_khz, settings.reset)

    # -- open / close --------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.link.is_open and self._in_debug

    @property
    def disconnected(self) -> str | None:
        return self.link.lost

    @property
    def timebase(self) -> Timebase:
        return self.link.timebase or WALL_CLOCK  # type: ignore[return-value]

    @property
    def version(self):  # -> StlinkVersion | None
        return self.stlink.version

    def open(self) -> None:
        if "jtag" in self.transport:
            raise ConfigError(f"transport {self.transport} is not supported by ocdpy's ST-Link driver: "
                              "use SWD (`transport select hla_swd` or `dapdirect_swd`)")
        if self.link.is_open:
            return
        self.link.open()
        try:
            self._connect()
        except BaseException:
            self.close()
            raise

    def _connect(self) -> None:
        st = self.stlink
        version = st.read_version()
        log.info(version.describe())
        if version.stlink < 2:
            raise ProbeError(f"ST-LINK/V1 ({version}) is not supported by ocdpy: use an ST-LINK/V2 or later")
        if self.driver != "hla" and not version.has("dap_reg"):
            raise ProbeError(f"ST-Link version does not support DAP direct transport: firmware {version} "
                             f"is older than V2J{DAP_DIRECT_MIN_V2_JTAG}; update the probe firmware "
                             "(STSW-LINK007) or use interface/stlink.cfg (adapter driver hla)")
        advice = version.upgrade_advice()
        if advice:
            log.warning(advice)
        st.leave_mode(st.current_mode())
        self.voltage = st.target_voltage()
        if self.voltage is not None:
            log.info(f"Target voltage: {self.voltage:f}")
        if self.requested_khz is not None:
            self._apply_speed(self.requested_khz)
        under_reset = self.reset_config.connect_assert_srst
        if under_reset:
            try:  # the probe may not know its NRST pin before the mode is entered
                st.drive_nrst(True)
            except ProbeError:
                pass
        status = st.enter_swd()
        if status in C.WAIT_STATUSES:
            status = st.enter_swd()
        if status != C.OK:
            if status in C.LINK_STATUSES or status in C.WAIT_STATUSES:
                raise self._connect_error(status, under_reset)
            raise status_error(status, "SWD connect")
        self._in_debug = True
        if self.voltage is not None and self.voltage < LOW_VOLTAGE:
            log.error("target voltage may be too low for reliable debugging")
        if under_reset:
            st.drive_nrst(True)
            self._srst = True
        elif self.driver == "hla":
            st.drive_nrst(False)  # release NRST a previous session may have left low
        if self.driver == "hla":
            st.init_ap(0)
        else:
            self._dap = StlinkDap(st)

    def _link_hint(self) -> str:
        return NRST_HINT if self.reset_config.has_srst else SWD_PINS_HINT

    def _connect_error(self, status: int, under_reset: bool, reconnecting: bool = False) -> TargetConnectionError:
        reason = f"{C.STATUS_TEXT.get(status, 'error')}, ST-Link status {status:#04x}"
        volts = self.voltage
        if volts is not None and volts < LOW_VOLTAGE:
            return TargetConnectionError(
                f"cannot connect to the target: the target voltage is {volts:.2f} V, target not "
                "powered? Power the board and wire its supply to the ST-Link's VDD/T_VCC sense pin, "
                "then run again")
        powered = f" though it is powered ({volts:.2f} V)" if volts is not None else ""
        if under_reset:
            return TargetConnectionError(
                f"cannot connect to the target over SWD even with NRST held low ({reason}){powered}: "
                "check the SWDIO, SWCLK, GND and NRST wiring")
        if reconnecting and self.reset_config.has_srst:
            # connect under reset is configured already: the way back is a reset through NRST
            return TargetConnectionError(
                f"cannot connect to the target over SWD ({reason}){powered}: its firmware may have "
                "disabled the SWD pins or entered a low-power mode; `reset halt` regains control "
                "through NRST; otherwise check the SWDIO, SWCLK and GND wiring")
        return TargetConnectionError(
            f"cannot connect to the target over SWD ({reason}){powered}: check the SWDIO, SWCLK "
            f"and GND wiring; {SWD_PINS_HINT}")

    def reconnect(self) -> None:
        """Leave and re-enter SWD mode: the probe redoes the line reset and power-up, as
        after the target lost the link (a reset that disabled SWD for a while)."""
        st = self.stlink
        try:
            st.leave_mode(C.MODE_DEBUG)
        except OcdError:
            pass
        self._in_debug = False
        status = st.enter_swd()
        if status != C.OK:
            raise self._connect_error(status, self._srst, reconnecting=True)
        self._in_debug = True
        if self.driver == "hla":
            st.init_ap(0)

    def close(self) -> None:
        if self.link.is_open and self._in_debug:
            try:
                self.stlink.leave_mode(C.MODE_DEBUG)
            except OcdError:
                pass
        self._in_debug = False
        self._dap = None
        self.link.close()

    # -- clock -----------------------------------------------------------------------------

    def _speeds(self) -> list[int] | None:
        """The clocks this probe offers, fastest first; None if it cannot change it."""
        st = self.stlink
        if st.version is None:
            return None
        if st.has("com_freq"):
            if self._v3_speeds is None:
                self._v3_speeds = st.get_com_freq(jtag=False)
            return self._v3_speeds
        if st.has("swd_set_freq"):
            return [khz for khz, _ in V2_SWD_SPEEDS]
        return None

    def _apply_speed(self, khz: int) -> int:
        speeds = self._speeds()
        if not speeds:  # old firmware: the clock stays at the firmware's default
            self._speed_khz = khz
            return khz
        index, _ = match_speed(speeds, khz)
        chosen = speeds[index]
        if self.stlink.has("com_freq"):
            chosen = self.stlink.set_com_freq(chosen) or chosen
        else:
            self.stlink.swd_set_freq(V2_SWD_SPEEDS[index][1])
        self._speed_khz = chosen
        return chosen

    @property
    def speed_khz(self) -> int:
        return self._speed_khz or (self.requested_khz or 0)

    def query_speed(self, khz: int) -> int:
        if not self.link.is_open:
            return khz  # before init the request is only remembered, as OpenOCD does
        if khz == 0 and self.driver != "hla":
            # OpenOCD's st-link driver has no adaptive clock; its hla driver takes the slowest
            raise ProbeError("RCLK not supported")
        speeds = self._speeds()
        if not speeds:
            return khz
        index, exact = match_speed(speeds, khz)
        if not exact:
            log.info(unmatched_message(khz, speeds[index]))
        return speeds[index]

    def set_speed(self, khz: int) -> int:
        self.requested_khz = khz
        if not self.link.is_open:
            return khz
        return self._apply_speed(khz)

    # -- pins ------------------------------------------------------------------------------

    def target_voltage(self) -> float | None:
        if self.link.is_open:
            self.voltage = self.stlink.target_voltage()
        return self.voltage

    def assert_srst(self) -> None:
        self.stlink.drive_nrst(True)
        self._srst = True

    def deassert_srst(self) -> None:
        self.stlink.drive_nrst(False)
        self._srst = False

    @property
    def srst_asserted(self) -> bool:
        return self._srst

    # -- access ----------------------------------------------------------------------------

    @property
    def hla(self) -> HlaAccess | None:
        return self.stlink if self.driver == "hla" and self._in_debug else None

    @property
    def dap(self) -> DapAccess | None:
        return self._dap

    @property
    def command_count(self) -> int:
        return self.stlink.commands
