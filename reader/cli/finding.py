"""Which article a name given to ``reader export`` means.

A file; else, among the library's articles and the annotated articles the database knows
elsewhere (in another folder, or whose file is gone since), the one with that id, file
name or title. When a name fits several, the one with notes is meant: an unannotated copy
of an article (the samples copied into a new library) never hides the annotated one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from reader.cli.common import UserError, say, say_moves
from reader.db.storage import StoreError
from reader.db.store import Store
from reader.files import kind_of
from reader.text.documents import DocumentError, article_id
from reader.text.links import match_title, normalise_title


@dataclass(frozen=True, slots=True)
class Found:
    """An article named by the user: its file (which may be gone) and its id."""

    path: Path
    id: str
    title: str = ""
    library: Path | None = None  # another library than the one given, whose vault holds it

    @property
    def gone(self) -> bool:
        """Whether its file is no longer there (its notes are still in the database)."""
        return not self.path.is_file()


def find_article(name: str, folder: Path, store: Store, *, must_exist: bool = True) -> Found:
    """The article ``name`` means: its file, or its id, file name or title (see above).

    ``folder`` is the library; one that is not there is an error when ``must_exist`` (the
    user named it), and else holds nothing (the default library, not made yet).
    """
    path = Path(name).expanduser()
    if path.is_file():
        return Found(path, article_id(path))
    with contextlib.suppress(OSError):
        mode = path.stat().st_mode
        if not stat.S_ISDIR(mode):  # a named pipe, a socket, a device: never opened
            raise UserError(f"{name} is {kind_of(mode)}, not an article")
    candidates = _library(folder, store, must_exist)
    noted = _noted(store)
    listed = {found.id for found in candidates}
    elsewhere = sorted(
        (
            Found(where, ident, title or where.stem)
            for ident, (where, title) in store.known_articles().items()
            if ident in noted and ident not in listed
        ),
        key=lambda found: str(found.path),
    )
    candidates += elsewhere
    # Annotated in another library this device keeps notes in (the clone's articles/,
    # read with `reader` there, named from another folder).
    candidates += _other_libraries(folder, store, {str(found.path) for found in candidates})
    for found in candidates:
        if found.id == name:
            return found
    # A file name, with or without its suffix, in any case; or its path in the library.
    wanted = name.casefold()
    named = [
        found
        for found in candidates
        if wanted in (found.path.name.casefold(), found.path.stem.casefold())
        or wanted == _inside(found.path, folder)
    ]
    if named:
        return _one(name, named, noted)
    title = normalise_title(name)
    same = [found for found in candidates if title and normalise_title(found.title) == title]
    if same:
        return _one(name, same, noted)
    key = match_title(name, {str(n): found.title for n, found in enumerate(candidates)})
    if key is not None:
        return candidates[int(key)]
    # The start of a title, or any words of it.
    worded = [found for found in candidates if title and title in normalise_title(found.title)]
    if worded:
        return _one(name, worded, noted)
    if path.is_dir():
        raise UserError(
            f"{name} is a folder: name one article in it, or export them all with "
            f"--all --library {name}"
        )
    raise UserError(f"{name}: no such file, and no article with that id or title in {folder}")


def _library(folder: Path, store: Store, must_exist: bool) -> list[Found]:
    from reader.services.library import scan

    if not must_exist and not folder.exists():
        return []
    try:
        library = scan(folder, store)
    except DocumentError as error:
        raise UserError(str(error)) from None
    say_moves(library.moved)
    return [Found(entry.path, entry.id, entry.title) for entry in library.entries]


def _other_libraries(folder: Path, store: Store, listed: set[str]) -> list[Found]:
    """The annotated articles of the other libraries this device keeps notes in (read
    from their vaults' summaries: no folder is scanned), each with its library."""
    from reader.db.vault.vault import Vault
    from reader.db.vaults import known_libraries
    from reader.text.keys import vault_root

    here = os.path.abspath(folder)
    found: list[Found] = []
    for library in known_libraries(store.data_dir):
        if os.path.abspath(library) == here:
            continue
        vault = Vault(vault_root(library), store.device, store.data_dir, read_only=True)
        with contextlib.suppress(OSError, StoreError):
            for key, summary in sorted(vault.summaries().items()):
                path = library / summary.path
                noted = summary.highlights or summary.article_note
                if summary.path and noted and str(path) not in listed:
                    found.append(Found(path, key, summary.title or path.stem, library))
    return found


def _noted(store: Store) -> set[str]:
    """The ids of the articles with highlights or notes."""
    counts = store.highlight_counts()
    return {ident for ident, (highlights, notes) in counts.items() if highlights or notes} | set(
        store.article_notes()
    )


def _inside(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder)).casefold()
    except ValueError:
        return ""  # elsewhere: named by its file name alone


def _one(name: str, matches: list[Found], noted: set[str]) -> Found:
    """The one article of ``matches`` that ``name`` means: the only one, or the only one with
    notes (said, with the others); else the user is asked to say which."""
    if len(matches) == 1:
        return matches[0]
    # Two libraries may hold one path (copies), under one id: each library's vault says
    # whether its own has notes (another library's are listed only when they have).
    annotated = [found for found in matches if found.library is not None or found.id in noted]
    if len(annotated) == 1:
        others = ", ".join(str(found.path) for found in matches if found is not annotated[0])
        say(
            f"reader: {name} names {len(matches)} articles; exporting the one with notes, "
            f"{annotated[0].path} (not {others})",
            sys.stderr,
        )
        return annotated[0]
    shown = "; ".join(f"{found.id} {found.path}" for found in (annotated or matches)[:5])
    raise UserError(
        f"{name}: more than one article matches ({shown}): give its file or its id instead"
    )
