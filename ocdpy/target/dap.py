"""ARM debug access ports as declared by `dap create`: the DP on a TAP, and the settings
scripts make on it (`$dap apsel`, `$dap apcsw`, quirks). The ADIv5 layer of a later
issue builds its DAP objects from these."""

from __future__ import annotations

from dataclasses import dataclass, field

from ocdpy.target.tap import TapConfig


@dataclass
class DapConfig:
    name: str
    tap: TapConfig
    ignore_syspwrupack: bool = False
    dp_id: int | None = None  # SWD multidrop TARGETSEL DPID
    instance_id: int | None = None
    adi_version: int = 0  # 0: detect, 5 or 6 when forced
    apsel: int = 0
    apcsw: tuple[int, int] | None = None  # (value, mask) from `$dap apcsw`
    ti_be_32_quirks: bool = False
    nu_npcx_quirks: bool = False
    # Other `$dap ...` settings, in order: (sub-command, args).
    settings: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def is_multidrop(self) -> bool:
        return self.dp_id is not None and self.instance_id is not None
