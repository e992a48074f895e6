"""Right-to-left text: which paragraphs are mostly Arabic or Hebrew, and the order a line of
one is shown in.

A terminal draws cells left to right; most (tmux among them) do not reorder right-to-left
text, so an Arabic paragraph sent in its logical order reads backwards. reader lays every
paragraph out in logical order (the wrapping, the offsets of highlights and search), then
shows each line of a right-to-left paragraph in visual order, right-aligned (and Arabic or
Hebrew words inside a left-to-right paragraph in theirs), by the Unicode
Bidirectional Algorithm (python-bidi, imported on the first such line): numbers and Latin
words inside it keep their own direction, and brackets are mirrored. The permutation says
which character of the line each cell shows, so a highlight colours the same characters.

No Textual here.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Hebrew and Arabic letters (not the Arabic letter mark, U+061C, which only steers).
_RTL = re.compile(
    "[\u0590-\u061b\u061d-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_LTR = re.compile(r"[^\W\d_]")  # letters, of any script (the right-to-left ones counted apart)
SAMPLE = 4000
"""Characters of a paragraph looked at to tell its direction (a book's paragraph may be long)."""


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds any Arabic or Hebrew (whose lines then need reordering)."""
    return not text.isascii() and _RTL.search(text) is not None


def is_rtl(text: str) -> bool:
    """Whether ``text`` is mostly right-to-left: more Arabic or Hebrew letters than others."""
    sample = text[:SAMPLE]
    if text.isascii() or _RTL.search(sample) is None:
        return False
    rtl = len(_RTL.findall(sample))
    return rtl * 2 > len(_LTR.findall(sample))  # the letters counted there include them


@lru_cache(maxsize=4096)
def visual(line: str, rtl: bool = True) -> tuple[tuple[int, str], ...]:
    """The characters of a line in the order they are shown, left to right, in a paragraph
    that is right-to-left (``rtl``) or left-to-right with right-to-left words in it: each
    as (its index in ``line``, the character drawn, mirrored where the algorithm says).
    Direction marks are not drawn."""
    from bidi.algorithm import (  # the pure-Python algorithm, whose steps keep each index
        PARAGRAPH_LEVELS,
        apply_mirroring,
        explicit_embed_and_overrides,
        get_embedding_levels,
        get_empty_storage,
        reorder_resolved_levels,
        resolve_implicit_levels,
        resolve_neutral_types,
        resolve_weak_types,
    )

    if _STEERING.search(line):
        # Embeddings, overrides and isolates are shown as their placeholders, never obeyed
        # (nor understood by this algorithm); only the marks steer.
        line = line.translate(_SHOWN)
    storage = get_empty_storage()
    storage["base_level"] = PARAGRAPH_LEVELS["R" if rtl else "L"]
    storage["base_dir"] = "R" if rtl else "L"
    get_embedding_levels(line, storage, False, False)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    explicit_embed_and_overrides(storage, False)
    resolve_weak_types(storage, False)
    resolve_neutral_types(storage, False)
    resolve_implicit_levels(storage, False)
    reorder_resolved_levels(storage, False)
    apply_mirroring(storage, False)
    return tuple(
        (char["index"], char["ch"]) for char in storage["chars"] if char["ch"] not in _MARKS
    )


_STEERING = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SHOWN = {code: "\u2422" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_MARKS = frozenset("\u200e\u200f\u061c")
"""The direction marks (left-to-right, right-to-left, Arabic letter): they steer the order,
and show nothing."""
