"""Targets as declared by `target create NAME TYPE ...` and `$target configure ...`:
the type, where the core sits (TAP or DAP and AP), work area, endianness, event
handlers and the type's own options. The target implementations of later issues
(Cortex-M through an ST-Link, ...) are built from these and fire the events stored here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ocdpy.target.dap import DapConfig
from ocdpy.target.tap import TapConfig

# OpenOCD 0.12's target types, in its order (`target types`).
TARGET_TYPES = (
    "arm7tdmi", "arm9tdmi", "arm920t", "arm720t", "arm966e", "arm946e", "arm926ejs", "fa526",
    "feroceon", "dragonite", "xscale", "xtensa", "cortex_m", "cortex_a", "cortex_r4", "arm11",
    "ls1_sap", "mips_m4k", "avr", "dsp563xx", "dsp5680xx", "testee", "avr32_ap7k",
    "hla_target", "nds32_v2", "nds32_v3", "nds32_v3m", "esp32", "esp32s2", "esp32s3", "or1k",
    "quark_x10xx", "quark_d20xx", "stm8", "riscv", "mem_ap", "esirisc", "arcv2", "aarch64",
    "mips_mips64",
)

# Types configured through a DAP (`-dap NAME -ap-num N`) rather than a TAP.
DAP_TYPES = frozenset({"cortex_m", "cortex_a", "cortex_r4", "hla_target", "mem_ap", "aarch64"})
# xtensa-based types accept `-dap` too but fall back to a TAP without it.
XTENSA_TYPES = frozenset({"xtensa"})
# Types with options of their own in `configure`.
STM8_OPTIONS = ("-blocksize", "-flashstart", "-flashend", "-eepromstart", "-eepromend",
                "-optionstart", "-optionend", "-enable_step_irq", "-enable_stm8l")

# `$target configure` options every type has, in OpenOCD's order.
CONFIG_OPTIONS = (
    "-type", "-event", "-work-area-virt", "-work-area-phys", "-work-area-size",
    "-work-area-backup", "-endian", "-coreid", "-chain-position", "-dbgbase", "-rtos",
    "-defer-examine", "-gdb-port", "-gdb-max-connections",
)

# Target events, in OpenOCD's table order (used in its error messages).
TARGET_EVENTS = (
    "gdb-halt", "halted", "resumed", "resume-start", "resume-end", "step-start", "step-end",
    "gdb-start", "gdb-end", "reset-start", "reset-assert-pre", "reset-assert",
    "reset-assert-post", "reset-deassert-pre", "reset-deassert-post", "reset-init",
    "reset-end", "examine-start", "examine-fail", "examine-end", "debug-halted",
    "debug-resumed", "gdb-attach", "gdb-detach", "gdb-flash-write-start",
    "gdb-flash-write-end", "gdb-flash-erase-start", "gdb-flash-erase-end", "trace-config",
    "semihosting-user-cmd-0x100", "semihosting-user-cmd-0x101", "semihosting-user-cmd-0x102",
    "semihosting-user-cmd-0x103", "semihosting-user-cmd-0x104", "semihosting-user-cmd-0x105",
    "semihosting-user-cmd-0x106", "semihosting-user-cmd-0x107",
)

ENDIAN_NAMES = {"big": "big", "little": "little", "be": "big", "le": "little"}

# OpenOCD's RTOS support, in its order (errors list them so).
RTOS_TYPES = ("ThreadX", "FreeRTOS", "eCos", "linux", "chibios", "Chromium-EC", "embKernel",
              "mqx", "uCOS-III", "nuttx", "RIOT", "Zephyr", "hwthread")

AP_NUM_INVALID = -1


@dataclass
class TargetConfig:
    name: str
    type_name: str  # the type created (after an hla transport turned cortex_m into hla_target)
    number: int
    requested_type: str = ""
    tap: TapConfig | None = None
    tap_configured: bool = False
    dap: DapConfig | None = None
    dap_configured: bool = False
    has_dap: bool = False
    ap_num: int = AP_NUM_INVALID
    coreid: int = 0
    work_area_phys: int = 0
    work_area_phys_set: bool = False
    work_area_virt: int = 0
    work_area_virt_set: bool = False
    work_area_size: int = 0
    work_area_backup: bool = False
    endian: str | None = None  # "little" / "big"; little when never set
    dbgbase: int = 0
    dbgbase_set: bool = False
    rtos: str | None = None
    defer_examine: bool = False
    gdb_port: str | None = None
    gdb_max_connections: int = 1
    cti: str | None = None  # aarch64 `-cti NAME`
    # Event handlers: name -> Tcl body. OpenOCD keeps the newest first.
    events: dict[str, str] = field(default_factory=dict)
    # Options of a type's own (`-flashstart` for stm8, ...): name -> value.
    type_options: dict[str, str] = field(default_factory=dict)
    # Config-phase commands of the type run on this target: (command, args).
    settings: list[tuple[str, list[str]]] = field(default_factory=list)
    smp_group: int = 0

    @property
    def endianness(self) -> str:
        return self.endian or "little"

    def event_body(self, event: str) -> str | None:
        return self.events.get(event)

    def set_event(self, event: str, body: str) -> None:
        # New handlers go first, as OpenOCD lists them in `eventlist`.
        if event in self.events:
            self.events[event] = body
        else:
            self.events = {event: body, **self.events}
