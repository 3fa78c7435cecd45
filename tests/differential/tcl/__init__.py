"""Differential tests of the Tcl engine against jimsh and the OpenOCD script tree."""
