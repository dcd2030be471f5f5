"""Clinician pages without code: rule facts and findings reach the page in words.

``plain_words(text)`` turns what the engine writes for machines into what a clinician reads:
``True``/``False``/``None`` after a colon become yes/no/not recorded, dotted ids keep their last
part (``retraining.shoulder_hiking`` -> shoulder hiking) and snake_case ids become words
(``range_of_motion`` -> range of motion). ``plain_html`` applies it to the text of rendered
HTML only (never to attributes, so form values and test ids keep their ids) and leaves
``<details>`` alone: rule ids and citation keys stay available there.
"""

from __future__ import annotations

import re

from markupsafe import Markup

__all__ = ["plain_html", "plain_words"]

_VALUES = {"True": "yes", "False": "no", "None": "not recorded"}
_PY_VALUE = re.compile(r"(?<=[:=] )(True|False|None)\b")
_DOTTED_ID = re.compile(r"\b[a-z]+\.([a-z0-9]+(?:[_-][a-z0-9]+)+)\b")
_SNAKE_ID = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
# A tag, or a whole element whose text must not change (ids in <details>, what a person
# typed into a <textarea>): kept exactly as it is.
_KEEP = re.compile(r"(?is)<(details|script|style|textarea)\b.*?</\1>|<[^>]*>")


def plain_words(text: str) -> str:
    text = _PY_VALUE.sub(lambda m: _VALUES[m.group(1)], text)
    text = _DOTTED_ID.sub(lambda m: m.group(1).replace("_", " ").replace("-", " "), text)
    return _SNAKE_ID.sub(lambda m: m.group(0).replace("_", " "), text)


def plain_html(markup: str) -> Markup:
    """``plain_words`` on the text between tags of already-escaped HTML."""
    out, last = [], 0
    for match in _KEEP.finditer(markup):
        out.append(plain_words(markup[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(plain_words(markup[last:]))
    return Markup("".join(out))
