"""A selection grown and shrunk by word, sentence and paragraph: the keys of ``v``.

No Textual here. A selection is ``(anchor, head)`` in offsets of the article's canonical
text: the anchor stays where the selection began, the head moves (``o`` swaps them, so
the other end moves). Words and sentences stay within the head's block; paragraphs go
from block to block. Words are what spaces separate, and each Chinese or Japanese
character, which no space separates; sentences are pysbd's, which end at "。！？" too.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

from reader.model import Article

if TYPE_CHECKING:  # pysbd is imported on the first `s`
    import pysbd

Selection = tuple[int, int]


# Words. Between spaces, a run of letters is a word; but Chinese and Japanese put no spaces
# between words, so a paragraph was once "the first word" whole. Until a segmenter comes,
# each Chinese or Japanese character is a word of its own, with the punctuation that closes
# it ("落。") or opens it ("「本」").


def _is_cjk(character: str) -> bool:
    """A Chinese character, or Japanese kana (not punctuation)."""
    code = ord(character)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFF66 <= code <= 0xFF9F  # half-width katakana
        or 0x20000 <= code <= 0x3134F  # extensions B to G
        or code == 0x3005  # 々, the iteration mark
    ) and not unicodedata.category(character).startswith("P")


def _is_cjk_mark(character: str) -> bool:
    """CJK or full-width punctuation (。！？「」、，)."""
    code = ord(character)
    return (0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFF65) and unicodedata.category(
        character
    ).startswith("P")


def _opens(character: str) -> bool:
    return unicodedata.category(character) in ("Ps", "Pi")


def _is_punctuation(character: str) -> bool:
    return unicodedata.category(character).startswith("P")


def _boundary(text: str, index: int) -> bool:
    """Whether a word ends between ``text[index - 1]`` and ``text[index]``, two characters
    that are not spaces (only ever next to a Chinese or Japanese character or mark)."""
    before, here = text[index - 1], text[index]
    if _is_cjk(here):
        return not _opens(before)
    if _opens(here):
        return not _opens(before) and (
            _is_cjk(before) or _is_cjk_mark(before) or _is_cjk_mark(here)
        )
    if _is_cjk(before) or _is_cjk_mark(before):
        return not _is_punctuation(here)
    return False


def _word_end(text: str, index: int, limit: int) -> int:
    """The end of the word that starts at (or goes on at) ``index``, at most ``limit``."""
    index += 1
    while index < limit and not text[index].isspace() and not _boundary(text, index):
        index += 1
    return index


def _word_start(text: str, index: int, floor: int) -> int:
    """The start of the word that ends at ``index``, at least ``floor``."""
    index -= 1
    while index > floor and not text[index - 1].isspace() and not _boundary(text, index):
        index -= 1
    return index


def next_word_end(text: str, position: int, limit: int) -> int:
    """End of the word after ``position`` (skipping spaces first), at most ``limit``."""
    index = position
    while index < limit and text[index].isspace():
        index += 1
    return _word_end(text, index, limit) if index < limit else index


def previous_word_end(text: str, position: int, floor: int) -> int:
    """End of the word before the one that ends at ``position``, at least ``floor``."""
    index = position
    if index > floor and not text[index - 1].isspace():
        index = _word_start(text, index, floor)
    while index > floor and text[index - 1].isspace():
        index -= 1
    return index


def next_word_start(text: str, position: int, limit: int) -> int:
    """Start of the next word after ``position``, at most ``limit``."""
    index = position
    if index < limit and not text[index].isspace():
        index = _word_end(text, index, limit)
    while index < limit and text[index].isspace():
        index += 1
    return index


_CLOSERS = frozenset("\"')]}»’”」』）")
SENTENCE_WINDOW = 4_000
"""Characters after the head looked at for the end of its sentence: a key never waits on
the length of a paragraph (a hostile file's is megabytes)."""


def next_sentence_end(text: str, position: int, limit: int) -> int:
    """End of the sentence that goes on after ``position`` (its closing punctuation).

    Sentences are found with pysbd, which knows that "Dr.", "U.S.", "p.m." and "e.g." end
    no sentence and that "。", "！" and "？" do (loaded on the first ``s``).
    """
    start = position
    while start < limit and text[start].isspace():
        start += 1
    if start >= limit:
        return limit
    window = text[start : min(limit, start + SENTENCE_WINDOW)]
    spans = _segmenter(_language(window)).segment(window)
    if not spans:
        return limit
    first = spans[0]
    end = start + first.start + len(first.sent.rstrip())
    # pysbd may leave a closing quote or bracket to the next sentence ('left.” Done').
    while end < limit and text[end] in _CLOSERS:
        end += 1
    if end >= start + len(window.rstrip()) and start + len(window) < limit:
        # The window ended inside the sentence: its end is further on, a window at a time.
        return next_sentence_end(text, start + len(window), limit)
    return max(end, start + 1)


def _language(text: str) -> str:
    """pysbd's language for ``text``: Japanese or Chinese by their scripts, else English
    (whose rules also serve the languages written in the Latin alphabet)."""
    if re.search("[\u3040-\u30ff]", text):  # hiragana, katakana
        return "ja"
    if re.search("[\u4e00-\u9fff\u3000-\u303f\uff01-\uff1f]", text):
        return "zh"
    return "en"


@functools.cache
def _segmenter(language: str) -> pysbd.Segmenter:
    import pysbd  # imported on first use (the first `s`)

    return pysbd.Segmenter(language=language, clean=False, char_span=True)


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


def _head_limits(article: Article, head: int) -> tuple[int, int]:
    """Start and end of the block the head is in."""
    block = article.blocks[article.block_at(head)]
    return block.start, block.end


def first_word(article: Article, index: int) -> Selection:
    """A new selection: the first word of block ``index``."""
    block = article.blocks[index]
    return block.start, next_word_end(article.text, block.start, block.end)


def word_forward(article: Article, anchor: int, head: int) -> Selection:
    """The head a word further on (w)."""
    _, end = _head_limits(article, head)
    text = article.text
    if head < anchor:
        return anchor, min(anchor, next_word_start(text, head, end))
    return anchor, next_word_end(text, head, end)


def word_back(article: Article, anchor: int, head: int) -> Selection:
    """The head a word back (b), keeping at least one word selected."""
    start, _ = _head_limits(article, head)
    text = article.text
    if head > anchor:
        new = previous_word_end(text, head, start)
        if new <= anchor:
            new = next_word_end(text, anchor, head)  # keep at least one word
        return anchor, new
    index = head
    while index > start and text[index - 1].isspace():
        index -= 1
    if index > start:
        index = _word_start(text, index, start)
    return anchor, index


def sentence_forward(article: Article, anchor: int, head: int) -> Selection:
    """The head a sentence further on (s)."""
    _, end = _head_limits(article, head)
    text = article.text
    if head < anchor:
        return anchor, min(anchor, next_sentence_start(text, head, end))
    return anchor, next_sentence_end(text, head, end)


def paragraph_down(article: Article, anchor: int, head: int) -> Selection | None:
    """The selection grown to the end of the next paragraph (j), or None at the last."""
    index = article.block_at(max(anchor, head - 1) if head > anchor else head)
    if index + 1 < len(article.blocks):
        return min(anchor, head), article.blocks[index + 1].end
    return None


def paragraph_up(article: Article, anchor: int, head: int) -> Selection | None:
    """The selection shrunk to the end of the previous paragraph (k), or None when it
    is within one paragraph."""
    low, high = min(anchor, head), max(anchor, head)
    index = article.block_at(max(low, high - 1))
    first = article.block_at(low)
    if index > first:
        return low, article.blocks[index - 1].end
    return None
