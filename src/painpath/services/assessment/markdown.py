"""A tiny, safe Markdown-to-HTML renderer for the education lessons.

Only the subset the lessons use: ``#``-``###`` headings, paragraphs, ``-``/``*`` and ``1.``
lists, ``**bold**`` and ``*italic*``/``_italic_``. Every character is HTML-escaped *before* the
inline markers are turned into tags, so raw HTML, scripts and links in a lesson show as text.
No new dependency: a full Markdown library would also render raw HTML, which we never want.
"""

from __future__ import annotations

import html
import re

__all__ = ["markdown_to_html"]

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])")


def _inline(text: str) -> str:
    escaped = html.escape(text.strip(), quote=True)
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _ITALIC.sub(r"<em>\1</em>", escaped)


def markdown_to_html(text: str) -> str:
    """Render the lesson subset; ``#`` and ``##`` become ``<h2>`` (the page owns ``<h1>``)."""
    out: list[str] = []
    paragraph: list[str] = []
    list_tag: str | None = None

    def close() -> None:
        nonlocal list_tag
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if list_tag:
            out.append(f"</{list_tag}>")
            list_tag = None

    for line in text.splitlines():
        heading, bullet, numbered = _HEADING.match(line), _BULLET.match(line), _NUMBERED.match(line)
        if not line.strip():
            close()
        elif heading:
            close()
            level = max(2, len(heading.group(1)))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet or numbered:
            tag = "ul" if bullet else "ol"
            if paragraph or list_tag != tag:
                close()
                out.append(f"<{tag}>")
                list_tag = tag
            item = (bullet or numbered).group(1)  # type: ignore[union-attr]
            out.append(f"<li>{_inline(item)}</li>")
        elif list_tag and line.startswith((" ", "\t")):
            last = out.pop()
            out.append(last.removesuffix("</li>") + " " + _inline(line) + "</li>")
        else:
            if list_tag:
                close()
            paragraph.append(line)
    close()
    return "\n".join(out)
