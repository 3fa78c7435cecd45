"""Talking to a virtual ST-Link the way a driver does: pyusb, raw command blocks."""

from __future__ import annotations

import struct

import usb.core

from ocdpy.sim.stlink import SimStlink
from ocdpy.sim.usb_backend import SimUsbBackend

from .fake_target import FakeTarget


class RawProbe:
    """A pyusb device plus helpers to send 16-byte command blocks and read replies."""

    def __init__(self, kind: str = "stlink-v2", target: FakeTarget | None = None, **kwargs: object) -> None:
        self.target = target or FakeTarget()
        self.probe = SimStlink(self.target, kind, deterministic=True, **kwargs)  # type: ignore[arg-type]
        self.backend = SimUsbBackend([self.probe])
        dev = usb.core.find(idVendor=0x0483, backend=self.backend)
        assert dev is not None
        self.dev = dev
        self.ep_out = self.probe.kind.ep_out
        self.ep_in = self.probe.kind.ep_in

    def cmd(self, block: bytes | list[int], reply: int = 0, data: bytes | None = None) -> bytes:
        self.dev.write(self.ep_out, bytes(block).ljust(16, b"\0"))
        if data:
            self.dev.write(self.ep_out, data)
        if reply:
            return bytes(self.dev.read(self.ep_in, reply))
        return b""

    def dbg(self, sub: int, *args: int | bytes, reply: int = 2, data: bytes | None = None) -> bytes:
        block = bytes([0xF2, sub])
        for a in args:
            block += a if isinstance(a, bytes) else bytes([a])
        return self.cmd(block, reply, data)

    def enter_swd(self) -> bytes:
        mode = self.cmd([0xF5], 2)
        if mode[0] == 0x00:
            self.cmd([0xF3, 0x07])
        return self.dbg(0x30, 0xA3)

    def read_mem(self, sub: int, addr: int, length: int, reply: int | None = None, ap: int = 0) -> bytes:
        return self.dbg(sub, struct.pack("<IHB", addr, length, ap), reply=length if reply is None else reply)

    def write_mem(self, sub: int, addr: int, data: bytes, ap: int = 0) -> None:
        self.dbg(sub, struct.pack("<IHB", addr, len(data), ap), reply=0, data=data)

    def last_status2(self) -> tuple[int, int]:
        r = self.dbg(0x3E, reply=12)
        status, _, fault = struct.unpack_from("<HHI", r)
        return status, fault

    def read_debug(self, addr: int) -> tuple[int, int]:
        r = self.dbg(0x36, struct.pack("<I", addr), reply=8)
        return r[0], struct.unpack_from("<I", r, 4)[0]

    def write_debug(self, addr: int, value: int) -> int:
        return self.dbg(0x35, struct.pack("<II", addr, value))[0]
