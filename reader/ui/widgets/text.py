"""Untrusted strings made safe to show: plain Content, never markup, no control codes."""

from __future__ import annotations

from textual.content import Content

from reader.text.display import visible


def plain(text: str, style: str = "") -> Content:
    """``text`` as Content that is never parsed as markup, controls made visible."""
    return Content.styled(visible(text), style) if style else Content(visible(text))
