"""The progress line: drawn on a terminal only, never into pipes or results."""

from __future__ import annotations

import io

from ocdpy.flash import progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_line_with_bytes_rate_and_time_left(monkeypatch):
    monkeypatch.setattr(progress, "MIN_SECONDS", 0.0)
    monkeypatch.setattr(progress, "REDRAW", 0.0)
    monkeypatch.delenv("OCDPY_PROGRESS", raising=False)
    out = Tty()
    bar = progress.ProgressLine("writing", 65536, out)
    bar.update(16384)
    text = out.getvalue()
    assert text.startswith("\rwriting: 16 KiB of 64 KiB ( 25%), ") and "/s, " in text and " s left" in text
    bar.close()
    assert out.getvalue().endswith("\r\x1b[K")


def test_pipes_and_files_get_nothing(monkeypatch):
    monkeypatch.setattr(progress, "MIN_SECONDS", 0.0)
    monkeypatch.setattr(progress, "REDRAW", 0.0)
    out = io.StringIO()
    bar = progress.ProgressLine("writing", 100, out)
    bar.update(50)
    bar.close()
    assert out.getvalue() == ""


def test_it_can_be_switched_off(monkeypatch):
    monkeypatch.setattr(progress, "MIN_SECONDS", 0.0)
    monkeypatch.setattr(progress, "REDRAW", 0.0)
    monkeypatch.setenv("OCDPY_PROGRESS", "0")
    out = Tty()
    bar = progress.ProgressLine("writing", 100, out)
    bar.update(50)
    assert out.getvalue() == ""


def test_short_operations_never_draw(monkeypatch):
    monkeypatch.delenv("OCDPY_PROGRESS", raising=False)
    out = Tty()
    bar = progress.ProgressLine("writing", 100, out)
    bar.update(50)  # within the first half second
    assert out.getvalue() == ""
