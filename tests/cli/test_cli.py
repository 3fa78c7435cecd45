"""The `ocdpy` command line as a user runs it: options, the order of files and commands,
the openocd.cfg default, logging options, error reports and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ocdpy import cli

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def ocdpy(*args: str, cwd: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["OCDPY_NO_OPENOCD_SCRIPTS"] = "1"
    env.pop("OPENOCD_SCRIPTS", None)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "ocdpy", *args], capture_output=True,
                          cwd=cwd, env=env, timeout=timeout, stdin=subprocess.DEVNULL)


def err(proc: subprocess.CompletedProcess) -> list[str]:
    """stderr lines after the banner."""
    return proc.stderr.decode("utf-8", "replace").splitlines()[1:]


def test_version_prints_banner_and_exits_0():
    proc = ocdpy("--version")
    assert proc.returncode == 0
    assert proc.stderr.decode().startswith("ocdpy ")
    assert "Open On-Chip Debugger 0.12.0 compatible" in proc.stderr.decode()
    assert proc.stdout == b""


def test_help_lists_the_options_and_exits_255():
    proc = ocdpy("-h")
    assert proc.returncode == 255
    text = proc.stderr.decode()
    for option in ("--help", "--version", "--file", "--search", "--debug", "--log_output",
                   "--command"):
        assert option in text


@pytest.mark.parametrize("args,message", [
    (["-x"], "Error: invalid option -- 'x'; see 'ocdpy --help'"),
    (["stray"], "Error: Unexpected command line argument: stray; see 'ocdpy --help'"),
    (["--bogus"], "Error: unrecognized option '--bogus'; see 'ocdpy --help'"),
    (["-f"], "Error: option requires an argument -- 'f'; see 'ocdpy --help'"),
])
def test_bad_command_lines_exit_1_with_an_error_line(args, message):
    proc = ocdpy(*args)
    assert proc.returncode == 1
    assert err(proc) == [message]


def test_files_and_commands_run_in_order(tmp_path):
    (tmp_path / "b.cfg").write_text("echo from-file\n")
    proc = ocdpy("-c", "echo first", "-f", "b.cfg", "--command=echo third",
                 "--comm", "shutdown", cwd=str(tmp_path))
    assert proc.returncode == 0
    assert err(proc) == ["first", "from-file", "third", "shutdown command invoked"]


def test_openocd_cfg_in_the_current_directory_is_the_default(tmp_path):
    (tmp_path / "openocd.cfg").write_text("echo default-config\nshutdown\n")
    proc = ocdpy(cwd=str(tmp_path))
    assert proc.returncode == 0
    assert err(proc) == ["default-config", "shutdown command invoked"]


def test_missing_openocd_cfg_is_reported_and_init_still_runs(tmp_path):
    proc = ocdpy(cwd=str(tmp_path))
    assert proc.returncode == 1
    lines = err(proc)
    assert lines[0] == "embedded:startup.tcl:28: Error: Can't find openocd.cfg"
    assert 'Error: Debug Adapter has to be specified, see "adapter driver" command' in lines


def test_debug_option_sets_the_level():
    assert "debug_level: 3" in err(ocdpy("-d", "-c", "echo [debug_level]", "-c", "shutdown"))
    assert "debug_level: 1" in err(ocdpy("-d1", "-c", "echo [debug_level]", "-c", "shutdown"))
    assert "debug_level: 4" in err(ocdpy("--debug=4", "-c", "echo [debug_level]", "-c", "shutdown"))
    lines = err(ocdpy("-d3", "-c", "shutdown"))
    assert any(line.startswith("Debug: ") for line in lines)


def test_log_output_option_sends_the_log_to_a_file(tmp_path):
    log = tmp_path / "ocd.log"
    proc = ocdpy("-l", str(log), "-c", "echo hello-log", "-c", "shutdown")
    assert proc.returncode == 0
    assert err(proc) == []
    assert log.read_text().splitlines() == ["hello-log", "shutdown command invoked"]


def test_search_option_finds_scripts(tmp_path):
    (tmp_path / "boards").mkdir()
    (tmp_path / "boards" / "mine.cfg").write_text("echo found-me\n")
    proc = ocdpy("-s", str(tmp_path), "-f", "boards/mine.cfg", "-c", "shutdown")
    assert proc.returncode == 0
    assert err(proc)[0] == "found-me"


def test_script_error_is_reported_with_file_and_line_and_stops(tmp_path):
    (tmp_path / "bad.cfg").write_text("echo ok\nset x 1\nerror \"no chip here\"\necho never\n")
    proc = ocdpy("-f", "bad.cfg", "-c", "echo after", cwd=str(tmp_path))
    assert proc.returncode == 1
    lines = err(proc)
    assert lines[0] == "ok"
    assert lines[1] == "bad.cfg:3: Error: no chip here"
    assert "in procedure 'script' " in lines[2]
    assert "never" not in lines and "after" not in lines
    assert "Traceback" not in proc.stderr.decode()


def test_command_error_is_an_error_line():
    proc = ocdpy("-c", "error {something broke}", "-c", "echo after")
    assert proc.returncode == 1
    assert err(proc) == ["Error: something broke"]


def test_shutdown_exit_codes():
    assert ocdpy("-c", "shutdown").returncode == 0
    proc = ocdpy("-c", "shutdown error")
    assert proc.returncode == 1
    assert err(proc) == ["shutdown command invoked"]


def test_init_without_adapter_fails_with_openocds_message():
    proc = ocdpy("-c", "init")
    assert proc.returncode == 1
    assert err(proc) == ['Error: Debug Adapter has to be specified, see "adapter driver" command']


def test_unsupported_adapter_fails_at_init_naming_it():
    proc = ocdpy("-c", "adapter driver ftdi", "-c", "transport select jtag")
    assert proc.returncode == 1
    assert err(proc)[-1] == (
        "Error: ocdpy cannot drive the 'ftdi' adapter: it supports ST-Link (adapter driver hla "
        "with hla_layout stlink, or adapter driver st-link); the configuration itself was read "
        "without errors")


def test_bundled_stlink_config_loads_without_openocd():
    proc = ocdpy("-f", "interface/stlink.cfg", "-f", "target/stm32f1x.cfg",
                 "-c", "echo [target names]|[flash list]", "-c", "shutdown")
    assert proc.returncode == 0
    assert ("stm32f1x.cpu|{name stm32f1x.flash driver stm32f1x base 134217728 size 0 "
            "bus_width 0 chip_width 0 target stm32f1x.cpu}") in err(proc)


def test_utf8_names_come_out_as_they_went_in(tmp_path):
    name = "плата.cfg"
    (tmp_path / name).write_bytes('echo "чип [file tail [info script]]"\n'.encode())
    proc = ocdpy("-f", name, "-c", "shutdown", cwd=str(tmp_path))
    assert proc.returncode == 0
    assert err(proc)[0] == f"чип {name}"


def test_unexpected_exception_is_one_error_line(monkeypatch, capsys):
    def broken(opts, stream=None):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(cli, "run", broken)
    code = cli.main(["-c", "shutdown"])
    assert code == 1
    text = capsys.readouterr().err
    assert "Error: internal error: RuntimeError: simulated bug" in text
    assert "Traceback" not in text


@pytest.mark.oracle("openocd")
def test_deliberate_differences_from_openocd_stay_as_documented(tmp_path):
    """docs/commands.md "Deliberate differences": a failed -c command logs its Error line
    and then its result bare, as OpenOCD does, and `catch`
    of a failed command gives 1 (OpenOCD: its C error code, here -603) with OpenOCD's
    message."""
    from tests import oracles

    openocd = oracles.need("openocd")
    commands = ["-c", "echo [catch {adapter speed foo} msg]:$msg", "-c", "adapter speed foo"]
    theirs = subprocess.run([openocd, *commands], capture_output=True, timeout=60, cwd=tmp_path,
                            stdin=subprocess.DEVNULL)
    ours = ocdpy(*commands, cwd=str(tmp_path))
    assert ours.returncode == theirs.returncode == 1
    their_lines = theirs.stderr.decode().splitlines()[4:]
    assert their_lines == ["Error: Invalid command argument", "-603:khz option value ('foo') is not valid", "",
                           "Error: Invalid command argument", "khz option value ('foo') is not valid"]
    assert err(ours) == ["Error: Invalid command argument", "1:khz option value ('foo') is not valid", "",
                         "Error: Invalid command argument", "khz option value ('foo') is not valid"]


def test_a_failed_commands_earlier_output_is_not_shown_as_an_error(tmp_path, monkeypatch):
    """`flash write_image erase` prints `auto erase enabled` before it can fail; after the
    failure that output is shown bare (as OpenOCD shows it), after the one Error line
    that names the cause — never as a second, misleading `Error: auto erase enabled`."""
    script = tmp_path / "app.ld"
    script.write_text("MEMORY\n{\n  FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 64K\n}\nSECTIONS\n{\n}\n")
    monkeypatch.setenv("OCDPY_SIM", "stm32f103c8,deterministic")
    run = ocdpy("-f", "interface/stlink.cfg", "-f", "target/stm32f1x.cfg", "-c", "gdb_port disabled",
                "-c", "init", "-c", f"flash write_image erase {script} 0x08000000", "-c", "shutdown",
                cwd=str(tmp_path))
    lines = err(run)
    assert run.returncode == 1
    errors = [line for line in lines if line.startswith("Error")]
    assert len(errors) == 1 and "linker script" in errors[0]
    assert lines[-1] == "auto erase enabled"
