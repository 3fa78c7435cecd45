"""Exceptions that carry Tcl return codes through Python frames.

`TclError` is code 1 (error). `TclExit` is raised by `exit`. The others are the
non-error return codes (return, break, continue, and numeric codes 5 and up); an
embedder only ever sees them converted (see `Interp.eval`).
"""

from __future__ import annotations

OK, ERROR, RETURN, BREAK, CONTINUE = 0, 1, 2, 3, 4


class TclError(Exception):
    """A Tcl error: `result` is the message, `code` is 1.

    Attributes the command layer uses to report it as Jim does:
    `stack` (Jim's stack trace: a flat list proc, file, line, innermost first),
    `file`/`line` (where the innermost failing command is), `error_code` ($errorCode).
    """

    code = ERROR

    def __init__(self, message: str = "", error_code: str = "NONE") -> None:
        super().__init__(message)
        self.result = message
        self.error_code = error_code
        self.stack: list = []
        self.seen = False  # already recorded by the script it failed in
        self.add_trace = 0
        self.error_proc = ""
        self.file = ""
        self.line = 0

    @property
    def message(self) -> str:
        return self.result

    def __str__(self) -> str:
        return self.result

    def format_trace(self) -> str:
        """The text jimsh prints for an uncaught error (without trailing newline)."""
        return format_error(self.result, self.stack)


def format_error(msg: str, stack: list) -> str:
    """jimsh's `file:line: Error: msg` followed by one line per stack level."""
    head = ""
    if len(stack) >= 3 and str(stack[1]) != "":
        head = f"{stack[1]}:{stack[2]}: Error: "
    lines = []
    for i in range(len(stack) - 3, -1, -3):
        p, f, ln = str(stack[i]), str(stack[i + 1]), stack[i + 2]
        line = ""
        if p:
            line += f"in procedure '{p}' "
            if f:
                line += "called "
        if f:
            line += f'at file "{f}", line {ln}'
        if line:
            lines.append(line)
    text = head + msg + "\n" + "\n".join(lines)
    return text.strip(" \t\n\r")


class TclControl(Exception):
    """A non-error return code travelling to the construct that handles it."""

    code = OK

    def __init__(self, value: object = "") -> None:
        super().__init__()
        self.value = value


class TclBreak(TclControl):
    code = BREAK


class TclContinue(TclControl):
    code = CONTINUE


class TclReturn(TclControl):
    """`return`: `ret_code` is the -code to deliver once `level` proc frames are left."""

    code = RETURN

    def __init__(self, value: object = "", ret_code: int = OK, level: int = 1,
                 error_code: str | None = None, stack: list | None = None) -> None:
        super().__init__(value)
        self.ret_code = ret_code
        self.level = level
        self.error_code = error_code
        self.stack = stack


class TclOther(TclControl):
    """Return codes 5 and up (and any code a script produced with `return -code N`)."""

    def __init__(self, code: int, value: object = "") -> None:
        super().__init__(value)
        self.code = code


class TclExit(Exception):
    """`exit N`: the embedder decides what to do (jimsh exits with `code`)."""

    def __init__(self, code: int = 0) -> None:
        super().__init__(code)
        self.code = code
