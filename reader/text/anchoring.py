"""Describe a passage so it can be found again, and find it again after the text changed.

An :class:`~reader.model.Anchor` holds a position (TextPositionSelector), a quote with
about 32 characters of context on each side (TextQuoteSelector), and the fingerprint of
the text it was made on. :func:`locate` places it in a text, in this order:

1. the text is unchanged (same fingerprint) and the position still holds the quote;
2. the position still holds the quote with the same context around it;
3. the Hypothesis client's ``matchQuote``: exact occurrences of the quote, or when there
   are none the occurrences with the fewest edits (at most ``len(quote) / 2``), each
   scored 50/20/20/2 on quote, prefix, suffix and nearness to the old position;
4. otherwise nothing: the highlight is an orphan, kept but never put on the wrong text.

Unlike the client, an approximate match must clear a similarity floor (see
:func:`_acceptable`): the client will place a 16-character quote with 6 errors, which
in a reader's own notes would more often be the wrong passage than the right one.

Nor is a quote taken to words whose surroundings disagree (see :func:`_context_agrees`):
when the stored prefix and suffix are both less than :data:`CONTEXT_FLOOR` alike to the
text around the best match, the match is another passage with the same words ("the tax"
elsewhere, once its own paragraph was deleted), and the anchor is an orphan. Only a quote
that cannot be mistaken (at least :data:`LONG_QUOTE` characters, word for word, and in
one place only) is still placed there, with ``check`` set: it moved, and the reader is
asked to check it. A quote found in many places is placed only where its context is
clearly more alike than elsewhere (:func:`_in_a_crowd`).

The approximate search is a port of ``approx-string-match`` (Myers' bit-parallel
algorithm), with Python integers as bit vectors; it keeps only the matches with the
fewest errors, as that library does, so its results agree with the client's. It costs
time in proportion to the text it scans, so it has a limit (:class:`Budget`): in a text
longer than :data:`SEARCH_CHARS` it scans the stretch around the old position and the
stretches where pieces of the quote occur, and a whole run of placing scans at most
:data:`TOTAL_SEARCH_CHARS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from reader.model import Anchor

CONTEXT = 32
"""Characters of prefix and suffix kept around a quote."""

MAX_ERRORS = 256
QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50, 20, 20, 2
GOOD_QUOTE = 0.75
"""An approximate match this similar to the quote is placed on its own."""
GOOD_CONTEXT = 0.8
"""A less similar one (down to the client's 0.5) needs context at least this similar."""
CONTEXT_FLOOR = 0.5
"""A side of context (the prefix or the suffix) agrees when the text beside a match is at
least this similar to it. Two unrelated 32-character stretches of English are 0.28 alike
at the median and 0.44 at the 99th percentile (measured on the benchmark book); a side
with one word changed is about 0.75 alike."""
SIDE_MIN = 4
"""A side shorter than this (stored so, or cut by the text's start or end) can agree, but
its disagreeing says nothing."""
LONG_QUOTE = CONTEXT
"""A quote at least this long, found in one place only, is placed even where its context
disagrees (marked ``check``); a shorter one is an orphan there."""
CROWD = 5
"""A quote found in this many places or more is placed only where its context is clearly
more alike than anywhere else: by :data:`CROWD_MARGIN`."""
CROWD_MARGIN = 0.15
SEARCH_CHARS = 256_000
"""Characters of text one approximate search scans at most (about 0.1-0.3 s)."""
PIECE_CHARS = 4_096
"""Characters read at a time by the approximate search, between which it may be stopped
and lets another thread run (a few milliseconds each)."""
TOTAL_SEARCH_CHARS = 4_000_000
"""Characters all the approximate searches of one :class:`Budget` scan at most."""
NEAR_CHARS = 32_000
"""In a long text, the approximate search scans this far on each side of the old place."""


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an anchor was found: ``[start, end)``, how, and how well (0..1)."""

    start: int
    end: int
    via: str
    score: float = 1.0
    similarity: float = 1.0
    check: bool = False  # placed though its context disagrees: the reader should check it
    context: float = 1.0  # how alike its prefix or suffix is, the more alike of the two


class Budget:
    """How much approximate searching a run of placing may still do, in characters of
    text scanned. ``cancelled``, when given, is asked between pieces of
    :data:`PIECE_CHARS` (a worker that is no longer wanted stops at once); ``pause`` is
    called between them (a worker thread lets the interface have Python's lock)."""

    def __init__(
        self,
        chars: int = TOTAL_SEARCH_CHARS,
        cancelled: Callable[[], bool] | None = None,
        pause: Callable[[], None] | None = None,
    ) -> None:
        self.chars = chars
        self.spent = 0
        self.exhausted = False  # a search was refused: what it would have found is unknown
        self._cancelled = cancelled
        self.pause = pause or (lambda: None)

    def take(self, chars: int) -> bool:
        """Spend ``chars``, if there are that many left (and the run is still wanted)."""
        if self.spent + chars > self.chars or (self._cancelled and self._cancelled()):
            self.exhausted = True
            return False
        self.spent += chars
        return True


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    errors: int


def describe(text: str, start: int, end: int, *, block: int = 0, fingerprint: str = "") -> Anchor:
    """An anchor for ``text[start:end]``."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    return Anchor(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
        block=block,
        fingerprint=fingerprint,
    )


def locate(
    text: str, anchor: Anchor, *, fingerprint: str | None = None, budget: Budget | None = None
) -> Placement | None:
    """Place ``anchor`` in ``text`` (whose fingerprint is ``fingerprint``), or None.

    An anchor with ``start < 0`` has no position (a quote-only selector). ``budget``
    limits the approximate search (by default, one search's own limit).
    """
    exact = anchor.exact
    if not exact or not text:
        return None
    start, end = anchor.start, anchor.end
    has_position = 0 <= start <= end <= len(text)
    if has_position and text[start:end] == exact:
        unchanged = fingerprint is not None and fingerprint == anchor.fingerprint
        in_context = text[max(0, start - len(anchor.prefix)) : start] == anchor.prefix and (
            text[end : end + len(anchor.suffix)] == anchor.suffix
        )
        if unchanged or in_context:
            return Placement(start, end, "position")
    hint = start if start >= 0 else None
    return match_quote(
        text, exact, prefix=anchor.prefix, suffix=anchor.suffix, hint=hint, budget=budget
    )


def found_exactly(text: str, anchor: Anchor, *, fingerprint: str | None = None) -> bool:
    """Whether :func:`locate` would decide without an approximate search (the quote is
    in the text as it is): cheap, so that these are placed first."""
    return bool(anchor.exact) and (anchor.exact in text or fingerprint == anchor.fingerprint)


def match_quote(
    text: str,
    quote: str,
    *,
    prefix: str = "",
    suffix: str = "",
    hint: int | None = None,
    budget: Budget | None = None,
) -> Placement | None:
    """The best place for ``quote`` in ``text``, after the Hypothesis client's matchQuote,
    or None; placed where its context disagrees only when :func:`_distinct` (``check``)."""
    if not quote or not text:
        return None
    if hint is not None:  # a stale position past the end is as near as the end
        hint = min(max(hint, 0), len(text))
    exact = _exact_matches(text, quote)
    if exact:
        # Occurrences whose whole context matches outscore every other (1, 1, 1 on quote,
        # prefix and suffix), so with a common quote in a long text only they need scoring.
        framed = [
            m
            for m in exact
            if text[max(0, m.start - len(prefix)) : m.start] == prefix
            and text[m.end : m.end + len(suffix)] == suffix
        ]
        matches = framed or exact
    else:
        matches = _search(text, quote, min(MAX_ERRORS, len(quote) / 2), hint, budget or Budget())
    if not matches:
        return None
    scored = [_score(text, quote, match, prefix, suffix, hint) for match in matches]
    best = max(scored, key=lambda placement: placement.score)  # the first of equals
    if not _acceptable(best, prefix, suffix, text):
        return None
    if _context_agrees(text, best.start, best.end, prefix, suffix) is False:
        return replace(best, check=True) if _distinct(best, matches, quote) else None
    if len(scored) >= CROWD and best.context < GOOD_CONTEXT:
        return _in_a_crowd(scored)
    return best


def _in_a_crowd(scored: list[Placement]) -> Placement | None:
    """The match of a quote found in :data:`CROWD` places or more whose context is the
    most alike, if it is :data:`GOOD_CONTEXT` alike or clearly (:data:`CROWD_MARGIN`) more
    alike than any other's; else None. Among so many, one is fairly alike by chance (a
    verse repeated through a book, its own copy cut away), and the score, which adds the
    two sides, would take a match whose sides are both half alike over one whose prefix is
    word for word."""
    ranked = sorted(scored, key=lambda p: (p.context, p.score), reverse=True)
    first, second = ranked[0], ranked[1]
    if first.context >= GOOD_CONTEXT or first.context - second.context >= CROWD_MARGIN:
        return first
    return None


def _context_agrees(text: str, start: int, end: int, prefix: str, suffix: str) -> bool | None:
    """Whether the prefix or the suffix agrees with the text around ``[start, end)``
    (similarity at least :data:`CONTEXT_FLOOR`); None when neither can say (no context
    stored, or no room for it at the text's edges)."""
    said = False
    for stored, beside, before in (
        (prefix, text[max(0, start - len(prefix)) : start], True),
        (suffix, text[end : end + len(suffix)], False),
    ):
        if len(beside) < len(stored):  # the text's edge: compare what it has room for
            stored = stored[len(stored) - len(beside) :] if before else stored[: len(beside)]
        if not stored:
            continue
        if _text_match_score(beside, stored) >= CONTEXT_FLOOR:
            return True
        # A few characters can vouch for a match, but are too few to speak against one.
        said = said or len(stored) >= SIDE_MIN
    return False if said else None


def fits(text: str, anchor: Anchor, start: int, end: int) -> bool:
    """Whether ``anchor`` describes ``text[start:end]``: the same words, and context that
    does not disagree (how a highlight still being placed is known for the same passage)."""
    return text[start:end] == anchor.exact and (
        _context_agrees(text, start, end, anchor.prefix, anchor.suffix) is not False
    )


def _distinct(best: Placement, matches: list[_Match], quote: str) -> bool:
    """Whether a match whose context disagrees is still surely the quote's passage: a long
    quote, word for word, and nowhere else in the text. (Words that also changed, with all
    the words around them, are more often another passage: measured on the benchmark book
    cut short, the two such matches were both wrong.)"""
    if len(quote) < LONG_QUOTE or best.similarity < 1.0:
        return False
    errors = min(match.errors for match in matches)
    others = [
        m for m in matches if m.errors == errors and (m.end <= best.start or m.start >= best.end)
    ]
    return not others


def _score(
    text: str, quote: str, match: _Match, prefix: str, suffix: str, hint: int | None
) -> Placement:
    quote_score = 1 - match.errors / len(quote)
    prefix_score = (
        _text_match_score(text[max(0, match.start - len(prefix)) : match.start], prefix)
        if prefix
        else 1.0
    )
    suffix_score = (
        _text_match_score(text[match.end : match.end + len(suffix)], suffix) if suffix else 1.0
    )
    position_score = 1.0 if hint is None else 1 - abs(match.start - hint) / len(text)
    raw = (
        QUOTE_WEIGHT * quote_score
        + PREFIX_WEIGHT * prefix_score
        + SUFFIX_WEIGHT * suffix_score
        + POSITION_WEIGHT * position_score
    )
    total = QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT
    via = "quote" if match.errors == 0 else "fuzzy"
    sides = [score for score, stored in ((prefix_score, prefix), (suffix_score, suffix)) if stored]
    context = max(sides, default=1.0)
    return Placement(match.start, match.end, via, raw / total, quote_score, context=context)


def _acceptable(placement: Placement, prefix: str, suffix: str, text: str) -> bool:
    """The similarity floor for approximate matches (exact ones always pass)."""
    if placement.similarity >= GOOD_QUOTE:
        return True
    context = []
    if prefix:
        before = text[max(0, placement.start - len(prefix)) : placement.start]
        context.append(_text_match_score(before, prefix))
    if suffix:
        context.append(_text_match_score(text[placement.end : placement.end + len(suffix)], suffix))
    return bool(context) and sum(context) / len(context) >= GOOD_CONTEXT


def _text_match_score(text: str, pattern: str) -> float:
    """How closely ``text`` contains ``pattern`` (1: exactly; 0: not at all)."""
    if not pattern or not text:
        return 0.0
    if pattern in text:
        return 1.0
    matches = _approximate(text, pattern, len(pattern))
    return 1 - matches[0].errors / len(pattern)


def _exact_matches(text: str, quote: str) -> list[_Match]:
    matches = []
    at = text.find(quote)
    while at != -1:
        matches.append(_Match(at, at + len(quote), 0))
        at = text.find(quote, at + 1)
    return matches


def _search(
    text: str, quote: str, max_errors: float, hint: int | None, budget: Budget
) -> list[_Match]:
    """The matches of ``quote`` in ``text`` with the fewest errors (at most ``max_errors``):
    over the whole text when it is short; in a long one, over the stretch around ``hint``
    and those where a piece of the quote occurs, within :data:`SEARCH_CHARS`. Read in
    pieces of :data:`PIECE_CHARS`, each paid for from ``budget``; the answer is the same
    as one pass over the same stretches would give."""
    if len(text) <= SEARCH_CHARS:
        stretches = [(0, len(text))]
    else:
        reach = len(quote) + int(max_errors) + 64
        around = [] if hint is None else [(hint - NEAR_CHARS, hint + NEAR_CHARS)]
        seeds = [(at - reach, at + reach) for at in _seeds(text, quote)]
        stretches = _merged(around + seeds, len(text), hint)
    # A match is at most this long: a piece begins this far before the offset it reads from,
    # so that every match ending in it is seen whole.
    overlap = len(quote) + int(max_errors)
    ends: list[tuple[int, int]] = []
    scanned = 0
    for low, high in stretches:
        high = min(high, low + SEARCH_CHARS - scanned)
        at = low
        while at < high:
            start, stop = max(low, at - overlap), min(high, at + PIECE_CHARS)
            if not budget.take(stop - start):
                return _with_starts(text, quote, ends)
            bound = ends[0][1] if ends else max_errors
            piece = [
                (start + end, errors)
                for end, errors in _match_ends(text[start:stop], quote, bound)
                if start + end > at or at == low
            ]
            if piece and (not ends or piece[0][1] <= ends[0][1]):
                if ends and piece[0][1] < ends[0][1]:
                    ends = []
                ends += [end for end in piece if end[1] == piece[-1][1]]
            scanned += stop - at
            at = stop
            budget.pause()
        if scanned >= SEARCH_CHARS:
            break
    return _with_starts(text, quote, ends)


def _seeds(text: str, quote: str, pieces: int = 8, most: int = 20) -> list[int]:
    """Where pieces of ``quote`` occur exactly in ``text``: a passage with the quote,
    changed, keeps some of them. A piece found more than ``most`` times says nothing."""
    size = max(12, len(quote) // pieces)
    seeds: list[int] = []
    for offset in range(0, max(1, len(quote) - size + 1), size):
        piece = quote[offset : offset + size]
        places: list[int] = []
        at = text.find(piece)
        while at != -1 and len(places) <= most:
            places.append(at - offset)
            at = text.find(piece, at + 1)
        if len(places) <= most:
            seeds += places
    return seeds


def _merged(
    stretches: list[tuple[int, int]], length: int, first: int | None
) -> list[tuple[int, int]]:
    """The stretches clipped to ``[0, length)`` and joined where they overlap; the one
    holding offset ``first`` (the old place) comes first."""
    joined: list[tuple[int, int]] = []
    for low, high in sorted((max(0, low), min(length, high)) for low, high in stretches):
        if high <= low:
            continue
        if joined and low <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], high))
        else:
            joined.append((low, high))
    if first is not None:
        joined.sort(key=lambda stretch: not stretch[0] <= first <= stretch[1])
    return joined


def _approximate(text: str, pattern: str, max_errors: float) -> list[_Match]:
    """Substrings of ``text`` with the fewest edits from ``pattern`` (at most max_errors)."""
    return _with_starts(text, pattern, _match_ends(text, pattern, max_errors))


def _with_starts(text: str, pattern: str, ends: list[tuple[int, int]]) -> list[_Match]:
    """The matches that end at ``ends`` (end offset, errors), each with its start."""
    reversed_pattern = pattern[::-1]
    matches = []
    for end, errors in ends:
        # The start is found by searching backwards from the end with the same error
        # count; of several, the one that makes the longest match wins (as in the client).
        low = max(0, end - len(pattern) - errors)
        window = text[low:end][::-1]
        start = end
        for back_end, _ in _match_ends(window, reversed_pattern, errors):
            start = min(start, end - back_end)
        matches.append(_Match(start, end, errors))
    return matches


def _match_ends(text: str, pattern: str, max_errors: float) -> list[tuple[int, int]]:
    """End offsets (and error counts) of the best approximate matches of ``pattern``.

    Myers' bit-vector algorithm in its searching form (a match may start anywhere). Only
    matches with the lowest error count are kept, and the bound is lowered as better ones
    appear, as ``approx-string-match`` does.
    """
    m = len(pattern)
    if m == 0:
        return []
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    peq: dict[str, int] = {}
    for i, char in enumerate(pattern):
        peq[char] = peq.get(char, 0) | (1 << i)
    pv, mv, score = mask, 0, m
    found: list[tuple[int, int]] = []
    get = peq.get
    for j, char in enumerate(text):
        eq = get(char, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & mask
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = (ph << 1) & mask
        mh = (mh << 1) & mask
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv
        if score <= max_errors:
            if score < max_errors:
                found.clear()
            found.append((j + 1, score))
            max_errors = score
    return found
