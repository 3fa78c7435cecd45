"""One debugging session: the Tcl interpreter, the command registry and the hardware
objects, moving through OpenOCD's phases config -> init -> exec -> shutdown.

The command line, the telnet/Tcl/GDB servers and tests all drive a Session. Command
modules register themselves here; subsystems that must act at `init` (adapter,
transport, DAPs, targets, flash) add init steps, which run in the order OpenOCD runs
them.
"""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from ocdpy import log
from ocdpy.commands.registry import CommandSpec, Registry, module_specs
from ocdpy.resources import cfg_dir

# Command modules loaded into every session, in registration order.
COMMAND_MODULES = ("ocdpy.commands.core",)

# Startup scripts (ours, in cfg/startup/) sourced after the Python commands exist.
STARTUP_SCRIPTS = ()


class ShutdownRequested(Exception):
    """Raised through the interpreter by `shutdown` so the caller stops running commands."""

    def __init__(self, error: bool = False) -> None:
        super().__init__("shutdown")
        self.error = error


def installed_openocd_scripts() -> list[str]:
    """An installed OpenOCD's script tree, as OpenOCD itself names it (bindir/../share)."""
    dirs = []
    exe = shutil.which("openocd")
    if exe:
        bindir = os.path.dirname(os.path.realpath(exe))
        dirs.append(os.path.join(bindir, "..", "share", "openocd", "scripts"))
    dirs += ["/usr/share/openocd/scripts", "/usr/local/share/openocd/scripts"]
    seen: set[str] = set()
    out = []
    for d in dirs:
        real = os.path.realpath(d)
        if os.path.isdir(d) and real not in seen:
            seen.add(real)
            out.append(d)
    return out


class Session:
    def __init__(
        self,
        search_dirs: list[str] | None = None,
        use_installed_openocd: bool | None = None,
    ) -> None:
        from ocdpy.tcl import Interp

        self.interp = Interp()
        self.registry = Registry(self)
        self.initialized = False
        self.shutting_down = False
        self.shutdown_requested = False
        self.shutdown_error = False
        # `-s` dirs and add_script_search_dir, in the order given; searched first.
        self.user_search_dirs: list[str] = list(search_dirs or [])
        # OCDPY_NO_OPENOCD_SCRIPTS=1 keeps an installed OpenOCD tree out of the search,
        # so only ocdpy's bundled cfg/ (and -s / $OPENOCD_SCRIPTS) is used.
        if use_installed_openocd is None:
            use_installed_openocd = os.environ.get("OCDPY_NO_OPENOCD_SCRIPTS") != "1"
        self.use_installed_openocd = use_installed_openocd
        # Help and usage for commands written in Tcl (add_help_text / add_usage_text).
        self.help_texts: dict[str, tuple[str, str]] = {}
        self.help_hidden: set[str] = set()
        self.init_steps: list[tuple[str, Callable[[], None]]] = []
        self.post_init_hooks: list[Callable[[], None]] = []
        self.shutdown_hooks: list[Callable[[], None]] = []
        self.interp.source_resolver = self._resolve_source
        for name in COMMAND_MODULES:
            self.load_command_module(name)
        for script in STARTUP_SCRIPTS:
            self.interp.source(str(cfg_dir() / "startup" / script))

    # -- commands -------------------------------------------------------------------

    def load_command_module(self, module_name: str) -> None:
        module = importlib.import_module(module_name)
        self.registry.add_all(module_specs(module_name))
        setup = getattr(module, "setup_session", None)
        if setup is not None:
            setup(self)

    def add_command(self, spec: CommandSpec) -> None:
        self.registry.add(spec)

    # -- scripts ------------------------------------------------------------------------

    def search_dirs(self) -> list[str]:
        dirs = list(self.user_search_dirs)
        env = os.environ.get("OPENOCD_SCRIPTS")
        if env:
            dirs += [d for d in env.split(os.pathsep) if d]
        dirs.append(str(cfg_dir()))
        if self.use_installed_openocd:
            dirs += installed_openocd_scripts()
        return dirs

    def find_script(self, name: str) -> str | None:
        """OpenOCD's find: the name as given if it exists, else the first search dir
        holding it."""
        if os.path.isabs(name):
            return name if os.path.isfile(name) else None
        if os.path.isfile(name):
            return name
        for d in self.search_dirs():
            path = os.path.join(d, name)
            if os.path.isfile(path):
                return path
        return None

    def _resolve_source(self, name: str) -> str:
        # `source` takes the name as given (relative to the cwd), as OpenOCD's does.
        return name

    def run_script(self, name: str) -> None:
        """`-f name` / `script name`: find the file and run it at global level."""
        self.interp.call("script", name)

    def run_command(self, line: str) -> str:
        """Run one command line (`-c`, a console line) at global level; returns its result."""
        return self.interp.eval(line)

    # -- phases -------------------------------------------------------------------------

    def add_init_step(self, name: str, fn: Callable[[], None]) -> None:
        self.init_steps.append((name, fn))

    def init(self) -> None:
        if self.initialized:
            return
        for _name, step in self.init_steps:
            step()
        self.initialized = True
        for hook in self.post_init_hooks:
            hook()

    def request_shutdown(self, error: bool = False) -> None:
        """The `shutdown` command: stop running further commands, then shut down."""
        log.user("shutdown command invoked")
        self.shutdown_requested = True
        self.shutdown_error = self.shutdown_error or error
        raise ShutdownRequested(error)

    def shutdown(self) -> None:
        if self.shutting_down:
            return
        self.shutting_down = True
        for hook in reversed(self.shutdown_hooks):
            try:
                hook()
            except Exception as e:  # noqa: BLE001 - shutdown must finish whatever fails
                log.debug(f"shutdown hook failed: {e}")
