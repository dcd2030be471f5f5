"""One analyzer per movement test; each module exposes ``SPEC`` (a :class:`TestSpec`)."""
