"""Import annotations: W3C Web Annotation JSON from reader or another tool, and Hypothesis's.

No Textual here. :mod:`reader.w3c` reads the file, whatever its shape, into
:class:`~reader.w3c.Incoming` annotations; this module finds each one's article, places it
with the app's re-anchoring, and saves it. An article is found by its web address (compared
after normalising, against the ``source`` in its front matter), then its file, then its file
name in the library (a library moved to another folder or machine), then its title.
Exact duplicates are skipped; what cannot be placed is kept as an orphan, never dropped; a
page note becomes (or joins) the article note; a reply is written under the note it answers.
Every annotation not imported is reported with its reason.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reader.anchoring import describe, locate
from reader.documents import DocumentError, article_id, load_article
from reader.documents import describe as describe_file
from reader.library import article_files
from reader.links import normalise_title
from reader.model import Anchor, Article, ArticleNote, Colour, CrossLink, Highlight, LinkEnd, now
from reader.records import ArticleInfo
from reader.store import Store
from reader.urls import normalise_url
from reader.w3c import Incoming, Passage, annotations_in, incoming, unique

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


class Articles:
    """Finds and caches the library's articles by address, path, id, file name and title."""

    def __init__(self, folder: Path | None) -> None:
        self._by_path: dict[str, Path] = {}
        self._by_id: dict[str, Path] = {}
        self._by_name: dict[str, list[Path]] = {}
        self._by_source: dict[str, Path] | None = None  # read on first need
        self._by_title: dict[str, list[Path]] | None = None
        self._loaded: dict[Path, Article] = {}
        # Where each target led: a file's annotations name it thousands of times.
        self._found: dict[tuple[str, str, str], Path | None] = {}
        if folder is not None:
            try:
                files = article_files(folder)
            except DocumentError:
                files = []
            for path in files:
                self._remember(path)

    def _remember(self, path: Path) -> None:
        self._by_path[str(path.resolve())] = path
        self._by_id[article_id(path)] = path
        self._by_name.setdefault(path.name.casefold(), []).append(path)

    def _heads(self) -> None:
        """Front-matter sources and titles; each file's head read once, on first need."""
        if self._by_source is not None:
            return
        self._by_source, self._by_title = {}, {}
        for path in self._by_path.values():
            try:
                meta, _ = describe_file(path)
            except DocumentError:
                continue
            if meta.source.strip():
                self._by_source[normalise_url(meta.source)] = path
            self._by_title.setdefault(normalise_title(meta.title), []).append(path)

    def loaded(self) -> list[Path]:
        """The files of the articles found so far."""
        return list(self._loaded)

    def find(self, passage: Passage) -> Article | None:
        """The article a target names, or None."""
        key = (passage.source, passage.file, passage.title)
        if key not in self._found:
            self._found[key] = self._path_for(passage)
        path = self._found[key]
        if path is None:
            return None
        if path not in self._loaded:
            try:
                self._loaded[path] = load_article(path)
            except DocumentError:
                return None
        return self._loaded[path]

    def _path_for(self, passage: Passage) -> Path | None:
        for source in (passage.source, passage.file):
            found = self._by_address(source.strip()) if source.strip() else None
            if found is not None:
                return found
        # Moved: the same file name in this library, then the same title (when only one
        # article has it).
        for source in (passage.file, passage.source):
            name = _file_name(source)
            if name and len(self._by_name.get(name.casefold(), [])) == 1:
                return self._by_name[name.casefold()][0]
        if passage.title.strip():
            self._heads()
            assert self._by_title is not None
            found_titles = self._by_title.get(normalise_title(passage.title), [])
            if len(found_titles) == 1:
                return found_titles[0]
        return None

    def _by_address(self, source: str) -> Path | None:
        if source.startswith("urn:reader:article:"):
            return self._by_id.get(source.rsplit(":", 1)[1])
        if source in self._by_id:
            return self._by_id[source]
        try:
            parts = urlsplit(source)
            if parts.scheme in ("", "file"):
                candidate = Path(unquote(parts.path)) if parts.scheme else Path(source).expanduser()
                resolved = str(candidate.resolve())
                if resolved in self._by_path:
                    return self._by_path[resolved]
                if candidate.is_file() and candidate.suffix.lower() in (".md", ".txt"):
                    self._remember(candidate)
                    return candidate
                if parts.scheme == "file":
                    return None
        except (OSError, ValueError, RuntimeError):  # a bad URL or path, "~nosuchuser"
            pass
        self._heads()
        assert self._by_source is not None
        return self._by_source.get(normalise_url(source))


def _file_name(source: str) -> str:
    """The file name at the end of a file URI or path ("" for a web address)."""
    try:
        parts = urlsplit(source)
    except ValueError:
        return ""
    if parts.scheme not in ("", "file"):
        return ""
    return Path(unquote(parts.path)).name


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
            self.problem(item, f"no article in the library for {_names(item.target)}")
            return
        known = self.highlights_of(article)
        created = item.created
        # The same annotation again: the same id, or (from a tool whose ids changed) the same
        # quote, note, tags and creation time.
        duplicate = known.get(item.id) or next(
            (
                h
                for h in known.values()
                if created
                and (h.anchor.exact, h.note, h.tags, h.created)
                == (anchor.exact, item.note, tuple(item.tags), created)
            ),
            None,
        )
        if duplicate is not None:
            self.report.skipped += 1
            self.landed[item.reference] = (article.id, duplicate.id)
            return
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
            created=created or stamp,
            modified=item.modified or created or stamp,
            original=original if original.exact != placed_anchor.exact else None,
            canonical=item.canonical,
        )
        self.store.save_highlight(highlight)
        known[highlight.id] = highlight
        self.landed[item.reference] = (article.id, highlight.id)
        self.report.imported += 1
        if placed:
            self.report.placed += 1
        else:
            self.report.orphaned += 1

    def article_note(self, item: Incoming) -> None:
        if not item.note.strip():
            self.problem(item, "a note on the whole article, but with no words")
            return
        article = self.articles.find(item.target)
        if article is None:
            self.problem(item, f"no article in the library for {_names(item.target)}")
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
            article = next((a for a in self.articles._loaded.values() if a.id == article_id), None)
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
                self.problem(item, f"a link whose end is not in the library ({_names(passage)})")
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


def _names(passage: Passage) -> str:
    return " / ".join(n for n in (passage.source, passage.title) if n) or "no address"


def import_annotations(document: object, store: Store, folder: Path | None) -> Report:
    """Import every annotation of ``document`` into ``store`` (ShapeError when it holds none
    reader can read)."""
    job = _Import(store, folder)
    items = unique(incoming(raw) for raw in annotations_in(document))
    # One write for the whole file (thousands of annotations were thousands of rewrites
    # of the database); an import cut short writes nothing, and can simply be run again.
    with store.batch():
        for item in items:
            job.one(item)
        _remember_titles(store, job.articles.loaded())
    return job.report


def _remember_titles(store: Store, paths: Iterable[Path]) -> None:
    """Record the title (and facts) of each article annotations went to, as a library scan
    would: the notes screen and ``reader notes`` then name it before any scan has run."""
    infos = {}
    for path in paths:
        with contextlib.suppress(DocumentError, OSError):
            meta, words = describe_file(path)
            stat = path.stat()
            infos[article_id(path)] = (
                path,
                ArticleInfo(meta.title, words, stat.st_size, stat.st_mtime_ns, meta.export),
            )
    store.save_article_infos(infos)
