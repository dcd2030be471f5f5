"""The pure core of PainPath: clinical rules, scoring, reasoning and movement maths.

Nothing in this package does I/O. It imports the standard library (and NumPy inside
``domain.movement``) only; an import-linter contract in ``make check`` keeps it so.
"""
