"""ST-Link through ST's ST-LINK server (stlink-server, TCP port 7184 on 127.0.0.1):
the protocol OpenOCD 0.12 speaks with `hla_stlink_backend tcp` / `st-link backend tcp`.

Requests are little-endian; most answers start with a 32-bit status, 1 meaning OK.
A USB command travels as [0x05, 0, 0, 0, connect id, 16-byte block, direction, 0, 0,
0, size] (+ data when writing); the answer is the status (+ `size` bytes when reading).
"""

from __future__ import annotations

import socket
import struct

from ocdpy import log
from ocdpy.errors import ProbeDisconnectedError, ProbeError

from .transport import UNPLUGGED, StlinkTransport, serial_matches

CMD_REFRESH_DEVICE_LIST = 0x00
CMD_GET_NB_DEV = 0x01
CMD_GET_DEV_INFO = 0x02
CMD_OPEN_DEV = 0x03
CMD_CLOSE_DEV = 0x04
CMD_SEND_USB_CMD = 0x05
CMD_GET_SERVER_VERSION = 0x06

CLIENT_API_VERSION = 1
DIR_WRITE, DIR_READ = 0, 1
SS_OK = 0x00000001
SS_TIMEOUT = 0x00001001
SS_OPEN_ERR = 0x00001003
SS_TCP_BUSY = 0x00002004
DEV_INFO_SIZE = 41
MAX_SEND = 10240  # the server's buffers (and OpenOCD's)
REPLY_TIMEOUT_S = 5.0
BUSY_RETRIES = 8
SERVER_LOST = ("the connection to the ST-LINK server was lost (it stopped, or lost the ST-Link): "
               "restart it, check the ST-Link's cable, and run again")


class StlinkTcp(StlinkTransport):
    """An ST-Link reached through an ST-LINK server on 127.0.0.1:`port`."""

    kind = "TCP"

    def __init__(self, vid_pids: list[tuple[int, int]] | tuple[tuple[int, int], ...],
                 serial: str | None = None, port: int = 7184, host: str = "127.0.0.1") -> None:
        self.vid_pids = list(vid_pids)
        self.wanted_serial = serial
        self.port = port
        self.host = host
        self.sock: socket.socket | None = None
        self.connect_id = 0
        self.server_api = 0

    # -- socket ------------------------------------------------------------------------

    def _recv(self, n: int) -> bytes:
        assert self.sock is not None
        buf = bytearray()
        while len(buf) < n:
            try:
                chunk = self.sock.recv(n - len(buf))
            except TimeoutError:
                raise ProbeError(f"the ST-LINK server on port {self.port} did not answer within "
                                 f"{REPLY_TIMEOUT_S:g} s: restart it, then run again") from None
            except OSError as exc:
                raise ProbeDisconnectedError(f"lost the connection to the ST-LINK server on port "
                                             f"{self.port} ({exc}): restart it, then run again") from None
            if not chunk:
                raise ProbeDisconnectedError(f"the ST-LINK server on port {self.port} closed the "
                                             "connection: restart it, then run again")
            buf += chunk
        return bytes(buf)

    def _request(self, data: bytes, reply_size: int) -> bytes:
        if self.sock is None:
            raise self.closed_error()
        try:
            self.sock.sendall(data)
        except OSError as exc:
            self._drop(SERVER_LOST)
            raise ProbeDisconnectedError(f"lost the connection to the ST-LINK server on port "
                                         f"{self.port} ({exc}): restart it, then run again") from None
        try:
            return self._recv(reply_size)
        except ProbeDisconnectedError:
            self._drop(SERVER_LOST)
            raise

    def _drop(self, lost: str | None = None) -> None:
        if lost and self.connect_id:
            self.lost = lost
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None
        self.connect_id = 0

    @staticmethod
    def _status(reply: bytes) -> int:
        return struct.unpack_from("<I", reply, 0)[0]

    # -- open/close --------------------------------------------------------------------

    def open(self) -> None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=REPLY_TIMEOUT_S)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ProbeError(f"cannot connect to the ST-LINK server at {self.host}:{self.port} ({reason}): "
                             f"start ST's stlink-server (or `ocdpy-sim --port {self.port}` for the "
                             "virtual probe), or use the USB backend") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(REPLY_TIMEOUT_S)
        self.sock = sock
        try:
            self._open_device()
        except Exception:
            self._drop()
            raise

    def _open_device(self) -> None:
        log.info("connected to stlink-server")
        api, major, minor, build = struct.unpack(
            "<4I", self._request(bytes([CMD_GET_SERVER_VERSION, CLIENT_API_VERSION, 0, 0]), 16))
        self.server_api = api
        log.info(f"stlink-server API v{api}, version {major}.{minor}.{build}")
        self._request(bytes([CMD_REFRESH_DEVICE_LIST, 0]), 4)
        count = min(255, struct.unpack("<I", self._request(bytes([CMD_GET_NB_DEV]), 4))[0])
        if count == 0:
            raise ProbeError("no ST-LINK detected by the ST-LINK server: plug the probe in, "
                             "then run again")
        wanted_ids = set(self.vid_pids)
        id_matched = False
        seen: list[str] = []
        for index in range(count):
            reply = self._request(struct.pack("<BBxxI", CMD_GET_DEV_INFO, index, DEV_INFO_SIZE),
                                  4 + DEV_INFO_SIZE)
            if self._status(reply) != SS_OK:
                continue
            device_id = struct.unpack_from("<I", reply, 4)[0]
            serial = reply[8 : 8 + 32].split(b"\0", 1)[0].decode("ascii", "replace")
            vid, pid = struct.unpack_from("<HH", reply, 40)
            used = reply[44]
            if (vid, pid) not in wanted_ids:
                continue
            id_matched = True
            if self.wanted_serial and not serial_matches(self.wanted_serial, serial):
                seen.append(serial)
                continue
            if used:
                raise ProbeError(f"the selected device is already used: ST-Link {serial} is open "
                                 "in another program; close it, then run again")
            reply = self._request(struct.pack("<BxxxI", CMD_OPEN_DEV, device_id), 8)
            if self._status(reply) != SS_OK:
                raise ProbeError(f"the ST-LINK server could not open ST-Link {serial} (status "
                                 f"{self._status(reply):#x}): close other debuggers, then run again")
            self.connect_id = struct.unpack_from("<I", reply, 4)[0]
            self.vid, self.pid, self.serial = vid, pid, serial
            return
        if not id_matched:
            ids = " ".join(f"{v:04x}:{p:04x}" for v, p in self.vid_pids)
            raise ProbeError(f"ST-LINK open failed (vid/pid mismatch): the ST-LINK server has no probe "
                             f"with {ids}")
        raise ProbeError(f"ST-LINK open failed (serial mismatch): no ST-Link with serial "
                         f"{self.wanted_serial!r} (found: {', '.join(seen)}); check `adapter serial`")

    def close(self) -> None:
        if self.sock is None:
            return
        if self.connect_id:
            try:
                self._request(struct.pack("<BxxxI", CMD_CLOSE_DEV, self.connect_id), 4)
            except ProbeError:
                pass
        self._drop()

    @property
    def is_open(self) -> bool:
        return self.sock is not None and self.connect_id != 0

    # -- commands ------------------------------------------------------------------------

    def xfer(self, block: bytes, data_out: bytes = b"", read_size: int = 0) -> bytes:
        if not self.is_open:
            raise self.closed_error()
        direction = DIR_WRITE if data_out else DIR_READ
        size = len(data_out) if data_out else read_size
        if 32 + len(data_out) > MAX_SEND:
            raise ProbeError(f"ST-Link command too large for the ST-LINK server ({len(data_out)} bytes)")
        request = struct.pack("<BxxxI", CMD_SEND_USB_CMD, self.connect_id) + block.ljust(16, b"\0")[:16]
        request += struct.pack("<BxxxI", direction, size) + data_out
        reply_size = 4 + (read_size if direction == DIR_READ else 0)
        for attempt in range(BUSY_RETRIES + 1):
            reply = self._request(request, reply_size)
            status = self._status(reply)
            if status != SS_TCP_BUSY or attempt == BUSY_RETRIES:
                break
        if status == SS_OK:
            return reply[4:]
        if status == SS_OPEN_ERR:
            self.connect_id = 0
            self.lost = UNPLUGGED
            raise ProbeDisconnectedError(f"ST-Link disconnected (the ST-LINK server reports the device "
                                         f"gone, status {status:#x}): check the cable, then run again")
        if status == SS_TIMEOUT:
            raise ProbeError(f"ST-Link USB transfer failed (the ST-LINK server reports a USB error or "
                             f"timeout, status {status:#x}): check the cable and the USB port, then run again")
        raise ProbeError(f"the ST-LINK server refused command {block[:2].hex()} (status {status:#x})")

