"""Lua tables read as data, never run: what KOReader writes into a book's sidecar.

KOReader saves a book's settings and annotations as a Lua file that returns one table::

    -- /mnt/onboard/Books/the-salt-road.sdr/metadata.epub.lua
    return {
        ["annotations"] = {
            [1] = {
                ["text"] = "The words highlighted",
                ...

This module reads that, and only that: ``return`` and one expression made of tables,
strings, numbers, booleans and nil (and the ``inf`` and ``nan`` that LuaJIT's ``tostring``
writes for a number). Anything else Lua could say (a loop, a function, a call, an operator,
a variable) is refused with the line it is on: nothing in the file is ever run, and a file
that holds code is not a sidecar. A recursive-descent parser over the text, with limits: a
file larger than :data:`MAX_SIZE`, a string longer than :data:`MAX_STRING`, tables nested
deeper than :data:`MAX_DEPTH` or more than :data:`MAX_VALUES` values in all are refused
too, so that no file can take more than time and memory in proportion to its size.

A table becomes a ``dict`` (keys as Lua has them: a positional value's key is its number
from 1); a string becomes ``str`` (Lua strings are bytes; KOReader writes UTF-8, and a
byte that is not becomes U+FFFD).
"""

from __future__ import annotations

import math
import re

MAX_SIZE = 64 * 1024 * 1024
"""Characters of a file at the most (a sidecar of 10,000 highlights is about 5 MB)."""
MAX_STRING = 4 * 1024 * 1024
"""Bytes of one string at the most."""
MAX_DEPTH = 40
"""Tables within tables at the most (a sidecar nests five deep)."""
MAX_VALUES = 2_000_000
"""Values in the whole file at the most."""

LuaValue = str | int | float | bool | dict[object, object] | None

_SPACE = re.compile(r"\s*")


def _past_space(text: str, at: int) -> int:
    """Where the white space that begins at ``at`` ends (``at`` itself when there is none)."""
    match = _SPACE.match(text, at)
    return match.end() if match else at


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?",
)
_LONG_OPEN = re.compile(r"\[(=*)\[")
_PLAIN = re.compile(r"[^\\\"'\n\r]{1,65536}")  # a piece at a time: a huge string is refused early
_ESCAPES = {
    "a": b"\a",
    "b": b"\b",
    "f": b"\f",
    "n": b"\n",
    "r": b"\r",
    "t": b"\t",
    "v": b"\v",
    "\\": b"\\",
    '"': b'"',
    "'": b"'",
    "\n": b"\n",
}
_CONSTANTS: dict[str, LuaValue] = {
    "true": True,
    "false": False,
    "nil": None,
    "inf": math.inf,
    "nan": math.nan,
}


class LuaError(ValueError):
    """The text is not a Lua table of data (or is past a limit); the message says where."""


def loads(text: str) -> LuaValue:
    """The value a ``return`` of data returns; LuaError for anything else."""
    if len(text) > MAX_SIZE:
        raise LuaError(f"larger than {MAX_SIZE // (1024 * 1024)} MB")
    parser = _Parser(text.removeprefix("\ufeff"))
    parser.skip()
    if not parser.keyword("return"):
        parser.fail("it does not start with `return` and a table")
    value = parser.value(0)
    parser.skip()
    if parser.peek() == ";":
        parser.at += 1
        parser.skip()
    if parser.at < len(parser.text):
        parser.fail("more follows the table (only data is read, never code)")
    return value


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.values = 0

    # --- reading --------------------------------------------------------------------------

    def fail(self, what: str) -> None:
        line = self.text.count("\n", 0, self.at) + 1
        raise LuaError(f"line {line}: {what}")

    def peek(self, offset: int = 0) -> str:
        at = self.at + offset
        return self.text[at] if at < len(self.text) else ""

    def skip(self) -> None:
        """Past white space and comments (``-- line`` and ``--[[ long ]]``)."""
        text = self.text
        while True:
            self.at = _past_space(text, self.at)
            if not text.startswith("--", self.at):
                return
            self.at += 2
            long = _LONG_OPEN.match(text, self.at)
            if long is not None:
                close = "]" + long.group(1) + "]"
                end = text.find(close, long.end())
                if end < 0:
                    self.fail("a comment that never ends")
                self.at = end + len(close)
            else:
                end = text.find("\n", self.at)
                self.at = len(text) if end < 0 else end + 1

    def keyword(self, word: str) -> bool:
        match = _NAME.match(self.text, self.at)
        if match is not None and match.group() == word:
            self.at = match.end()
            return True
        return False

    def expect(self, char: str) -> None:
        self.skip()
        if self.peek() != char:
            self.fail(f"`{char}` was expected here")
        self.at += 1

    def count(self) -> None:
        self.values += 1
        if self.values > MAX_VALUES:
            self.fail(f"more than {MAX_VALUES:,} values")

    # --- values ---------------------------------------------------------------------------

    def value(self, depth: int) -> LuaValue:
        self.skip()
        self.count()
        char = self.peek()
        if char == "{":
            return self.table(depth + 1)
        if char in ('"', "'"):
            return self.string(char)
        if char == "[" and _LONG_OPEN.match(self.text, self.at):
            return self.long_string()
        if char == "-" and self.peek(1) != "-":
            self.at += 1
            self.skip()
            if self.peek().isdigit() or (self.peek() == "." and self.peek(1).isdigit()):
                return -self.number()
            if self.keyword("inf"):
                return -math.inf
            if self.keyword("nan"):
                return math.nan
            self.fail("a minus before something that is not a number")
        if char.isdigit() or (char == "." and self.peek(1).isdigit()):
            return self.number()
        name = _NAME.match(self.text, self.at)
        if name is not None and name.group() in _CONSTANTS:
            self.at = name.end()
            return _CONSTANTS[name.group()]
        if name is not None:
            self.fail(f"`{name.group()}`: code, not data (only tables of values are read)")
        self.fail(f"`{char or 'the end of the file'}` where a value should be")
        return None  # never: fail raises

    def table(self, depth: int) -> dict[object, object]:
        if depth > MAX_DEPTH:
            self.fail(f"tables nested more than {MAX_DEPTH} deep")
        self.at += 1  # {
        found: dict[object, object] = {}
        position = 1
        while True:
            self.skip()
            char = self.peek()
            if char == "}":
                self.at += 1
                return found
            if char == "[" and not _LONG_OPEN.match(self.text, self.at):
                self.at += 1
                key = self.value(depth)
                self.expect("]")
                self.expect("=")
                if key is None or (isinstance(key, float) and math.isnan(key)):
                    self.fail("a table key that is nil or nan")
                if isinstance(key, float) and key.is_integer():
                    key = int(key)  # Lua's 1.0 and 1 are one key
                item = self.value(depth)
            else:
                name = _NAME.match(self.text, self.at)
                after = _past_space(self.text, name.end()) if name else 0
                if (
                    name is not None
                    and self.peek(after - self.at) == "="
                    and self.peek(after - self.at + 1) != "="
                ):
                    key = name.group()
                    self.at = after + 1
                    item = self.value(depth)
                else:
                    key = position
                    position += 1
                    item = self.value(depth)
            if item is not None:
                found[key] = item
            self.skip()
            char = self.peek()
            if char in (",", ";"):
                self.at += 1
            elif char != "}":
                self.fail("`,` or `}` was expected after a table's value")

    def number(self) -> int | float:
        match = _NUMBER.match(self.text, self.at)
        if match is None:
            self.fail("a number that cannot be read")
            return 0
        self.at = match.end()
        digits = match.group()
        if digits[:2] in ("0x", "0X"):
            return int(digits, 16)
        if any(c in digits for c in ".eE"):
            return float(digits)
        return int(digits)

    def string(self, quote: str) -> str:
        text = self.text
        self.at += 1
        pieces: list[bytes] = []
        size = 0
        while True:
            plain = _PLAIN.match(text, self.at)
            if plain is not None:
                piece = plain.group().encode("utf-8", "surrogatepass")
                pieces.append(piece)
                size += len(piece)
                self.at = plain.end()
                if size > MAX_STRING:
                    self.fail(f"a string longer than {MAX_STRING // (1024 * 1024)} MB")
                continue
            char = self.peek()
            if char == quote:
                self.at += 1
                return b"".join(pieces).decode("utf-8", errors="replace")
            if char in ('"', "'"):  # the other quote: part of the string
                pieces.append(char.encode())
                size += 1
                self.at += 1
            elif char == "\\":
                escaped = self.escape()
                pieces.append(escaped)
                size += len(escaped)
            else:
                self.fail("a string that never ends on its line")

    def escape(self) -> bytes:
        text = self.text
        self.at += 1  # the backslash
        char = self.peek()
        if char == "\r":  # a backslash before a Windows line end: one line end
            self.at += 2 if self.peek(1) == "\n" else 1
            return b"\n"
        if char in _ESCAPES:
            self.at += 1
            return _ESCAPES[char]
        if char.isdigit():
            digits = re.match(r"\d{1,3}", text[self.at : self.at + 3])
            assert digits is not None
            self.at += len(digits.group())
            code = int(digits.group())
            if code > 255:
                self.fail("a \\ddd escape above 255")
            return bytes([code])
        if char == "x":
            hexa = re.match(r"[0-9a-fA-F]{2}", text[self.at + 1 : self.at + 3])
            if hexa is None:
                self.fail("a \\x escape without two hexadecimal digits")
                return b""
            self.at += 3
            return bytes([int(hexa.group(), 16)])
        if char == "z":  # \z: the white space after it is not part of the string
            self.at = _past_space(text, self.at + 1)
            return b""
        if char == "u":
            braced = re.match(r"\{([0-9a-fA-F]{1,6})\}", text[self.at + 1 : self.at + 9])
            if braced is None or int(braced.group(1), 16) > 0x10FFFF:
                self.fail("a \\u escape that is not \\u{hexadecimal code}")
                return b""
            self.at += 1 + len(braced.group())
            return chr(int(braced.group(1), 16)).encode("utf-8", "surrogatepass")
        self.fail(f"an unknown escape \\{char}")
        return b""

    def long_string(self) -> str:
        opening = _LONG_OPEN.match(self.text, self.at)
        assert opening is not None
        close = "]" + opening.group(1) + "]"
        end = self.text.find(close, opening.end())
        if end < 0:
            self.fail("a long string that never ends")
        if end - opening.end() > MAX_STRING:
            self.fail(f"a string longer than {MAX_STRING // (1024 * 1024)} MB")
        start = opening.end()
        if self.text.startswith("\r\n", start):
            start += 2
        elif self.text.startswith("\n", start):
            start += 1  # a line end straight after the opening is not part of it
        self.at = end + len(close)
        return self.text[start:end]
