"""ARM debug: the ADIv5 debug port and access ports (`DebugPort`, `AccessPort`,
`MemAP`), the high-level-probe facade (`HlaMemAP`), the Cortex-M core (`CortexM`) with
its breakpoints and watchpoints, and target working areas."""

from __future__ import annotations

from .cortex_m import CoreInfo, CortexM, DebugReason, TargetState
from .dap import AccessPort, DebugPort
from .memap import HlaMemAP, MemAP
from .work_area import WorkAreaAllocator, WorkingArea

__all__ = ["AccessPort", "CoreInfo", "CortexM", "DebugPort", "DebugReason", "HlaMemAP", "MemAP",
           "TargetState", "WorkAreaAllocator", "WorkingArea"]
