"""The password policy (ASVS 2.1): length, and not a common or breached password.

Pure: the list of common passwords is handed in (``adapters/passwords.py`` loads the one
shipped with the package).
"""

from __future__ import annotations

import re
from collections.abc import Container

__all__ = ["MAX_LENGTH", "MIN_LENGTH", "password_problem"]

MIN_LENGTH = 12
MAX_LENGTH = 256
_EDGES = re.compile(r"^[^a-z]+|[^a-z]+$")


def password_problem(
    password: str, *, common: Container[str], personal: tuple[str, ...] = ()
) -> str | None:
    """Why this password is refused, in words for the person choosing it; None if it is fine.

    Refused: shorter than 12 characters; in the common list; a common password with digits
    or symbols added before or after it ("password1234!"); fewer than 5 different
    characters ("aaaaaaaaaaaa", "abababababab"); or built around the person's own name or
    e-mail address. Spaces are allowed: a few unrelated words make a good password.
    """
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"a password can have at most {MAX_LENGTH} characters"
    lowered = password.lower()
    if len(set(lowered)) < 5:
        return "this password repeats too few characters; choose a few unrelated words"
    core = _EDGES.sub("", lowered)
    if lowered in common or (len(core) >= 4 and core in common):
        return "this password is on a list of common or leaked passwords; please choose another"
    for word in personal:
        word = word.strip().lower()
        if len(word) >= 4 and word in lowered:
            return "a password must not contain your name or e-mail address"
    return None
