"""PDF typesetting with Typst's Python binding (``pip install typst``).

Why Typst: real typesetting (line breaking, hyphenation, kerning) gives print-quality pages; the
binding is one self-contained wheel from PyPI (no system packages, no browser, no LaTeX); its
fonts (Libertinus Serif, New Computer Modern, DejaVu Sans Mono) are built in and embedded in
every PDF, so a document prints the same on any server. System fonts are ignored on purpose.

Every piece of user text enters the markup through ``text()`` as a Typst *string literal*
(``#"..."``), never as markup: ``# * _ $ [ ] @ \\ < >`` and line starts such as ``=`` or ``-``
cannot change the document's structure.
"""

from __future__ import annotations

import typst

__all__ = ["render_pdf", "svg_image", "text"]

_PREAMBLE = """#set document(title: {title})
#set page(paper: "a4", margin: (x: 2cm, y: 2cm), numbering: "1 / 1")
#set text(font: "Libertinus Serif", size: 11pt, lang: "en", hyphenate: false)
#show table: set par(justify: false)
#set par(justify: true)
#show heading: set block(above: 1.2em, below: 0.6em)
"""


def _literal(value: object) -> str:
    """A Typst string literal holding ``value`` exactly."""
    out = []
    for ch in str(value):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            continue
        elif ord(ch) < 32:  # a tab or another control character: a space
            out.append(" ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def text(value: object) -> str:
    """User text for use in markup: an embedded string literal, closed by ``;`` so that what
    follows cannot continue the expression (``.field``, ``(args)``)."""
    return "#" + _literal(value) + ";"


def svg_image(svg: str, *, width_cm: float = 3.5) -> str:
    """An SVG drawing (trusted markup from domain.planning.illustration) as a Typst image."""
    return f'#image(bytes({_literal(svg)}), format: "svg", width: {width_cm}cm)'


def render_pdf(body: str, *, title: str) -> bytes:
    """Typeset ``body`` (Typst markup built with ``text``/``svg_image``) into PDF bytes."""
    source = _PREAMBLE.format(title=_literal(title)) + body
    pdf = typst.compile(source.encode("utf-8"), format="pdf", ignore_system_fonts=True)
    assert isinstance(pdf, bytes)
    return pdf
