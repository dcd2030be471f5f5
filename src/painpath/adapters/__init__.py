"""Adapters: the I/O edge. Each implements a port that ``painpath.domain`` declares."""
