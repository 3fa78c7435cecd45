"""The session's flash banks as live objects, and the options that apply to all.

Built at `flash init` from the `flash bank` declarations; the commands find banks
here by name or number, and by address for the current target.
"""

from __future__ import annotations

from collections.abc import Callable

from ocdpy.errors import FlashError
from ocdpy.flash.bank import BankDecl, FlashBank
from ocdpy.flash.program import skip_unchanged_default
from ocdpy.flash.target_api import FlashTarget


class FlashManager:
    def __init__(self, resolve_target: Callable[[str], FlashTarget | None] | None = None) -> None:
        self.banks: list[FlashBank] = []
        self.resolve_target = resolve_target
        self.skip_unchanged = skip_unchanged_default()
        # Flash was written since the core last ran: shutdown warns that the new
        # firmware is not running yet.
        self.written_targets: set[str] = set()

    def add(self, decl: BankDecl, number: int) -> FlashBank:
        bank = FlashBank(decl, None, number)
        self.banks.append(bank)
        return bank

    def attach_targets(self) -> None:
        """Give each bank its live target (once the targets exist)."""
        if self.resolve_target is None:
            return
        for bank in self.banks:
            if bank.target is None:
                bank.target = self.resolve_target(bank.decl.target)

    def _ready(self, bank: FlashBank) -> FlashBank:
        if bank.target is None:
            self.attach_targets()
        if bank.target is None:
            raise FlashError(f"flash bank #{bank.number} ({bank.name}): target '{bank.decl.target}' "
                             "is not available; run `init` first (or check the target name)")
        return bank

    def lookup(self, word: str, probe: bool = True) -> FlashBank:
        """A bank by name, else by number (OpenOCD's get_flash_bank_by_name/num)."""
        bank = next((b for b in self.banks if b.name == word), None)
        if bank is None:
            try:
                number = int(word, 0)
            except ValueError:
                number = -1
            bank = next((b for b in self.banks if b.number == number), None)
            if bank is None:
                have = ", ".join(f"#{b.number} {b.name}" for b in self.banks) or "none declared"
                raise FlashError(f"flash bank {word} does not exist (banks: {have})")
        self._ready(bank)
        if probe:
            bank.auto_probe()
        return bank

    def banks_of(self, target_name: str | None) -> list[FlashBank]:
        """The banks of a target (all banks when the target is not known)."""
        banks = [b for b in self.banks if target_name is None or b.decl.target == target_name]
        for b in banks:
            self._ready(b)
        return banks
