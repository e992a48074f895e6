"""The library as the intake sees it: which sources it holds, and writing new articles.

A new article never replaces a file: its name comes from its title (made safe by
:func:`reader.files.safe_filename`) and, when taken, gets a number. It is written whole
to a hidden temporary file first (synced) and then linked into place, which fails rather
than overwrite a file another process made in the meantime; an add killed outright leaves
no article half written, only (at worst) a hidden temporary file the library does not list,
which the next add sweeps away.
"""

from __future__ import annotations

import contextlib
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from reader.atomic import sweep_left
from reader.files import Found, read_regular, walk
from reader.intake.markdown import front_matter
from reader.text.addresses import normalise_url
from reader.text.front_matter import split_front_matter

HEAD_BYTES = 16 * 1024
"""How much of each article is read to find its front matter's ``source``."""
SOURCE_FIELDS = ("source", "requested", "canonical")


class WriteError(Exception):
    """The article could not be written; the message is for the user."""


class SourceIndex:
    """The sources of a library's articles, by normalised address; safe across threads.

    Built once per ``reader add`` (or per call of :func:`reader.intake.add_source` when
    none is given); the articles it adds are recorded as they are written, so a list
    that names one page twice adds it once.
    """

    def __init__(self, folder: Path, library: Path | None = None) -> None:
        self.folder = folder  # where new articles are written
        # Where articles are looked for: the whole library, every subfolder of it (a page
        # added to lib/news is in the library when it is added to lib again).
        self.library = library if library is not None else folder
        self._lock = threading.Lock()
        self._paths: dict[str, Path] = {}
        self._pending: set[str] = set()
        self._names: set[str] = set()  # file names being written by this process
        # What an add killed outright left (a hidden file written, not yet linked): swept.
        sweep_left(folder)
        for path in _markdown_files(self.library):
            for value in _sources_of(path):
                self._paths.setdefault(normalise_url(value), path)

    def where(self, path: Path) -> str:
        """``path`` as the user finds it: from the library (``news/Title.md``)."""
        try:
            return path.relative_to(self.library).as_posix()
        except ValueError:
            return str(path)

    def find(self, *sources: str) -> Path | None:
        """The article already added from any of ``sources``, if there is one."""
        with self._lock:
            return self._find(sources)

    def _find(self, sources: tuple[str, ...]) -> Path | None:
        for source in sources:
            if source and (path := self._paths.get(normalise_url(source))):
                return path
        return None

    def reserve(self, *sources: str) -> Path | bool:
        """Claim ``sources`` for an article about to be written.

        Returns the existing article's path if one has them, False if another thread is
        adding them right now, and True when the caller may go on (and must call
        :meth:`release` or :meth:`record`).
        """
        keys = {normalise_url(s) for s in sources if s}
        with self._lock:
            existing = self._find(tuple(sources))
            if existing is not None:
                return existing
            if keys & self._pending:
                return False
            self._pending |= keys
            return True

    def release(self, *sources: str) -> None:
        """Give up a claim (the add failed)."""
        with self._lock:
            self._pending -= {normalise_url(s) for s in sources if s}

    def record(self, path: Path, *sources: str) -> None:
        """``path`` now holds the article from ``sources``."""
        with self._lock:
            for source in sources:
                if source:
                    key = normalise_url(source)
                    self._pending.discard(key)
                    self._paths.setdefault(key, path)

    def write(self, title: str, text: str) -> Path:
        """Write a new article named after ``title``; never replaces an existing file."""
        return write_new(self.folder, title, text, self._lock, self._names)


def _markdown_files(folder: Path) -> list[Path]:
    """The Markdown files of ``folder`` and its subfolders (not hidden ones), never a named
    pipe or anything else that is not a file; none when there is no library yet."""
    try:
        return [found.path for found in walk(folder, _is_markdown_name) if isinstance(found, Found)]
    except OSError:
        return []  # no library yet: nothing is in it


def _is_markdown_name(name: str) -> bool:
    return not name.startswith(".") and os.path.splitext(name)[1].lower() in (".md", ".markdown")


def _sources_of(path: Path) -> list[str]:
    try:
        head = read_regular(path, HEAD_BYTES)  # never waits on a named pipe
    except OSError:
        return []
    fields, _ = split_front_matter(head.decode("utf-8", "replace").replace("\r\n", "\n"))
    return [fields[name] for name in SOURCE_FIELDS if fields.get(name)]


def article_text(fields: dict[str, str], markdown: str) -> str:
    """A whole article file: front matter (empty fields left out) and the body."""
    kept = {key: value for key, value in fields.items() if value and value.strip()}
    return front_matter(kept) + "\n" + markdown


def added_now() -> str:
    """The ``added`` time: now, in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def write_new(
    folder: Path,
    title: str,
    text: str,
    lock: threading.Lock | None = None,
    taken: set[str] | None = None,
) -> Path:
    """Write ``text`` to a new file in ``folder`` named after ``title``; return its path.

    The name is ``safe_filename(title)``, or with " 2", " 3"... when that is taken (as a
    case-blind file system would see it). The file appears whole or not at all.
    """
    from reader.atomic import sync_folder_of, temp_beside, write_beside
    from reader.errors import StoreError
    from reader.files import safe_filename

    lock = lock or threading.Lock()
    taken = set() if taken is None else taken
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteError(f"cannot create {folder}: {error.strerror or error}") from None
    payload = text.encode("utf-8", "surrogatepass")
    for number in range(1, 10_000):
        suffix = ".md" if number == 1 else f" {number}.md"
        name = safe_filename(title, suffix=suffix)
        path = folder / name
        if os.path.basename(name) != name or name in (".", ".."):
            # safe_filename makes this impossible; be sure. Only the name is looked at: a
            # file of that name that is a link (to a file outside the library, say) is a
            # name taken like any other, and the article gets the next one ("Title 2.md").
            raise WriteError(f"refusing a file name outside the library: {name!r}")
        with lock:
            if name.casefold() in taken or _exists(path):
                continue
            taken.add(name.casefold())
        # Written whole and synced beside its name, then linked to it: killed outright
        # at any moment, the library holds the whole article or none of it, and at most
        # this hidden file, which the next add sweeps away.
        tag = f".{threading.get_ident()}"
        temp = temp_beside(path, tag)
        try:
            write_beside(path, payload, tag=tag)
            if _link(temp, path):
                sync_folder_of(folder)
                return path
        except StoreError as error:
            raise WriteError(str(error)) from None
        finally:
            with contextlib.suppress(OSError):
                temp.unlink()
            with lock:
                taken.discard(name.casefold())
    raise WriteError(f"no free file name for {title!r} in {folder}")


def _exists(path: Path) -> bool:
    # A dangling symbolic link exists too: writing through it would land elsewhere.
    return path.exists() or path.is_symlink() or _case_twin(path)


def _case_twin(path: Path) -> bool:
    """Whether a file whose name differs only in case is there (one file on macOS)."""
    try:
        wanted = path.name.casefold()
        return any(p.name.casefold() == wanted for p in path.parent.iterdir())
    except OSError:
        return False


def _link(temp: Path, path: Path) -> bool:
    """Put ``temp`` at ``path`` unless something is there; False if something is."""
    try:
        os.link(temp, path)  # fails if path exists: never replaces
    except FileExistsError:
        return False
    except OSError:
        # A file system without hard links (FAT, some network shares): the name is taken
        # by creating it, which fails if anything holds it (another program's file made
        # since it was looked at); only that empty file of ours is then replaced.
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            return False
        os.replace(temp, path)
    return True
