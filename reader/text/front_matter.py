"""An article's front matter: the simple ``key: value`` lines of YAML between ``---`` lines
at the top of a Markdown file, read as YAML reads them (quotes and their escapes).

Stdlib only: `reader list` reads front matter of thousands of files, and no YAML library
is needed for the one-line values reader and other tools write there.
"""

from __future__ import annotations

import re

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split YAML-style front matter (simple ``key: value`` lines) from the body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields: dict[str, str] = {}
    for line in (match.group(1) or "").splitlines():
        key, sep, value = line.partition(":")
        if not sep or not key.strip() or key.startswith((" ", "\t", "-", "#")):
            continue
        fields[key.strip().lower()] = _unquote(value.strip())
    return fields, text[match.end() :]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return _double_quoted(value[1:-1])
    return value


# YAML 1.2's escapes in a double-quoted scalar (section 5.7), each to what it stands for.
_ESCAPES = {
    "0": "\x00",
    "a": "\x07",
    "b": "\x08",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\x0b",
    "f": "\x0c",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPES = frozenset("xuU")  # \xXX, \uXXXX, \UXXXXXXXX
_ESCAPE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)


def _double_quoted(inner: str) -> str:
    """The text of a one-line YAML double-quoted scalar, its escapes read as YAML reads
    them (``\\u00e9`` is é). A pair of ``\\u`` surrogates is one character, as JSON (which
    reader's own front matter is) means it; a backslash that escapes nothing YAML knows is
    kept as written, since a title is better shown than lost."""

    def one(match: re.Match[str]) -> str:
        escape = match.group()[1:]
        if escape[0] in _HEX_ESCAPES and len(escape) > 1:
            code = int(escape[1:], 16)
            return chr(code) if code <= 0x10FFFF else match.group()
        return _ESCAPES.get(escape, match.group())

    text = _ESCAPE.sub(one, inner)
    if any("\ud800" <= c <= "\udfff" for c in text):
        # Surrogate pairs joined; one left alone is no character at all.
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text
