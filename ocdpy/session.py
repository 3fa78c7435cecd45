"""One debugging session: the Tcl interpreter, the command registry, the configuration
declared by scripts, moving through OpenOCD's phases config -> init -> exec -> shutdown.

The command line, the telnet/Tcl/GDB servers and tests all drive a Session. Command
modules register themselves here; ocdpy's own startup procs (cfg/startup/) are loaded
as OpenOCD loads its embedded startup.tcl. `init` runs OpenOCD's sequence: the
init_targets / init_target_events / init_board hooks, the adapter, the transport, the
DAPs, target examination, flash, then the post-init commands.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
from collections.abc import Callable

from ocdpy import log
from ocdpy.commands.registry import CommandMode, CommandSpec, Registry, module_specs
from ocdpy.resources import cfg_dir
from ocdpy.target.config import Configuration

# Command modules loaded into every session, in registration order. The generic table
# of OpenOCD's commands comes first so the Python implementations replace its entries.
COMMAND_MODULES = (
    "ocdpy.commands.core",
    "ocdpy.commands.adapter",
    "ocdpy.commands.transport",
    "ocdpy.commands.dap",
    "ocdpy.commands.target",
    "ocdpy.commands.run_control",
    "ocdpy.commands.registers",
    "ocdpy.commands.memory",
    "ocdpy.commands.breakpoints",
    "ocdpy.commands.cortex_m",
    "ocdpy.commands.images",
    "ocdpy.commands.flash",
    "ocdpy.commands.nand",
    "ocdpy.commands.server",
    "ocdpy.commands.connections",
    "ocdpy.commands.trace",
)

# ocdpy's startup procs, loaded in this order as "embedded:startup.tcl" (OpenOCD's name
# for its built-in script, so errors raised inside them are reported at the same place).
STARTUP_SCRIPTS = ("helper.tcl", "jtag.tcl", "target.tcl", "server.tcl", "flash.tcl")
STARTUP_NAME = "embedded:startup.tcl"
_LINE_MARK = re.compile(r"^#@line (\d+)$", re.M)

# Adapter drivers ocdpy drives (ocdpy.adapter); `init` refuses the others by name.
SUPPORTED_DRIVERS = ("hla", "st-link")
SUPPORTED_ADAPTERS = "ST-Link (adapter driver hla with hla_layout stlink, or adapter driver st-link)"


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


def user_script_dirs() -> list[str]:
    """The per-user directories OpenOCD searches: $XDG_CONFIG_HOME/openocd (or
    ~/.config/openocd) and ~/.openocd."""
    dirs = []
    home = os.environ.get("HOME")
    xdg = os.environ.get("XDG_CONFIG_HOME")
    if xdg:
        dirs.append(os.path.join(xdg, "openocd"))
    elif home:
        dirs.append(os.path.join(home, ".config", "openocd"))
    if home:
        dirs.append(os.path.join(home, ".openocd"))
    return dirs


class Session:
    def __init__(
        self,
        search_dirs: list[str] | None = None,
        use_installed_openocd: bool | None = None,
    ) -> None:
        from ocdpy.tcl import Interp

        self.interp = Interp()
        self.registry = Registry(self)
        self.config = Configuration()
        self.command_mode = CommandMode.CONFIG
        self.debug_level: int | None = None  # as `debug_level N` set it
        self.initialized = False
        self.init_started = False
        self.shutting_down = False
        self.shutdown_requested = False
        self.shutdown_error = False
        # The adapter object of a driver that ocdpy implements, once `init` opened it;
        # `adapter_factory(session)` makes it (default: ocdpy.adapter's ST-Link driver).
        self.adapter: object | None = None
        self.adapter_factory: Callable[[Session], object] | None = None
        # One-time steps of `init` (OpenOCD runs each at most once per process).
        self.targets_initialized = False
        self.flash_initialized = False
        # OpenOCD remembers across targets whether an xtensa target was given a DAP.
        self.xtensa_dap_configured = False
        # Banks a flash driver declares beside the one named (at91sam7 with geometry).
        self.pending_flash_banks: list = []
        # The live target objects (a CortexM, ...) by target name, once an init step of
        # the debug layer made them from `config.targets`.
        self.runtime_targets: dict[str, object] = {}
        # The registry polls every examined target before each command, as OpenOCD
        # does; the target commands then use that poll's failures (last_poll_failures).
        self.poll_before_commands = True
        self.last_poll_failures: dict[str, object] = {}
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
        # What later layers add: steps run by `init` after the adapter is open, hooks
        # after init, and hooks run at shutdown (last added first).
        self.init_steps: list[tuple[str, Callable[[], None]]] = []
        self.post_init_hooks: list[Callable[[], None]] = []
        self.shutdown_hooks: list[Callable[[], None]] = []
        # Where plain log lines go when `log_output default` is given (the CLI sets its
        # byte-preserving stderr here).
        self.console_stream = None
        self.interp.source_resolver = self._resolve_source
        from ocdpy.commands import table

        self.registry.add_all(table.specs("core"))
        # Exec-phase commands exist from the start, so using one before `init` says so.
        self.registry.add_all(table.specs("exec"))
        for name in COMMAND_MODULES:
            self.load_command_module(name)
        self.load_startup_scripts()

    # -- commands -------------------------------------------------------------------

    def load_command_module(self, module_name: str) -> None:
        module = importlib.import_module(module_name)
        self.registry.add_all(module_specs(module_name))
        setup = getattr(module, "setup_session", None)
        if setup is not None:
            setup(self)

    def add_command(self, spec: CommandSpec) -> None:
        self.registry.add(spec)

    def show_usage(self, name: str) -> None:
        """What OpenOCD prints after a syntax error: `usage NAME`."""
        for line in self.registry.help_lines(name, show_help=False):
            log.user(line)

    # -- startup scripts ------------------------------------------------------------

    def load_startup_scripts(self) -> None:
        """Run cfg/startup/*.tcl as OpenOCD's embedded startup script.

        A line `#@line N` (a comment to Tcl) says that the next line is line N of
        "embedded:startup.tcl", so a proc that raises an error there reports the same
        `embedded:startup.tcl:N` location OpenOCD reports."""
        base = cfg_dir() / "startup"
        line = 1
        for name in STARTUP_SCRIPTS:
            text = (base / name).read_bytes().decode("latin-1")
            pos = 0
            for m in _LINE_MARK.finditer(text):
                chunk = text[pos:m.start()]
                if chunk.strip():
                    self.interp.eval(chunk, filename=STARTUP_NAME, line=line)
                line = int(m.group(1))
                pos = m.end() + 1
            chunk = text[pos:]
            if chunk.strip():
                self.interp.eval(chunk, filename=STARTUP_NAME, line=line)
            line += chunk.count("\n")

    # -- scripts ------------------------------------------------------------------------

    def search_dirs(self) -> list[str]:
        dirs = list(self.user_search_dirs)
        env = os.environ.get("OPENOCD_SCRIPTS")
        if env:
            dirs += [d for d in env.split(os.pathsep) if d]
        dirs += user_script_dirs()
        dirs.append(str(cfg_dir()))
        if self.use_installed_openocd:
            dirs += installed_openocd_scripts()
        return dirs

    def find_script(self, name: str) -> str | None:
        """OpenOCD's find_file: the name as given if it can be read, else the first
        search dir holding it. Names are Tcl strings (one character per byte)."""
        found = None
        if _readable(fs_path(name)):
            found = name
        elif not os.path.isabs(name):
            for d in self.search_dirs():
                path = f"{tcl_string(d)}/{name}"
                if _readable(fs_path(path)):
                    found = path
                    break
        if found is not None:
            log.debug(f"found {found}")
        return found

    def _resolve_source(self, name: str) -> str:
        # `source` takes the name as given (relative to the cwd), as OpenOCD's does;
        # the Tcl string's bytes are the file name's bytes.
        return fs_path(name)

    def run_script(self, name: str) -> str:
        """`-f name`: run `script {name}` at global level, as OpenOCD does."""
        return self.interp.eval(f"script {{{name}}}")

    def run_command(self, line: str) -> str:
        """Run one command line (`-c`, a console line) at global level; returns its result."""
        return self.interp.eval(line)

    # -- phases -------------------------------------------------------------------------

    def add_init_step(self, name: str, fn: Callable[[], None]) -> None:
        """Run `fn` during `init`, after the adapter, transport and DAPs are up and
        before `flash init` (OpenOCD's target examination happens there)."""
        self.init_steps.append((name, fn))

    def runtime_target(self, name: str) -> object | None:
        """The live target object for a target name (None before init made it)."""
        return self.runtime_targets.get(name)

    def init(self) -> None:
        """OpenOCD's `init`: run once; a failure leaves the session unusable, as there."""
        if self.init_started:
            return
        self.init_started = True
        from ocdpy.commands import init_sequence

        init_sequence.run(self)
        self.initialized = True
        self.command_mode = CommandMode.EXEC
        for hook in self.post_init_hooks:
            hook()

    def run_hook_proc(self, name: str) -> bool:
        """Run a startup hook proc (init_targets, _run_post_init_commands, ...) as its
        own command line: an error is reported, as OpenOCD's command_run_line does."""
        from ocdpy.tcl import TclError

        try:
            self.interp.eval(name)
        except TclError as e:
            report_tcl_error(e)
            return False
        return True

    def request_shutdown(self, error: bool = False) -> None:
        """The `shutdown` command: stop running further commands, then shut down."""
        log.user("shutdown command invoked")
        self.shutdown_requested = True
        self.run_hook_proc("_run_pre_shutdown_commands")
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


def report_tcl_error(e) -> None:
    """Print a Tcl error as OpenOCD does: `file:line: Error: message` and the trace, or
    for a command typed without a file, the message alone as an `Error:` line."""
    text = format_tcl_error(e)
    if text:
        for line in text.split("\n"):
            log.user(line)


def format_tcl_error(e) -> str:
    """The text of an uncaught Tcl error: `file:line: Error: message` and the trace
    (Jim's shape, which OpenOCD prints), or `Error: message` when no file is involved
    (a `-c` command or a console line).

    A failed command (CommandFailure) has usually logged its `Error:` line already;
    its result is then only the output it printed before failing (e.g. `auto erase
    enabled`), shown bare as OpenOCD shows it. In a script ocdpy adds where it happened,
    as `file:line: the command failed, see above` and the trace. A failure whose cause
    was not logged gets its `Error:` line here, so every failure has one."""
    from ocdpy.commands.registry import CommandFailure

    stack = getattr(e, "stack", None) or []
    located = len(stack) >= 3 and str(stack[1]) != ""
    if isinstance(e, CommandFailure):
        message = e.result.rstrip("\n")
        if not e.logged and message:
            message = f"Error: {message}"
        if not located:
            return message
        lines = [message] if message else []
        if e.logged or not message:
            lines.append(f"{stack[1]}:{stack[2]}: "
                         + ("wrong arguments, see the usage above" if e.syntax
                            else "the command failed, see above"))
        else:
            lines[0] = f"{stack[1]}:{stack[2]}: {message}"
        trace = [line for line in e.format_trace().split("\n")
                 if line.startswith(("in procedure ", "at file "))]
        return "\n".join([*lines, *trace])
    text = e.format_trace()
    if not located and e.result:
        text = "Error: " + text
    return text


def fs_path(name: str) -> str:
    """The file-system path for a Tcl string (whose characters are the name's bytes)."""
    try:
        return os.fsdecode(name.encode("latin-1"))
    except UnicodeEncodeError:
        return name


def tcl_string(path: str) -> str:
    """A file-system path as a Tcl string: one character per byte of the name."""
    return os.fsencode(path).decode("latin-1")


def _readable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.R_OK)
