"""Text record formats: Intel HEX and Motorola S-record.

Both parsers return `(pieces, start_address)`: (address, bytes) runs in file order,
and the entry point if the file names one. Errors name the file and line and say
what is wrong with the record. As OpenOCD does, blank lines and lines starting with
'#' are skipped, and records after the end record are still read (with a warning),
so two files joined with `cat` load as one.
"""

from __future__ import annotations

from collections.abc import Iterator

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


def _lines(data: bytes) -> Iterator[tuple[int, str]]:
    """(line number, stripped text) of the lines that hold records."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # latin-1 never fails; a stray non-ASCII byte then shows up as a bad hex digit
    for number, raw in enumerate(data.decode("latin-1").splitlines(), start=1):
        line = raw.strip(" \t\r\n\x1a")  # 0x1a: DOS end-of-file mark some tools append
        if line and line[0] != "#":
            yield number, line


def _hex_bytes(body: str, where: str, kind: str) -> bytes:
    try:
        if len(body) % 2 == 0 and body.isascii():
            return bytes.fromhex(body)
    except ValueError:
        pass
    bad = next((c for c in body if c not in _HEX_DIGITS), None)
    if bad is not None:
        raise ImageError(f"{where}: bad {kind} record: character {bad!r} is not a hex digit")
    if not body:
        raise ImageError(f"{where}: bad {kind} record: the record is empty")
    raise ImageError(f"{where}: bad {kind} record: odd number of hex digits ({len(body)})")


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
        if line[0] != ":":
            raise ImageError(
                f"{name}:{number}: not an Intel HEX record (records start with ':'): "
                f"{_show(line)}"
            )
        try:
            rec = bytes.fromhex(line[1:])
        except ValueError:
            rec = _hex_bytes(line[1:], f"{name}:{number}", "Intel HEX")
        size = len(rec)
        if size < 5 or rec[0] != size - 5 or sum(rec) & 0xFF:
            raise _ihex_record_error(rec, line, f"{name}:{number}")
        if end_line is not None and not warned:
            log.warning(f"continuing after end-of-file record: {line[:40]}")
            warned = True
        rtype = rec[3]
        if rtype == 0x00:
            runs.add(upper + (rec[1] << 8 | rec[2]), rec[4:-1])
            continue
        count, payload = rec[0], rec[4:-1]
        if rtype == 0x01:
            end_line = number
        elif rtype in (0x02, 0x04):
            if count != 2:
                raise ImageError(
                    f"{name}:{number}: bad Intel HEX record: type {rtype:02X} needs 2 data "
                    f"bytes, has {count}"
                )
            value = int.from_bytes(payload, "big")
            upper = value << 4 if rtype == 0x02 else value << 16
        elif rtype in (0x03, 0x05):
            if count != 4:
                raise ImageError(
                    f"{name}:{number}: bad Intel HEX record: type {rtype:02X} needs 4 data "
                    f"bytes, has {count}"
                )
            if rtype == 0x05:
                start = int.from_bytes(payload, "big")
            else:  # CS:IP of a real-mode x86 entry point
                cs, ip = int.from_bytes(payload[:2], "big"), int.from_bytes(payload[2:], "big")
                start = (cs << 4) + ip
        else:
            raise ImageError(
                f"{name}:{number}: unknown Intel HEX record type {rtype:02X} (types are 00 "
                "to 05)"
            )
    runs.flush()
    if end_line is None:
        raise ImageError(
            f"{name}: no end-of-file record (:00000001FF) in Intel HEX file; it was cut "
            "short or is not Intel HEX"
        )
    return runs.pieces, start


def _ihex_record_error(rec: bytes, line: str, where: str) -> ImageError:
    if len(rec) < 5:
        return ImageError(f"{where}: bad Intel HEX record: too short ({_show(line)})")
    if rec[0] != len(rec) - 5:
        return ImageError(
            f"{where}: bad Intel HEX record: its length byte says {rec[0]} data bytes "
            f"but the line holds {len(rec) - 5}; the file is corrupt or was cut short"
        )
    expected = (-sum(rec[:-1])) & 0xFF
    return ImageError(
        f"{where}: bad checksum in Intel HEX record: 0x{rec[-1]:02X}, expected "
        f"0x{expected:02X}; the file is corrupt, generate it again"
    )


# address bytes per S-record type
_SREC_ADDRESS = {0: 2, 1: 2, 2: 3, 3: 4, 5: 2, 6: 3, 7: 4, 8: 3, 9: 2}
_SREC_TYPE = {f"{s}{t}": t for t in _SREC_ADDRESS for s in "Ss"}


def _srec_type_error(line: str, where: str) -> ImageError:
    if len(line) >= 2 and line[0] in "Ss" and line[1] == "4":
        return ImageError(f"{where}: unknown S-record type S4 (S4 is reserved)")
    return ImageError(f"{where}: not an S-record (records start with S0 to S9): {_show(line)}")


def _srec_record_error(rec: bytes, rtype: int, where: str) -> ImageError:
    if not rec or rec[0] != len(rec) - 1:
        said = rec[0] if rec else 0
        return ImageError(
            f"{where}: bad S-record: its length byte says {said} bytes but the line "
            f"holds {max(len(rec) - 1, 0)}; the file is corrupt or was cut short"
        )
    if len(rec) < _SREC_ADDRESS[rtype] + 2:
        return ImageError(f"{where}: bad S-record: S{rtype} too short for its address")
    expected = (~sum(rec[:-1])) & 0xFF
    return ImageError(
        f"{where}: bad checksum in S-record: 0x{rec[-1]:02X}, expected "
        f"0x{expected:02X}; the file is corrupt, generate it again"
    )


def parse_srec(data: bytes, name: str) -> tuple[Pieces, int | None]:
    """Motorola S-record: S0 header, S1/S2/S3 data (16/24/32-bit address), S5/S6
    record counts, S7/S8/S9 termination with the entry point."""
    runs = _Runs()
    start: int | None = None
    end_line: int | None = None
    warned = False
    for number, line in _lines(data):
        rtype = _SREC_TYPE.get(line[:2])
        if rtype is None:
            raise _srec_type_error(line, f"{name}:{number}")
        try:
            rec = bytes.fromhex(line[2:])
        except ValueError:
            rec = _hex_bytes(line[2:], f"{name}:{number}", "S-record")
        alen = _SREC_ADDRESS[rtype]
        size = len(rec)
        if size < alen + 2 or rec[0] != size - 1 or (sum(rec) & 0xFF) != 0xFF:
            raise _srec_record_error(rec, rtype, f"{name}:{number}")
        if end_line is not None and not warned:
            log.warning(f"continuing after end-of-file record: {line[:40]}")
            warned = True
        address = int.from_bytes(rec[1:1 + alen], "big")
        if rtype <= 3 and rtype != 0:
            runs.add(address, rec[1 + alen:-1])
        elif rtype == 0:
            header = rec[1 + alen:-1].decode("latin-1").rstrip("\0")
            log.debug(f"{name}: S-record header {header!r}")
        elif rtype >= 7:
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
