"""Cases where ocdpy is expected to differ from OpenOCD 0.12, each with its reason.

Keys are either a file ("target/foo.cfg": every group that runs it) or one case id
("target-stlink:target/foo.cfg", see `Case.id`). The value says why the difference is
right or accepted, in a sentence a reviewer can check. The suite marks these cases
xfail(strict=True): when ocdpy starts to match, the test fails so the entry is removed.

Only real, justified reasons belong here (for instance a file that crashes OpenOCD).
"""

KNOWN_DIFFERENCES: dict[str, str] = {
    "target/vd_riscv.cfg": (
        "OpenOCD 0.12 crashes here (SIGSEGV, exit 139, no Error line): the file runs "
        "`target create` before any transport is selected, and target_create dereferences "
        "the missing transport. ocdpy stops with one line instead: `Error: target create "
        "riscv.cpu: no transport selected yet; select one (transport select ..., or source "
        "target/swj-dp.tcl) before creating targets`, exit code 1."),
    "board/esp32-bridge.cfg": (
        "Both fail on `espusbjtag caps_descriptor` with wrong arguments. OpenOCD shows only "
        "the usage, with no Error line; ocdpy's rule is that every failure has one, so it "
        "prints `Error: wrong arguments for 'espusbjtag caps_descriptor'; its usage:` "
        "before the same usage."),
}


def reason_for(case_id: str, name: str) -> str | None:
    return KNOWN_DIFFERENCES.get(case_id) or KNOWN_DIFFERENCES.get(name)
