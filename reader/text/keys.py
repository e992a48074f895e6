"""Article keys: what an article is called in the vault, the same on every machine.

A library's absolute path differs from machine to machine (``/home/ann/reading``,
``/Users/ann/Dropbox/reading``), so an article is known by its path *inside* the library:
``key = sha1("library:" + relpath)[:16]``, the relative path written with ``/`` and in
Unicode NFC (macOS gives file names decomposed, Linux as typed). An article opened outside
every library is known by its absolute path (``"file:" + path``), and its notes stay in the
vault of the data folder. When the same article has another path on another machine (a
move one of them has not seen), its recorded source address and text fingerprint find it.

Which library an article is in: one of the libraries the process registered (the library
the command or the app uses: one process, one library, registered once by the composition
root), else the nearest folder above it that holds a vault (``.reader/devices/``: an
article opened directly from inside a synced library), else none. No Textual, no TinyDB;
the only I/O is looking for that folder.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

VAULT_DIR = ".reader"
"""The vault's folder inside a library (hidden: the library scan skips it)."""
DEVICES_DIR = "devices"
KEY_LENGTH = 16


@dataclass(frozen=True, slots=True)
class ArticleKey:
    """An article's key, with the library it is in (None: outside every library) and its
    path there (POSIX, NFC), or its absolute path."""

    key: str
    library: Path | None
    path: str


def library_key(relpath: str) -> str:
    """The key of the article at ``relpath`` inside a library."""
    return _digest("library:" + _normal(relpath))


def file_key(path: str | os.PathLike[str]) -> str:
    """The key of an article outside every library, at absolute ``path``."""
    return _digest("file:" + os.path.abspath(os.fspath(path)))


def _digest(text: str) -> str:
    data = text.encode("utf-8", "surrogateescape")
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()[:KEY_LENGTH]


def _normal(relpath: str) -> str:
    return unicodedata.normalize("NFC", relpath.replace(os.sep, "/"))


def relative_path(library: Path, path: Path) -> str | None:
    """``path``'s path inside ``library`` (POSIX, NFC), or None when it is not inside.
    Compared as written first (a linked folder inside the library stays inside), then with
    links resolved (a library reached through a link)."""
    for lib, file in (
        (os.path.abspath(library), os.path.abspath(path)),
        (os.path.realpath(library), os.path.realpath(path)),
    ):
        top = os.path.join(lib, "")
        if file.startswith(top) and len(file) > len(top):
            return _normal(os.path.relpath(file, lib))
    return None


def vault_root(library: Path) -> Path:
    """The vault folder of ``library``."""
    return library / VAULT_DIR


def find_library(path: Path) -> Path | None:
    """The nearest folder above ``path`` that holds a vault, or None."""
    here = Path(os.path.abspath(path)).parent
    for folder in (here, *here.parents):
        if (folder / VAULT_DIR / DEVICES_DIR).is_dir():
            return folder
    return None


def key_for(path: Path, libraries: Iterable[Path] = ()) -> ArticleKey:
    """The key of the article at ``path``: in the first of ``libraries`` that holds it,
    else in the nearest library above it (:func:`find_library`), else by its absolute
    path."""
    for library in libraries:
        relpath = relative_path(library, path)
        if relpath is not None:
            return ArticleKey(library_key(relpath), library, relpath)
    found = find_library(path)
    if found is not None:
        relpath = relative_path(found, path)
        if relpath is not None:
            return ArticleKey(library_key(relpath), found, relpath)
    absolute = os.path.abspath(path)
    return ArticleKey(file_key(absolute), None, absolute)


class Libraries:
    """The libraries a process registered (the composition root registers the one it
    uses), for :func:`key_for`. One process, one library: a list only so that a test or a
    command that names two (an export into a folder of another) can say so."""

    def __init__(self) -> None:
        self._folders: list[Path] = []
        # The library of each key worked out in a library (a key says nothing of its
        # folder): the store finds its vault by it.
        self._seen: dict[str, Path] = {}
        # The path of each key worked out (inside its library, else absolute): the store
        # keeps it with the article's notes, where the library's list finds it.
        self._paths: dict[str, str] = {}

    def register(self, library: Path) -> None:
        """Know ``library`` (first registered, first looked in)."""
        folder = Path(os.path.abspath(library))
        if folder not in self._folders:
            self._folders.append(folder)

    def clear(self) -> None:
        """Forget every library (for tests)."""
        self._folders.clear()
        self._seen.clear()
        self._paths.clear()

    def key(self, path: Path) -> ArticleKey:
        """:func:`key_for` over the registered libraries."""
        found = key_for(path, self._folders)
        if found.library is not None:
            self._seen[found.key] = found.library
        self._paths[found.key] = found.path
        return found

    def path_of(self, key: str) -> str | None:
        """The path of an article whose key this process worked out (inside its library,
        else absolute), or None."""
        return self._paths.get(key)

    def library_of(self, key: str) -> Path | None:
        """The library of an article whose key this process worked out (None: outside
        every library, or never worked out here)."""
        return self._seen.get(key)

    @property
    def folders(self) -> tuple[Path, ...]:
        """The registered libraries."""
        return tuple(self._folders)

    def keyer(self, folder: Path) -> Callable[[str, Path], str]:
        """A fast :func:`key_for` for the files of ``folder`` (a library's scan keys 5,000
        of them): given a file's "/"-separated path inside ``folder`` and the file, its
        key, with the library found once for the folder rather than once per file."""
        found = self.key(folder / "_")
        if found.library is None:
            return lambda _relpath, path: key_for(path, self._folders).key
        prefix, library, seen = found.path[:-1], found.library, self._seen

        paths = self._paths

        def key(relpath: str, _path: Path) -> str:
            made = library_key(prefix + relpath)
            seen[made] = library
            paths[made] = prefix + relpath
            return made

        return key


LIBRARIES = Libraries()
"""The libraries of this process (the composition root registers the one it uses)."""


def article_key(path: Path) -> str:
    """The key (reader's article id) of the article at ``path``."""
    return LIBRARIES.key(path).key
