"""Reading a console's byte stream in tests: up to a marker, however the server's
writes were split into TCP segments. What arrives after the marker stays buffered for
the next read of that socket, so a reply that shares a segment with the next one (an
echo and a log line, a prompt and an event) is neither lost nor waited for."""

from __future__ import annotations

import socket
import time
import weakref

_pending: weakref.WeakKeyDictionary[socket.socket, bytes] = weakref.WeakKeyDictionary()


def read_until(sock: socket.socket, marker: bytes, timeout: float = 10.0) -> bytes:
    """The bytes up to and including the first `marker`; TimeoutError or
    ConnectionError (with the tail received) when it does not come."""
    deadline = time.monotonic() + timeout
    data = _pending.pop(sock, b"")
    while marker not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"waited for {marker!r}, have {data[-200:]!r}")
        sock.settimeout(remaining)
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed; have {data[-200:]!r}")
        data += chunk
    end = data.index(marker) + len(marker)
    if end < len(data):
        _pending[sock] = data[end:]
    return data[:end]


def read_to_close(sock: socket.socket, timeout: float = 10.0) -> bytes:
    """Everything until the server closes the connection (buffered bytes first)."""
    data = _pending.pop(sock, b"")
    sock.settimeout(timeout)
    while chunk := sock.recv(65536):
        data += chunk
    return data
