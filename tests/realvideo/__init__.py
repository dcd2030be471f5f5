"""Slow tests on real videos fetched from registry packages (see videos.py)."""
