"""The servers of a session: the telnet console (4444), Tcl RPC (6666) and the GDB
remote protocol (3333), run by `ServerHost` on one event loop over one hardware lock.
See docs/servers.md."""
