"""Regular files only: opening one never waits, and a folder's walk says what it leaves out.

A named pipe (FIFO) opened for reading waits for a writer that may never come; a device or
a socket is no article either. :func:`open_regular` looks before it opens (``os.stat``),
opens without waiting (``O_NONBLOCK``) and looks again at what it opened, so a file swapped
for a pipe in between is refused too. :func:`walk` lists a folder's files as a library
sees them: hidden folders skipped, linked folders followed once (never into a loop, never
twice), and everything it cannot list (a pipe, a folder it may not read) named.
:func:`safe_filename` makes a file name of a title, for every file reader names (an
export, an article added).

Stdlib only: every layer of reader uses it.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class NotAFileError(OSError):
    """The path is a pipe, a socket, a device or a folder: not a file to read.

    An :class:`OSError`, so that every ``f"{path}: {error.strerror}"`` already written says
    what it is: "x.md: a named pipe (FIFO), not a file".
    """

    def __init__(self, path: str | os.PathLike[str], mode: int) -> None:
        self.kind = kind_of(mode)
        self.is_folder = stat.S_ISDIR(mode)
        super().__init__(0, f"{self.kind}, not a file", os.fspath(path))


def kind_of(mode: int) -> str:
    """What a file of ``mode`` (``st_mode``) is, in a few words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a file"
    return "not a regular file"


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """``path`` opened for reading in binary, if it is a regular file (a link to one is);
    :class:`NotAFileError` if it is anything else, other :class:`OSError` as ``open`` raises
    them. Never waits: a pipe is refused before it is opened, and one put in its place
    meanwhile is opened without waiting, then refused."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotAFileError(path, mode)
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFileError(path, mode)
        if _NONBLOCK:
            # A regular file reads the same either way; cleared so nothing reads it "again
            # later" (EAGAIN) should it be a file on a system that honours the flag.
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], limit: int = -1) -> bytes:
    """The bytes of the regular file ``path`` (at most ``limit``): see :func:`open_regular`."""
    with open_regular(path) as handle:
        return handle.read(limit)


@dataclass(frozen=True, slots=True)
class Found:
    """A file a walk found: its path from the top, its subfolder, its resolved path."""

    path: Path
    folder: str  # "/"-separated, "" at the top
    real: str  # the resolved path (an article's id comes from it)


def walk(top: Path, wanted: Callable[[str], bool]) -> Iterator[Found | str]:
    """The regular files under ``top`` whose names are ``wanted``, and a line for each
    thing the walk leaves out, as it goes.

    Hidden folders (``.git``, ``.obsidian``, ``.trash``) are a tool's own: not entered, not
    named. A wanted name that is not a regular file (a pipe, a socket, a device, a link to
    nothing) is named, never opened; so is a folder that cannot be read. A linked folder is
    followed when it leads out of ``top`` (a folder of articles kept elsewhere); one that
    leads inside ``top``, or to a folder already walked, is not, since its files are listed
    where they are: no loop, no article twice. Files come folder by folder, each folder's
    in name order (callers sort as they list).
    """
    root = os.path.realpath(top.expanduser())
    try:
        seen = {_identity(os.stat(top))}
    except OSError:
        seen = set()
    # (path from the top, its subfolder, its resolved path)
    pending: list[tuple[str, str, str]] = [(str(top), "", root)]
    while pending:
        here, inner, real_here = pending.pop(0)
        try:
            with os.scandir(here) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            if not inner:
                raise
            yield f"{here}: a folder that cannot be read ({error.strerror or error})"
            continue
        folders: list[tuple[str, str, str]] = []
        for entry in entries:
            name = entry.name
            if _is_folder(entry):
                if name.startswith("."):
                    continue
                sub = f"{inner}/{name}" if inner else name
                linked = _is_link(entry)
                real = os.path.realpath(entry.path) if linked else os.path.join(real_here, name)
                if linked and (real == root or real.startswith(os.path.join(root, ""))):
                    continue  # a folder of the library: its articles are listed where they are
                try:
                    identity = _identity(os.stat(entry.path))
                except OSError as error:
                    yield f"{entry.path}: a folder that cannot be read ({error.strerror or error})"
                    continue
                if identity in seen:
                    continue  # reached before through another link: listed there
                seen.add(identity)
                folders.append((entry.path, sub, real))
                continue
            if not wanted(name):
                continue
            if _is_file(entry):
                linked = _is_link(entry)
                real = os.path.realpath(entry.path) if linked else os.path.join(real_here, name)
                yield Found(Path(entry.path), inner, real)
            else:
                yield f"{entry.path}: {_what(entry)}"
        pending[:0] = folders  # depth first, as os.walk goes


def _identity(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _what(entry: os.DirEntry[str]) -> str:
    """Why a file of an article's name is left out."""
    try:
        mode = entry.stat().st_mode
    except FileNotFoundError:
        return "a link to a file that is not there"
    except OSError as error:
        return error.strerror or str(error)
    return f"{kind_of(mode)}, not a file"


# --- safe file names, for everyone who names a file after a title (exports, articles added)

_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{n}" for n in range(1, 10)),
    *(f"lpt{n}" for n in range(1, 10)),
}


NAME_BYTES = 200
"""Longest file name written, in UTF-8 bytes: file systems take 255, and the writer's
temporary file (``.NAME.PID.tmp``) needs room beside it."""


def safe_filename(title: str, suffix: str = ".md", limit: int = 80) -> str:
    """A file name from a title: no separators, no ``..``, no reserved or over-long names."""
    name = unicodedata.normalize("NFC", title)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    # Separators and what Windows refuses, and what Obsidian cannot link to ([[a#b]] is a
    # heading, ^ a block, | an alias).
    name = re.sub(r'[\\/:*?"<>|#^\[\]]+', " ", name)
    name = " ".join(name.split()).strip(" .")
    if len(name) > limit:
        # Cut at the end of a word (a title of one long word is cut where it must be).
        head = name[: limit + 1]
        cut = head.rsplit(" ", 1)[0] if " " in head else ""
        name = cut if len(cut) >= limit // 2 else name[:limit]
    while len(name.encode("utf-8")) > NAME_BYTES - len(suffix.encode("utf-8")):
        name = name[:-1]  # 80 characters of a wide script can be 320 bytes
    name = name.rstrip(" .")
    if not name or name.split(".")[0].casefold() in _RESERVED:
        name = f"article {name}".strip()
    return name + suffix
