"""Import annotations: W3C Web Annotation JSON from reader or another tool, and Hypothesis's.

No Textual here. :mod:`reader.notes.w3c` reads the file, whatever its shape, into
:class:`~reader.notes.w3c.Incoming` annotations; :mod:`reader.services.targets` finds each
one's article; this module places it with the app's re-anchoring, and saves it. An annotation
already there (the same id; for one without an id of its own, the same quote, note, tags and
creation time) is skipped; what cannot be placed is kept as an orphan, never dropped; a page
note becomes (or joins) the article note, with its tags and times; a reply is written under
the note it answers. Every annotation not imported is reported with its reason.

An import is saved in batches, each one write under the database's lock: the annotations
of a batch are read and placed first, with the lock free, then saved at once, so another
window's save never waits for more than a batch (a fraction of a second), and the cost of
an import grows with its size, not with its square. A save that fails, or a Ctrl+C, leaves
whole batches: never half an annotation, and running the import again finishes it, as
nothing already there is imported twice.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

from reader.db.records import ArticleInfo, colour_from
from reader.db.store import Store
from reader.model import Anchor, Article, ArticleNote, CrossLink, Highlight, LinkEnd, now
from reader.notes.incoming import Incoming, Passage
from reader.notes.w3c import annotations_in, incoming_all, unique
from reader.services import books
from reader.services.books import work_of
from reader.services.import_report import Report
from reader.services.quotes import Quotes, anchor_of, place
from reader.services.targets import NO_ARTICLE, Articles
from reader.text.documents import DocumentError, article_id, describe_file

BATCH_SECONDS = 0.25
"""Seconds of work (reading and placing annotations, with the lock free) in a batch at the
least; more when saving the last batch held the lock longer (:data:`BATCH_WORK` times as
long), so that the lock is free most of the time, and an import of any size costs a number
of saves in proportion to its size."""
BATCH_WORK = 3
"""How many times longer than its last hold of the lock an import works with it free."""
BATCH_LONGEST = 2.0
"""Seconds of work in a batch at the most."""
BATCH_MOST = 2_000
"""Annotations in one batch at the most (a batch writes each article it touches once)."""
GAP = 0.02
"""Seconds the lock stays free between two batches at the least: another process waiting
for it tries every 10 ms (:data:`reader.db.storage.LOCK_POLL`)."""


@dataclass(slots=True)
class _Ready:
    """An annotation made ready with the lock free: what to save, once it is known, under
    the lock, not to be there already."""

    item: Incoming
    problem: str = ""
    article: Article | None = None
    highlight: Highlight | None = None
    placed: bool = False
    link: CrossLink | None = None
    kept: str = ""  # why it is kept for its book, not in the library


class _Batch:
    """What one batch changes, gathered under the lock and saved in one write."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.report = Report()
        self.highlights: dict[str, dict[str, Highlight]] = {}  # article id -> id -> saved
        self.added: set[str] = set()  # the ids of new highlights among them
        self.notes: dict[str, tuple[Article, ArticleNote]] = {}
        self._notes_before: dict[str, ArticleNote] = {}
        self.links: list[CrossLink] = []
        self._ids: dict[str, set[str]] = {}
        self._current: dict[str, dict[str, Highlight]] = {}
        self._link_ids: set[str] | None = None
        self.dropped: list[tuple[str, str]] = []  # (article id, highlight id) to delete
        self.works: dict[str, Article] = {}  # books without their text that got something

    def ids(self, article_id: str) -> set[str]:
        """The ids of an article's highlights: stored, and new in this batch."""
        if article_id not in self._ids:
            self._ids[article_id] = self.store.highlight_ids(article_id)
        return self._ids[article_id]

    def highlight(self, article_id: str, highlight_id: str) -> Highlight | None:
        """A highlight as this batch leaves it."""
        new = self.highlights.get(article_id, {}).get(highlight_id)
        if new is not None:
            return new
        if article_id not in self._current:
            self._current[article_id] = {h.id: h for h in self.store.highlights(article_id)}
        return self._current[article_id].get(highlight_id)

    def keep(self, highlight: Highlight) -> None:
        """Save ``highlight`` (new, or changed) with this batch."""
        self.highlights.setdefault(highlight.article_id, {})[highlight.id] = highlight
        self.ids(highlight.article_id).add(highlight.id)

    def drop(self, article_id: str, highlight_id: str) -> None:
        """Delete a highlight with this batch."""
        self.dropped.append((article_id, highlight_id))
        self.ids(article_id).discard(highlight_id)

    def note(self, article: Article) -> ArticleNote:
        """The note on ``article`` as this batch leaves it."""
        if article.id not in self.notes:
            record = self._notes_before[article.id] = self.store.article_note_record(article.id)
            self.notes[article.id] = (article, record)
        return self.notes[article.id][1]

    def link_ids(self) -> set[str]:
        if self._link_ids is None:
            self._link_ids = {link.id for link in self.store.all_links()}
        return self._link_ids

    def save(self) -> None:
        """Write what the batch changed (within the batch's transaction)."""
        # An article's highlights and note in one write: never the one without the other.
        self.store.save_together(
            (h for new in self.highlights.values() for h in new.values()),
            {
                article.id: (article.meta.path, record)
                for article, record in self.notes.values()
                if record != self._notes_before[article.id]
            },
        )
        self.store.save_links(self.links)
        for ident, highlight_id in self.dropped:
            self.store.delete_highlight(ident, highlight_id)
        if self.works:
            books.remember(self.store, list(self.works.values()))


class _Import:
    """One import: the library's articles, and where each annotation went."""

    def __init__(
        self, store: Store, folder: Path | None, report: Report, *, keep: bool = False
    ) -> None:
        self.store = store
        self.folder = folder
        self.articles = Articles(folder)
        self.report = report
        # Keep what finds no article under the book it names (another tool's file), rather
        # than report it not imported (a W3C file names articles, never books).
        self.keep = keep
        self.works: dict[str, Article] = {}  # the books kept without their text, by id
        # An annotation's id in the file -> where it went (article id, highlight id or ""
        # for the article note), so that a reply finds the note it answers.
        self.landed: dict[str, tuple[str, str]] = {}
        self.failed: dict[str, str] = {}
        self.added: set[str] = set()  # highlight ids this import saved
        # For annotations with no id of their own: highlights stored before this import, by
        # quote, note, tags and creation time (one imported by an older reader has an id
        # of its own making).
        self.alike: dict[str, dict[tuple[str, str, tuple[str, ...], str], list[str]]] = {}
        self.quotes: dict[str, Quotes] = {}  # by article id (a long one), for quotes alone

    def place(self, article: Article, anchor: Anchor) -> tuple[Anchor, bool, bool]:
        quotes = None
        if anchor.start < 0 and len(article.text) >= Quotes.LONG:
            quotes = self.quotes.get(article.id)
            if quotes is None:
                quotes = self.quotes[article.id] = Quotes(article.text)
        return place(article, anchor, quotes)

    # --- with the lock free: read, find and place -------------------------------------------

    def prepare(self, item: Incoming) -> _Ready:
        if item.motivation == "linking":
            return self._prepare_link(item)
        if item.replies_to:
            return _Ready(item)
        if item.target.whole:
            if not item.note.strip():
                return _Ready(item, "a note on the whole article, but with no words")
            article = self.articles.find(item.target)
            if article is None:
                return self._unplaced(item, None)
            return _Ready(item, article=article)
        anchor = anchor_of(item.target)
        if anchor is None:
            return _Ready(item, "its target has no quote (TextQuoteSelector) to find it by")
        article = self.articles.find(item.target)
        if article is None:
            return self._unplaced(item, anchor)
        highlight, placed = self._made(item, article, anchor)
        return _Ready(item, article=article, highlight=highlight, placed=placed)

    def _unplaced(self, item: Incoming, anchor: Anchor | None) -> _Ready:
        """An annotation whose article is not in the library: kept for its book (when this
        import keeps them, and it names one), else not imported, with the reason."""
        why = self.articles.why_not(item.target)
        work = work_of(item.target) if self.keep else None
        if work is None:
            return _Ready(item, why)
        if why.startswith(NO_ARTICLE):
            why = f"{NO_ARTICLE} {work.name}"  # "The Salt Road (Ada Quill)"
        article = self.works.get(work.id)
        if article is None:
            article = self.works[work.id] = books.placeholder(work, self.folder)
        if anchor is None:
            return _Ready(item, article=article, kept=why)
        highlight, placed = self._made(item, article, anchor, placed=False)
        return _Ready(item, article=article, kept=why, highlight=highlight, placed=placed)

    def _made(
        self, item: Incoming, article: Article, anchor: Anchor, *, placed: bool | None = None
    ) -> tuple[Highlight, bool]:
        """The highlight an annotation makes on ``article``, and whether it is placed in its
        text (``placed=False``: not looked for, a book without its text)."""
        if placed is None:
            placed_anchor, placed, check = self.place(article, anchor)
        else:
            placed_anchor, check = anchor, False
        # The selectors it was made with, kept whenever they are not those it now lies on:
        # from reader's own export, or those the file gives (another tool's prefix and
        # suffix, counted in a browser's text, often differ from the article's).
        made_with = (anchor_of(item.original) if item.original else None) or anchor
        original = None if _selectors(made_with) == _selectors(placed_anchor) else made_with
        stamp = now()
        highlight = Highlight(
            id=item.id,
            article_id=article.id,
            anchor=placed_anchor,
            colour=colour_from(item.colour),
            tags=tuple(t for t in item.tags if t),
            note=item.note,
            created=item.created or stamp,
            modified=item.modified or item.created or stamp,
            original=original,
            canonical=item.canonical,
            # Said in the notes and exports from the start: placed where the words around
            # it disagree, or not found in this very text (not looked for again in it).
            check=placed and (check or item.check),
            orphan_in="" if placed else article.fingerprint,
        )
        return highlight, placed

    def _prepare_link(self, item: Incoming) -> _Ready:
        ends = []
        for passage in (item.target, item.body_target or Passage("")):
            anchor = anchor_of(passage)
            article = self.articles.find(passage)
            if anchor is None or article is None:
                where = self.articles.why_not(passage) if anchor is not None else "no quote"
                return _Ready(item, f"a link whose end is not in the library ({where})")
            placed_anchor, _, _ = self.place(article, anchor)
            ends.append(LinkEnd(article.id, str(article.meta.path), article.title, placed_anchor))
        link = CrossLink(item.id, ends[0], ends[1], item.link_label, item.created or now())
        return _Ready(item, link=link)

    # --- under the lock: what is there decides ----------------------------------------------

    def commit(self, ready: list[_Ready]) -> None:
        """Save one batch, in one write under the lock; counted once it is written."""
        with self.store.batch():
            batch = _Batch(self.store)
            for one in ready:
                batch.report.done += 1
                if one.problem:
                    self._problem(batch.report, one.item, one.problem)
                elif one.link is not None:
                    self._link(batch, one.link)
                elif one.highlight is not None:
                    self._highlight(batch, one)
                elif one.article is not None:
                    self._article_note(batch, one)
                else:
                    self._reply(batch, one.item)
            batch.save()
        self.report.add(batch.report)
        self.added |= batch.added

    def _problem(self, report: Report, item: Incoming, reason: str) -> None:
        report.problems.append(f"{item.label}: {reason}")
        if item.reference:
            self.failed[item.reference] = reason

    def _highlight(self, batch: _Batch, ready: _Ready) -> None:
        item, highlight, article = ready.item, ready.highlight, ready.article
        assert highlight is not None and article is not None
        there = highlight.id if highlight.id in batch.ids(article.id) else None
        if there is None and item.anonymous and item.created:
            there = self._alike(article.id, highlight)
        if there is not None:
            batch.report.skipped += 1
            self.landed[item.reference] = (article.id, there)
            return
        if self.keep and not ready.kept and self._moved(batch, ready):
            return
        batch.keep(highlight)
        batch.added.add(highlight.id)
        self.landed[item.reference] = (article.id, highlight.id)
        if ready.kept:
            batch.works[article.id] = article
            batch.report.kept += 1
            batch.report.books.setdefault(ready.kept, [0, 0])[0] += 1
            return
        batch.report.imported += 1
        if ready.placed:
            batch.report.placed += 1
        else:
            batch.report.orphaned += 1

    def _moved(self, batch: _Batch, ready: _Ready) -> bool:
        """Whether the highlight was kept by an earlier import for its book, then not in the
        library: it then moves onto the article, keeping what was changed on it since."""
        highlight, article = ready.highlight, ready.article
        assert highlight is not None and article is not None
        work = work_of(ready.item.target)
        if work is None or highlight.id not in batch.ids(work.id):
            return False
        kept = batch.highlight(work.id, highlight.id)
        if kept is None:
            return False
        batch.keep(
            dataclasses.replace(
                kept,
                article_id=article.id,
                anchor=highlight.anchor,
                original=highlight.original,
                check=highlight.check,
                orphan_in=highlight.orphan_in,
            )
        )
        batch.drop(work.id, highlight.id)
        batch.report.moved += 1
        return True

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

    def _article_note(self, batch: _Batch, ready: _Ready) -> None:
        article, item = ready.article, ready.item
        assert article is not None
        self.landed[item.reference] = (article.id, "")
        joined = _joined(batch.note(article), item.note, item.tags, item.created, item.modified)
        if joined is None:
            batch.report.skipped += 1
            return
        batch.notes[article.id] = (article, joined)
        if ready.kept:
            batch.works[article.id] = article
            batch.report.kept += 1
            batch.report.books.setdefault(ready.kept, [0, 0])[1] += 1
        elif self.keep and self._note_moved(batch, item):
            batch.report.moved += 1
        else:
            batch.report.article_notes += 1

    def _note_moved(self, batch: _Batch, item: Incoming) -> bool:
        """Whether an earlier import kept this note on its book, then not in the library:
        it is then taken from there (it is now on the article)."""
        work = work_of(item.target)
        if work is None:
            return False
        kept = books.placeholder(work, self.folder)
        before = batch.note(kept)
        words = item.note.strip()
        if not words or words not in before.text:
            return False
        rest = "\n\n".join(
            part for part in before.text.replace(words, "").split("\n\n") if part.strip()
        )
        if rest.strip():
            batch.notes[kept.id] = (kept, dataclasses.replace(before, text=rest))
        else:
            batch.notes[kept.id] = (kept, ArticleNote())
        return True

    def _reply(self, batch: _Batch, item: Incoming) -> None:
        parent = self.landed.get(item.replies_to)
        if parent is None:
            why = self.failed.get(item.replies_to)
            reason = (
                f"a reply to {item.replies_to}, which was not imported ({why})"
                if why
                else f"a reply to {item.replies_to}, which is not in this file"
            )
            self._problem(batch.report, item, reason)
            return
        if not item.note.strip():
            batch.report.skipped += 1
            return
        who = f"{item.author}, " if item.author else ""
        block = f"**Reply** ({who}{item.created[:10] or 'undated'}):\n{item.note.strip()}"
        article_id, highlight_id = parent
        self.landed[item.reference] = parent
        # Changed when the reply was written (not now): importing again gives the same.
        when = item.modified or item.created
        if not highlight_id:
            article = next((a for a in self.articles.loaded() if a.id == article_id), None)
            if article is None:
                batch.report.skipped += 1
                return
            joined = _joined(batch.note(article), block, [], when, when)
            if joined is None:
                batch.report.skipped += 1
                return
            batch.notes[article.id] = (article, joined)
            batch.report.replies += 1
            return
        highlight = batch.highlight(article_id, highlight_id)
        if highlight is None or block in highlight.note:
            batch.report.skipped += 1
            return
        note = f"{highlight.note.rstrip()}\n\n{block}" if highlight.note.strip() else block
        tags = highlight.tags + tuple(t for t in item.tags if t and t not in highlight.tags)
        modified = max(highlight.modified, when or highlight.modified)
        batch.keep(dataclasses.replace(highlight, note=note, tags=tags, modified=modified))
        batch.report.replies += 1

    def _link(self, batch: _Batch, link: CrossLink) -> None:
        if link.id in batch.link_ids():
            batch.report.skipped += 1
            return
        batch.link_ids().add(link.id)
        batch.links.append(link)
        batch.report.links += 1


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


def _selectors(anchor: Anchor) -> tuple[str, str, str]:
    return anchor.exact, anchor.prefix, anchor.suffix


def import_annotations(
    document: object, store: Store, folder: Path | None, report: Report | None = None
) -> Report:
    """Import every annotation of ``document`` into ``store`` (ShapeError when it holds none
    reader can read), in batches; ``report``, when given, is kept up to date as each batch
    is saved, so that an import stopped part of the way (an exception) can say how far it
    got."""
    items = unique(incoming_all(annotations_in(document)))
    return import_items(items, store, folder, report)


def import_items(
    items: list[Incoming],
    store: Store,
    folder: Path | None,
    report: Report | None = None,
    *,
    keep: bool = False,
) -> Report:
    """Import ``items`` (read from a file of any format) as :func:`import_annotations` does;
    ``keep``: those whose article is not in the library are kept for the book they name
    (:mod:`reader.services.books`), not refused."""
    job = _Import(store, folder, report if report is not None else Report(), keep=keep)
    job.report.total = len(items)
    items = by_article(items, job.articles)
    budget, position, freed = BATCH_SECONDS, 0, None
    while position < len(items):
        started = time.monotonic()
        ready: list[_Ready] = []
        most = BATCH_MOST
        while position < len(items) and len(ready) < most:
            ready.append(job.prepare(items[position]))
            position += 1
            if time.monotonic() - started >= budget:
                break
        _breathe(freed)
        held = time.monotonic()
        job.commit(ready)
        freed = time.monotonic()
        budget = min(max(BATCH_SECONDS, BATCH_WORK * (freed - held)), BATCH_LONGEST)
    _breathe(freed)
    _remember_titles(store, job.articles.loaded())
    return job.report


def by_article(items: list[Incoming], articles: Articles) -> list[Incoming]:
    """``items`` with the highlights and notes of each article together, the articles in
    the order the file first names them and each one's in the file's order; then the links
    and replies (which need what they point at), in theirs.

    Each article's notes are a file of their own: a batch writes each article it touches
    once, so annotations spread over 2,000 articles in a file (a tool's export, sorted by
    date) wrote an article's file again and again, once for nearly each annotation.
    """
    rank: dict[object, int] = {}

    def article_of(item: Incoming) -> int:
        where = articles.path_of(item.target)
        return rank.setdefault(where, len(rank))

    def later(item: Incoming) -> bool:
        return item.motivation == "linking" or bool(item.replies_to)

    first = [item for item in items if not later(item)]
    first.sort(key=article_of)
    return first + [item for item in items if later(item)]


def _breathe(freed: float | None) -> None:
    """Leave the lock free for :data:`GAP` seconds since ``freed`` (when it was let go)."""
    if freed is not None:
        left = GAP - (time.monotonic() - freed)
        if left > 0:
            time.sleep(left)


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
