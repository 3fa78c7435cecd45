"""The virtual probes as USB devices: identities, descriptors, serials, claims."""

from __future__ import annotations

import errno
from binascii import hexlify

import pytest
import usb.core
import usb.util

from ocdpy.sim.stlink import SimStlink
from ocdpy.sim.usb_backend import SimUsbBackend

from .fake_target import FakeTarget


def _find(kind: str, **kwargs: object) -> usb.core.Device:
    backend = SimUsbBackend([SimStlink(FakeTarget(), kind, **kwargs)])  # type: ignore[arg-type]
    dev = usb.core.find(idVendor=0x0483, backend=backend)
    assert dev is not None
    return dev


@pytest.mark.parametrize(
    "kind,pid,product,out_ep,in_ep,trace_ep,packet",
    [
        ("stlink-v2", 0x3748, "STM32 STLink", 0x02, 0x81, 0x83, 64),
        ("stlink-v2-1", 0x374B, "STM32 STLink", 0x01, 0x81, 0x82, 64),
        ("stlink-v2-1-nomsd", 0x3752, "STM32 STLink", 0x01, 0x81, 0x82, 64),
        ("stlink-v3", 0x374F, "STLINK-V3", 0x01, 0x81, 0x82, 512),
        ("stlink-v3e", 0x374E, "STLINK-V3", 0x01, 0x81, 0x82, 512),
        ("stlink-v3-2vcp", 0x3753, "STLINK-V3", 0x01, 0x81, 0x82, 512),
        ("stlink-v3e-nomsd", 0x3754, "STLINK-V3", 0x01, 0x81, 0x82, 512),
    ],
)
def test_identity_and_debug_endpoints(kind: str, pid: int, product: str, out_ep: int, in_ep: int,
                                      trace_ep: int, packet: int) -> None:
    dev = _find(kind)
    assert (dev.idVendor, dev.idProduct) == (0x0483, pid)
    assert dev.manufacturer == "STMicroelectronics"
    assert dev.product == product
    intf = dev.get_active_configuration()[(0, 0)]
    assert intf.bInterfaceClass == 0xFF
    eps = {e.bEndpointAddress: e for e in intf}
    assert set(eps) == {out_ep, in_ep, trace_ep}
    assert all(e.wMaxPacketSize == packet for e in eps.values())
    assert usb.util.endpoint_direction(eps[out_ep].bEndpointAddress) == usb.util.ENDPOINT_OUT


def test_composite_probes_list_their_other_functions() -> None:
    classes = [i.bInterfaceClass for i in _find("stlink-v2-1").get_active_configuration()]
    assert classes == [0xFF, 0x08, 0x02, 0x0A]  # debug, mass storage, CDC control, CDC data
    classes = [i.bInterfaceClass for i in _find("stlink-v3").get_active_configuration()]
    assert classes == [0xFF, 0x08, 0x02, 0x0A, 0xFF]  # ... and the bridge


def test_v2_serial_is_raw_bytes_like_real_v2() -> None:
    serial = "55FF6E064965535156522187"
    dev = _find("stlink-v2", serial=serial)
    raw = dev.serial_number
    assert len(raw) == 12  # the quirk: 12 raw bytes, not 24 digits
    assert hexlify(raw.encode("utf-16-le")[::2]).decode().upper() == serial  # pyOCD's fix-up
    desc = dev.ctrl_transfer(0x80, 6, 0x0303, 0x0409, 255)
    assert desc[0] == 26 and desc[1] == 3  # OpenOCD recognises the quirk by bLength 26


def test_other_probes_send_the_serial_as_text() -> None:
    assert _find("stlink-v2-1", serial="066dff535254887767221438").serial_number == "066DFF535254887767221438"
    assert _find("stlink-v2", serial_quirk=False).serial_number == "55FF6E064965535156522187"
    desc = _find("stlink-v3").ctrl_transfer(0x80, 6, 0x0303, 0x0409, 255)
    assert desc[0] == 50


def test_device_descriptor_over_control_pipe() -> None:
    dev = _find("stlink-v3")
    raw = bytes(dev.ctrl_transfer(0x80, 6, 0x0100, 0, 18))
    assert raw[:2] == b"\x12\x01" and raw[8:12] == bytes([0x83, 0x04, 0x4F, 0x37])
    cfg = bytes(dev.ctrl_transfer(0x80, 6, 0x0200, 0, 9))
    assert cfg[1] == 2 and cfg[4] == 5  # five interfaces
    with pytest.raises(usb.core.USBError) as info:
        dev.ctrl_transfer(0x80, 6, 0x0600, 0, 10)  # no device qualifier: the device stalls
    assert info.value.errno == errno.EPIPE


def test_interface_claim_is_exclusive() -> None:
    backend = SimUsbBackend([SimStlink(FakeTarget(), "stlink-v2")])
    first = usb.core.find(idVendor=0x0483, backend=backend)
    second = usb.core.find(idVendor=0x0483, backend=backend)
    usb.util.claim_interface(first, 0)
    with pytest.raises(usb.core.USBError) as info:
        usb.util.claim_interface(second, 0)
    assert info.value.errno == errno.EBUSY
    usb.util.dispose_resources(first)
    usb.util.claim_interface(second, 0)


def test_close_hook_runs_when_last_handle_closes() -> None:
    closed = []
    backend = SimUsbBackend([SimStlink(FakeTarget(), "stlink-v2")], on_close=lambda: closed.append(1))
    dev = usb.core.find(idVendor=0x0483, backend=backend)
    dev.write(0x02, bytes([0xF5]).ljust(16, b"\0"))
    dev.read(0x81, 2)
    assert closed == []
    usb.util.dispose_resources(dev)
    assert closed == [1]
