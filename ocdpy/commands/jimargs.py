"""Option parsing the way OpenOCD's Jim commands do it (`target create`, `jtag newtap`,
`$target configure`, `dap create`, ...), with Jim's error texts.

`GetOpt` walks an argument list: `take()` the next word, `take_int()` a Jim integer
(`expected integer but got "x"`), `take_option(names)` one of a table of option names.
`unknown_option()` builds OpenOCD's "Unknown param: -x, try one of: -a, -b, or -c".
"""

from __future__ import annotations

from collections.abc import Sequence

from ocdpy.tcl import TclError


def tcl_list(items: Sequence[object]) -> str:
    """Format items as a Tcl list (Jim's quoting rules)."""
    from ocdpy.tcl.values import format_list

    return format_list(list(items))


def split_list(text: str) -> list[str]:
    """Split a Tcl list into its elements."""
    from ocdpy.tcl.values import S, list_of

    return [S(x) for x in list_of(text)]


def jim_int(text: str) -> int:
    """Jim_GetWide: a Jim integer or `expected integer but got "text"`."""
    from ocdpy.tcl.values import get_int

    return get_int(text)


def wrong_num_args(words: Sequence[str], message: str = "") -> TclError:
    """Jim_WrongNumArgs: `wrong # args: should be "words message"`."""
    parts = [str(w) for w in words]
    if message:
        parts.append(message)
    return TclError(f'wrong # args: should be "{" ".join(parts)}"')


def nvp_unknown(value: str, names: Sequence[str], param: str | None = None) -> TclError:
    """jim_set_result_nvp_unknown: the option table listed as `a, b, or c`."""
    head = f"{param}: Unknown: {value}, try one of: " if param else \
        f"Unknown param: {value}, try one of: "
    listing = "".join(f"{n}, " for n in names[:-1])
    if names:
        listing += f"or {names[-1]}"
    return TclError(head + listing)


class GetOpt:
    """OpenOCD's jim_getopt_info: a cursor over the remaining arguments."""

    def __init__(self, args: Sequence[str], isconfigure: bool = True) -> None:
        self.args = list(args)
        self.pos = 0
        self.isconfigure = isconfigure

    @property
    def argc(self) -> int:
        return len(self.args) - self.pos

    @property
    def rest(self) -> list[str]:
        return self.args[self.pos:]

    def peek(self) -> str | None:
        return self.args[self.pos] if self.pos < len(self.args) else None

    def prev(self, back: int = 1) -> str:
        i = self.pos - back
        return self.args[i] if 0 <= i < len(self.args) else ""

    def take(self) -> str | None:
        """The next word, or None when there is none (jim_getopt_obj)."""
        if self.pos >= len(self.args):
            return None
        self.pos += 1
        return self.args[self.pos - 1]

    def take_int(self) -> int:
        """The next word as a Jim integer. A missing word fails with an empty result,
        as jim_getopt_wide does."""
        word = self.take()
        if word is None:
            raise TclError("")
        return jim_int(word)

    def take_option(self, names: Sequence[str]) -> str | None:
        """The next word if it is one of `names` (consumed either way), else None."""
        word = self.take()
        if word is None or word not in names:
            return None
        return word

    def unknown_option(self, names: Sequence[str], hadprefix: bool = False) -> TclError:
        """jim_getopt_nvp_unknown for the word just consumed."""
        if hadprefix:
            return nvp_unknown(self.prev(1), names, self.prev(2))
        return nvp_unknown(self.prev(1), names)

    def wrong_num_args(self, message: str) -> TclError:
        """Jim_WrongNumArgs(interp, goi->argc, goi->argv, message)."""
        return wrong_num_args(self.rest, message)
