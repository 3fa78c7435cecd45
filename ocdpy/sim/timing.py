"""Datasheet timing of the virtual chips: core clock at reset and flash operation times.

Every figure is a *typical* value from ST's datasheet for the part (or the reference
manual where the datasheet is silent), so modeled durations match what a user sees on
a bench at room temperature. Sources, by document, section and table title (table
numbers move between revisions, so the title is what to look for):

- STM32F103x8/xB datasheet DS5319 Rev 18, section 5.3.9 "Memory characteristics",
  table "Flash memory characteristics": t_prog 16-bit programming time typ 52.5 us
  (min 40, max 70); t_ERASE page (1 KB) erase time min 20 ms (max 40); t_ME mass erase
  time min 20 ms (max 40). No typical erase value is given, so the minimum is used.
  Reset clock: section 3.8 "Clocks and startup", HSI RC 8 MHz.
- STM32F405xx/407xx datasheet DS8626 Rev 9, section 5.3.12 "Memory characteristics",
  table "Flash memory programming": t_prog word programming time typ 16 us (all
  parallelisms); t_ERASE16KB typ 400 / 300 / 250 ms (x8 / x16 / x32); t_ERASE64KB
  typ 1200 / 700 / 550 ms; t_ERASE128KB typ 2 / 1.3 / 1 s; t_ME mass erase typ 16 /
  11 / 8 s. x64 (external VPP) is given the x32 figures. Reset clock: HSI 16 MHz.
- STM32H753xI datasheet DS12117 Rev 8, section 6.3.10 "Flash memory", table "Flash
  memory programming": t_prog 256-bit flash word programming typ 290 / 180 / 130 /
  100 us (x8 / x16 / x32 / x64); t_ERASE128KB sector erase typ 2 / 1.8 / 1.1 / 1 s;
  t_ME mass (bank) erase typ 13 / 8 / 6 / 5 s. Reset clock: HSI 64 MHz (RM0433
  section "Reset and clock control", HSI default frequency).

Option-byte programming times are not in the datasheets. F1 option bytes are ordinary
flash half-words (erase like a page, program like a half-word, per PM0075); for F4 and
H7 the reference manuals give no figure and a 16 KB-sector-class figure (250 ms) is used.
That one number is an assumption, marked as such below.
"""

from __future__ import annotations

from dataclasses import dataclass

# Core clock right after reset (no PLL): HSI of each family, in Hz.
RESET_CLOCK_HZ: dict[str, float] = {
    "f1": 8_000_000.0,
    "f4": 16_000_000.0,
    "h7": 64_000_000.0,
}


@dataclass(frozen=True)
class F1FlashTiming:
    """DS5319 "Flash memory characteristics"."""

    halfword_program: float = 52.5e-6
    page_erase: float = 20e-3
    mass_erase: float = 20e-3
    # PM0075: option bytes are erased like a page and programmed like a half-word.
    option_erase: float = 20e-3
    option_program: float = 52.5e-6


# Index by PSIZE field: 0 x8, 1 x16, 2 x32, 3 x64.
@dataclass(frozen=True)
class F4FlashTiming:
    """DS8626 "Flash memory programming"."""

    program: float = 16e-6
    erase_16k: tuple[float, ...] = (0.400, 0.300, 0.250, 0.250)
    erase_64k: tuple[float, ...] = (1.200, 0.700, 0.550, 0.550)
    erase_128k: tuple[float, ...] = (2.0, 1.3, 1.0, 1.0)
    mass_erase: tuple[float, ...] = (16.0, 11.0, 8.0, 8.0)
    # Assumption (not in DS8626 or RM0090): option byte reprogramming.
    option_program: float = 0.250

    def sector_erase(self, size: int, psize: int) -> float:
        table = {16 * 1024: self.erase_16k, 64 * 1024: self.erase_64k}.get(size, self.erase_128k)
        return table[psize & 3]


@dataclass(frozen=True)
class H7FlashTiming:
    """DS12117 "Flash memory programming"."""

    word_program: tuple[float, ...] = (290e-6, 180e-6, 130e-6, 100e-6)
    sector_erase: tuple[float, ...] = (2.0, 1.8, 1.1, 1.0)
    bank_erase: tuple[float, ...] = (13.0, 8.0, 6.0, 5.0)
    # Assumption (not in DS12117 or RM0433): option byte reprogramming.
    option_program: float = 0.250


F1_TIMING = F1FlashTiming()
F4_TIMING = F4FlashTiming()
H7_TIMING = H7FlashTiming()
