"""Every test here runs with HOME in its own temporary directory: telnet consoles read
and write ~/.openocd_history (as OpenOCD does), which must be neither the developer's
nor shared between tests running at the same time. Servers started as subprocesses
inherit it."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
