"""The ST-LINK server TCP protocol (ST's stlink-server, port 7184), serving virtual probes.

This is what OpenOCD 0.12 speaks with `hla_stlink_backend tcp [port]` and
`st-link backend tcp [port]`. Requests are little-endian; most replies start with a
32-bit status (1 = OK). Request layouts, by first byte:

  0x06 server version   [cmd, client API, 0, 0]           -> api, major, minor, build (u32 each, no status)
  0x00 refresh list     [cmd, clear]                      -> status
  0x01 device count     [cmd]                             -> count (u32, no status)
  0x02 device info      [cmd, index, 0, 0, size=41 u32]   -> status, device id, serial[32], VID, PID, used
  0x03 open device      [cmd, mode, 0, 0, device id]      -> status, connect id   (mode 0 exclusive, 1 shared)
  0x04 close device     [cmd, 0, 0, 0, connect id]        -> status
  0x05 USB command      [cmd, 0, 0, 0, connect id, command block[16], direction, 0, 0, 0, size u32, data...]
                        direction 0 = write (`size` data bytes follow), 1 = read, 3 = read trace
                        -> status (+ `size` reply bytes for reads)
  0x07 device clients   [cmd, 0, 0, 0, device id]         -> status, number of connections holding it

A device opened exclusively by one client shows `used` = 1 to the others and refuses
their open (OPEN_ERR); OpenOCD then says "the selected device is already used". A
client's devices are released when it closes them or disconnects. The server listens
on 127.0.0.1 only and handles clients one thread each.
"""

from __future__ import annotations

import itertools
import socket
import socketserver
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from ocdpy.sim.stlink import SimStlink, SimUsbError
from ocdpy.sim.stlink.usberror import LIBUSB_ERROR_NO_DEVICE

DEFAULT_PORT = 7184
SERVER_VERSION = (3, 2, 1, 1)  # API v3 (RW_MISC is safe to use), stlink-server 2.1.1
IDLE_TICK_S = 0.05

SS_OK = 0x00000001
SS_TIMEOUT = 0x00001001
SS_BAD_PARAMETER = 0x00001002
SS_OPEN_ERR = 0x00001003
SS_CMD_NOT_AVAILABLE = 0x00001053

CMD_REFRESH_DEVICE_LIST = 0x00
CMD_GET_NB_DEV = 0x01
CMD_GET_DEV_INFO = 0x02
CMD_OPEN_DEV = 0x03
CMD_CLOSE_DEV = 0x04
CMD_SEND_USB_CMD = 0x05
CMD_GET_SERVER_VERSION = 0x06
CMD_GET_NB_OF_DEV_CLIENTS = 0x07

REQUEST_WRITE, REQUEST_READ, REQUEST_READ_SWO = 0, 1, 3
MAX_DATA = 10240  # OpenOCD's send/receive buffers

_REQUEST_LEN = {
    CMD_REFRESH_DEVICE_LIST: 2,
    CMD_GET_NB_DEV: 1,
    CMD_GET_DEV_INFO: 8,
    CMD_OPEN_DEV: 8,
    CMD_CLOSE_DEV: 8,
    CMD_SEND_USB_CMD: 32,
    CMD_GET_SERVER_VERSION: 4,
    CMD_GET_NB_OF_DEV_CLIENTS: 8,
}


@dataclass
class _Device:
    probe: SimStlink
    device_id: int
    holders: dict[int, tuple[object, bool]] = field(default_factory=dict)  # connect id -> (client, exclusive)

    def used_exclusively_by_other(self, client: object) -> bool:
        return any(c is not client and excl for c, excl in self.holders.values())

    def used_by_other(self, client: object) -> bool:
        return any(c is not client for c, _ in self.holders.values())


class StlinkServer:
    """An ST-LINK server on 127.0.0.1:`port` (0 picks a free port) for `probes`.

    `start()` binds (raising OSError when the port is taken) and serves in a thread;
    `stop()` closes every connection. Without `deterministic` probes, an idle ticker
    lets the targets run in wall-clock time between commands.
    """

    def __init__(self, probes: Sequence[SimStlink], port: int = DEFAULT_PORT,
                 version: tuple[int, int, int, int] = SERVER_VERSION) -> None:
        self.version = version
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.devices = [_Device(p, 0x1000 + i) for i, p in enumerate(probes)]
        self._requested_port = port
        self._server: socketserver.ThreadingTCPServer | None = None
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self.connections = 0

    @property
    def port(self) -> int:
        if self._server is None:
            return self._requested_port
        return self._server.server_address[1]

    def start(self) -> StlinkServer:
        server_ref = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                server_ref._serve_client(self.request)

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self._server = Server(("127.0.0.1", self._requested_port), Handler)
        serve = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                 name="stlink-server", daemon=True)
        serve.start()
        self._threads.append(serve)
        if any(not d.probe.deterministic for d in self.devices):
            ticker = threading.Thread(target=self._tick, name="stlink-server-ticker", daemon=True)
            ticker.start()
            self._threads.append(ticker)
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for t in self._threads:
            t.join(timeout=5)

    def __enter__(self) -> StlinkServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _tick(self) -> None:
        while not self._stop.wait(IDLE_TICK_S):
            for d in self.devices:
                if not d.probe.deterministic and d.probe.present:
                    d.probe.tick()

    # -- one client -------------------------------------------------------------------

    def _serve_client(self, sock: socket.socket) -> None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(0.5)
        client = object()
        with self._lock:
            self.connections += 1
        try:
            while not self._stop.is_set():
                first = self._recv(sock, 1, allow_eof=True)
                if first is None:
                    return
                cmd = first[0]
                need = _REQUEST_LEN.get(cmd)
                if need is None:
                    self._drain(sock)
                    sock.sendall(struct.pack("<I", SS_CMD_NOT_AVAILABLE))
                    continue
                rest = self._recv(sock, need - 1)
                if rest is None:
                    return
                request = first + rest
                if cmd == CMD_SEND_USB_CMD and request[24] == REQUEST_WRITE:
                    size = struct.unpack_from("<I", request, 28)[0]
                    if size > MAX_DATA:
                        return  # a broken client: drop it rather than read unbounded data
                    data = self._recv(sock, size) if size else b""
                    if data is None:
                        return
                    request += data
                sock.sendall(self._answer(client, request))
        except OSError:
            return
        finally:
            self._release(client)

    def _recv(self, sock: socket.socket, n: int, allow_eof: bool = False) -> bytes | None:
        buf = bytearray()
        while len(buf) < n:
            try:
                chunk = sock.recv(n - len(buf))
            except TimeoutError:
                if self._stop.is_set():
                    return None
                continue
            if not chunk:
                return None
            buf += chunk
        return bytes(buf)

    @staticmethod
    def _drain(sock: socket.socket) -> None:
        sock.setblocking(False)
        try:
            while sock.recv(4096):
                pass
        except OSError:
            pass
        finally:
            sock.setblocking(True)
            sock.settimeout(0.5)

    def _release(self, client: object) -> None:
        with self._lock:
            for d in self.devices:
                for cid in [c for c, (owner, _) in d.holders.items() if owner is client]:
                    del d.holders[cid]

    def _present(self) -> list[_Device]:
        return [d for d in self.devices if d.probe.present]

    def _find_connect(self, client: object, connect_id: int) -> _Device | None:
        for d in self.devices:
            holder = d.holders.get(connect_id)
            if holder and holder[0] is client:
                return d
        return None

    def _answer(self, client: object, req: bytes) -> bytes:
        cmd = req[0]
        ok = struct.pack("<I", SS_OK)
        if cmd == CMD_GET_SERVER_VERSION:
            return struct.pack("<4I", *self.version)
        if cmd == CMD_REFRESH_DEVICE_LIST:
            return ok
        if cmd == CMD_GET_NB_DEV:
            return struct.pack("<I", len(self._present()))
        if cmd == CMD_GET_DEV_INFO:
            present = self._present()
            index = req[1]
            if index >= len(present):
                return struct.pack("<I", SS_BAD_PARAMETER) + bytes(41)
            d = present[index]
            with self._lock:
                used = 1 if d.used_exclusively_by_other(client) else 0
            serial = d.probe.serial.encode("ascii", "replace")[:32].ljust(32, b"\0")
            kind = d.probe.kind
            return ok + struct.pack("<I", d.device_id) + serial + struct.pack("<HHB", kind.vid, kind.pid, used)
        if cmd == CMD_OPEN_DEV:
            device_id = struct.unpack_from("<I", req, 4)[0]
            exclusive = req[1] == 0
            with self._lock:
                d = next((x for x in self._present() if x.device_id == device_id), None)
                if d is None:
                    return struct.pack("<II", SS_BAD_PARAMETER, 0)
                if d.used_exclusively_by_other(client) or (exclusive and d.used_by_other(client)):
                    return struct.pack("<II", SS_OPEN_ERR, 0)
                connect_id = next(self._ids)
                d.holders[connect_id] = (client, exclusive)
            return ok + struct.pack("<I", connect_id)
        if cmd == CMD_CLOSE_DEV:
            connect_id = struct.unpack_from("<I", req, 4)[0]
            with self._lock:
                d = self._find_connect(client, connect_id)
                if d is None:
                    return struct.pack("<I", SS_BAD_PARAMETER)
                del d.holders[connect_id]
            return ok
        if cmd == CMD_GET_NB_OF_DEV_CLIENTS:
            device_id = struct.unpack_from("<I", req, 4)[0]
            d = next((x for x in self.devices if x.device_id == device_id), None)
            if d is None:
                return struct.pack("<II", SS_BAD_PARAMETER, 0)
            return ok + struct.pack("<I", len(d.holders))
        return self._usb_command(client, req)

    def _usb_command(self, client: object, req: bytes) -> bytes:
        connect_id = struct.unpack_from("<I", req, 4)[0]
        block = req[8:24]
        direction = req[24]
        size = struct.unpack_from("<I", req, 28)[0]
        read_size = size if direction != REQUEST_WRITE else 0
        reply_pad = bytes(min(read_size, MAX_DATA))
        d = self._find_connect(client, connect_id)
        if d is None:
            return struct.pack("<I", SS_BAD_PARAMETER) + reply_pad
        probe = d.probe
        try:
            if direction == REQUEST_READ_SWO:
                data = probe.bulk_in(probe.kind.ep_trace, size) if size else b""
                return struct.pack("<I", SS_OK) + data.ljust(size, b"\0")
            data_out = req[32:] if direction == REQUEST_WRITE else b""
            reply = probe.transact(block, data_out, read_size)
        except SimUsbError as exc:
            status = SS_OPEN_ERR if exc.code == LIBUSB_ERROR_NO_DEVICE else SS_TIMEOUT
            return struct.pack("<I", status) + reply_pad
        return struct.pack("<I", SS_OK) + reply
