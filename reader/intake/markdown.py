"""Writing Markdown that reader's own loader reads back as the same words.

Text from a web page or a book is untrusted: every piece is escaped so that it shows
literally (no raw HTML, no accidental heading, list or link), control characters are taken
out, and only ``http``, ``https`` and ``mailto`` addresses become links.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urljoin, urlsplit

# What takes a meaning in a line of Markdown, after the rules of reader.notes.escaping
# (which the intake may not import: they are peers), applied to one piece of text at a time:
# at a piece's edge, where the next piece is not known, the cautious choice is taken.
# Always: a backslash, code, emphasis with "*", link brackets.
_ALWAYS = re.compile(r"([\\`*\[\]])")
# An underscore opens or closes emphasis only at the edge of a word (CommonMark's
# intraword rule): "snake_case" and an address keep theirs.
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# A tag, an autolink or a comment: "<" before a letter, "/", "!" or "?" ("a < b" is text).
_ANGLE = re.compile(r"<(?=[A-Za-z/!?]|$)")
# "&amp;" and "&#8212;" are character references; a lone "&" is only an ampersand.
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};|$)")
# Obsidian's #tag, ^block-id, ==highlight== and %%comment%%; attr_list's {: .class}.
_TAG = re.compile(r"(?<!\S)#(?=[\w/-]|$)")
_CARET = re.compile(r"\^(?=[\w-]|$)")
_ATTRIBUTES = re.compile(r"\{(?=\s*[:#.]|$)")
_DOUBLED = re.compile(r"(==|%%)")
_REFERENCES = {"=": "&#61;", "%": "&#37;", "^": "&#94;", "$": "&#36;"}
# What may start a block at the beginning of a line: a quote, a heading, a list item, a
# thematic break or setext underline, a definition (Python-Markdown).
_LINE_START = re.compile(r"^(\s*)(>|#{1,6}(?=\s|$)|[-+](?=\s|$)|:(?=\s))")
_RULE_LINE = re.compile(r"^(\s*)([-=_+])(?=[\s\-=_+]*$)")
_ORDERED = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)")
# May anything in the piece need a backslash or a reference? (Most prose needs none.)
_MAY_ESCAPE = re.compile(r"[\\`*\[\]_<&#^{=%$~]")
# C0 and C1 controls (tab and newline are whitespace here), and the invisible bidi
# embeddings, overrides and isolates: a page's markup has no business steering the reader's
# terminal. The direction marks (left-to-right, right-to-left, Arabic letter) are kept in
# running text: they only say which way a neutral character goes, and reader's own
# reordering reads them (never the terminal: they are not drawn).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")
_MARKS = re.compile("[\u061c\u200e\u200f]")
_SPACE = re.compile(r"[ \t\n\r\f\v\u00a0\u2028\u2029\u200b]+")
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def plain(text: str) -> str:
    """``text`` without control characters, with runs of white space made one space."""
    text = _CONTROLS.sub("", text).replace("\ufffd", "")
    text = re.sub("[\ud800-\udfff]", "", text)  # lone surrogates cannot be written as UTF-8
    return _SPACE.sub(" ", text)


def one_line(text: str) -> str:
    """``text`` as one clean line: a title, an author, a name (no direction marks)."""
    return _MARKS.sub("", plain(text)).strip()


def escape(text: str) -> str:
    """A piece of running text, escaped so that Markdown shows it literally.

    Only what would take a meaning is escaped (as reader's export does), so the file reads
    and greps as the article does: "Kentucky!" and "9.30 a.m." stay as they are. Where a
    line starts is :func:`guard_line_start`'s business, and a "!" before a link is
    :func:`join_inline`'s.
    """
    if not _MAY_ESCAPE.search(text):
        return text
    text = _ENTITY.sub("&amp;", text)  # first: the references added below stay whole
    text = _ALWAYS.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    text = _ANGLE.sub(r"\\<", text)
    text = _TAG.sub(r"\\#", text)
    text = _ATTRIBUTES.sub(r"\\{", text)
    text = _DOUBLED.sub(lambda m: m.group()[0] + _REFERENCES[m.group()[1]], text)
    text = _CARET.sub(_REFERENCES["^"], text)
    # "~~" strikes through; one "~" or "$" is "about" or a price, two may open and close
    # strikethrough or math. At a piece's edge the next piece may hold the other one.
    if text.count("~") >= 2 or text.startswith("~") or text.endswith("~"):
        text = text.replace("~", "\\~")
    if text.count("$") >= 2:
        text = text.replace("$", _REFERENCES["$"])
    return text


def guard_line_start(line: str) -> str:
    """Escape what would make a line a quote, heading, list item, rule or underline."""
    line = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
    line = _RULE_LINE.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
    return _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), line)


def heading_text(text: str) -> str:
    """A heading's inline Markdown: a run of "#" at its end would close the heading."""
    return re.sub(r"(?<!\\)#+$", lambda m: "\\#" * len(m.group()), text.rstrip())


def join_inline(parts: list[str]) -> str:
    """Pieces of inline Markdown as one: a "!" just before a link is escaped, else the
    two would read as an image."""
    out: list[str] = []
    for part in parts:
        if out and part.startswith("[") and out[-1].endswith("!") and not _escaped(out[-1]):
            out[-1] = out[-1][:-1] + "\\!"
        if part:
            out.append(part)
    return "".join(out)


def _escaped(text: str) -> bool:
    """Whether the last character of ``text`` is escaped (an odd run of backslashes)."""
    run = len(text) - 1 - len(text[:-1].rstrip("\\"))
    return run % 2 == 1


def link_target(href: str | None, base: str = "") -> str | None:
    """An absolute, safe address for a link, or None when it should not be a link."""
    if not href:
        return None
    href = one_line(href)
    if not href or href.startswith("#"):
        return None  # a jump inside the original page means nothing in the article
    try:
        absolute = urljoin(base, href) if base else href
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:
        return None
    if scheme not in _LINK_SCHEMES:
        return None  # javascript:, data:, a relative address with no base...
    # Inside <...>, a link destination may hold anything but a line end, "<" and ">".
    return quote(absolute, safe="/:?#[]@!$&'()*+,;=%~")


def link(text: str, href: str | None, base: str = "") -> str:
    """``[text](<address>)``, or just the text when the address is not a link."""
    target = link_target(href, base)
    if target is None or not text.strip():
        return text
    return f"[{text}](<{target}>)"


def wrap(marker: str, inner: str) -> str:
    """``inner`` (already Markdown) between emphasis markers, with its outer spaces kept
    outside them: CommonMark does not close ``**bold **``."""
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    tail = inner[len(inner.rstrip()) :]
    return f"{lead}{marker}{stripped}{marker}{tail}"


def emphasis(marker: str, inner: str, before: str | None = None, after: str | None = None) -> str:
    """``inner`` emphasised with ``marker`` where CommonMark will read it so; else as it is.

    ``before`` and ``after`` are the characters around it ("" for a line's start or end,
    None when not known). A marker next to punctuation inside opens or closes only with
    white space or punctuation outside (CommonMark's flanking rules): ``*“never again,”*``
    works after a space, not after a letter. Unknown surroundings are taken to be a word's
    letters, except that a link or code span may start or end it. Never across a line
    break: literal asterisks would show in the article.
    """
    stripped = inner.strip()
    if not stripped or "\n" in stripped:
        return inner
    if inner[:1].isspace():
        before = " "
    if inner[-1:].isspace():
        after = " "
    first, last = stripped[0], stripped[-1]
    if before is None:
        opens = first.isalnum() or first in "[`"
    else:
        opens = not _punctuation(first) or before == "" or before.isspace() or _punctuation(before)
    if after is None:
        closes = last.isalnum() or last in ")`"
    else:
        closes = not _punctuation(last) or after == "" or after.isspace() or _punctuation(after)
    return wrap(marker, inner) if opens and closes else inner


def _punctuation(char: str) -> bool:
    """CommonMark's punctuation: ASCII punctuation and Unicode's punctuation and symbols."""
    import unicodedata

    return unicodedata.category(char)[0] in "PS"


def code_span(text: str) -> str:
    """``text`` as an inline code span, fenced with more backticks than it holds."""
    text = plain(text)
    if not text.strip():
        return text
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_block(text: str) -> str:
    """``text`` as a fenced code block (its lines kept as they are, controls removed)."""
    lines = [_CONTROLS.sub("", line).rstrip() for line in text.strip("\n").split("\n")]
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return "\n".join([fence, *lines, fence])


def front_matter(fields: dict[str, str]) -> str:
    """YAML front matter: each value a JSON string on one line (JSON is also YAML).

    :func:`one_line` has already taken out what YAML reads as a line break (U+0085,
    U+2028, U+2029) or refuses (U+FFFE, U+FFFF).
    """
    lines = ["---"]
    for key, value in fields.items():
        lines.append(f"{key}: {json.dumps(one_line(value), ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def table(rows: list[list[str]]) -> str:
    """Rows of cells (inline Markdown, already escaped) as a GFM pipe table, the first row
    its header; a "|" in a cell is escaped, a line break made a space, short rows filled."""
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return ""
    count = max(len(row) for row in rows)

    def line(cells: list[str]) -> str:
        cells = [" ".join(c.replace("\\\n", " ").split()) for c in cells]
        cells += [""] * (count - len(cells))
        return "| " + " | ".join(_pipes(cell) for cell in cells) + " |"

    return "\n".join([line(rows[0]), "|" + " --- |" * count, *(line(row) for row in rows[1:])])


def _pipes(cell: str) -> str:
    """A cell's "|" escaped (one already escaped, after an odd run of backslashes, stays)."""
    return re.sub(r"(\\*)\|", lambda m: m.group(1) + ("|" if len(m.group(1)) % 2 else "\\|"), cell)
