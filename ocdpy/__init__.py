"""ocdpy: an OpenOCD-compatible on-chip debugger front end in Python."""

__version__ = "0.1.0"
