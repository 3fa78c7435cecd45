"""SWD clock selection for ST-Link: the V2 divisor table and the V3 frequency list.

ST-Link/V2 (firmware J22+) takes a clock divisor; the kHz each divisor gives is the
table OpenOCD uses. STLINK-V3 lists its own frequencies (GET_COM_FREQ) and takes one
of them in kHz. A request is matched exactly or by the fastest clock not above it;
below the slowest, the slowest is used.
"""

from __future__ import annotations

# (kHz, divisor), fastest first; 1800 kHz (divisor 1) is the firmware's default
V2_SWD_SPEEDS: tuple[tuple[int, int], ...] = (
    (4000, 0), (1800, 1), (1200, 2), (950, 3), (480, 7), (240, 15),
    (125, 31), (100, 40), (50, 79), (25, 158), (15, 265), (5, 798),
)


def match_speed(speeds: list[int] | tuple[int, ...], khz: int) -> tuple[int, bool]:
    """The index in `speeds` to use for `khz`, and whether it is an exact match.

    Zero entries (unused V3 table slots) are skipped."""
    best = -1
    best_diff: int | None = None
    last_valid = -1
    for index, speed in enumerate(speeds):
        if not speed:
            continue
        last_valid = index
        if khz == speed:
            return index, True
        diff = khz - speed
        if diff > 0 and (best_diff is None or diff < best_diff):
            best, best_diff = index, diff
    if best < 0:
        return last_valid, False
    return best, False


def unmatched_message(khz: int, used: int) -> str:
    return f"Unable to match requested speed {khz} kHz, using {used} kHz"
