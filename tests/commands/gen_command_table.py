"""Regenerate ocdpy/commands/openocd_table.py from an installed OpenOCD 0.12.

    python3 tests/commands/gen_command_table.py > ocdpy/commands/openocd_table.py

Not a test. It runs `openocd` in a series of configurations (no adapter; each adapter
driver; each transport; one target of each type; one flash bank of each driver; after
`init`) and asks the running program, through Tcl, which commands exist: their full
names (`info commands`), modes (`command mode`) and usage lines (`usage`). The
differences between configurations say which commands each driver, transport, target
type and flash driver adds. Only these interface facts are recorded (names, modes,
usage syntax), no help text and no code.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

DUMP_TCL = r"""
proc dumpcmds {} {
  set procs [info procs]
  foreach c [lsort [info commands]] {
     if {[lsearch -exact $procs $c] >= 0} continue
     set m [command mode $c]
     if {$m eq "unknown"} continue
     set u [capture "usage {$c}"]
     puts "CMD\t$c\t$m"
     puts "USAGE<<"
     puts -nonewline $u
     puts ">>USAGE"
  }
}
"""

JTAG = ["adapter driver dummy", "transport select jtag", "jtag newtap x cpu -irlen 4",
        "dap create x.dap -chain-position x.cpu"]
MULTI_TRANSPORT = {"ftdi", "jlink", "vsllink", "buspirate", "sysfsgpio", "linuxgpiod",
                   "cmsis-dap", "xds110", "st-link", "hla"}
SINGLE_NON_JTAG = {"kitprog": "swd", "rshim": "dapdirect_swd"}
TRANSPORT_DRIVER = {"jtag": "dummy", "swd": "cmsis-dap", "hla_swd": "hla", "hla_jtag": "hla",
                    "dapdirect_swd": "st-link", "dapdirect_jtag": "st-link", "swim": "st-link"}
# Flash drivers whose bank command needs particular arguments (from OpenOCD's tree).
FLASH_ARGS = {
    "at91sam3": "0x80000 0 1 1 x.t", "at91sam4": "0x400000 0 1 1 x.t",
    "cfi": "0 0x1000 2 2 x.t", "esirisc": "0 0 0 0 x.t 0 0 0", "fm4": "0 0 0 0 x.t S6E2CC",
    "jtagspi": "0 0 0 0 x.t 0x02", "lpc2000": "0 0x7800 0 0 x.t lpc800 500",
    "lpc288x": "0 0 0 0 x.t 12000", "lpc2900": "0 0 0 0 x.t 12000",
    "max32xxx": "0 0 0 0 x.t 0x40002000 0x2000 96 0", "mdr": "0 0x1000 0 0 x.t 1 1 4",
    "mrvlqspi": "0 0 0 0 x.t 0x46010000", "rpchf": "0 0x1000 2 2 x.t 0",
    "stmqspi": "0x90000000 0 0 0 x.t 0xA0001000", "str7x": "0x40000000 0x40000 0 0 x.t STR71x",
    "str9x": "0 0x80000 0 0 x.t", "virtual": "0 0 0 0 x.t m", "rsl10": "0x100000 0x60000 0 0 x.t",
    "fm3": "0 0 0 0 mb9bfxx6.cpu", "ocl": "0 0 0 0 x.t", "str9xpec": "0 0x80000 0 0 x.t",
}
FLASH_TARGET = {"fm3": "mb9bfxx6.cpu cortex_m -dap x.dap", "ocl": "x.t arm7tdmi -chain-position x.cpu",
                "str9xpec": "x.t arm966e -chain-position x.cpu"}


def run(commands: list[str]) -> dict[str, tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "dump.tcl")
        with open(dump, "w") as f:
            f.write(DUMP_TCL)
        argv = ["openocd", "-f", dump]
        for c in commands + ["dumpcmds", "shutdown"]:
            argv += ["-c", c]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=tmp)
    return parse(proc.stdout)


def parse(text: str) -> dict[str, tuple[str, str]]:
    cmds = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith("CMD\t"):
            _, name, mode = lines[i].split("\t")
            j = i + 2
            block = []
            while not lines[j].endswith(">>USAGE"):
                block.append(lines[j])
                j += 1
            if lines[j][:-7]:
                block.append(lines[j][:-7])
            cmds[name] = (mode, usage_of(name, block))
            i = j + 1
        else:
            i += 1
    return cmds


def usage_of(name: str, block: list[str]) -> str:
    depth = name.count(" ")
    ind = "  " * depth
    for k, ln in enumerate(block):
        if not ln.startswith(ind) or ln[len(ind):len(ind) + 1] == " ":
            continue
        body = ln[len(ind):]
        if body == name or body.startswith(name + " "):
            parts = [body]
            cont = "  " * (depth + 5)
            for ln2 in block[k + 1:]:
                if not ln2.startswith(cont):
                    break
                parts.append(ln2[len(cont):])
            return " ".join(parts)[len(name):].strip()
    return ""


def main() -> int:
    out: list[str] = []

    def section(title, cmds, strip=""):
        out.append(f"[{title}]")
        for k in sorted(cmds):
            mode, usage = cmds[k]
            line = f"{k[len(strip):]}\t{mode}"
            out.append(f"{line}\t{usage}" if usage else line)

    def diff(a, b, skip=lambda k: False):
        return {k: v for k, v in a.items() if k not in b and not skip(k)}

    base = run([])
    section("core", base)
    setup = ["gdb_port disabled", "telnet_port disabled", "tcl_port disabled",
             "adapter driver dummy", "adapter speed 1000", "transport select jtag",
             "jtag newtap x cpu -irlen 4 -expected-id 0",
             "target create x.t testee -chain-position x.cpu",
             "flash bank f faux 0 0x1000 0 0 x.t"]
    pre = run(setup)
    post = run(setup + ["init"])
    section("exec", diff(post, pre, lambda k: k.startswith("x.t")))

    drivers = [ln.split(": ", 1)[1] for ln in subprocess.run(
        ["openocd", "-c", "adapter list", "-c", "shutdown"], capture_output=True,
        text=True, timeout=60).stderr.splitlines() if ln[:1].isdigit()]
    drv = {d: run([f"adapter driver {d}"]) for d in drivers}
    tr = {}
    for t, d in TRANSPORT_DRIVER.items():
        got = run([f"adapter driver {d}", f"transport select {t}"])
        tr[t] = diff(got, base if t == "jtag" else drv[d], lambda k: k.split()[0] == "dummy")
        section(f"transport {t}", tr[t])
    for d in drivers:
        auto = SINGLE_NON_JTAG.get(d) or (None if d in MULTI_TRANSPORT else "jtag")
        skip = set(base) | set(tr[auto] if auto else {})
        section(f"driver {d}", diff(drv[d], skip))

    types = subprocess.run(["openocd", "-c", "echo [target types]", "-c", "shutdown"],
                           capture_output=True, text=True, timeout=60).stderr.splitlines()
    types = [ln for ln in types if ln.startswith("arm7tdmi")][0].split()
    ttbase = run(JTAG)
    inst, glob = {}, {}
    for t in types:
        irlen = 5 if t in ("arm11", "mips_mips64") else 4
        opt = {"cortex_m": "-dap x.dap", "cortex_a": "-dap x.dap", "cortex_r4": "-dap x.dap",
               "hla_target": "-dap x.dap", "aarch64": "-dap x.dap",
               "mem_ap": "-dap x.dap -ap-num 0"}.get(t, "-chain-position x.cpu")
        cmds = JTAG[:2] + [f"jtag newtap x cpu -irlen {irlen}", JTAG[3],
                           f"target create x.t {t} {opt}"]
        got = run(cmds)
        inst[t] = {k: v for k, v in got.items() if k.startswith("x.t ")}
        glob[t] = diff(got, ttbase, lambda k: k.split()[0] == "x.t")
    common = set.intersection(*(set(v) for v in inst.values()))
    section("instance", {k: v for k, v in inst["testee"].items() if k in common}, "x.t ")
    for t in types:
        section(f"target {t}", glob[t])
        section(f"instance {t}", diff(inst[t], common), "x.t ")
    section("dap_instance", {k: v for k, v in ttbase.items() if k.startswith("x.dap ")}, "x.dap ")

    cm = JTAG + ["target create x.t cortex_m -dap x.dap"]
    fbase = run(cm + ["flash bank m stm32f1x 0 0 0 0 x.t"])
    for fl in sys.argv[1:] or FLASH_DRIVERS:
        if fl in FLASH_TARGET:
            pre_cmds = JTAG + [f"target create {FLASH_TARGET[fl]}"]
        elif fl == "stm32f1x":
            pre_cmds = cm
        else:
            pre_cmds = cm + ["flash bank m stm32f1x 0 0 0 0 x.t"]
        args = FLASH_ARGS.get(fl, "0 0 0 0 x.t")
        got = run(pre_cmds + [f"flash bank b {fl} {args}"])
        ref = fbase if pre_cmds[-1].startswith("flash bank m") else run(pre_cmds)
        section(f"flash {fl}", diff(got, ref))

    print('"""OpenOCD 0.12\'s command interface: names, modes and usage lines, by scope.\n')
    print("Generated by tests/commands/gen_command_table.py from a running OpenOCD (see there).")
    print("`[scope]` lines open a section; each entry is `name<TAB>mode[<TAB>usage]`.")
    print('"""\n')
    print("TABLE = r'''")
    print("\n".join(out))
    print("'''")
    return 0


FLASH_DRIVERS = """aduc702x aducm360 ambiqmicro at91sam3 at91sam4 at91sam4l at91sam7 at91samd ath79
atsame5 atsamv avr bluenrg-x cc3220sf cc26xx cfi dsp5680xx_flash efm32 em357 esirisc faux fm3
fm4 fespi jtagspi kinetis kinetis_ke lpc2000 lpc288x lpc2900 lpcspifi max32xxx mdr mrvlqspi
msp432 niietcm4 npcx nrf5 nrf51 numicro ocl pic32mx psoc4 psoc5lp psoc5lp_eeprom psoc5lp_nvl
psoc6 rpchf rp2040_flash sh_qspi sim3x stellaris stm32f1x stm32f2x stm32lx stm32l4x stm32h7x
stmsmi stmqspi str7x str9x str9xpec swm050 tms470 virtual xcf xmc1xxx xmc4xxx w600
rsl10""".split()

if __name__ == "__main__":
    sys.exit(main())
