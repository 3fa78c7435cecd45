"""A small GDB remote protocol client for tests: send packets, read replies."""

from __future__ import annotations

import socket
import time


class RspClient:
    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.timeout = timeout
        self.buf = b""
        self.noack = False
        self.output: list[bytes] = []  # O packets seen

    def close(self) -> None:
        self.sock.close()

    def _fill(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no reply; have {self.buf[:80]!r}")
        self.sock.settimeout(remaining)
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("server closed the connection")
        self.buf += data

    def read_packet(self, timeout: float | None = None) -> bytes:
        """The next packet's payload (O packets are collected, not returned)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            while self.buf[:1] in (b"+", b"-"):
                self.buf = self.buf[1:]
            start = self.buf.find(b"$")
            end = self.buf.find(b"#", start + 1) if start >= 0 else -1
            if start < 0 or end < 0 or len(self.buf) < end + 3:
                self._fill(deadline)
                continue
            payload = self.buf[start + 1:end]
            checksum = int(self.buf[end + 1:end + 3], 16)
            assert sum(payload) & 0xFF == checksum, f"bad checksum on {payload[:60]!r}"
            self.buf = self.buf[end + 3:]
            if not self.noack:
                self.sock.sendall(b"+")
            if payload[:1] == b"O" and payload != b"OK":
                self.output.append(bytes.fromhex(payload[1:].decode()))
                continue
            return unescape(payload)

    def send(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            payload = payload.encode()
        self.sock.sendall(b"$" + payload + b"#" + b"%02x" % (sum(payload) & 0xFF))

    def ask(self, payload: bytes | str, timeout: float | None = None) -> bytes:
        self.send(payload)
        return self.read_packet(timeout)

    def handshake(self, noack: bool = True) -> bytes:
        supported = self.ask("qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+")
        if noack:
            assert self.ask("QStartNoAckMode") == b"OK"
            self.noack = True
        return supported

    def xfer(self, what: str) -> bytes:
        """A whole qXfer document, read in 0x100-byte chunks."""
        out = b""
        while True:
            reply = self.ask(f"qXfer:{what}:{len(out):x},100")
            out += reply[1:]
            if reply[:1] == b"l":
                return out
            assert reply[:1] == b"m", reply


def unescape(payload: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(payload):
        b = payload[i]
        if b == 0x7D:
            i += 1
            out.append(payload[i] ^ 0x20)
        else:
            out.append(b)
        i += 1
    return bytes(out)


def escape_binary(data: bytes) -> bytes:
    out = bytearray()
    for b in data:
        if b in (0x23, 0x24, 0x7D, 0x2A):
            out += bytes([0x7D, b ^ 0x20])
        else:
            out.append(b)
    return bytes(out)
