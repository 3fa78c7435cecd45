"""ST-Link over USB through pyusb: finding the probe, the endpoints of each generation,
timeouts, and turning libusb failures into errors that say what to do.

The pyusb backend is, in order: the one given (tests), the virtual hardware named by
$OCDPY_SIM, or pyusb's default (libusb-1.0).
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from ocdpy import log
from ocdpy.errors import ProbeDisconnectedError, ProbeError

from . import consts as C
from .transport import SERIAL_LEN, UNPLUGGED, StlinkTransport, serial_matches

LIBUSB_ERROR_ACCESS = -3
LIBUSB_ERROR_NO_DEVICE = -4
LIBUSB_ERROR_BUSY = -6
TIMEOUT_MS = 1000  # per transfer; a data phase gets 1 ms more per KiB
UDEV_HINT = "on Linux install the udev rules (contrib/udev) so the probe can be opened without root"


def _usb_text(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    code = getattr(exc, "errno", None)
    return f"{text} [errno {code}]" if code else str(text)


def _is_gone(exc: Exception) -> bool:
    import errno

    return getattr(exc, "backend_error_code", None) == LIBUSB_ERROR_NO_DEVICE or getattr(
        exc, "errno", None
    ) == errno.ENODEV


class _ModeledTime:
    """A virtual chip's clock (ocdpy.sim.port.SimTarget: `stats.clock.now`, `advance`)."""

    def __init__(self, chip: Any) -> None:
        self.chip = chip

    def now(self) -> float:
        return float(self.chip.stats.clock.now)

    def wait(self, seconds: float) -> None:
        self.chip.advance(max(seconds, 0.0))


def modeled_time(backend: Any, dev: Any) -> _ModeledTime | None:
    """The modeled clock of the virtual chip behind `dev` when the pyusb backend is
    ocdpy's virtual USB bus (a backend may also publish a `timebase` of its own); None
    on real USB. Time there passes only as the virtual hardware is driven, so waits
    must advance it and timeouts must be measured in it, not on the host."""
    own = getattr(backend, "timebase", None)
    if own is not None:
        return own
    for device in getattr(backend, "devices", ()):
        if (getattr(device, "bus", None), getattr(device, "address", None)) != (dev.bus, dev.address):
            continue
        chip = getattr(getattr(device, "probe", None), "target", None)
        if hasattr(chip, "advance") and hasattr(getattr(chip, "stats", None), "clock"):
            return _ModeledTime(chip)
    return None


def read_serial(dev: Any) -> str:
    """The probe's serial as tools print it: 24 hex digits for old V2 firmware that
    sends 12 raw bytes (a 26-byte descriptor), else the descriptor's text."""
    index = dev.iSerialNumber
    if not index:
        return ""
    langs = bytes(dev.ctrl_transfer(0x80, 0x06, 0x0300, 0, 255, timeout=TIMEOUT_MS))
    langid = langs[2] | (langs[3] << 8) if len(langs) >= 4 else 0x0409
    raw = bytes(dev.ctrl_transfer(0x80, 0x06, 0x0300 | index, langid, 255, timeout=TIMEOUT_MS))
    if len(raw) < 2 or raw[1] != 0x03:
        return ""
    body = raw[2 : raw[0]]
    if raw[0] == (SERIAL_LEN // 2 + 1) * 2:  # the raw-bytes quirk
        return "".join(f"{b:02X}" for b in body[0::2])
    return body.decode("utf-16-le", errors="replace")


class StlinkUsb(StlinkTransport):
    """An ST-Link on USB. `vid_pids`: candidates in order; `serial`: `adapter serial`."""

    kind = "USB"

    def __init__(self, vid_pids: list[tuple[int, int]] | tuple[tuple[int, int], ...],
                 serial: str | None = None, backend: object | None = None) -> None:
        self.vid_pids = list(vid_pids)
        self.wanted_serial = serial
        self.backend = backend
        self.dev: Any = None
        self.ep_out = C.EP_OUT_V2
        self.ep_trace = C.EP_TRACE_V2
        self._resync = False

    # -- finding -----------------------------------------------------------------------

    def _backend(self) -> object | None:
        if self.backend is not None:
            return self.backend
        if os.environ.get("OCDPY_SIM", "").strip():
            from ocdpy.sim.env import usb_backend_from_env

            return usb_backend_from_env()
        return None

    def _candidates(self) -> list[Any]:
        import usb.core

        wanted = set(self.vid_pids)
        try:
            found = usb.core.find(find_all=True, backend=self._backend(),
                                  custom_match=lambda d: (d.idVendor, d.idProduct) in wanted)
            devices = list(found or [])
        except usb.core.NoBackendError:
            raise ProbeError("cannot use USB: pyusb found no libusb backend; install libusb-1.0 "
                             "(e.g. apt-get install libusb-1.0-0), then run again") from None
        order = {vp: i for i, vp in enumerate(self.vid_pids)}
        return sorted(devices, key=lambda d: order.get((d.idVendor, d.idProduct), 99))

    def _ids(self) -> str:
        return " ".join(f"{v:04x}:{p:04x}" for v, p in self.vid_pids)

    def open(self) -> None:
        import usb.core

        devices = self._candidates()
        if not devices:
            raise ProbeError(f"open failed: no ST-Link found on USB (looked for {self._ids()}); "
                             f"plug the probe in, check the cable, and {UDEV_HINT}")
        seen: list[str] = []
        denied = 0
        for dev in devices:
            try:
                serial = read_serial(dev)
            except usb.core.USBError as exc:
                if getattr(exc, "backend_error_code", None) == LIBUSB_ERROR_ACCESS:
                    denied += 1
                log.debug(f"ST-Link {dev.idVendor:04x}:{dev.idProduct:04x}: serial unreadable ({exc})")
                serial = ""
            if self.wanted_serial and not serial_matches(self.wanted_serial, serial):
                seen.append(serial or "?")
                continue
            self._claim(dev, serial)
            return
        if denied and not seen:
            raise ProbeError(f"open failed: permission denied opening the ST-Link; {UDEV_HINT}")
        raise ProbeError(f"open failed: no ST-Link with serial {self.wanted_serial!r} "
                         f"(found: {', '.join(seen)}); check `adapter serial`")

    def _claim(self, dev: Any, serial: str) -> None:
        import usb.core
        import usb.util

        pid = dev.idProduct
        if pid == C.PID_V1:
            raise ProbeError("ST-LINK/V1 (0483:3744) is not supported by ocdpy: use an ST-LINK/V2 or later")
        try:
            try:
                active = dev.get_active_configuration()
            except usb.core.USBError:
                active = None
            if active is None or active.bConfigurationValue != 1:
                dev.set_configuration(1)
            usb.util.claim_interface(dev, 0)
        except usb.core.USBError as exc:
            code = getattr(exc, "backend_error_code", None)
            usb.util.dispose_resources(dev)
            if code == LIBUSB_ERROR_BUSY:
                raise ProbeError(f"ST-Link {serial} is in use by another program (USB interface busy): "
                                 "close the other debugger, then run again") from None
            if code == LIBUSB_ERROR_ACCESS:
                raise ProbeError(f"open failed: permission denied opening the ST-Link; {UDEV_HINT}") from None
            raise ProbeError(f"open failed: cannot claim the ST-Link's debug interface "
                             f"(USB error: {_usb_text(exc)}); replug the probe, then run again") from None
        self.dev = dev
        self.vid, self.pid, self.serial = dev.idVendor, pid, serial
        self.timebase = modeled_time(self._backend(), dev)
        if pid in C.V2_1_PIDS or pid in C.V3_PIDS:
            self.ep_out, self.ep_trace = C.EP_OUT_V2_1, C.EP_TRACE_V2_1
        else:
            self.ep_out, self.ep_trace = C.EP_OUT_V2, C.EP_TRACE_V2
        self._resync = False
        log.debug(f"ST-Link {self.vid:04x}:{pid:04x} serial {serial} opened on USB")

    def close(self) -> None:
        if self.dev is None:
            return
        import usb.util

        # a vanished probe cannot be released: closing must still succeed
        with contextlib.suppress(Exception):
            usb.util.release_interface(self.dev, 0)
        with contextlib.suppress(Exception):
            usb.util.dispose_resources(self.dev)
        self.dev = None

    @property
    def is_open(self) -> bool:
        return self.dev is not None

    # -- transfers ---------------------------------------------------------------------

    def _drain(self) -> None:
        """Read away replies a failed command left queued, so the next reply is ours."""
        import usb.core

        self._resync = False
        for _ in range(4):
            try:
                self.dev.read(C.EP_IN, C.DATA_SIZE, timeout=10)
            except usb.core.USBError:
                return

    def xfer(self, block: bytes, data_out: bytes = b"", read_size: int = 0) -> bytes:
        import usb.core

        if self.dev is None:
            raise self.closed_error()
        if self._resync:
            self._drain()
        phase = "command"
        try:
            self.dev.write(self.ep_out, block, timeout=TIMEOUT_MS)
            if data_out:
                phase = "data"
                self.dev.write(self.ep_out, data_out, timeout=TIMEOUT_MS + len(data_out) // 1024)
            if not read_size:
                return b""
            phase = "reply"
            reply = bytes(self.dev.read(C.EP_IN, read_size, timeout=TIMEOUT_MS + read_size // 1024))
        except usb.core.USBError as exc:
            raise self._failed(exc, block, phase, data_out) from None
        if len(reply) != read_size:
            self._resync = True
            raise ProbeError(f"the ST-Link sent {len(reply)} bytes where {read_size} were expected "
                             f"(command {block[:2].hex()}): replug the probe, then run again")
        return reply

    def _failed(self, exc: Exception, block: bytes, phase: str, data_out: bytes) -> ProbeError:
        """The error for a failed transfer, after putting the probe back in step."""
        import usb.core

        if _is_gone(exc):
            self.close()
            self.lost = UNPLUGGED
            return ProbeDisconnectedError(f"ST-Link disconnected (USB error: {_usb_text(exc)}): "
                                          "check the cable, then run again")
        self._resync = True
        if phase == "data":
            # The probe took the command and now waits for its data: give it the data, or
            # it would take the next command block as data (and write that to the target).
            try:
                self.dev.write(self.ep_out, data_out, timeout=TIMEOUT_MS + len(data_out) // 1024)
            except usb.core.USBError:
                pass
        if isinstance(exc, usb.core.USBTimeoutError):
            return ProbeError(f"the ST-Link did not answer within {TIMEOUT_MS} ms (command "
                              f"{block[:2].hex()}, {phase}): replug the probe, then run again")
        return ProbeError(f"ST-Link USB transfer failed (USB error: {_usb_text(exc)}): check the "
                          "cable and the USB port, then run again")
