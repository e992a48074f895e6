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
