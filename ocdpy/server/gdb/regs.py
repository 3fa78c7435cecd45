"""Cortex-M registers in GDB's numbering, as OpenOCD 0.12 presents them.

The numbers are OpenOCD's armv7m register cache indexes, so `p`/`P` packets and the
target description agree with what GDB gets from OpenOCD: r0-r12, sp, lr, pc, xPSR
(0-16, the `g` packet), msp 17, psp 18, the hidden packed special-register word 19,
primask/basepri/faultmask/control 20-23, and with an FPU d0-d15 42-57 and fpscr 58.
"""

from __future__ import annotations

from ocdpy.server.targets import GdbRegister

M_PROFILE = "org.gnu.gdb.arm.m-profile"
M_SYSTEM = "org.gnu.gdb.arm.m-system"
VFP = "org.gnu.gdb.arm.vfp"


def cortex_m_registers(fpu: bool = False) -> list[GdbRegister]:
    regs = [GdbRegister(f"r{i}", i, 32, general=True) for i in range(13)]
    regs += [
        GdbRegister("sp", 13, 32, "data_ptr", general=True),
        GdbRegister("lr", 14, 32, general=True),
        GdbRegister("pc", 15, 32, "code_ptr", general=True),
        GdbRegister("xPSR", 16, 32, general=True),
        GdbRegister("msp", 17, 32, "data_ptr", "system", M_SYSTEM),
        GdbRegister("psp", 18, 32, "data_ptr", "system", M_SYSTEM),
        GdbRegister("pmsk_bpri_fltmsk_ctrl", 19, 32, group="", feature="", hidden=True),
        GdbRegister("primask", 20, 1, "int8", "system", M_SYSTEM),
        GdbRegister("basepri", 21, 8, "int8", "system", M_SYSTEM),
        GdbRegister("faultmask", 22, 1, "int8", "system", M_SYSTEM),
        GdbRegister("control", 23, 3, "int8", "system", M_SYSTEM),
    ]
    if fpu:
        regs += [GdbRegister(f"d{i}", 42 + i, 64, "ieee_double", "float", VFP) for i in range(16)]
        regs.append(GdbRegister("fpscr", 58, 32, "int", "float", VFP))
    return regs
