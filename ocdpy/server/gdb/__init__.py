"""The GDB remote serial protocol server: packet framing, the target description and
memory map GDB asks for, and one connection per GDB client."""
