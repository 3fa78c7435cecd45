"""A minimal telnet client for the console tests (no telnet binary on these machines).

    python3 -m tests.server.telnet_client PORT [TERM]

It answers the server's negotiation as a terminal telnet client does (terminal type,
window size, server echo, character mode), puts the local terminal in raw mode and
copies bytes both ways until either side closes. Run inside tmux, it lets a test type
at the console and read the screen as a person would.
"""

from __future__ import annotations

import os
import select
import shutil
import socket
import sys
import termios
import tty

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
ECHO, SGA, TTYPE, NAWS = 1, 3, 24, 31


class Negotiator:
    def __init__(self, term: str, size: tuple[int, int]) -> None:
        self.term = term
        self.size = size
        self.state = 0
        self.verb = 0
        self.sub = bytearray()

    def feed(self, data: bytes) -> tuple[bytes, bytes]:
        """(bytes for the screen, replies for the server)."""
        screen, reply = bytearray(), bytearray()
        for b in data:
            if self.state == 0:
                if b == IAC:
                    self.state = 1
                else:
                    screen.append(b)
            elif self.state == 1:
                if b in (DO, DONT, WILL, WONT):
                    self.verb, self.state = b, 2
                elif b == SB:
                    self.sub.clear()
                    self.state = 3
                elif b == IAC:
                    screen.append(IAC)
                    self.state = 0
                else:
                    self.state = 0
            elif self.state == 2:
                reply += self._answer(self.verb, b)
                self.state = 0
            elif self.state == 3:
                if b == IAC:
                    self.state = 4
                else:
                    self.sub.append(b)
            elif self.state == 4:
                if b == SE:
                    if self.sub[:2] == bytes([TTYPE, 1]):
                        reply += bytes([IAC, SB, TTYPE, 0]) + self.term.encode() + bytes([IAC, SE])
                    self.state = 0
                else:
                    self.sub.append(b)
                    self.state = 3
        return bytes(screen), bytes(reply)

    def _answer(self, verb: int, option: int) -> bytes:
        if verb == DO:
            if option == TTYPE:
                return bytes([IAC, WILL, TTYPE])
            if option == NAWS:
                cols, rows = self.size
                return bytes([IAC, WILL, NAWS, IAC, SB, NAWS, cols >> 8, cols & 255,
                              rows >> 8, rows & 255, IAC, SE])
            if option == SGA:
                return bytes([IAC, WILL, SGA])
            return bytes([IAC, WONT, option])
        if verb == WILL:
            return bytes([IAC, DO if option in (ECHO, SGA) else DONT, option])
        return b""


def main(argv: list[str]) -> int:
    port = int(argv[0])
    term = argv[1] if len(argv) > 1 else os.environ.get("TERM", "xterm")
    size = shutil.get_terminal_size((80, 24))
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.settimeout(None)
    neg = Negotiator(term, (size.columns, size.lines))
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd) if os.isatty(fd) else None
    if saved is not None:
        tty.setraw(fd)
    try:
        while True:
            ready, _, _ = select.select([sock, fd], [], [], 600)
            if not ready:
                return 1
            if sock in ready:
                data = sock.recv(65536)
                if not data:
                    return 0
                screen, reply = neg.feed(data)
                if reply:
                    sock.sendall(reply)
                if screen:
                    os.write(sys.stdout.fileno(), screen)
            if fd in ready:
                data = os.read(fd, 4096)
                if not data:
                    return 0
                sock.sendall(data.replace(b"\xff", b"\xff\xff"))
    finally:
        if saved is not None:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        sock.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
