"""Where an imported quote lands in an article's text.

No Textual, no store. An annotation from another tool is placed with the app's own
re-anchoring (:func:`reader.text.anchoring.locate`), helped on its way: a quote with no
position is first looked for with its context (through :class:`Quotes` in a long text), and
words copied by an e-reader, which joins paragraphs with a space or a line end where the
article has a blank line, are found whatever the white space between them.
"""

from __future__ import annotations

import dataclasses
import re

from reader.model import Anchor, Article
from reader.notes.incoming import Passage
from reader.text.anchoring import describe, locate

_BREAKS = re.compile(r"\s+|(?<=[.!?;:,”’)»」。、])")
"""Where a quote's words part: white space, or after a punctuation mark."""
LOOSE_WORDS = 400
"""Words of a quote at the most that are looked for whatever the white space between
them (a longer quote is found by the approximate search, if at all)."""


def anchor_of(passage: Passage) -> Anchor | None:
    """The anchor a target's selectors describe (its position -1 when it has none), or None
    when it has no quote."""
    exact = passage.quote.get("exact")
    if not isinstance(exact, str) or not exact:
        return None
    start, end = passage.position.get("start", -1), passage.position.get("end", -1)
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
        start = end = -1
    quote = passage.quote
    return Anchor(
        start, end, exact, str(quote.get("prefix", "") or ""), str(quote.get("suffix", "") or "")
    )


class Quotes:
    """Where words stand in an article's text, found without reading all of it each time:
    the text's pieces of :data:`PIECE` characters that start every :data:`STEP` characters,
    by their words. Every place a longer string stands holds one of them, at one of the
    first :data:`STEP` offsets of the string."""

    PIECE = 16
    STEP = 16
    CROWDED = 64  # places of one piece past which reading the text is quicker
    LONG = 200_000  # characters of text from which an index is worth its making

    def __init__(self, text: str) -> None:
        self.text = text
        self.places: dict[str, list[int]] = {}
        piece, places = self.PIECE, self.places
        for at in range(0, len(text) - piece + 1, self.STEP):
            places.setdefault(text[at : at + piece], []).append(at)

    def first(self, words: str) -> int:
        """Where ``words`` first stand in the text (-1: nowhere), as ``str.find`` says."""
        if len(words) < self.PIECE + self.STEP - 1:
            return self.text.find(words)
        found = -1
        for offset in range(self.STEP):
            places = self.places.get(words[offset : offset + self.PIECE], ())
            if len(places) > self.CROWDED:
                return self.text.find(words)
            for at in places:
                start = at - offset
                if (
                    start >= 0
                    and (found == -1 or start < found)
                    and self.text.startswith(words, start)
                ):
                    found = start
        return found


def place(
    article: Article, anchor: Anchor, quotes: Quotes | None = None
) -> tuple[Anchor, bool, bool]:
    """The anchor re-described where it lands in the article, or as it was (orphan); and
    whether it was placed, and whether where the words around it disagree (to check)."""
    text, hinted = article.text, anchor
    if anchor.start < 0:
        # A quote with no position (another tool's): where its words stand with all their
        # context is where the quote search would place it (the first such place), found
        # without reading the whole text (thousands of annotations on one long article
        # were thousands of searches of all of it).
        context = anchor.prefix + anchor.exact + anchor.suffix
        at = quotes.first(context) if quotes is not None else text.find(context)
        if at != -1:
            start = at + len(anchor.prefix)
            hinted = dataclasses.replace(anchor, start=start, end=start + len(anchor.exact))
        elif not anchor.prefix and not anchor.suffix:
            # Words alone, as an e-reader copies them: the same words where the article
            # breaks its lines or paragraphs otherwise ("end.\n\nNext" for "end. Next").
            span = loose_find(text, anchor.exact)
            if span is not None:
                start, end = span
                hinted = dataclasses.replace(anchor, start=start, end=end, exact=text[start:end])
    found = locate(text, hinted, fingerprint=article.fingerprint)
    if found is None:
        return anchor, False, False
    return (
        describe(
            text,
            found.start,
            found.end,
            block=article.block_at(found.start),
            fingerprint=article.fingerprint,
        ),
        True,
        found.check,
    )


def loose_find(text: str, quote: str) -> tuple[int, int] | None:
    """Where the words of ``quote`` first stand in ``text`` with any white space (or none)
    between them, and after a punctuation mark ("end.Next", as a Kindle joins two
    paragraphs, is "end.\n\nNext"), as (start, end); None when they do not, or the quote
    is one word (then only the exact search could find it)."""
    pieces = [piece for piece in _BREAKS.split(quote) if piece]
    if not 1 < len(pieces) <= LOOSE_WORDS or max(pieces, key=len) not in text:
        return None
    match = re.search(r"\s*".join(re.escape(piece) for piece in pieces), text)
    return (match.start(), match.end()) if match is not None else None
