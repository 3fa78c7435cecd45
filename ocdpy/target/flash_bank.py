"""Flash banks as declared by `flash bank NAME DRIVER BASE SIZE CHIP_WIDTH BUS_WIDTH
TARGET [OPTIONS...]`. The flash drivers of later issues (stm32f1x, stm32f2x,
stm32h7x) are built from these declarations."""

from __future__ import annotations

from dataclasses import dataclass, field

# OpenOCD 0.12's NOR flash drivers, by the name `flash bank` takes.
FLASH_DRIVERS = (
    "aduc702x", "aducm360", "ambiqmicro", "at91sam3", "at91sam4", "at91sam4l", "at91sam7",
    "at91samd", "ath79", "atsame5", "atsamv", "avr", "bluenrg-x", "cc3220sf", "cc26xx", "cfi",
    "dsp5680xx_flash", "efm32", "em357", "esirisc", "faux", "fm3", "fm4", "fespi", "jtagspi",
    "kinetis", "kinetis_ke", "lpc2000", "lpc288x", "lpc2900", "lpcspifi", "max32xxx", "mdr",
    "mrvlqspi", "msp432", "niietcm4", "npcx", "nrf5", "nrf51", "numicro", "ocl", "pic32mx",
    "psoc4", "psoc5lp", "psoc5lp_eeprom", "psoc5lp_nvl", "psoc6", "rpchf", "rp2040_flash",
    "sh_qspi", "sim3x", "stellaris", "stm32f1x", "stm32f2x", "stm32lx", "stm32l4x", "stm32h7x",
    "stmsmi", "stmqspi", "str7x", "str9x", "str9xpec", "swm050", "tms470", "virtual", "xcf",
    "xmc1xxx", "xmc4xxx", "w600", "rsl10",
)


@dataclass
class FlashBankConfig:
    name: str
    driver: str
    base: int
    size: int
    chip_width: int
    bus_width: int
    target: str  # the target's name
    options: list[str] = field(default_factory=list)  # driver options after the target
    number: int = 0
