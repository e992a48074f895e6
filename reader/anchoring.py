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

The approximate search is a port of ``approx-string-match`` (Myers' bit-parallel
algorithm), with Python integers as bit vectors; it keeps only the matches with the
fewest errors, as that library does, so its results agree with the client's.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.model import Anchor

CONTEXT = 32
"""Characters of prefix and suffix kept around a quote."""

MAX_ERRORS = 256
QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50, 20, 20, 2
GOOD_QUOTE = 0.75
"""An approximate match this similar to the quote is placed on its own."""
GOOD_CONTEXT = 0.8
"""A less similar one (down to the client's 0.5) needs context at least this similar."""


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an anchor was found: ``[start, end)``, how, and how well (0..1)."""

    start: int
    end: int
    via: str
    score: float = 1.0
    similarity: float = 1.0


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


def locate(text: str, anchor: Anchor, *, fingerprint: str | None = None) -> Placement | None:
    """Place ``anchor`` in ``text`` (whose fingerprint is ``fingerprint``), or None.

    An anchor with ``start < 0`` has no position (a quote-only selector).
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
    return match_quote(text, exact, prefix=anchor.prefix, suffix=anchor.suffix, hint=hint)


def match_quote(
    text: str, quote: str, *, prefix: str = "", suffix: str = "", hint: int | None = None
) -> Placement | None:
    """The best place for ``quote`` in ``text``, after the Hypothesis client's matchQuote."""
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
        matches = _approximate(text, quote, min(MAX_ERRORS, len(quote) / 2))
    if not matches:
        return None
    best: Placement | None = None
    for match in matches:
        placement = _score(text, quote, match, prefix, suffix, hint)
        if best is None or placement.score > best.score:
            best = placement
    assert best is not None
    return best if _acceptable(best, prefix, suffix, text) else None


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
    return Placement(match.start, match.end, via, raw / total, quote_score)


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


def _approximate(text: str, pattern: str, max_errors: float) -> list[_Match]:
    """Substrings of ``text`` with the fewest edits from ``pattern`` (at most max_errors)."""
    ends = _match_ends(text, pattern, max_errors)
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
