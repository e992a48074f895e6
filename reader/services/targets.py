"""Which article of the library an imported annotation's target names.

No Textual here. An article is found by the file the target names (reader's own exports
name it beside the web address), then its web address (compared after normalising, against
the ``source`` in the articles' front matter), then its file name in the library (a library
moved to another folder or machine), or the book file it was added from (a KOReader
sidecar names ``the-salt-road.epub``, which ``reader add`` wrote as the article's
``source``), then its title and author: the title the same after normalising, and the
authors not disagreeing (:mod:`reader.text.works`); or, for a book whose title a tool
wrote with its subtitle, edition or series, the title without them when the authors
agree name for name. Never by guess: when several articles answer to the same name (two
copies of a page with one address, ``sub1/a.md`` and ``sub2/a.md``, two books of one
title by unknown authors), the folders the target names tell them apart, or the
annotation is placed in none of them, and the report says which they are.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from urllib.parse import unquote, urlsplit

from reader.model import Article
from reader.notes.incoming import Passage
from reader.services.library import article_files
from reader.text.addresses import normalise_url
from reader.text.documents import DocumentError, article_id, describe_file, load_article
from reader.text.links import normalise_title
from reader.text.works import authors_agree, short_title

SHOWN_NAMES = 3
"""Articles named one by one when several answer to one name."""
NO_ARTICLE = "no article in the library for"
"""How the reason begins when no article answers to the target's names."""


class Articles:
    """Finds and caches the library's articles by file, address, id, file name and title."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._by_path: dict[str, Path] = {}
        self._by_id: dict[str, Path] = {}
        self._by_name: dict[str, list[Path]] = {}
        self._by_source: dict[str, list[Path]] | None = None  # read on first need
        self._by_title: dict[str, list[Path]] | None = None
        self._by_short: dict[str, list[Path]] = {}  # titles without their subtitles
        self._by_book: dict[str, list[Path]] = {}  # the file names of file sources (EPUBs)
        self._authors: dict[Path, str] = {}
        self._loaded: dict[Path, Article] = {}
        # Where each target led, or why nowhere: a file's annotations name it thousands of
        # times.
        self._found: dict[tuple[str, str, str, str], tuple[Path | None, str]] = {}
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

    def _heads(self) -> tuple[dict[str, list[Path]], dict[str, list[Path]]]:
        """Front-matter sources and titles; each file's head read once, on first need."""
        if self._by_source is None or self._by_title is None:
            self._by_source, self._by_title = {}, {}
            for path in self._by_path.values():
                try:
                    meta, _ = describe_file(path)
                except DocumentError:
                    continue
                if meta.source.strip():
                    self._by_source.setdefault(normalise_url(meta.source), []).append(path)
                    book = _file_name(meta.source)
                    if book:
                        self._by_book.setdefault(book.casefold(), []).append(path)
                self._by_title.setdefault(normalise_title(meta.title), []).append(path)
                self._by_short.setdefault(short_title(meta.title), []).append(path)
                self._authors[path] = meta.author
        return self._by_source, self._by_title

    def loaded(self) -> list[Article]:
        """The articles found so far."""
        return list(self._loaded.values())

    def path_of(self, passage: Passage) -> Path | None:
        """The file of the article a target names, or None (no article is read)."""
        return self._lookup(passage)[0]

    def find(self, passage: Passage) -> Article | None:
        """The article a target names, or None (:meth:`why_not` says why)."""
        path = self._lookup(passage)[0]
        if path is None:
            return None
        if path not in self._loaded:
            try:
                self._loaded[path] = load_article(path)
            except DocumentError:
                return None
        return self._loaded[path]

    def why_not(self, passage: Passage) -> str:
        """Why :meth:`find` found no article for a target."""
        path, why = self._lookup(passage)
        if path is not None:
            return f"{self._shown(path)} could not be read"
        return why

    def _lookup(self, passage: Passage) -> tuple[Path | None, str]:
        key = (passage.source, passage.file, passage.title, passage.author)
        if key not in self._found:
            self._found[key] = self._path_for(passage)
        return self._found[key]

    def _path_for(self, passage: Passage) -> tuple[Path | None, str]:
        source, file = passage.source.strip(), passage.file.strip()
        # The file first: two copies of one page share their address, never their file.
        for named in (file, source):
            found = self._exactly(named) if named else None
            if found is not None:
                return found, ""
        if source and not _is_file_uri(source):
            sources, _ = self._heads()
            same = sources.get(normalise_url(source), [])
            if len(same) == 1:
                return same[0], ""
            if same:
                told = self._told_apart(same, file, passage.title)
                if told is not None:
                    return told, ""
                return None, self._several(same, f"have the address {source}")
        # Moved: the same file name in this library (told apart by its folders), then the
        # same title.
        for named in (file, source):
            name = _file_name(named)
            same = self._by_name.get(name.casefold(), []) if name else []
            if len(same) == 1:
                return same[0], ""
            if same:
                told = _by_folders(same, named)
                if told is not None:
                    return told, ""
                return None, self._several(same, f"are named {name}")
        # The book file it was added from: an EPUB that a sidecar names.
        book = _file_name(file)
        if book and not _is_article_name(book):
            self._heads()
            same = self._by_book.get(book.casefold(), [])
            if len(same) == 1:
                return same[0], ""
        if passage.title.strip():
            return self._by_title_and_author(passage)
        return None, f"{NO_ARTICLE} {names(passage)}"

    def _by_title_and_author(self, passage: Passage) -> tuple[Path | None, str]:
        """The one article with the target's title whose authors do not disagree (those
        whose authors agree first); else the one whose title without its subtitle is the
        target's, by the same authors name for name."""
        _, titles = self._heads()
        title, author = passage.title.strip(), passage.author.strip()
        same = titles.get(normalise_title(title), [])
        if author and same:
            agreeing = [p for p in same if self._authors.get(p) and self._agree(p, author)]
            unknown = [p for p in same if not self._authors.get(p)]
            same = agreeing or unknown
        if not same and author:
            short = self._by_short.get(short_title(title), [])
            same = [p for p in short if self._agree(p, author, strictly=True)]
        if len(same) == 1:
            return same[0], ""
        if same:
            return None, self._several(same, f"have the title “{title}”")
        return None, f"{NO_ARTICLE} {names(passage)}"

    def _agree(self, path: Path, author: str, *, strictly: bool = False) -> bool:
        return authors_agree(self._authors.get(path, ""), author, strictly=strictly)

    def _exactly(self, source: str) -> Path | None:
        """The article ``source`` names exactly: by reader's id, or by its file."""
        if source.startswith("urn:reader:article:"):
            return self._by_id.get(source.rsplit(":", 1)[1])
        if source in self._by_id:
            return self._by_id[source]
        if not _file_like(source):
            return None
        try:
            parts = urlsplit(source)
            candidate = Path(unquote(parts.path)) if parts.scheme else Path(source).expanduser()
            resolved = str(candidate.resolve())
            if resolved in self._by_path:
                return self._by_path[resolved]
            if candidate.is_file() and candidate.suffix.lower() in (".md", ".txt"):
                self._remember(candidate)
                return candidate
        except (OSError, ValueError, RuntimeError):  # a bad URL or path, "~nosuchuser"
            pass
        return None

    def _told_apart(self, same: list[Path], file: str, title: str) -> Path | None:
        """The one of several articles (with one address) that the target's file, by its
        folders, or its title names."""
        told = _by_folders(same, file) if file else None
        if told is None and title.strip():
            _, titles = self._heads()
            titled = set(titles.get(normalise_title(title), []))
            matching = [path for path in same if path in titled]
            told = matching[0] if len(matching) == 1 else None
        return told

    def _several(self, same: list[Path], what: str) -> str:
        shown = ", ".join(self._shown(path) for path in same[:SHOWN_NAMES])
        more = f" and {len(same) - SHOWN_NAMES} more" if len(same) > SHOWN_NAMES else ""
        which = "either" if len(same) == 2 else "any"
        return (
            f"{len(same)} articles in the library {what} ({shown}{more}), and nothing tells "
            f"them apart: not placed in {which} by guess"
        )

    def _shown(self, path: Path) -> str:
        """A file as the user knows it: its place in the library."""
        if self.folder is not None:
            try:
                return path.relative_to(self.folder).as_posix()
            except ValueError:
                pass
        return str(path)


def _file_like(source: str) -> bool:
    """Whether ``source`` is a path or a ``file:`` URI (not a web address or an id)."""
    try:
        scheme = urlsplit(source).scheme
    except ValueError:
        return False
    return scheme in ("", "file") or (len(scheme) == 1 and source[1:2] == ":")  # C:\...


def _is_file_uri(source: str) -> bool:
    try:
        return urlsplit(source).scheme == "file"
    except ValueError:
        return False


def _file_name(source: str) -> str:
    """The file name at the end of a file URI or path ("" for a web address)."""
    if not source or not _file_like(source):
        return ""
    return PurePath(unquote(urlsplit(source).path) if "://" in source else source).name


def _by_folders(same: list[Path], named: str) -> Path | None:
    """Of several files with one name, the one whose folders end as those of ``named`` do
    (``/old/library/sub1/a.md`` is ``sub1/a.md``); None when the folders do not tell."""
    if not named or not _file_like(named):
        return None
    wanted = [
        part.casefold()
        for part in PurePath(unquote(urlsplit(named).path) if "://" in named else named).parts
    ]

    def shared(path: Path) -> int:
        count = 0
        for mine, theirs in zip(reversed(path.parts), reversed(wanted), strict=False):
            if mine.casefold() != theirs:
                break
            count += 1
        return count

    scores = sorted(((shared(path), str(path)) for path in same), reverse=True)
    best = scores[0][0]
    if best < 2 or (len(scores) > 1 and scores[1][0] == best):
        return None  # the file name alone, or two alike: no better than a guess
    return next(path for path in same if str(path) == scores[0][1])


def _is_article_name(name: str) -> bool:
    return PurePath(name).suffix.lower() in (".md", ".txt")


def names(passage: Passage) -> str:
    """How the report names the article a target names: its address and its title, with
    its authors ("The Salt Road (Ada Quill)")."""
    title = passage.title.strip()
    if title and passage.author.strip():
        title = f"{title} ({passage.author.strip()})"
    return " / ".join(n for n in (passage.source, title) if n) or "no address"
