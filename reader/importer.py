"""Import annotations: W3C Web Annotation JSON from reader or another tool, and Hypothesis's.

No Textual here. :mod:`reader.w3c` reads the file, whatever its shape, into
:class:`~reader.w3c.Incoming` annotations; :mod:`reader.targets` finds each one's article;
this module places it with the app's re-anchoring, and saves it. An annotation already
there (the same id; for one without an id of its own, the same quote, note, tags and
creation time) is skipped; what cannot be placed is kept as an orphan, never dropped; a
page note becomes (or joins) the article note; a reply is written under the note it answers.
Every annotation not imported is reported with its reason.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass
from pathlib import Path

from reader.anchoring import describe, locate
from reader.documents import DocumentError, article_id
from reader.documents import describe as describe_file
from reader.model import Anchor, Article, ArticleNote, Colour, CrossLink, Highlight, LinkEnd, now
from reader.records import ArticleInfo
from reader.store import Store
from reader.targets import Articles
from reader.w3c import Incoming, Passage, annotations_in, incoming_all, unique

SHOWN_PROBLEMS = 20
"""Problems listed one by one before "and N more"."""


@dataclass(slots=True)
class Report:
    """What an import did."""

    imported: int = 0
    placed: int = 0
    orphaned: int = 0
    skipped: int = 0  # already there
    links: int = 0
    article_notes: int = 0
    replies: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)  # not imported, and why

    def summary(self) -> str:
        """One line for the user."""
        text = f"imported {self.imported} (placed {self.placed}, orphaned {self.orphaned})"
        for count, what in (
            (self.article_notes, "article notes"),
            (self.replies, "replies"),
            (self.links, "links"),
            (self.skipped, "already there"),
            (len(self.problems), "not imported"),
        ):
            if count:
                text += f", {what} {count}"
        return text

    def problem_lines(self, limit: int = SHOWN_PROBLEMS) -> list[str]:
        """Each problem, up to ``limit``, then how many more there are."""
        lines = self.problems[:limit]
        if len(self.problems) > limit:
            lines.append(f"and {len(self.problems) - limit} more")
        return lines


def _anchor(passage: Passage) -> Anchor | None:
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


def _place(article: Article, anchor: Anchor) -> tuple[Anchor, bool]:
    """The anchor re-described where it lands in the article, or as it was (orphan)."""
    found = locate(article.text, anchor, fingerprint=article.fingerprint)
    if found is None:
        return anchor, False
    return describe(
        article.text,
        found.start,
        found.end,
        block=article.block_at(found.start),
        fingerprint=article.fingerprint,
    ), True


class _Import:
    """One import: the library's articles, what is already stored, and what was done."""

    def __init__(self, store: Store, folder: Path | None) -> None:
        self.store = store
        self.articles = Articles(folder)
        self.report = Report()
        self.known: dict[str, dict[str, Highlight]] = {}
        # An annotation's id in the file -> where it went (article id, highlight id or ""
        # for the article note), so that a reply finds the note it answers.
        self.landed: dict[str, tuple[str, str]] = {}
        self.failed: dict[str, str] = {}
        self.added: set[str] = set()  # highlight ids this import saved
        # For annotations with no id of their own: highlights stored before this import, by
        # quote, note, tags and creation time (one imported by an older reader has an id
        # of its own making).
        self.alike: dict[str, dict[tuple[str, str, tuple[str, ...], str], list[str]]] = {}

    def problem(self, item: Incoming, reason: str) -> None:
        self.report.problems.append(f"{item.label}: {reason}")
        if item.reference:
            self.failed[item.reference] = reason

    def highlights_of(self, article: Article) -> dict[str, Highlight]:
        known = self.known.get(article.id)
        if known is None:
            known = self.known[article.id] = {h.id: h for h in self.store.highlights(article.id)}
        return known

    def one(self, item: Incoming) -> None:
        if item.motivation == "linking":
            self.link(item)
        elif item.replies_to:
            self.reply(item)
        elif item.target.whole:
            self.article_note(item)
        else:
            self.highlight(item)

    def highlight(self, item: Incoming) -> None:
        anchor = _anchor(item.target)
        if anchor is None:
            self.problem(item, "its target has no quote (TextQuoteSelector) to find it by")
            return
        article = self.articles.find(item.target)
        if article is None:
            self.problem(item, self.articles.why_not(item.target))
            return
        known = self.highlights_of(article)
        placed_anchor, placed = _place(article, anchor)
        # The words the annotation was made on, kept when they are not the words it now
        # lies on: from reader's own export, or the quote another tool recorded.
        original = (_anchor(item.original) if item.original else None) or anchor
        stamp = now()
        colour = item.colour
        highlight = Highlight(
            id=item.id,
            article_id=article.id,
            anchor=placed_anchor,
            colour=Colour(colour) if colour in Colour._value2member_map_ else Colour.YELLOW,
            tags=tuple(t for t in item.tags if t),
            note=item.note,
            created=item.created or stamp,
            modified=item.modified or item.created or stamp,
            original=original if original.exact != placed_anchor.exact else None,
            canonical=item.canonical,
        )
        # The same annotation again: the same id (two alike with ids of their own are two);
        # one with no id of its own, the same quote, note, tags and creation time.
        there = highlight.id if highlight.id in known else None
        if there is None and item.anonymous and item.created:
            there = self._alike(article.id, highlight)
        if there is not None:
            self.report.skipped += 1
            self.landed[item.reference] = (article.id, there)
            return
        self.store.save_highlight(highlight)
        known[highlight.id] = highlight
        self.added.add(highlight.id)
        self.landed[item.reference] = (article.id, highlight.id)
        self.report.imported += 1
        if placed:
            self.report.placed += 1
        else:
            self.report.orphaned += 1

    def _alike(self, article_id: str, highlight: Highlight) -> str | None:
        """A highlight stored before this import with the same quote, note, tags and
        creation time (each answers for one annotation without an id of its own)."""
        if article_id not in self.alike:
            found: dict[tuple[str, str, tuple[str, ...], str], list[str]] = {}
            for h in self.store.highlights(article_id):
                if h.id not in self.added:
                    key = (h.anchor.exact, h.note, h.tags, h.created)
                    found.setdefault(key, []).append(h.id)
            self.alike[article_id] = found
        key = (highlight.anchor.exact, highlight.note, highlight.tags, highlight.created)
        same = self.alike[article_id].get(key)
        return same.pop(0) if same else None

    def article_note(self, item: Incoming) -> None:
        if not item.note.strip():
            self.problem(item, "a note on the whole article, but with no words")
            return
        article = self.articles.find(item.target)
        if article is None:
            self.problem(item, self.articles.why_not(item.target))
            return
        self.landed[item.reference] = (article.id, "")
        if self._add_to_article_note(article, item.note, item.tags, item.created, item.modified):
            self.report.article_notes += 1
        else:
            self.report.skipped += 1

    def _add_to_article_note(
        self, article: Article, text: str, tags: list[str], created: str, modified: str
    ) -> bool:
        """Make ``text`` the article note, or add it to the one there, with its tags and
        times; False if it already holds it."""
        current = self.store.article_note_record(article.id)
        joined = _joined(current, text, tags, created, modified)
        if joined is None:
            return False
        self.store.set_article_note(
            article.id,
            article.meta.path,
            joined.text,
            tags=joined.tags,
            created=joined.created,
            modified=joined.modified,
        )
        return True

    def reply(self, item: Incoming) -> None:
        parent = self.landed.get(item.replies_to)
        if parent is None:
            why = self.failed.get(item.replies_to)
            reason = (
                f"a reply to {item.replies_to}, which was not imported ({why})"
                if why
                else f"a reply to {item.replies_to}, which is not in this file"
            )
            self.problem(item, reason)
            return
        if not item.note.strip():
            self.report.skipped += 1
            return
        who = f"{item.author}, " if item.author else ""
        block = f"**Reply** ({who}{item.created[:10] or 'undated'}):\n{item.note.strip()}"
        article_id, highlight_id = parent
        self.landed[item.reference] = parent
        if not highlight_id:
            article = next((a for a in self.articles.loaded() if a.id == article_id), None)
            when = item.modified or item.created  # importing again gives the same
            if article is not None and self._add_to_article_note(article, block, [], when, when):
                self.report.replies += 1
            else:
                self.report.skipped += 1
            return
        known = self.known.get(article_id, {})
        highlight = known.get(highlight_id)
        if highlight is None or block in highlight.note:
            self.report.skipped += 1
            return
        note = f"{highlight.note.rstrip()}\n\n{block}" if highlight.note.strip() else block
        tags = highlight.tags + tuple(t for t in item.tags if t and t not in highlight.tags)
        # Changed when the reply was written (not now): importing again gives the same.
        modified = max(highlight.modified, item.modified or item.created or highlight.modified)
        updated = dataclasses.replace(highlight, note=note, tags=tags, modified=modified)
        self.store.save_highlight(updated)
        known[highlight_id] = updated
        self.report.replies += 1

    def link(self, item: Incoming) -> None:
        ends = []
        for passage in (item.target, item.body_target or Passage("")):
            anchor = _anchor(passage)
            article = self.articles.find(passage)
            if anchor is None or article is None:
                where = self.articles.why_not(passage) if anchor is not None else "no quote"
                self.problem(item, f"a link whose end is not in the library ({where})")
                return
            placed_anchor, _ = _place(article, anchor)
            ends.append(LinkEnd(article.id, str(article.meta.path), article.title, placed_anchor))
        if any(link.id == item.id for link in self.store.all_links()):
            self.report.skipped += 1
            return
        self.store.save_link(
            CrossLink(item.id, ends[0], ends[1], item.link_label, item.created or now())
        )
        self.report.links += 1


def _joined(
    current: ArticleNote, text: str, tags: list[str], created: str, modified: str
) -> ArticleNote | None:
    """The article note with ``text`` made it, or added to it (None: it holds it already),
    with its tags and times."""
    if text.strip() in current.text:
        return None
    stamp = now()
    if not current.text.strip():
        return ArticleNote(
            text, created or modified or stamp, modified or created or stamp, tuple(tags)
        )
    return ArticleNote(
        f"{current.text.rstrip()}\n\n{text.strip()}",
        min(t for t in (current.created, created) if t) if current.created or created else "",
        max(current.modified, modified or created or stamp),
        current.tags + tuple(t for t in tags if t not in current.tags),
    )


def import_annotations(document: object, store: Store, folder: Path | None) -> Report:
    """Import every annotation of ``document`` into ``store`` (ShapeError when it holds none
    reader can read)."""
    job = _Import(store, folder)
    items = unique(incoming_all(annotations_in(document)))
    # One write for the whole file (thousands of annotations were thousands of rewrites
    # of the database); an import cut short writes nothing, and can simply be run again.
    with store.batch():
        for item in items:
            job.one(item)
        _remember_titles(store, job.articles.loaded())
    return job.report


def _remember_titles(store: Store, articles: list[Article]) -> None:
    """Record the title (and facts) of each article annotations went to, as a library scan
    would: the notes screen and ``reader notes`` then name it before any scan has run."""
    infos = {}
    for article in articles:
        path = article.meta.path
        with contextlib.suppress(DocumentError, OSError):
            meta, words = describe_file(path)
            stat = path.stat()
            infos[article_id(path)] = (
                path,
                ArticleInfo(meta.title, words, stat.st_size, stat.st_mtime_ns, meta.export),
            )
    store.save_article_infos(infos)
