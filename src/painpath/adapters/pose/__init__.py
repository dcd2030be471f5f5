"""adapters/pose."""
