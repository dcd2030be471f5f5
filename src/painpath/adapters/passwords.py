"""The list of common and breached passwords shipped with the package.

``adapters/data/common-passwords.txt.gz`` holds the 18,054 entries of six or more
characters from Django's ``common-passwords.txt.gz`` (Django 5.2, BSD licence): Royce
Williams' list of the 20,000 most common passwords from public breach corpora, lowercased
and deduplicated. Shorter entries are left out: the policy refuses anything shorter than 12
characters anyway, and a common core of 4-5 letters is caught by the repetition rule or the
length rule. Loaded once, on first use.
"""

from __future__ import annotations

import gzip
import threading
from importlib import resources

__all__ = ["common_passwords"]

_LOCK = threading.Lock()
_CACHE: list[frozenset[str]] = []


def common_passwords() -> frozenset[str]:
    with _LOCK:
        if not _CACHE:
            data = resources.files("painpath.adapters").joinpath("data/common-passwords.txt.gz")
            text = gzip.decompress(data.read_bytes()).decode("utf-8")
            _CACHE.append(frozenset(line.strip() for line in text.splitlines() if line.strip()))
        return _CACHE[0]
