"""The telnet layer under the console: option negotiation bytes in, plain bytes out.

`TelnetParser` removes IAC commands from what a client sends and reports the terminal
type (TTYPE) and window size (NAWS) a telnet client announces. Subnegotiations are
bounded, so a client sending garbage cannot make it hold more than a few hundred bytes.
"""

from __future__ import annotations

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
ECHO, SGA, TTYPE, NAWS, LINEMODE = 1, 3, 24, 31, 34
TTYPE_IS, TTYPE_SEND = 0, 1
SUBNEG_MAX = 256

# What the console asks of a telnet client: character mode with server echo (what
# OpenOCD asks too), plus the window size and terminal type line editing needs.
NEGOTIATION = bytes([
    IAC, WILL, SGA,
    IAC, WILL, ECHO,
    IAC, DO, SGA,
    IAC, DONT, ECHO,
    IAC, DO, LINEMODE,
    IAC, SB, LINEMODE, 1, 0, IAC, SE,
    IAC, DO, NAWS,
    IAC, DO, TTYPE,
    IAC, SB, TTYPE, TTYPE_SEND, IAC, SE,
])

_DATA, _IAC, _OPTION, _SB, _SB_IAC = range(5)


class TelnetParser:
    def __init__(self) -> None:
        self._state = _DATA
        self._sub = bytearray()
        self.ttype: str | None = None
        self.size: tuple[int, int] | None = None  # (columns, rows)
        self.saw_telnet = False  # the client sent at least one IAC command
        self.refused_ttype = False

    def feed(self, data: bytes) -> bytes:
        """The plain bytes in `data`; negotiation results land in the attributes."""
        if self._state == _DATA and IAC not in data:
            return data
        out = bytearray()
        for b in data:
            state = self._state
            if state == _DATA:
                if b == IAC:
                    self._state = _IAC
                else:
                    out.append(b)
            elif state == _IAC:
                self.saw_telnet = True
                if b == IAC:
                    out.append(IAC)
                    self._state = _DATA
                elif b in (DO, DONT, WILL, WONT):
                    self._verb = b
                    self._state = _OPTION
                elif b == SB:
                    self._sub.clear()
                    self._state = _SB
                else:
                    self._state = _DATA  # NOP, GA, AYT ...: nothing to do
            elif state == _OPTION:
                if self._verb == WONT and b == TTYPE:
                    self.refused_ttype = True
                self._state = _DATA
            elif state == _SB:
                if b == IAC:
                    self._state = _SB_IAC
                elif len(self._sub) < SUBNEG_MAX:
                    self._sub.append(b)
            elif state == _SB_IAC:
                if b == SE:
                    self._subnegotiation(bytes(self._sub))
                    self._state = _DATA
                else:
                    if len(self._sub) < SUBNEG_MAX:
                        self._sub.append(b)
                    self._state = _SB
        return bytes(out)

    def _subnegotiation(self, sub: bytes) -> None:
        if len(sub) >= 2 and sub[0] == TTYPE and sub[1] == TTYPE_IS:
            self.ttype = sub[2:].decode("ascii", "replace") or "vt100"
        elif len(sub) == 5 and sub[0] == NAWS:
            columns = (sub[1] << 8) | sub[2]
            rows = (sub[3] << 8) | sub[4]
            if columns and rows:
                self.size = (columns, rows)
