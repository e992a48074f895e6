"""What an import did, as the user is told: added, placed, kept, already there, skipped.

No Textual here. One :class:`Report` per import, kept up to date batch by batch (so that an
import stopped part of the way says how far it got), whatever the file's format.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

SHOWN_PROBLEMS = 20
"""Problems (and books kept without their text) listed one by one before "and N more"."""


@dataclass(slots=True)
class Report:
    """What an import did (only what was saved: a batch that failed is not counted)."""

    imported: int = 0  # added: highlights new to the library
    placed: int = 0  # of them, placed in their article's text
    orphaned: int = 0  # of them, kept unplaced (their words are not in the article)
    skipped: int = 0  # already there
    links: int = 0
    article_notes: int = 0
    replies: int = 0
    kept: int = 0  # highlights and notes kept for books not in the library
    moved: int = 0  # kept so by an earlier import, now on their book, which is in the library
    books: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    """Why each book's highlights were kept without it ("no article in the library for
    The Salt Road (Ada Quill)") -> [highlights, notes] kept so by this import."""
    left_out: list[str] = dataclasses.field(default_factory=list)  # skipped by the reading
    left_out_count: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)  # not imported, and why
    total: int = 0  # annotations in the file
    done: int = 0  # of them, saved (or found there, or refused) so far

    def summary(self) -> str:
        """One line for the user."""
        text = f"added {self.imported} (placed {self.placed}, kept unplaced {self.orphaned})"
        if self.books:
            count = len(self.books)
            text += (
                f", {'book' if count == 1 else 'books'} not in the library {count} "
                f"({self.kept} kept)"
            )
        for count, what in (
            (self.moved, "kept earlier, now on their book"),
            (self.article_notes, "article notes"),
            (self.replies, "replies"),
            (self.links, "links"),
            (self.skipped, "already there"),
            (self.left_out_count, "skipped"),
            (len(self.problems), "not imported"),
        ):
            if count:
                text += f", {what} {count}"
        return text

    def problem_lines(self, limit: int = SHOWN_PROBLEMS) -> list[str]:
        """Each problem, up to ``limit``, then how many more there are."""
        return _shown(self.problems, limit)

    def kept_lines(self, limit: int = SHOWN_PROBLEMS) -> list[str]:
        """Each book kept without its text, and how many of its highlights and notes."""
        lines = []
        for why, (highlights, notes) in sorted(self.books.items()):
            counts = [
                f"{n} {word}{'s' * (n != 1)}"
                for n, word in ((highlights, "highlight"), (notes, "note"))
                if n
            ]
            lines.append(f"{why}: {' and '.join(counts)}")
        return _shown(lines, limit)

    def add(self, other: Report) -> None:
        """Count what another report counted too."""
        for name in (
            "imported",
            "placed",
            "orphaned",
            "skipped",
            "links",
            "article_notes",
            "replies",
            "kept",
            "moved",
            "done",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for why, counts in other.books.items():
            mine = self.books.setdefault(why, [0, 0])
            mine[0] += counts[0]
            mine[1] += counts[1]
        self.problems += other.problems


def _shown(lines: list[str], limit: int) -> list[str]:
    shown = lines[:limit]
    if len(lines) > limit:
        shown.append(f"and {len(lines) - limit} more")
    return shown
