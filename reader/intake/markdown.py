"""Writing Markdown that reader's own loader reads back as the same words.

Text from a web page or a book is untrusted: every piece is escaped so that it shows
literally (no raw HTML, no accidental heading, list or link), control characters are taken
out, and only ``http``, ``https`` and ``mailto`` addresses become links.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urljoin, urlsplit

# Everything CommonMark might read as syntax inside a line ("&" starts an entity).
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>#|~!&$^{}])")
# What starts a block at the beginning of a line: a list, quote, setext underline...
_LINE_START = re.compile(r"^(\s*)([-+=>:])")
_ORDERED = re.compile(r"^(\s*\d+)([.)])")
# C0 and C1 controls (tab and newline are whitespace here), and the invisible bidi
# controls: a page's markup has no business steering the reader's terminal.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"
)
_SPACE = re.compile(r"[ \t\n\r\f\v\u00a0\u2028\u2029\u200b]+")
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def plain(text: str) -> str:
    """``text`` without control characters, with runs of white space made one space."""
    text = _CONTROLS.sub("", text).replace("\ufffd", "")
    text = re.sub("[\ud800-\udfff]", "", text)  # lone surrogates cannot be written as UTF-8
    return _SPACE.sub(" ", text)


def one_line(text: str) -> str:
    """``text`` as one clean line: a title, an author, a name."""
    return plain(text).strip()


def escape(text: str) -> str:
    """A piece of running text, escaped so Markdown shows it literally."""
    return _INLINE_SPECIALS.sub(r"\\\1", text)


def guard_line_start(line: str) -> str:
    """Escape what would make a line a list item, quote, or setext underline."""
    line = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
    return _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), line)


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


def emphasis(marker: str, inner: str) -> str:
    """``inner`` emphasised with ``marker`` where CommonMark will read it so; else as it is.

    Not when it starts or ends with punctuation (``*"quoted"*`` next to a word does not
    close) or spans a line break: literal asterisks would show in the article.
    """
    stripped = inner.strip()
    if not stripped or "\n" in stripped:
        return inner
    first, last = stripped[0], stripped[-1]
    if (first.isalnum() or first in "[`") and (last.isalnum() or last in ")`"):
        return wrap(marker, inner)
    return inner


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
