"""Transports: how the adapter talks to the chip (jtag, swd, hla_swd, dapdirect_swd, ...).

The adapter driver declares which transports it can use (`allowed`); a script selects
one (`transport select`) or the first allowed one is taken when asked for it. The
selection decides which commands exist (`jtag newtap` vs `swd newdap`) and how targets
are created (hla transports turn `cortex_m` into `hla_target`).
"""

from __future__ import annotations

from dataclasses import dataclass

# OpenOCD 0.12's transports, in the order `transport list` prints them.
TRANSPORT_NAMES = ("swd", "dapdirect_swd", "dapdirect_jtag", "swim", "hla_jtag", "hla_swd",
                   "jtag")


@dataclass
class TransportState:
    allowed: tuple[str, ...] | None = None
    selected: str | None = None

    @property
    def is_jtag(self) -> bool:
        """Plain JTAG (OpenOCD's transport_is_jtag)."""
        return self.selected == "jtag"

    @property
    def is_swd(self) -> bool:
        return self.selected == "swd"

    @property
    def is_hla(self) -> bool:
        return self.selected in ("hla_swd", "hla_jtag")

    @property
    def is_dapdirect(self) -> bool:
        return self.selected in ("dapdirect_swd", "dapdirect_jtag")

    @property
    def is_swim(self) -> bool:
        return self.selected == "swim"

    @property
    def uses_jtag_wires(self) -> bool:
        """What the `using_jtag` proc tests: "jtag" in the transport name."""
        return self.selected is not None and "jtag" in self.selected
