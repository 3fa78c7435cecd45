"""Builders for image fixtures (Intel HEX, S-record, ELF), written by the tests."""
