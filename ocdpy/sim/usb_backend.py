"""A pyusb backend that presents virtual ST-Links as USB devices.

    backend = SimUsbBackend([SimStlink(chip)])
    dev = usb.core.find(idVendor=0x0483, backend=backend)
    dev.write(0x02, bytes([0xF1]) + bytes(15)); dev.read(0x81, 6)

Descriptors come from the probe kind (device, configuration with every interface and
endpoint, strings with the serial); GET_DESCRIPTOR control requests return the same
bytes. Bulk transfers on the debug endpoints reach the probe firmware; failures are
raised as pyusb raises libusb's (`USBError` / `USBTimeoutError` with libusb's text,
code and errno). Interface claims are exclusive across handles ("Resource busy"),
as the OS makes them. Nothing here sleeps: a read with no reply pending times out at
once instead of after `timeout` ms.
"""

from __future__ import annotations

import array
import itertools
import struct
import threading
from collections.abc import Callable, Iterator, Sequence
from types import SimpleNamespace

import usb.backend
import usb.core

from ocdpy.sim.stlink import SimStlink, SimUsbError
from ocdpy.sim.stlink.descriptors import DT_CONFIG, DT_ENDPOINT, DT_INTERFACE
from ocdpy.sim.stlink.usberror import (
    LIBUSB_ERROR_BUSY,
    LIBUSB_ERROR_NO_DEVICE,
    LIBUSB_ERROR_PIPE,
    LIBUSB_ERROR_TIMEOUT,
)

LIBUSB_SPEED_FULL, LIBUSB_SPEED_HIGH = 2, 3
_addresses = itertools.count(5)


def usb_error(exc: SimUsbError) -> usb.core.USBError:
    cls = usb.core.USBTimeoutError if exc.code == LIBUSB_ERROR_TIMEOUT else usb.core.USBError
    return cls(exc.text, exc.code, exc.errno)


def _parse_config(raw: bytes) -> SimpleNamespace:
    """The configuration descriptor parsed the way libusb presents it to pyusb."""
    (blen, dtype, total, nintf, value, iconf, attrs, power) = struct.unpack_from("<BBHBBBBB", raw)
    config = SimpleNamespace(
        bLength=blen, bDescriptorType=dtype, wTotalLength=total, bNumInterfaces=nintf,
        bConfigurationValue=value, iConfiguration=iconf, bmAttributes=attrs, bMaxPower=power,
        extra_descriptors=[], interfaces=[],
    )
    current = config  # unknown descriptors attach to the last element parsed, as in libusb
    pos = blen
    while pos < len(raw):
        length, kind = raw[pos], raw[pos + 1]
        chunk = raw[pos : pos + length]
        if kind == DT_INTERFACE:
            f = struct.unpack_from("<BBBBBBBBB", chunk)
            current = SimpleNamespace(
                bLength=f[0], bDescriptorType=f[1], bInterfaceNumber=f[2], bAlternateSetting=f[3],
                bNumEndpoints=f[4], bInterfaceClass=f[5], bInterfaceSubClass=f[6],
                bInterfaceProtocol=f[7], iInterface=f[8], extra_descriptors=[], endpoints=[],
            )
            config.interfaces.append(current)
        elif kind == DT_ENDPOINT:
            f = struct.unpack_from("<BBBBHB", chunk)
            current = SimpleNamespace(
                bLength=f[0], bDescriptorType=f[1], bEndpointAddress=f[2], bmAttributes=f[3],
                wMaxPacketSize=f[4], bInterval=f[5], bRefresh=0, bSynchAddress=0, extra_descriptors=[],
            )
            config.interfaces[-1].endpoints.append(current)
        else:
            current.extra_descriptors.extend(chunk)
        pos += length
    return config


class _SimDevice:
    """The backend's device id: one virtual probe on the virtual bus."""

    def __init__(self, probe: SimStlink) -> None:
        self.probe = probe
        self.bus = 1
        self.address = next(_addresses)
        self.config = _parse_config(probe.descriptors.config_descriptor())
        self.claims: dict[int, _SimHandle] = {}
        self.handles: set[_SimHandle] = set()


class _SimHandle:
    def __init__(self, dev: _SimDevice) -> None:
        self.dev = dev
        self.open = True


class SimTimebase:
    """A virtual chip's modeled clock as the adapter layer's Timebase (now()/wait()):
    time there passes only as the virtual hardware is driven, so a wait lets the chip
    run that long instead of sleeping on the host."""

    def __init__(self, chip: object) -> None:
        self.chip = chip

    def now(self) -> float:
        return float(self.chip.stats.clock.now)  # type: ignore[attr-defined]

    def wait(self, seconds: float) -> None:
        self.chip.advance(max(seconds, 0.0))  # type: ignore[attr-defined]


class SimUsbBackend(usb.backend.IBackend):
    """pyusb backend over a list of virtual probes. `on_close` runs when the last open
    handle of a device is closed (and again from `close()`), e.g. to save chip state.

    `timebase` is the modeled clock of the chip behind the probes (what
    ocdpy.adapter.stlink.usb.modeled_time looks for first); None when the probes drive
    different chips, whose clocks the adapter then finds per device."""

    def __init__(self, probes: Sequence[SimStlink], on_close: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.devices = [_SimDevice(p) for p in probes]
        self.on_close = on_close
        self._lock = threading.Lock()
        chips = {id(d.probe.target): d.probe.target for d in self.devices}
        self.timebase: SimTimebase | None = None
        if len(chips) == 1:
            chip = next(iter(chips.values()))
            if hasattr(chip, "advance") and hasattr(getattr(chip, "stats", None), "clock"):
                self.timebase = SimTimebase(chip)

    # -- enumeration and descriptors --------------------------------------------------

    def enumerate_devices(self) -> Iterator[_SimDevice]:
        return iter([d for d in self.devices if d.probe.present])

    def get_parent(self, dev: _SimDevice) -> None:
        return None

    def get_device_descriptor(self, dev: _SimDevice) -> SimpleNamespace:
        f = struct.unpack("<BBHBBBBHHHBBBB", dev.probe.descriptors.device_descriptor())
        names = ("bLength", "bDescriptorType", "bcdUSB", "bDeviceClass", "bDeviceSubClass",
                 "bDeviceProtocol", "bMaxPacketSize0", "idVendor", "idProduct", "bcdDevice",
                 "iManufacturer", "iProduct", "iSerialNumber", "bNumConfigurations")
        desc = SimpleNamespace(**dict(zip(names, f, strict=True)))
        desc.bus, desc.address = dev.bus, dev.address
        desc.port_number, desc.port_numbers = 1, (1,)
        desc.speed = LIBUSB_SPEED_HIGH if dev.probe.kind.high_speed else LIBUSB_SPEED_FULL
        return desc

    def get_configuration_descriptor(self, dev: _SimDevice, config: int) -> SimpleNamespace:
        if config != 0:
            raise usb_error(SimUsbError(-5))  # LIBUSB_ERROR_NOT_FOUND
        return dev.config

    def get_interface_descriptor(self, dev: _SimDevice, intf: int, alt: int, config: int) -> SimpleNamespace:
        cfg = self.get_configuration_descriptor(dev, config)
        if intf >= cfg.bNumInterfaces:
            raise IndexError("Invalid interface index " + str(intf))
        if alt != 0:
            raise IndexError("Invalid alternate setting index " + str(alt))
        return cfg.interfaces[intf]

    def get_endpoint_descriptor(self, dev: _SimDevice, ep: int, intf: int, alt: int, config: int) -> SimpleNamespace:
        interface = self.get_interface_descriptor(dev, intf, alt, config)
        if ep >= interface.bNumEndpoints:
            raise IndexError("Invalid endpoint index " + str(ep))
        return interface.endpoints[ep]

    # -- handles ----------------------------------------------------------------------

    def open_device(self, dev: _SimDevice) -> _SimHandle:
        if not dev.probe.present:
            raise usb_error(SimUsbError(LIBUSB_ERROR_NO_DEVICE))
        handle = _SimHandle(dev)
        dev.handles.add(handle)
        return handle

    def close_device(self, dev_handle: _SimHandle) -> None:
        dev = dev_handle.dev
        dev_handle.open = False
        dev.handles.discard(dev_handle)
        for intf in [i for i, h in dev.claims.items() if h is dev_handle]:
            del dev.claims[intf]
        if not dev.handles and self.on_close:
            self.on_close()

    def set_configuration(self, dev_handle: _SimHandle, config_value: int) -> None:
        self._check(dev_handle)
        if config_value not in (0, 1):
            raise usb_error(SimUsbError(-5))

    def get_configuration(self, dev_handle: _SimHandle) -> int:
        self._check(dev_handle)
        return 1

    def set_interface_altsetting(self, dev_handle: _SimHandle, intf: int, altsetting: int) -> None:
        self._check(dev_handle)
        if altsetting != 0:
            raise usb_error(SimUsbError(-5))

    def claim_interface(self, dev_handle: _SimHandle, intf: int) -> None:
        self._check(dev_handle)
        with self._lock:
            owner = dev_handle.dev.claims.get(intf)
            if owner is not None and owner is not dev_handle:
                raise usb_error(SimUsbError(LIBUSB_ERROR_BUSY))
            dev_handle.dev.claims[intf] = dev_handle

    def release_interface(self, dev_handle: _SimHandle, intf: int) -> None:
        with self._lock:
            if dev_handle.dev.claims.get(intf) is dev_handle:
                del dev_handle.dev.claims[intf]

    def is_kernel_driver_active(self, dev_handle: _SimHandle, intf: int) -> bool:
        return False

    def detach_kernel_driver(self, dev_handle: _SimHandle, intf: int) -> None:
        pass

    def attach_kernel_driver(self, dev_handle: _SimHandle, intf: int) -> None:
        pass

    def reset_device(self, dev_handle: _SimHandle) -> None:
        self._check(dev_handle)

    def clear_halt(self, dev_handle: _SimHandle, ep: int) -> None:
        self._check(dev_handle)

    def _check(self, dev_handle: _SimHandle) -> None:
        if not dev_handle.dev.probe.present:
            raise usb_error(SimUsbError(LIBUSB_ERROR_NO_DEVICE))

    # -- transfers --------------------------------------------------------------------

    def bulk_write(self, dev_handle: _SimHandle, ep: int, intf: int, data: array.array, timeout: int) -> int:
        try:
            return dev_handle.dev.probe.bulk_out(ep, data.tobytes())
        except SimUsbError as exc:
            raise usb_error(exc) from None

    def bulk_read(self, dev_handle: _SimHandle, ep: int, intf: int, buff: array.array, timeout: int) -> int:
        try:
            data = dev_handle.dev.probe.bulk_in(ep, len(buff) * buff.itemsize)
        except SimUsbError as exc:
            raise usb_error(exc) from None
        raw = memoryview(buff).cast("B")
        raw[: len(data)] = data
        return len(data)

    intr_write = bulk_write
    intr_read = bulk_read

    def ctrl_transfer(self, dev_handle: _SimHandle, bmRequestType: int, bRequest: int, wValue: int,
                      wIndex: int, data: array.array, timeout: int) -> int:
        self._check(dev_handle)
        device_to_host = bool(bmRequestType & 0x80)
        standard = bmRequestType & 0x60 == 0
        answer: bytes | None = None
        if standard and device_to_host:
            if bRequest == 0x06:  # GET_DESCRIPTOR
                answer = dev_handle.dev.probe.descriptors.get_descriptor(wValue >> 8, wValue & 0xFF)
                if answer is not None and wValue >> 8 == DT_CONFIG:
                    answer = answer[: struct.unpack_from("<H", answer, 2)[0]]
            elif bRequest == 0x00:  # GET_STATUS
                answer = b"\0\0"
            elif bRequest == 0x08:  # GET_CONFIGURATION
                answer = b"\x01"
        elif standard and bRequest in (0x09, 0x0B, 0x01, 0x03):  # SET_CONFIGURATION/INTERFACE, features
            return 0
        if answer is None:
            raise usb_error(SimUsbError(LIBUSB_ERROR_PIPE))
        raw = memoryview(data).cast("B")
        n = min(len(raw), len(answer))
        raw[:n] = answer[:n]
        return n

    # -- lifetime ---------------------------------------------------------------------

    def close(self) -> None:
        """Run the close hook (state save) once more, e.g. at interpreter exit."""
        if self.on_close:
            self.on_close()
