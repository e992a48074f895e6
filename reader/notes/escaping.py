"""Markdown that shows the article's words literally, and keeps a note's Markdown contained.

Safety rules, after mdformat's: the article's words (quotes, titles, tags) are escaped only
where they would take a meaning, so that they render literally in every renderer; notes are
the reader's own Markdown and keep their emphasis, lists, links and code, but a heading in a
note becomes bold, raw HTML is escaped, an unclosed code fence is closed, a rule or setext
underline is escaped, and its footnotes and link references get names of their own, so that
nothing in a note can end its entry, start front matter or reach another note. Control
characters never reach the file.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from reader.text.display import visible

if TYPE_CHECKING:  # imported on first use
    from markdown_it import MarkdownIt

# Escapes that every renderer reads alike: a backslash before what Python-Markdown can
# escape too (\\ ` * _ { } [ ] # + - . !), a character reference for the rest (= : < & $ ~
# % ^), which CommonMark, Python-Markdown, mistune and Obsidian all decode.
_LINE_START = re.compile(r"^(\s*)([-+>#])")
_LINE_START_REF = re.compile(r"^(\s*)([=:])")
_ORDERED = re.compile(r"^(\s*\d+)([.)])")  # "1." or "1)": the escape goes before the dot
# What takes a meaning wherever it stands: a backslash, code, emphasis with *, and link
# and footnote brackets.
_ALWAYS = re.compile(r"([\\`*\[\]])")
# An underscore opens or closes emphasis only at the edge of a word (CommonMark's
# intraword rule): the one in "Digital_services_tax" or an address is left alone.
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# A tag, an autolink or a comment: "<" before a letter, "/", "!" or "?" ("a < b" is text).
_ANGLE = re.compile(r"<(?=[A-Za-z/!?])")
# "&amp;" and "&#8212;" are character references; a lone "&" is only an ampersand.
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
# Obsidian: #tag, ==highlight==, %%comment%%, a ^block-id; Python-Markdown's attr_list:
# {: .class} {#id} {.class}.
_TAG = re.compile(r"(?<!\S)#(?=[\w/-])")
_CARET = re.compile(r"\^(?=[\w-])")
_ATTRIBUTES = re.compile(r"\{(?=\s*[:#.])")
_DOUBLED = re.compile(r"(==|%%)")
_REFERENCES = {"=": "&#61;", ":": "&#58;", "$": "&#36;", "~": "&#126;", "%": "&#37;", "^": "&#94;"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """Text with control characters made visible, lone surrogates replaced, line ends
    normalised: what is safe to write to a UTF-8 file."""
    text = _SURROGATE.sub("\ufffd", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [visible(line) for line in text.split("\n")]
    return "\n".join(lines)


def escape_text(text: str) -> str:
    """The article's words, escaped so that Markdown shows them literally.

    Only what would otherwise take a meaning is escaped, as mdformat does, so that the raw
    file reads and greps as the article does and an address keeps its underscores.
    """
    return "\n".join(_escape_line(line.strip()) for line in clean(text).split("\n"))


# Whether a line holds anything the rules below would escape (most lines of prose do not).
_MAY_ESCAPE = re.compile(r"[\\`*\[\]_<&#{=%^$~]|^\s*(?:[-+>=:]|\d+[.)])")


def _escape_line(line: str) -> str:
    if not _MAY_ESCAPE.search(line):
        return line
    line = _ENTITY.sub("&amp;", line)  # first: the references added below stay whole
    line = _ALWAYS.sub(r"\\\1", line)
    line = _UNDERSCORE.sub(r"\\_", line)
    line = _ANGLE.sub("&lt;", line)
    line = _TAG.sub(r"\\#", line)
    line = _ATTRIBUTES.sub(r"\\{", line)
    line = _DOUBLED.sub(lambda m: m.group()[0] + _REFERENCES[m.group()[1]], line)
    line = _CARET.sub(_REFERENCES["^"], line)
    # Pairs only: one "$" or "~" is a price or "about"; two can open and close math or
    # strikethrough (Obsidian, GitHub, MkDocs' arithmatex).
    for mark in ("$", "~"):
        if line.count(mark) >= 2:
            line = line.replace(mark, _REFERENCES[mark])
    line = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
    line = _LINE_START_REF.sub(lambda m: m.group(1) + _REFERENCES[m.group(2)], line)
    return _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), line)


def escape_inline(text: str) -> str:
    """A title or label on one line, escaped (also as a heading's text: a run of "#" at
    its end would be taken for the heading's closing sequence)."""
    line = escape_text(" ".join(clean(text).split()))
    return re.sub(r"#+$", lambda m: "\\#" * len(m.group()), line)


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


# A footnote or link reference definition, also in the note's own quotes ("> [^1]: x").
_DEFINITION = re.compile(r"^((?: {0,3}>[ \t]?)*+ {0,3})\[(\^?)([^\]\n]{1,999})\]:")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)*?\1")


def scope_references(note: str, scope: str) -> str:
    """``note`` with its footnotes and link reference definitions named for this note alone.

    Both are file-wide in Markdown: two notes that each use ``[^1]`` or define ``[r]:``
    would take each other's. Each label the note defines gets ``-scope`` added, where it
    is defined and where it is used (outside code).
    """
    labels: dict[str, bool] = {}  # normalised label -> is a footnote
    fence = None
    for line in note.split("\n"):
        fence = _fence_state(line, fence)
        if fence is None and (found := _DEFINITION.match(line)):
            labels[_label(found.group(3))] = bool(found.group(2))
    if not labels:
        return note
    out = []
    fence = None
    for line in note.split("\n"):
        was_open = fence is not None
        fence = _fence_state(line, fence)
        if was_open or fence is not None:
            out.append(line)
            continue
        pieces = []
        last = 0
        for code in _CODE_SPAN.finditer(line):
            pieces.append(_rename(line[last : code.start()], labels, scope))
            pieces.append(code.group())
            last = code.end()
        pieces.append(_rename(line[last:], labels, scope))
        out.append("".join(pieces))
    return "\n".join(out)


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def _fence_state(line: str, fence: str | None) -> str | None:
    """The open fence's marker after ``line`` (None: outside a fence)."""
    if fence is None:
        opened = _FENCE.match(line)
        return opened.group(2) if opened else None
    closed = _FENCE_CLOSE.match(line)
    if closed and closed.group(1)[0] == fence[0] and len(closed.group(1)) >= len(fence):
        return None
    return fence


_BRACKETS = re.compile(r"(?<!\\)\[(\^?)([^\[\]\n]{1,999})\](?:\[([^\[\]\n]{0,999})\])?")


def _rename(text: str, labels: dict[str, bool], scope: str) -> str:
    """References to the note's own labels in ``text`` (no code in it), renamed."""

    def is_reference(label: str) -> bool:
        return labels.get(_label(label)) is False

    def named(match: re.Match[str]) -> str:
        caret, label, second = match.groups()
        if caret:  # [^1], and the definition [^1]: alike
            return f"[^{label}-{scope}]" if labels.get(_label(label)) is True else match.group()
        if second == "":  # [label][]
            return f"[{label}][{label}-{scope}]" if is_reference(label) else match.group()
        if second is not None:  # [text][label]
            return f"[{label}][{second}-{scope}]" if is_reference(second) else match.group()
        after = text[match.end() : match.end() + 1]
        if after == "(" or not is_reference(label):  # an inline link, or not the note's
            return match.group()
        if after == ":" and not text[: match.start()].strip(" \t>"):
            return f"[{label}-{scope}]"  # the definition itself
        return f"[{label}][{label}-{scope}]"  # [label]

    return _BRACKETS.sub(named, text)


# What a note's first character may open beyond a paragraph (a list item is the note's own
# and closes with its line): headings, fences, rules, quotes, HTML, tables, definitions.
_MAY_OPEN_A_BLOCK = re.compile(r"\s*[#`~=*_>|<:\[+-]|\s*\d+[.)]|\s{4}")


def safe_note(note: str) -> str:
    """The reader's Markdown, kept, but unable to break the document around it.

    The rewrite below handles what people write; a note it cannot make safe (a fence or
    heading deep in its own lists, say) is checked by parsing and then written literally.
    """
    text = clean(note).strip("\n")
    if "\n" not in text and not _MAY_OPEN_A_BLOCK.match(text):
        # One line that opens no heading, fence, rule, quote, HTML or table (most notes):
        # contained as it is, with its HTML made text. The parse below costs 0.2 ms a note.
        return _escape_html(text)
    lines = text.split("\n")
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
            # "=" has no backslash escape in Python-Markdown; "-", "*" and "_" do.
            rule = line.strip()
            out.append(("&#61;" + rule[1:]) if rule[0] == "=" else "\\" + rule)
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
def _commonmark() -> MarkdownIt:
    from markdown_it import MarkdownIt  # imported on first use

    return MarkdownIt("commonmark")


def _escape_html(line: str) -> str:
    # Raw HTML (and autolinks' angle brackets) is shown, not run; code spans keep it.
    return line.replace("<", "&lt;")


_TAG_WORDS = {"+": "plus", "#": "sharp", "&": "and", "@": "at", "%": "percent"}


def tag_text(tag: str) -> str:
    """A tag as ``#tag`` that Obsidian and Logseq read as one tag: letters, digits, ``_``,
    ``-`` and ``/`` only (``C++`` is ``#C-plus-plus``), never only digits (``#_1984``)."""
    text = unicodedata.normalize("NFC", clean(tag))
    words = "".join(f"-{_TAG_WORDS[c]}-" if c in _TAG_WORDS else c for c in text)
    cleaned = re.sub(r"-{2,}", "-", re.sub(r"[^\w/-]", "-", words)).strip("-/")
    if cleaned.isdigit():
        cleaned = "_" + cleaned  # "#1984" is not a tag in Obsidian
    return "#" + (cleaned or "tag")


def tag_texts(tags: Iterable[str]) -> dict[str, str]:
    """Each tag's ``#tag``, distinct for distinct tags (a number added when two would
    otherwise read the same)."""
    found: dict[str, str] = {}
    taken: set[str] = set()
    for tag in sorted(set(tags), key=lambda t: (t.casefold(), t)):
        text = base = tag_text(tag)
        number = 2
        while text.casefold() in taken:
            text = f"{base}-{number}"
            number += 1
        taken.add(text.casefold())
        found[tag] = text
    return found
