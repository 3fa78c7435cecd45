"""Text record formats: Intel HEX and Motorola S-record.

Both parsers return `(pieces, start_address)`: (address, bytes) runs in file order,
and the entry point if the file names one. Errors name the file and line and say
what is wrong with the record. As OpenOCD does, blank lines and lines starting with
'#' are skipped, and records after the end record are still read (with a warning),
so two files joined with `cat` load as one.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.errors import ImageError

Pieces = list[tuple[int, bytes]]
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


class _Runs:
    """Collects data bytes into contiguous runs as records arrive."""

    def __init__(self) -> None:
        self.pieces: Pieces = []
        self._buf = bytearray()
        self._start = 0

    def add(self, address: int, data: bytes) -> None:
        if not data:
            return
        if self._buf and address == self._start + len(self._buf):
            self._buf += data
            return
        self.flush()
        self._start, self._buf = address, bytearray(data)

    def flush(self) -> None:
        if self._buf:
            self.pieces.append((self._start, bytes(self._buf)))
        self._buf = bytearray()


def _lines(data: bytes) -> list[tuple[int, str]]:
    """(line number, stripped text) of the lines that hold records."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    out = []
    for number, raw in enumerate(data.splitlines(), start=1):
        line = raw.strip(b" \t\r\n\x1a")  # 0x1a: DOS end-of-file mark some tools append
        if not line or line.startswith(b"#"):
            continue
        try:
            out.append((number, line.decode("ascii")))
        except UnicodeDecodeError:
            out.append((number, line.decode("latin-1")))
    return out


def _hex_bytes(body: str, where: str, kind: str) -> bytes:
    if not body or any(c not in _HEX_DIGITS for c in body):
        bad = next((c for c in body if c not in _HEX_DIGITS), None)
        what = f"character {bad!r} is not a hex digit" if bad else "the record is empty"
        raise ImageError(f"{where}: bad {kind} record: {what}")
    if len(body) % 2:
        raise ImageError(f"{where}: bad {kind} record: odd number of hex digits ({len(body)})")
    return bytes.fromhex(body)


def _show(line: str) -> str:
    return repr(line if len(line) <= 40 else line[:40] + "...")


def parse_ihex(data: bytes, name: str) -> tuple[Pieces, int | None]:
    """Intel HEX: record types 00 data, 01 end of file, 02 extended segment address,
    03 start segment address, 04 extended linear address, 05 start linear address."""
    runs = _Runs()
    upper = 0
    start: int | None = None
    end_line: int | None = None
    warned = False
    for number, line in _lines(data):
        where = f"{name}:{number}"
        if not line.startswith(":"):
            raise ImageError(
                f"{where}: not an Intel HEX record (records start with ':'): {_show(line)}"
            )
        rec = _hex_bytes(line[1:], where, "Intel HEX")
        if len(rec) < 5:
            raise ImageError(f"{where}: bad Intel HEX record: too short ({_show(line)})")
        count, offset, rtype = rec[0], int.from_bytes(rec[1:3], "big"), rec[3]
        payload = rec[4:-1]
        if len(payload) != count:
            raise ImageError(
                f"{where}: bad Intel HEX record: its length byte says {count} data bytes "
                f"but the line holds {len(payload)}; the file is corrupt or was cut short"
            )
        if sum(rec) & 0xFF:
            expected = (-sum(rec[:-1])) & 0xFF
            raise ImageError(
                f"{where}: bad checksum in Intel HEX record: 0x{rec[-1]:02X}, expected "
                f"0x{expected:02X}; the file is corrupt, generate it again"
            )
        if end_line is not None and not warned:
            log.warning(f"continuing after end-of-file record: {line[:40]}")
            warned = True
        if rtype == 0x00:
            runs.add(upper + offset, payload)
        elif rtype == 0x01:
            end_line = number
        elif rtype in (0x02, 0x04):
            if count != 2:
                raise ImageError(
                    f"{where}: bad Intel HEX record: type {rtype:02X} needs 2 data bytes, "
                    f"has {count}"
                )
            value = int.from_bytes(payload, "big")
            upper = value << 4 if rtype == 0x02 else value << 16
        elif rtype in (0x03, 0x05):
            if count != 4:
                raise ImageError(
                    f"{where}: bad Intel HEX record: type {rtype:02X} needs 4 data bytes, "
                    f"has {count}"
                )
            if rtype == 0x05:
                start = int.from_bytes(payload, "big")
            else:  # CS:IP of a real-mode x86 entry point
                cs, ip = int.from_bytes(payload[:2], "big"), int.from_bytes(payload[2:], "big")
                start = (cs << 4) + ip
        else:
            raise ImageError(
                f"{where}: unknown Intel HEX record type {rtype:02X} (types are 00 to 05)"
            )
    runs.flush()
    if end_line is None:
        raise ImageError(
            f"{name}: no end-of-file record (:00000001FF) in Intel HEX file; it was cut "
            "short or is not Intel HEX"
        )
    return runs.pieces, start


# address bytes per S-record type
_SREC_ADDRESS = {0: 2, 1: 2, 2: 3, 3: 4, 5: 2, 6: 3, 7: 4, 8: 3, 9: 2}


def parse_srec(data: bytes, name: str) -> tuple[Pieces, int | None]:
    """Motorola S-record: S0 header, S1/S2/S3 data (16/24/32-bit address), S5/S6
    record counts, S7/S8/S9 termination with the entry point."""
    runs = _Runs()
    start: int | None = None
    end_line: int | None = None
    warned = False
    for number, line in _lines(data):
        where = f"{name}:{number}"
        if len(line) < 2 or line[0] not in "Ss" or not line[1].isdigit():
            raise ImageError(
                f"{where}: not an S-record (records start with S0 to S9): {_show(line)}"
            )
        rtype = int(line[1])
        if rtype not in _SREC_ADDRESS:
            raise ImageError(f"{where}: unknown S-record type S{rtype} (S4 is reserved)")
        rec = _hex_bytes(line[2:], where, "S-record")
        count = rec[0]
        if len(rec) != count + 1:
            raise ImageError(
                f"{where}: bad S-record: its length byte says {count} bytes but the line "
                f"holds {len(rec) - 1}; the file is corrupt or was cut short"
            )
        alen = _SREC_ADDRESS[rtype]
        if count < alen + 1:
            raise ImageError(f"{where}: bad S-record: S{rtype} too short for its address")
        if (sum(rec) & 0xFF) != 0xFF:
            expected = (~sum(rec[:-1])) & 0xFF
            raise ImageError(
                f"{where}: bad checksum in S-record: 0x{rec[-1]:02X}, expected "
                f"0x{expected:02X}; the file is corrupt, generate it again"
            )
        if end_line is not None and not warned:
            log.warning(f"continuing after end-of-file record: {line[:40]}")
            warned = True
        address = int.from_bytes(rec[1:1 + alen], "big")
        payload = rec[1 + alen:-1]
        if rtype in (1, 2, 3):
            runs.add(address, payload)
        elif rtype == 0:
            header = payload.decode("latin-1").rstrip("\0")
            log.debug(f"{name}: S-record header {header!r}")
        elif rtype in (7, 8, 9):
            start = address
            end_line = number
        # S5/S6 only count the data records: nothing to load
    runs.flush()
    if end_line is None:
        raise ImageError(
            f"{name}: no termination record (S7, S8 or S9) in S-record file; it was cut "
            "short or is not an S-record file"
        )
    return runs.pieces, start
