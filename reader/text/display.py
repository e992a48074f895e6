"""Pure layout helpers for the article view: safe visible text, word wrap, line index.

No Textual here; Rich only for cell widths. Everything works in block-relative character
offsets, so what is drawn maps back exactly to the article's canonical text.
"""

from __future__ import annotations

import re
import unicodedata

from rich.cells import cell_len

# Each control character becomes exactly one visible placeholder character, so offsets
# into the text stay valid: C0 controls -> Unicode "control pictures", DEL -> ␡, and C1
# controls, bidi overrides and other invisible format characters -> "�"-like marks.
_PLACEHOLDERS: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_PLACEHOLDERS[0x7F] = "\u2421"
_PLACEHOLDERS.update({code: "\u2426" for code in range(0x80, 0xA0)})
_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_PLACEHOLDERS.update({code: "\u2422" for code in _BIDI})
# Line and paragraph separators: some terminals break the line on them.
_PLACEHOLDERS.update({0x2028: "\u2424", 0x2029: "\u2424"})
# A lone surrogate (half of a pair, from a paste or a file) cannot be drawn or written as
# UTF-8: the replacement character, as the export writes it too.
_PLACEHOLDERS.update({code: "\ufffd" for code in range(0xD800, 0xE000)})
_PLACEHOLDERS[ord("\t")] = " "
_PLACEHOLDERS[ord("\n")] = " "
_NEEDS_MAP = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_PLACEHOLDERS)) + "]")
_WORD = re.compile(r"[^ \n]+")
# For text being edited: the same, except that line ends and tabs are the user's own.
_EDIT_PLACEHOLDERS = {code: mark for code, mark in _PLACEHOLDERS.items() if code not in (9, 10)}
# For wrapping: what is drawn, except that line ends still break the line.
_WRAP_PLACEHOLDERS = {code: mark for code, mark in _PLACEHOLDERS.items() if code != 10}
_NEEDS_WRAP_MAP = re.compile(
    "[" + "".join(re.escape(chr(code)) for code in sorted(_WRAP_PLACEHOLDERS)) + "]"
)


def visible(text: str) -> str:
    """``text`` with every control character replaced by one visible placeholder.

    Newlines and tabs become spaces (layout has already used them), so the result has the
    same length as ``text`` and can be drawn straight to a terminal.
    """
    if _NEEDS_MAP.search(text) is None:
        return text
    return text.translate(_PLACEHOLDERS)


FORMULA_STARTS = ("=", "+", "-", "@")
"""What a spreadsheet takes a cell for a formula by, when it begins with it (``=cmd|...``)."""


def as_cell(text: str) -> str:
    """``text`` as a field of a tab-separated line that a spreadsheet may open: one that
    would begin a formula (``=cmd|' /C calc'!A0``, from a note or an imported highlight)
    gets a ``'`` before it, which spreadsheets take as "this is text" (OWASP's advice on
    CSV injection); any other field is as it was."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def editable(text: str) -> str:
    """``text`` as :func:`visible` makes it, but with its newlines and tabs kept.

    For notes and fields the user edits: a pasted or imported control character becomes
    its placeholder, which is then what is saved.
    """
    if _NEEDS_MAP.search(text) is None:
        return text
    return text.translate(_EDIT_PLACEHOLDERS)


def note_text(text: str) -> str:
    """A note as it is kept: line ends as ``\n`` (a pasted or imported ``\r\n`` or ``\r``
    too), and every other control character, and a lone surrogate, as its placeholder."""
    return editable(text.replace("\r\n", "\n").replace("\r", "\n"))


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def _cut(text: str, start: int, end: int, width: int) -> int:
    """The furthest index after ``start`` such that ``text[start:index]`` fits ``width``.

    Never splits a character from the combining marks that follow it, and always makes
    progress (at least one character) so wrapping terminates.
    """
    if text.isascii():
        return min(end, start + max(1, width))
    used = 0
    index = start
    while index < end:
        char_width = cell_len(text[index])
        if used + char_width > width and index > start:
            break
        used += char_width
        index += 1
    while index < end and unicodedata.combining(text[index]):
        index += 1
    return index


ELLIPSIS = "…"


def shorten(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells: whole, or cut after the last word that fits,
    with :data:`ELLIPSIS` (never in the middle of a word, unless a single word is wider
    than half the room, or the text has no spaces, as Chinese and Japanese have none)."""
    if _cells(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS if width == 1 else ""
    room = _cut(text, 0, len(text), width - 1)
    if room < len(text) and text[room] == " ":
        cut = room  # the word that fits ends just there
    else:
        space = text.rfind(" ", 0, room)
        cut = space if space >= room // 2 else room
    return text[:cut].rstrip() + ELLIPSIS


def wrap(text: str, width: int, *, words: bool = True) -> list[tuple[int, int]]:
    """Wrap ``text`` to ``width`` cells; return each line's ``(start, end)`` offsets.

    Lines break at spaces when ``words`` (trailing spaces are left off the line), and hard
    line breaks (``\\n``) always break. A word longer than the width is cut. With
    ``words=False`` (code) lines are cut at the width, keeping every space.

    Widths are those of the text as drawn: a control character is measured as the
    placeholder that :func:`visible` draws for it (one cell, where Rich counts the control
    itself as none), and a tab as the space it is drawn as (a place to break, like a space).
    """
    width = max(1, width)
    if _NEEDS_WRAP_MAP.search(text) is not None:
        # The same length, so every offset found in the drawn text is one into ``text``.
        text = text.translate(_WRAP_PLACEHOLDERS)
    lines: list[tuple[int, int]] = []
    position = 0
    length = len(text)
    while True:
        stop = text.find("\n", position)
        if stop == -1:
            stop = length
        if words:
            _wrap_words(text, position, stop, width, lines)
        else:
            _wrap_chars(text, position, stop, width, lines)
        if stop >= length:
            break
        position = stop + 1
    return lines


def _wrap_chars(text: str, start: int, stop: int, width: int, out: list[tuple[int, int]]) -> None:
    if start == stop:
        out.append((start, start))
        return
    while start < stop:
        cut = _cut(text, start, stop, width)
        out.append((start, cut))
        start = cut


# Chinese and Japanese: a line may break between any two of their characters (kana,
# ideographs, full-width forms; not Hangul, as Korean puts spaces between words), except
# by kinsoku shori: never before a closing mark, a small kana or a prolonged sound mark,
# never after an opening mark.
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u31c0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]"
)
_NO_START = frozenset(
    "、。，．・：；？！゛゜ヽヾゝゞ々ー’”）〕］｝〉》」』】〙〗〟｠»‐゠–〜～…‥"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "?!‼⁇⁈⁉.,:;)]}%"
)
_NO_END = frozenset("（〔［｛〈《「『【〘〖〝｟«‘“([{")
# Where a line may break inside a word: beside a Chinese or Japanese character, not before
# a closing mark nor a combining one (an accent, a variation selector), not after an
# opening mark. Found by the regex engine: a book's paragraph may be long.
_BREAK = re.compile(
    "(?:(?<={cjk})|(?={cjk}))(?<![{no_end}])(?![{no_start}\u0300-\u036f\u3099\u309a"
    "\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f])".format(
        cjk=_CJK.pattern,
        no_end=re.escape("".join(sorted(_NO_END))),
        no_start=re.escape("".join(sorted(_NO_START))),
    )
)


def _units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The places a line may break inside the word ``text[start:end]``: the word itself
    unless it holds Chinese or Japanese, which break between characters (kinsoku kept)."""
    if _CJK.search(text, start, end) is None:
        return [(start, end)]
    units = []
    unit = start
    for found in _BREAK.finditer(text, start + 1, end):
        units.append((unit, found.start()))
        unit = found.start()
    units.append((unit, end))
    return units


def _words(text: str, start: int, stop: int, ascii_text: bool) -> list[tuple[int, int]]:
    """The unbreakable runs of ``text[start:stop]``, in order (words, and single Chinese or
    Japanese characters with the marks that hold on to them)."""
    if ascii_text:
        return [match.span() for match in _WORD.finditer(text, start, stop)]
    found: list[tuple[int, int]] = []
    for match in _WORD.finditer(text, start, stop):
        found.extend(_units(text, *match.span()))
    return found


def _wrap_words(text: str, start: int, stop: int, width: int, out: list[tuple[int, int]]) -> None:
    ascii_text = text.isascii()
    line_start = -1
    line_end = start
    used = 0
    for word_start, word_end in _words(text, start, stop, ascii_text):
        word_width = word_end - word_start if ascii_text else cell_len(text[word_start:word_end])
        if line_start < 0:
            line_start = start
            used = _cells(text[line_start:word_start]) + word_width
        else:
            gap = word_start - line_end
            if used + gap + word_width <= width:
                used += gap + word_width
            else:
                out.append((line_start, line_end))
                line_start = word_start
                used = word_width
        while used > width:
            cut = _cut(text, line_start, word_end, width)
            if cut >= word_end:
                break
            out.append((line_start, cut))
            line_start = cut
            used = _cells(text[cut:word_end])
        line_end = word_end
    if line_start < 0:
        out.append((start, start))
    else:
        out.append((line_start, line_end))


def estimate_lines(text: str, width: int) -> int:
    """A cheap guess of ``len(wrap(text, width))`` for blocks not yet wrapped."""
    width = max(1, width)
    # Greedy word wrap leaves on average about half a word of slack per line.
    per_line = max(1, width - 5) if width > 20 else width
    return text.count("\n") + len(text) // per_line + 1


class HeightIndex:
    """Heights of consecutive blocks with prefix sums, point updates and search in O(log n).

    A Fenwick tree: the view keeps one value per block (its lines plus the gap after it),
    finds the block under any line of a 40,000-block book instantly, and refines a
    block's estimated height once it is actually wrapped.
    """

    __slots__ = ("_tree", "_values")

    def __init__(self) -> None:
        self._values: list[int] = []
        self._tree: list[int] = [0]

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, index: int) -> int:
        return self._values[index]

    def append(self, value: int) -> None:
        """Add a block at the end."""
        self._values.append(value)
        index = len(self._values)
        total = value
        stop = index - (index & -index)
        child = index - 1
        while child > stop:
            total += self._tree[child]
            child -= child & -child
        self._tree.append(total)

    def set(self, index: int, value: int) -> int:
        """Change block ``index``'s height; return the difference."""
        delta = value - self._values[index]
        if delta:
            self._values[index] = value
            position = index + 1
            size = len(self._values)
            while position <= size:
                self._tree[position] += delta
                position += position & -position
        return delta

    def prefix(self, index: int) -> int:
        """Total height of the blocks before ``index`` (the line where it starts)."""
        total = 0
        position = min(index, len(self._values))
        while position > 0:
            total += self._tree[position]
            position -= position & -position
        return total

    @property
    def total(self) -> int:
        """Total height of all blocks."""
        return self.prefix(len(self._values))

    def find(self, line: int) -> int:
        """Index of the block that contains ``line`` (clamped to the last block)."""
        size = len(self._values)
        if size == 0:
            return 0
        position = 0
        remaining = line
        step = 1 << size.bit_length()
        while step:
            probe = position + step
            if probe <= size and self._tree[probe] <= remaining:
                position = probe
                remaining -= self._tree[probe]
            step >>= 1
        return min(position, size - 1)
