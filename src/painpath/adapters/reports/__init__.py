"""adapters/reports."""
