"""``reader list``, ``reader locate`` and ``reader recover``: the library and the data."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reader.cli.common import (
    EXIT_USAGE,
    UserError,
    library_folder,
    library_of,
    no_library,
    open_store,
    paths_of,
    say,
    say_moves,
)
from reader.db.migrate_vault import is_migrated
from reader.db.schema import parse_database
from reader.db.storage import StoreError, database_file, recovery_files
from reader.db.store import Store
from reader.db.vault.device import FILE as DEVICE_FILE
from reader.paths import Paths
from reader.services.library import Library, LibraryEntry, scan_batches, sort_entries
from reader.services.moves import Move
from reader.text.display import as_cell, visible
from reader.text.documents import DocumentError
from reader.text.keys import vault_root

ID = 16
"""Characters of an article's id (its key in the notes vault)."""

if TYPE_CHECKING:  # rich's progress bar is imported when it is shown
    from rich.progress import Progress, TaskID


def run_list(options: argparse.Namespace) -> int:
    """List the library: a table on a terminal, tab-separated lines when piped, or JSON."""
    paths = paths_of(options)
    folder = library_folder(options, paths)
    if not options.path and not folder.exists():
        # Listing makes nothing: the library is made by `reader` (or `reader add`).
        say(f"reader: {no_library(paths)}", sys.stderr)
        library = Library(folder, [], [])
    else:
        # A database that is not there is not made either; one that is keeps what the
        # scan learns (titles, articles moved), so that the next look is quick.
        store = open_store(paths, create=False, library=folder if folder.is_dir() else None)
        try:
            library = _scan_with_progress(folder, store)
        except DocumentError as error:
            raise UserError(str(error)) from None
        finally:
            store.close()
    entries = sort_entries(library.entries, options.sort)
    if options.json:
        rows = [
            {
                "id": e.id,
                "title": e.title,
                "path": str(e.path),
                "words": e.words,
                "progress": None if e.progress is None else round(e.progress, 4),
                "highlights": e.highlights,
                "notes": e.notes,
            }
            for e in entries
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif not sys.stdout.isatty():
        # For programs and pipes, as gh and git do: one article a line, fields by tabs.
        for e in entries:
            progress = "" if e.progress is None else f"{e.progress * 100:.0f}"
            fields = (e.id, e.title, e.words, progress, e.highlights, e.notes, e.path)
            # Each field made safe on its own: the tabs between them are the only ones, and
            # none is a formula to a spreadsheet that opens the file.
            print("\t".join(as_cell(visible(" ".join(str(f).split()))) for f in fields))
    else:
        _table(folder, entries)
    say_moves(library.moved)
    for problem in library.problems:
        say(f"reader: skipped {_skipped(problem)}", sys.stderr)
    return 0


# reader.text.documents' words for a file that is no article, which read badly after "skipped".
_BINARY = " is a binary file, not an article"
_TOO_LARGE = re.compile(r"(?s)(.*) is too large (\(.*\))")


def _skipped(problem: str) -> str:
    """A file the scan could not read, as "PATH: why" ("PATH: permission denied" already)."""
    if problem.endswith(_BINARY):
        return f"{problem.removesuffix(_BINARY)}: not a text file"
    if large := _TOO_LARGE.fullmatch(problem):
        return f"{large[1]}: too large {large[2]}"
    return problem


def _scan_with_progress(folder: Path, store: Store) -> Library:
    """The library, read with a progress bar on a terminal when files must be read."""
    entries: list[LibraryEntry] = []
    problems: list[str] = []
    moved: dict[str, Move] = {}
    progress: Progress | None = None
    task: TaskID | None = None
    try:
        for batch, trouble, done, total in scan_batches(folder, store, moved=moved):
            entries.extend(batch)
            problems.extend(trouble)
            if progress is None and done < total and sys.stderr.isatty():
                from rich.console import Console
                from rich.progress import Progress

                progress = Progress(console=Console(stderr=True), transient=True)
                progress.start()
                task = progress.add_task("Reading the library", total=total)
            if progress is not None and task is not None:
                progress.update(task, completed=done)
    finally:
        if progress is not None:
            progress.stop()
    return Library(folder, entries, problems, tuple(moved.values()))


MIN_TITLE = 20
"""Cells a title keeps in a narrow terminal: number columns give way first."""
GIVE_WAY = (0, 3, 2, 1)
"""The number columns (Words, Read, Highlights, Notes) in the order they give way."""


def _table(folder: Path, entries: list[LibraryEntry]) -> None:
    """A table as wide as the terminal: the numbers keep their width, the title takes what
    is left and ends in an ellipsis, never wrapping. The id shows at any width (two articles
    of one title are told apart by it, and `reader export ID` takes it); the file shows when
    there is room, and in a narrow terminal the numbers give way, one column at a time, to
    leave the title :data:`MIN_TITLE` cells. Made as lines of text, not a Rich Table, which
    measures every cell of every row (4 s for 5,000 articles)."""
    from rich.console import Console
    from rich.text import Text

    console = Console()
    if not entries:
        console.print(Text(visible(f"No articles in {folder}")))
        return
    numbers = ("Words", "Read", "Highlights", "Notes")
    cells = [
        (
            f"{e.words:,}",
            "" if e.progress is None else f"{e.progress * 100:.0f}%",
            f"{e.highlights:,}" if e.highlights else "",
            f"{e.notes:,}" if e.notes else "",
        )
        for e in entries
    ]
    widths = [max(len(name), *(len(row[n]) for row in cells)) for n, name in enumerate(numbers)]
    width = console.width
    with_file = width >= 120
    shown = list(range(len(numbers)))
    for column in GIVE_WAY:
        fixed = ID + 2 + sum(widths[n] + 2 for n in shown) + 26 * with_file
        if width - fixed - 1 >= MIN_TITLE:
            break
        shown.remove(column)
    fixed = ID + 2 + sum(widths[n] + 2 for n in shown) + 26 * with_file
    title_width = max(12, width - fixed - 1)
    text = Text(no_wrap=True, overflow="ignore")
    text.append(_fit_start(visible(f"Library: {_home(folder)}"), width) + "\n\n", style="bold")
    header = ["Id".ljust(ID), "Title".ljust(title_width)]
    header += [numbers[n].rjust(widths[n]) for n in shown]
    header += ["File"] if with_file else []
    text.append("  ".join(header).rstrip() + "\n", style="bold underline")
    for entry, row in zip(entries, cells, strict=True):
        text.append(entry.id.ljust(ID), style="dim")
        text.append("  ")
        text.append(_fit(visible(entry.title), title_width))
        text.append("".join(f"  {row[n].rjust(widths[n])}" for n in shown))
        if with_file:
            name = entry.path.name if not entry.folder else f"{entry.folder}/{entry.path.name}"
            text.append("  ")
            text.append(_fit(visible(name), 24).rstrip(), style="dim")
        text.append("\n")
    console.print(text, soft_wrap=True, end="")


def _home(folder: Path) -> str:
    """``folder`` as people write it: ``~/...`` inside the home folder."""
    home = os.path.expanduser("~")
    path = str(folder)
    if home not in ("", "/") and (path == home or path.startswith(home + os.sep)):
        return "~" + path[len(home) :]
    return path


def _fit_start(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, cut at its start with an ellipsis (a path's
    end says most: the library's own folder)."""
    from rich.cells import cell_len

    if cell_len(text) <= width:
        return text
    head, _, rest = text.partition(": ")
    keep = rest
    while keep and cell_len(f"{head}: …{keep}") > width:
        keep = keep[1:]
    return f"{head}: …{keep}"


def _fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with an ellipsis."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def run_locate(options: argparse.Namespace) -> int:
    """Where everything is; an older reader's database that is not reader's is named, and
    left alone."""
    from reader.config import config_path
    from reader.state import state_path

    paths = paths_of(options)
    library = library_of(options, paths)
    rows: list[tuple[str, object]] = [
        ("data", paths.data_dir),
        ("notes", f"{vault_root(library)}  (sync it with the library)"),
        ("elsewhere", f"{paths.data_dir / 'vault'}  (notes of articles outside the library)"),
        ("device", paths.data_dir / DEVICE_FILE),
        ("backups", paths.data_dir / "backups"),
        ("library", library),
        ("exports", paths.exports),
        ("settings", config_path()),
        ("state", state_path(paths.data_dir)),
    ]
    old = paths.db
    if old.exists() or old.is_symlink():
        target = Path(os.path.realpath(old))
        there = "" if target.exists() else " (which is not there)"
        shown = f"{old} -> {target}{there}" if old.is_symlink() else str(old)
        # Said only of a file that was: a damaged or foreign one never is.
        moved = is_migrated(old, paths.data_dir)
        rows.append(
            (
                "old notes",
                f"{shown}  (an older reader's, {'' if moved else 'not '}moved into the vault)",
            )
        )
    elif options.db or os.environ.get("READER_DB"):
        rows.append(("old notes", f"{old}  (not there)"))
    for name, path in rows:
        say(f"{name + ':':<10} {path}")
    for path in recovery_files(database_file(old)):
        say(f"{'recovery:':<10} {path}  (run `reader recover` to merge it)")
    for vault_path in (vault_root(library), paths.data_dir / "vault"):
        for path in _recovery_in(vault_path):
            say(f"{'recovery:':<10} {path}  (run `reader recover` to merge it)")
    if old.exists():
        try:
            parse_database(old)  # reads only: whatever it is, it is left as it is
        except StoreError as error:
            say(f"reader: {error}; it was left as it is", sys.stderr)
            return EXIT_USAGE
    return 0


def _recovery_in(vault: Path) -> list[Path]:
    """The recovery files in a vault's device folders (written beside a damaged file)."""
    found: list[Path] = []
    with contextlib.suppress(OSError):
        for device in sorted((vault / "devices").iterdir()):
            with contextlib.suppress(OSError):
                notes = device / "notes"
                found += [notes / n for n in sorted(os.listdir(notes)) if ".recovered-" in n]
    return found


def run_recover(options: argparse.Namespace) -> int:
    """Merge recovery files into this device's notes files (and an older reader's into
    its database, which then moves into the vault), rebuild a damaged one from every copy,
    or bring a daily snapshot back; say what was done."""
    from reader.db.vault import care

    paths = paths_of(options)
    files = [Path(name).expanduser() for name in options.files]
    for path in files:
        if not path.is_file():
            raise UserError(f"{path}: no such file")
    said = False
    if files or recovery_files(database_file(paths.db)):
        said = _recover_old(paths, files)
    store = open_store(paths, library=library_of(options, paths))
    for vault in store.vaults:
        if options.backup:
            try:
                restored = care.restore(vault, options.backup)
            except StoreError as error:
                if vault is store.vaults[0]:
                    raise UserError(f"{vault.root}: {error}") from None
                continue
            say(f"{vault.root}: {restored.summary()}.")
            for skipped in restored.skipped:
                say(f"reader: {skipped}; it was not read", sys.stderr)
            said = True
        try:
            lines = care.recover(vault)
        except (OSError, StoreError) as error:
            raise UserError(f"{vault.root}: {error}") from None
        for line in lines:
            say(line)
            said = True
    if not said:
        say(
            "Nothing to recover: no notes file of this device is damaged, and no change "
            "was put aside."
        )
    return 0


def _recover_old(paths: Paths, files: list[Path]) -> bool:
    """Merge recovery files into an older reader's database (as that reader did)."""
    from reader.db.recovery import recover

    try:
        result = recover(paths.db, files or None)
    except StoreError as error:
        raise UserError(str(error)) from None
    if result.damaged_kept is not None:
        origin = f"its backup {result.rebuilt_from}" if result.rebuilt_from else "nothing"
        say(
            f"{paths.db} was damaged: it is kept as {result.damaged_kept}, and the database "
            f"was rebuilt from {origin}."
        )
    for merged in result.merged:
        say(f"Merged {merged.source.name} into {paths.db}: {merged.summary()}.")
        if merged.kept is not None:
            say(f"  The recovered file is kept as {merged.kept}.")
        else:
            say(
                f"reader: {merged.source} could not be renamed; move it away, or the next "
                "`reader recover` merges it again (bringing back what you delete meanwhile).",
                sys.stderr,
            )
    return bool(result.merged) or result.damaged_kept is not None
