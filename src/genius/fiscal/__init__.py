"""Fiscal formats and rules as pure functions; imports only the kernel."""
