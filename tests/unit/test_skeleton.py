"""The package installs with its data and its console scripts answer."""

import subprocess
import sys

from ocdpy import __version__
from ocdpy.resources import cfg_dir, grammar_path


def test_version_flag_prints_version():
    out = subprocess.run([sys.executable, "-m", "ocdpy", "--version"], capture_output=True, text=True)
    # OpenOCD prints its banner and version on stderr and exits 0.
    assert out.returncode == 0
    assert __version__ in out.stderr


def test_shipped_data_dirs_exist():
    assert cfg_dir().is_dir()
    assert grammar_path("tcl.lark").parent.is_dir()
