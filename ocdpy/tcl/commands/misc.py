"""I/O and system commands: puts, file, clock, pid, env, after, stdout/stderr channels."""

from __future__ import annotations

import os
import time

from ocdpy.tcl.commands.util import subcmd_error, wrong_args
from ocdpy.tcl.errors import TclError
from ocdpy.tcl.paths import fs_path, tcl_string
from ocdpy.tcl.values import S, TclList, get_int


def cmd_puts(F, argv):
    n = len(argv)
    args = [S(a) for a in argv[1:]]
    newline = True
    if args and args[0] == "-nonewline" and n > 2:
        newline = False
        args = args[1:]
    if len(args) == 1:
        chan, msg = "stdout", args[0]
    elif len(args) == 2:
        chan, msg = args
    else:
        raise wrong_args(argv, 1, "?-nonewline? ?chan? msg")
    if newline:
        msg += "\n"
    interp = F.interp
    if chan == "stdout":
        interp.write(msg)
    elif chan == "stderr":
        interp.write(msg, err=True)
    else:
        raise TclError(f'invalid command name "{chan}"')
    return ""


def _channel(name: str):
    def chan(F, argv):
        if len(argv) < 2:
            raise wrong_args(argv, 1, "method ?args ...?")
        m = S(argv[1])
        interp = F.interp
        if m == "puts":
            args = [S(a) for a in argv[2:]]
            nl = True
            if args and args[0] == "-nonewline":
                nl = False
                args = args[1:]
            text = (args[0] if args else "") + ("\n" if nl else "")
            interp.write(text, err=(name == "stderr"))
            return ""
        if m == "flush":
            stream = (interp.stderr or __import__("sys").stderr) if name == "stderr" else interp.out
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
            return ""
        if m in ("gets", "read"):
            return ""
        if m == "eof":
            return 1
        return ""

    return chan


def cmd_flush(F, argv):
    return _channel(S(argv[1]) if len(argv) > 1 else "stdout")(F, ["", "flush"])


FILE_SUBS = ["atime", "copy", "delete", "dirname", "executable", "exists", "extension",
             "isdirectory", "isfile", "join", "link", "lstat", "mkdir", "mtime", "mtimeus",
             "normalize", "owned", "readable", "readlink", "rename", "rootname", "size",
             "split", "stat", "tail", "tempfile", "type", "writable"]


def _dirname(p: str) -> str:
    if "/" not in p:
        return "."
    d = p.rstrip("/")
    if not d:
        return "/"
    k = d.rfind("/")
    if k < 0:
        return "."
    if k == 0:
        return "/"
    return d[:k].rstrip("/") or "/"


def _extension(p: str) -> str:
    tail = p.rsplit("/", 1)[-1]
    k = tail.rfind(".")
    return tail[k:] if k > 0 or (k == 0 and False) else ("" if k < 0 else tail[k:])


def _rootname(p: str) -> str:
    ext = _extension(p)
    return p[:-len(ext)] if ext else p


def cmd_file(F, argv):
    if len(argv) < 2:
        raise TclError('wrong # args: should be "file command ..."\n'
                       'Use "file -help ?command?" for help')
    sub = S(argv[1])
    if sub not in FILE_SUBS:
        raise subcmd_error("file", sub, FILE_SUBS)
    a = [S(x) for x in argv[2:]]
    if sub == "join" and not a:
        raise wrong_args(argv, 2, "name ?name ...?")
    if sub in ("dirname", "tail", "extension", "rootname", "exists", "normalize", "isfile",
               "isdirectory", "size", "type", "split") and len(a) != 1:
        raise wrong_args(argv, 2, "name")
    if sub == "join":
        out = ""
        for part in a:
            if part.startswith("/"):
                out = part
            elif out and not out.endswith("/"):
                out += "/" + part
            else:
                out += part
        return out.rstrip("/") if len(out) > 1 else out
    if not a:
        raise TclError(f'wrong # args: should be "file {sub} name"')
    p = a[0]
    fp = fs_path(p)  # what the OS calls the file whose name has p's bytes
    if sub == "dirname":
        return _dirname(p)
    if sub == "tail":
        t = p.rstrip("/")
        return t.rsplit("/", 1)[-1] if t else ""
    if sub == "extension":
        return _extension(p)
    if sub == "rootname":
        return _rootname(p)
    if sub == "split":
        parts = [x for x in p.split("/") if x]
        return TclList((["/"] if p.startswith("/") else []) + parts)
    if sub == "normalize":
        try:  # realpath(3), as Jim: every part of the path must exist
            return tcl_string(os.path.realpath(fp, strict=True))
        except OSError as ex:
            raise TclError(f'can\'t normalize "{p}": {ex.strerror}') from None
    if sub == "exists":
        return int(os.path.exists(fp))
    if sub == "isfile":
        return int(os.path.isfile(fp))
    if sub == "isdirectory":
        return int(os.path.isdir(fp))
    if sub == "readable":
        return int(os.access(fp, os.R_OK))
    if sub == "writable":
        return int(os.access(fp, os.W_OK))
    if sub == "executable":
        return int(os.access(fp, os.X_OK))
    try:
        if sub == "size":
            return os.path.getsize(fp)
        if sub == "mtime":
            return int(os.path.getmtime(fp))
        if sub == "atime":
            return int(os.path.getatime(fp))
        if sub == "type":
            return "directory" if os.path.isdir(fp) else "file"
    except OSError as ex:
        raise TclError(f'could not read "{p}": {ex.strerror}') from None
    raise TclError(f"file {sub}: not supported")


CLOCK_SUBS = ["clicks", "format", "microseconds", "milliseconds", "scan", "seconds"]


def cmd_clock(F, argv):
    if len(argv) < 2:
        raise TclError('wrong # args: should be "clock command ..."\n'
                       'Use "clock -help ?command?" for help')
    sub = S(argv[1])
    if sub not in CLOCK_SUBS:
        raise subcmd_error("clock", sub, CLOCK_SUBS)
    if sub in ("seconds", "milliseconds", "microseconds", "clicks") and len(argv) != 2:
        raise wrong_args(argv, 2, "")
    if sub == "seconds":
        return int(time.time())
    if sub == "milliseconds":
        return int(time.time() * 1000)
    if sub in ("microseconds", "clicks"):
        return int(time.time() * 1_000_000)
    if sub == "format":
        if len(argv) < 3:
            raise wrong_args(argv, 2, "seconds ?-format string? ?-gmt boolean?")
        secs = get_int(argv[2])
        fmt = "%a %b %d %H:%M:%S %Z %Y"
        gmt = False
        rest = [S(x) for x in argv[3:]]
        for k in range(0, len(rest) - 1, 2):
            if rest[k] == "-format":
                fmt = rest[k + 1]
            elif rest[k] == "-gmt":
                gmt = rest[k + 1] in ("1", "true", "yes", "on")
        t = time.gmtime(secs) if gmt else time.localtime(secs)
        return time.strftime(fmt, t)
    raise TclError(f"clock {sub}: not supported")


def cmd_pwd(F, argv):
    if len(argv) != 1:
        raise wrong_args(argv, 1, "")
    return tcl_string(os.getcwd())


def cmd_cd(F, argv):
    if len(argv) != 2:
        raise wrong_args(argv, 1, "dirname")
    try:
        os.chdir(fs_path(S(argv[1])))
    except OSError as ex:
        raise TclError(f'couldn\'t change working directory to "{S(argv[1])}": {ex.strerror}') from None
    return ""


def cmd_pid(F, argv):
    return os.getpid()


def cmd_after(F, argv):
    if len(argv) == 2:
        ms = get_int(argv[1])
        time.sleep(max(ms, 0) / 1000.0)
    return ""


def cmd_sleep(F, argv):
    if len(argv) != 2:
        raise wrong_args(argv, 1, "seconds")
    from ocdpy.tcl.values import get_double

    time.sleep(max(get_double(argv[1]), 0))
    return ""


def cmd_env(F, argv):
    if len(argv) == 1:
        items: list = []
        for k, v in os.environb.items():
            items.extend((k.decode("latin-1"), v.decode("latin-1")))
        return TclList(items)
    name = S(argv[1])
    try:
        value = os.environb.get(name.encode("latin-1"))
    except UnicodeEncodeError:
        value = None
    if value is not None:
        return value.decode("latin-1")
    if len(argv) == 3:
        return argv[2]
    raise TclError(f'environment variable "{name}" does not exist')


COMMANDS = {
    "pwd": cmd_pwd, "cd": cmd_cd,
    "puts": cmd_puts, "file": cmd_file, "clock": cmd_clock, "pid": cmd_pid,
    "after": cmd_after, "sleep": cmd_sleep, "env": cmd_env, "flush": cmd_flush,
    "stdout": _channel("stdout"), "stderr": _channel("stderr"),
}
