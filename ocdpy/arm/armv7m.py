"""ARMv7-M / ARMv8-M debug architecture: System Control Space addresses and bits,
the core register table, and the names OpenOCD prints (exceptions, modes).

Numbers are from the ARMv7-M Architecture Reference Manual (C1 "Debug", B3 "System
Control Space"); register numbering and names follow OpenOCD's armv7m register cache,
so `reg` lists the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

# Debug Control Block
DHCSR = 0xE000EDF0
DCRSR = 0xE000EDF4
DCRDR = 0xE000EDF8
DEMCR = 0xE000EDFC
DBGKEY = 0xA05F0000
C_DEBUGEN, C_HALT, C_STEP, C_MASKINTS = 1 << 0, 1 << 1, 1 << 2, 1 << 3
S_REGRDY, S_HALT, S_SLEEP, S_LOCKUP = 1 << 16, 1 << 17, 1 << 18, 1 << 19
S_RETIRE_ST, S_RESET_ST = 1 << 24, 1 << 25
DCRSR_WNR = 1 << 16
TRCENA = 1 << 24
VC_HARDERR, VC_BUSERR, VC_CORERESET = 1 << 10, 1 << 8, 1 << 0
VC_INTERR, VC_STATERR, VC_CHKERR, VC_NOCPERR, VC_MMERR = 1 << 9, 1 << 7, 1 << 6, 1 << 5, 1 << 4
# `cortex_m vector_catch` names, in the order OpenOCD lists them.
VECTOR_CATCH = (("hard_err", VC_HARDERR), ("int_err", VC_INTERR), ("bus_err", VC_BUSERR),
                ("state_err", VC_STATERR), ("chk_err", VC_CHKERR), ("nocp_err", VC_NOCPERR),
                ("mm_err", VC_MMERR), ("reset", VC_CORERESET))

# System Control Block
CPUID = 0xE000ED00
AIRCR = 0xE000ED0C
VTOR = 0xE000ED08
AIRCR_VECTKEY = 0x05FA0000
AIRCR_SYSRESETREQ, AIRCR_VECTRESET = 1 << 2, 1 << 0
DFSR = 0xE000ED30
DFSR_HALTED, DFSR_BKPT, DFSR_DWTTRAP, DFSR_VCATCH, DFSR_EXTERNAL = 1, 2, 4, 8, 16
MVFR0, MVFR1 = 0xE000EF40, 0xE000EF44

# Flash Patch and Breakpoint unit, Data Watchpoint and Trace unit
FP_CTRL = 0xE0002000
FP_COMP0 = 0xE0002008
FP_CTRL_KEY_ENABLE = 3
FPCR_REPLACE_BKPT_LOW, FPCR_REPLACE_BKPT_HIGH = 1 << 30, 2 << 30
DWT_CTRL = 0xE0001000
DWT_COMP0 = 0xE0001020
DWT_DEVARCH = 0xE0001FBC
DWT_DEVARCH_ARMV8M = 0x101A02

BKPT_INSTRUCTION = bytes([0x11, 0xBE])  # BKPT #0x11 (0xAB is for semihosting)

# DCRSR REGSEL numbers
REGSEL_XPSR, REGSEL_MSP, REGSEL_PSP, REGSEL_SPECIAL = 16, 17, 18, 0x14
REGSEL_FPSCR, REGSEL_S0 = 0x21, 0x40


@dataclass(frozen=True)
class CoreRegister:
    """One register as OpenOCD lists it: `number` is its place in the `reg` listing."""

    number: int
    name: str
    bits: int
    group: str  # general, system, float
    feature: str  # the GDB target-description feature
    regsel: int  # DCRSR REGSEL; the special registers share REGSEL_SPECIAL
    shift: int = 0  # bit position inside the shared special-register word
    fpu: bool = False


def _core_table() -> tuple[CoreRegister, ...]:
    gen, sysf, fpf = "org.gnu.gdb.arm.m-profile", "org.gnu.gdb.arm.m-system", "org.gnu.gdb.arm.vfp"
    regs = [CoreRegister(i, f"r{i}", 32, "general", gen, i) for i in range(13)]
    regs += [
        CoreRegister(13, "sp", 32, "general", gen, 13),
        CoreRegister(14, "lr", 32, "general", gen, 14),
        CoreRegister(15, "pc", 32, "general", gen, 15),
        CoreRegister(16, "xPSR", 32, "general", gen, REGSEL_XPSR),
        CoreRegister(17, "msp", 32, "system", sysf, REGSEL_MSP),
        CoreRegister(18, "psp", 32, "system", sysf, REGSEL_PSP),
        CoreRegister(20, "primask", 1, "system", sysf, REGSEL_SPECIAL, 0),
        CoreRegister(21, "basepri", 8, "system", sysf, REGSEL_SPECIAL, 8),
        CoreRegister(22, "faultmask", 1, "system", sysf, REGSEL_SPECIAL, 16),
        CoreRegister(23, "control", 3, "system", sysf, REGSEL_SPECIAL, 24),
    ]
    regs += [CoreRegister(42 + i, f"d{i}", 64, "float", fpf, REGSEL_S0 + 2 * i, fpu=True) for i in range(16)]
    regs.append(CoreRegister(58, "fpscr", 32, "float", fpf, REGSEL_FPSCR, fpu=True))
    return tuple(regs)


CORE_REGISTERS: tuple[CoreRegister, ...] = _core_table()
REGISTERS_BY_NAME = {r.name: r for r in CORE_REGISTERS}
REGISTERS_BY_NAME.update({"r13": REGISTERS_BY_NAME["sp"], "r14": REGISTERS_BY_NAME["lr"],
                          "r15": REGISTERS_BY_NAME["pc"], "xpsr": REGISTERS_BY_NAME["xPSR"]})
REGISTERS_BY_NUMBER = {r.number: r for r in CORE_REGISTERS}
SINGLE_PRECISION = {f"s{i}": REGSEL_S0 + i for i in range(32)}  # also readable by name

EXCEPTION_NAMES = (
    "", "Reset", "NMI", "HardFault", "MemManage", "BusFault", "UsageFault", "SecureFault",
    "RESERVED", "RESERVED", "RESERVED", "SVCall", "DebugMonitor", "RESERVED", "PendSV", "SysTick",
)


def exception_name(number: int) -> str:
    if number < 0 or number > 511:
        return "Invalid exception"
    if number < 16:
        return EXCEPTION_NAMES[number]
    return f"External Interrupt({number - 16})"


def c_hex(value: int, digits: int = 8) -> str:
    """C's `%#8.8x`: 0x-prefixed and zero-padded, except that zero prints bare."""
    return f"{value:#0{digits + 2}x}" if value else "0" * digits
