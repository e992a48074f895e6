"""Markdown escaping, after mdformat's rules: the article's words render literally; a note
keeps its Markdown but cannot end its entry, start front matter or split the file."""

from __future__ import annotations

import functools
import re
import unicodedata

from reader.layout import visible

_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>#|~!&$^{}])")
_LINE_START = re.compile(r"^(\s*)([-+=>:])")
_ORDERED = re.compile(r"^(\s*\d+)([.)])")  # "1." or "1)": the backslash goes before the dot


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """Text with control characters made visible, lone surrogates replaced, line ends
    normalised: what is safe to write to a UTF-8 file."""
    text = _SURROGATE.sub("\ufffd", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [visible(line) for line in text.split("\n")]
    return "\n".join(lines)


def escape_text(text: str) -> str:
    """The article's words, escaped so Markdown shows them literally."""
    out = []
    for line in clean(text).split("\n"):
        line = _INLINE_SPECIALS.sub(r"\\\1", line.strip())
        line = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
        line = _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
        out.append(line)
    return "\n".join(out)


def escape_inline(text: str) -> str:
    """A title or label on one line, escaped."""
    return escape_text(" ".join(clean(text).split()))


# A heading, also inside the note's own quotes and list items ("> # x", "- # x"). The
# prefix is possessive and the closing #s are stripped in Python: no backtracking, so a
# line of 10,000 "> " or " #" takes no longer than any other.
_HEADING = re.compile(
    r"^((?: {0,3}(?:>[ \t]?|[-+*][ \t]+|\d{1,9}[.)][ \t]+))*+)"
    r" {0,3}#{1,6}(?:[ \t]+(.*))?$"
)
# A backtick fence's info string has no backtick; a closing fence has no info string.
_FENCE = re.compile(r"^( {0,3})(`{3,}(?=[^`]*$)|~{3,})")
_FENCE_CLOSE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$")
# A thematic break, or a setext underline (one "=" or "-" is enough for that).
_RULE = re.compile(r"^ {0,3}([-=*_])(?:[ \t]*\1)*[ \t]*$")


def safe_note(note: str) -> str:
    """The reader's Markdown, kept, but unable to break the document around it.

    The rewrite below handles what people write; a note it cannot make safe (a fence or
    heading deep in its own lists, say) is checked by parsing and then written literally.
    """
    lines = clean(note).strip("\n").split("\n")
    out: list[str] = []
    fence: tuple[str, str] | None = None  # (indent, marker) of the open fence
    for line in lines:
        if fence is not None:
            out.append(line)
            close = _FENCE_CLOSE.match(line)
            if close and close.group(1)[0] == fence[1][0] and len(close.group(1)) >= len(fence[1]):
                fence = None
            continue
        fence_match = _FENCE.match(line)
        if fence_match:
            fence = (fence_match.group(1), fence_match.group(2))
            out.append(line)
            continue
        heading = _HEADING.match(line)
        if heading:
            title = (heading.group(2) or "").rstrip(" \t#").strip()
            out.append(heading.group(1) + (f"**{_escape_html(title)}**" if title else ""))
            continue
        if _RULE.match(line):
            out.append("\\" + line.strip())
            continue
        out.append(_escape_html(line))
    if fence is not None:
        out.append(fence[0] + fence[1])  # close what the note left open
    text = "\n".join(out).strip("\n")
    return text if _contained(text) else escape_text(note).strip("\n")


def _contained(text: str) -> bool:
    """Whether Markdown ``text`` has no heading, rule or HTML block, and ends every block
    it opens: a paragraph after it is a paragraph of the document, not part of the note."""
    tokens = _commonmark().parse(text + "\n\nend")
    if any(t.type in ("heading_open", "hr", "html_block") for t in tokens):
        return False
    return [(t.type, t.level, t.content) for t in tokens[-3:]] == [
        ("paragraph_open", 0, ""),
        ("inline", 1, "end"),
        ("paragraph_close", 0, ""),
    ]


@functools.cache
def _commonmark():  # -> MarkdownIt, imported on first use
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def _escape_html(line: str) -> str:
    # Raw HTML (and autolinks' angle brackets) is shown, not run; code spans keep it.
    return line.replace("<", "&lt;")


def tag_text(tag: str) -> str:
    """A tag as ``#tag`` that Obsidian and Logseq read as one tag."""
    cleaned = re.sub(r"[^\w/-]", "-", unicodedata.normalize("NFC", clean(tag)))
    return "#" + (cleaned.strip("-") or "tag")
