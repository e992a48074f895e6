"""What is exported of one article: its highlights and link ends, placed in its current text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reader.model import Anchor, Article, CrossLink, Highlight, LinkEnd
from reader.text.anchoring import Budget, locate


@dataclass(frozen=True, slots=True)
class Entry:
    """A highlight and where it is in the current text (start None: could not be placed;
    ``check``: moved where the words around it changed, not yet confirmed)."""

    highlight: Highlight
    start: int | None
    end: int | None
    check: bool = False


@dataclass(frozen=True, slots=True)
class LinkMark:
    """One end of a cross-link in this article, and where it is in the current text (start
    None: could not be placed)."""

    link: CrossLink
    outgoing: bool  # this end is the link's source
    start: int | None
    end: int | None

    @property
    def mine(self) -> LinkEnd:
        """The end in this article."""
        return self.link.source if self.outgoing else self.link.target

    @property
    def other(self) -> LinkEnd:
        """The far end."""
        return self.link.target if self.outgoing else self.link.source


@dataclass(slots=True)
class Notes:
    """Everything exported for one article."""

    article: Article
    entries: list[Entry]
    article_note: str = ""
    links: list[CrossLink] = field(default_factory=list)
    marks: list[LinkMark] = field(default_factory=list)
    article_note_modified: str = ""
    article_note_created: str = ""
    article_note_tags: tuple[str, ...] = ()
    # The id the W3C export names the article note by ("": the article's id). A note kept
    # in the notes vault carries the one it was first exported under, so that moving
    # reader.json into the vault does not rename it.
    article_note_ref: str = ""


def gather(
    article: Article,
    highlights: Iterable[Highlight],
    article_note: str = "",
    links: Iterable[CrossLink] = (),
    article_note_modified: str = "",
    *,
    article_note_created: str = "",
    article_note_tags: Iterable[str] = (),
    article_note_ref: str = "",
) -> Notes:
    """Place each highlight and link end in the article's current text (as the app does)
    and order them."""
    # One limit for the whole article's approximate searches, as in the app: an export of
    # a book cut short takes seconds, not minutes.
    budget = Budget()
    entries = []
    for highlight in highlights:
        placement = locate(
            article.text, highlight.anchor, fingerprint=article.fingerprint, budget=budget
        )
        if placement is None:
            entries.append(Entry(highlight, None, None))
        else:
            check = highlight.check or placement.check
            entries.append(Entry(highlight, placement.start, placement.end, check))
    entries.sort(
        key=lambda e: (
            e.start is None,
            e.start or 0,
            e.end or 0,
            e.highlight.created,
            e.highlight.id,
        )
    )
    links = list(links)
    marks = []
    for link in links:
        for outgoing, end in ((True, link.source), (False, link.target)):
            if end.article_id == article.id:
                marks.append(LinkMark(link, outgoing, *_place(article, end.anchor, budget)))
    marks.sort(key=lambda m: (m.start is None, m.start or 0, m.end or 0, m.link.id, m.outgoing))
    return Notes(
        article,
        entries,
        article_note,
        links,
        marks,
        article_note_modified,
        article_note_created,
        tuple(article_note_tags),
        article_note_ref,
    )


def _place(article: Article, anchor: Anchor, budget: Budget) -> tuple[int | None, int | None]:
    # locate() itself takes the recorded position when the text is unchanged.
    placement = locate(article.text, anchor, fingerprint=article.fingerprint, budget=budget)
    return (None, None) if placement is None else (placement.start, placement.end)
