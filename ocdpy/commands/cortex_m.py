"""The `cortex_m` commands that act on a live core (DAP-level targets; OpenOCD's hla
targets have no `cortex_m` group): `maskisr` (interrupt masking while stepping and
running) and `vector_catch` (exceptions that halt the core, DEMCR's VC_* bits), with
OpenOCD 0.12's output lines."""

from __future__ import annotations

from ocdpy.arm import armv7m as V7
from ocdpy.arm.cortex_m import ISR_MASKING_MODES
from ocdpy.commands.live import target_of
from ocdpy.commands.registry import CommandContext, CommandSyntaxError


def setup_session(session) -> None:
    from ocdpy.commands import target as target_cmds

    target_cmds.TYPE_HANDLERS.update({
        "cortex_m maskisr": maskisr,
        "cortex_m vector_catch": vector_catch,
    })


def maskisr(ctx: CommandContext, args: list[str]) -> None:
    target = target_of(ctx)
    target.require_examined()
    core = target.core
    if not target.halted:
        # OpenOCD's answer on a running core: a line, and success
        ctx.print('target must be stopped for "maskisr" command')
        return
    if args:
        if args[0] not in ISR_MASKING_MODES:
            raise CommandSyntaxError()
        core.set_isr_masking(args[0])
    ctx.print(f"cortex_m interrupt mask {core.isr_masking}")


def vector_catch(ctx: CommandContext, args: list[str]) -> None:
    target = target_of(ctx)
    target.require_examined()
    core = target.core
    names = dict(V7.VECTOR_CATCH)
    if args:
        if args == ["all"]:
            catch = sum(names.values())
        elif args == ["none"]:
            catch = 0
        else:
            catch = 0
            for name in reversed(args):  # OpenOCD checks the last word first
                if name not in names:
                    raise CommandSyntaxError(f"[{target.name}] No CM3 vector '{name}'")
                catch |= names[name]
        demcr = core.set_vector_catch(catch)
    else:
        demcr = core.read_demcr()
    for name, bit in V7.VECTOR_CATCH:
        ctx.print(f"{name:>9}: {'catch' if demcr & bit else 'ignore'}")
