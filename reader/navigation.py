"""Pure cursor logic that does not need a running app: search matches and their order."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right


def find_all(text: str, query: str) -> list[int]:
    """Start offsets of every match of ``query`` in ``text``.

    Smart case: a query with no capital letters matches any case; one with capitals
    matches exactly. The query is literal text, never a pattern.
    """
    if not query:
        return []
    flags = 0 if any(char.isupper() for char in query) else re.IGNORECASE
    pattern = re.compile(re.escape(query), flags)
    return [match.start() for match in pattern.finditer(text)]


def next_match(matches: list[int], offset: int, current: int = -1) -> int:
    """Index of the first match after the current one, or at/after ``offset``; wraps."""
    if not matches:
        return -1
    if current >= 0:
        return (current + 1) % len(matches)
    index = bisect_left(matches, offset)
    return index % len(matches)


def previous_match(matches: list[int], offset: int, current: int = -1) -> int:
    """Index of the match before the current one, or before ``offset``; wraps."""
    if not matches:
        return -1
    if current >= 0:
        return (current - 1) % len(matches)
    index = bisect_right(matches, offset - 1) - 1
    return index % len(matches)


_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")


def next_word_end(text: str, position: int, limit: int) -> int:
    """End of the word after ``position`` (skipping spaces first), at most ``limit``."""
    index = position
    while index < limit and text[index].isspace():
        index += 1
    while index < limit and not text[index].isspace():
        index += 1
    return index


def previous_word_end(text: str, position: int, floor: int) -> int:
    """End of the word before the one that ends at ``position``, at least ``floor``."""
    index = position
    while index > floor and not text[index - 1].isspace():
        index -= 1
    while index > floor and text[index - 1].isspace():
        index -= 1
    return index


def next_word_start(text: str, position: int, limit: int) -> int:
    """Start of the next word after ``position``, at most ``limit``."""
    index = position
    while index < limit and not text[index].isspace():
        index += 1
    while index < limit and text[index].isspace():
        index += 1
    return index


def next_sentence_end(text: str, position: int, limit: int) -> int:
    """End of the sentence that goes on after ``position`` (its closing punctuation)."""
    start = position
    while start < limit and text[start].isspace():
        start += 1
    match = _SENTENCE_END.search(text, start, limit)
    return match.end() if match else limit


def next_sentence_start(text: str, position: int, limit: int) -> int:
    """Start of the sentence after the one containing ``position``."""
    end = next_sentence_end(text, position, limit)
    while end < limit and text[end].isspace():
        end += 1
    return end


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the spaces at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
