"""The command line: the composition root that resolves paths, opens the store, runs the app.

``reader list`` and ``reader locate`` never import Textual, so they start instantly.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from reader import __version__
from reader.documents import DocumentError, check_readable, is_article_file
from reader.layout import visible
from reader.paths import Paths, resolve, seed_library
from reader.storage import StoreError, recovery_files
from reader.store import Store, parse_database

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

COMMANDS = ("list", "locate", "export", "import", "recover", "add")
EXIT_USAGE = 2


def say(text: str, stream: TextIO | None = None) -> None:
    """Print one line for the user, with any control character (from a file name, a
    title) made visible: nothing from a file ever drives the terminal."""
    print(visible(text), file=stream or sys.stdout)


class UserError(Exception):
    """A mistake or a problem the user can fix; printed as one line, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader",
        description="Read and annotate long-form articles in the terminal.",
        epilog="Commands: 'reader list [DIR]' lists a library; "
        "'reader locate' shows where data is kept; "
        "'reader recover' merges changes put aside while the database was damaged.",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="database file (default: READER_DB, or reader.json in the data folder)",
    )
    parser.add_argument(
        "--at",
        type=int,
        metavar="N",
        help="open the article at paragraph N (as an export's ¶ N links do)",
    )
    parser.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="an article (.md, .txt) or a folder of articles "
        "(default: ./articles, READER_LIBRARY, or the library in the data folder)",
    )
    return parser


def _command_parser(command: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"reader {command}")
    parser.add_argument("--db", metavar="PATH", help="database file")
    if command == "list":
        parser.description = "List the articles of a library with their length and progress."
        parser.add_argument("path", nargs="?", metavar="DIR", help="library folder")
    elif command == "export":
        parser.description = (
            "Export an article's highlights and notes as Markdown (or W3C Web Annotation "
            "JSON) to standard output, or to a file with -o."
        )
        parser.add_argument(
            "article",
            nargs="?",
            metavar="ARTICLE",
            help="an article file, or an id or title as 'reader list' shows them",
        )
        parser.add_argument("--all", action="store_true", help="every annotated article")
        parser.add_argument("-o", "--output", metavar="PATH", help="file (or folder with --all)")
        parser.add_argument("--format", choices=("md", "json"), default="md")
        parser.add_argument(
            "--wikilinks", action="store_true", help="write links as [[Title]] (Obsidian)"
        )
        parser.add_argument("--force", action="store_true", help="replace existing files")
        parser.add_argument("--library", metavar="DIR", help="library folder")
    elif command == "import":
        parser.description = (
            "Import W3C Web Annotation JSON (reader's export, or another tool's) into the "
            "articles of the library."
        )
        parser.add_argument("file", metavar="FILE.json", help="annotations to import")
        parser.add_argument("--library", metavar="DIR", help="library folder")
    elif command == "recover":
        parser.description = (
            "Merge the changes reader put aside while its database was damaged "
            "(reader.json.recovered-DATE files) back into the database; a damaged database "
            "is rebuilt from its backup first and kept beside it."
        )
        parser.add_argument(
            "files",
            nargs="*",
            metavar="FILE",
            help="recovery files to merge (default: every one beside the database)",
        )
    elif command == "add":
        from reader.intake.command import add_arguments

        add_arguments(parser)
    else:
        parser.description = "Show where reader keeps its data."
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in COMMANDS:
            command = args[0]
            options = _command_parser(command).parse_args(args[1:])
            if command == "list":
                return _list(options)
            if command == "export":
                return _export(options)
            if command == "import":
                return _import(options)
            if command == "recover":
                return _recover(options)
            if command == "add":
                return _add(options)
            return _locate(options)
        return _run(_parser().parse_args(args))
    except UserError as error:
        say(f"reader: {error}", sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _paths(options: argparse.Namespace) -> Paths:
    return resolve(db=options.db, library=None)


def _open_store(paths: Paths) -> Store:
    try:
        store = Store(paths.db)
    except StoreError as error:
        raise UserError(str(error)) from None
    if store.pending_recovery:
        say(f"reader: {store.recovery_hint().strip()}", sys.stderr)
    return store


def _library_folder(options: argparse.Namespace, paths: Paths) -> Path:
    if getattr(options, "path", None):
        return Path(options.path).expanduser()
    seed_library(paths.library)
    return paths.library


def _open_address(options: argparse.Namespace) -> None:
    """``reader:open?file=PATH&paragraph=N`` (an export's paragraph link) as PATH --at N."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(options.path)
    query = parse_qs(parts.query)
    if parts.path != "open" or not query.get("file"):
        raise UserError(f"{options.path}: not an address reader opens (reader:open?file=...)")
    options.path = query["file"][0]
    paragraph = query.get("paragraph", [""])[0]
    if paragraph.isdigit():
        options.at = int(paragraph)


def _run(options: argparse.Namespace) -> int:
    if options.path and options.path.startswith("reader:"):
        _open_address(options)
    paths = _paths(options)
    target = _library_folder(options, paths)
    article: Path | None = None
    library: Path | None = None
    if target.is_dir():
        library = target
        _check_library(target)
    elif target.exists():
        if not is_article_file(target) and target.suffix:
            raise UserError(f"{target}: reader opens .md and .txt files")
        try:
            check_readable(target)  # fail early, with one line, on binary or unreadable files
        except DocumentError as error:
            raise UserError(str(error)) from None
        article = target
    else:
        raise UserError(f"{target}: no such file or folder")
    store = _open_store(paths)
    # Collecting while Textual is imported and the first screen built frees nothing (all
    # of it is kept) and cost 20 ms of the first paint (measured): the app turns the
    # collector back on once that screen is painted.
    gc.disable()
    try:
        from reader.ui.app import ReaderApp  # Textual is imported only to run the app

        # The modules just imported live as long as the app: keep the collector from
        # walking them again and again.
        gc.freeze()
        start = options.at - 1 if options.at and article is not None else None
        app = ReaderApp(store, library=library, article=article, start=start)
        _run_until_signalled(app)
    finally:
        gc.enable()
    for path in store.recovered:
        say(
            f"reader: {paths.db} was damaged by another program while reader ran; what you "
            f"did is saved in {path}. Run `reader recover` to merge it into {paths.db.name}.",
            sys.stderr,
        )
    return app.return_code or 0


def _run_until_signalled(app: ReaderApp) -> None:
    """Run the app; SIGINT, SIGTERM and SIGHUP quit it as ctrl+q does, and so does a
    terminal that goes away.

    Left to their defaults, SIGTERM and SIGHUP end the process on the spot (the reading
    position unsaved, the terminal left in the app's modes) and SIGINT stops the app
    without saving the position. Here a signal asks the app to quit (acted on between two
    events, never in the middle of a write to the database) and arms a :class:`Lifeline`,
    which ends the process a couple of seconds later if the app could not: whatever state
    it was in, it is gone within 3 seconds.
    """
    import asyncio
    import signal

    from reader.lifeline import Lifeline

    lifeline = Lifeline(save=app.save_positions)
    with asyncio.Runner() as runner:
        loop = runner.get_loop()

        def quit_now(code: int) -> None:
            lifeline.arm(code)
            with contextlib.suppress(RuntimeError):  # the loop has closed: nothing to ask
                loop.call_soon_threadsafe(partial(app.exit, return_code=code))

        def signalled(number: int, _frame: object) -> None:
            # A plain handler, not the loop's: it runs even while the main thread waits
            # in a C call, which a handler queued on the loop would wait behind.
            quit_now(128 + number)  # the exit status of a program a signal stopped

        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signalled)

        def terminal_lost() -> None:
            lifeline.arm(128 + signal.SIGHUP)
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(app.terminal_lost)

        with contextlib.suppress(OSError, ValueError):
            lifeline.watch_terminal(sys.stdin.fileno(), terminal_lost)
        try:
            runner.run(app.run_async())
        except OSError:
            # Writing the last frame or the exit message to a terminal that is gone.
            if not lifeline.terminal_lost.is_set():
                raise
        finally:
            # Whatever is left to do (threads to join, the interpreter to shut down) has
            # a few seconds: a worker busy on a book does not keep the process alive.
            lifeline.arm(app.return_code or 0)


def _check_library(folder: Path) -> None:
    from reader.library import article_files

    try:
        if not article_files(folder):
            raise UserError(f"{folder} has no articles (.md or .txt files)")
    except DocumentError as error:
        raise UserError(str(error)) from None


def _list(options: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from reader.library import scan

    paths = _paths(options)
    folder = _library_folder(options, paths)
    store = _open_store(paths)
    try:
        library = scan(folder, store)
    except DocumentError as error:
        raise UserError(str(error)) from None
    finally:
        store.close()
    console = Console()
    if not library.entries:
        console.print(Text(visible(f"No articles in {folder}")))
    else:
        table = Table(title=Text(visible(f"Library: {folder}")), title_justify="left")
        table.add_column("Id", style="dim", no_wrap=True)
        table.add_column("Title")
        table.add_column("Words", justify="right")
        table.add_column("Read", justify="right")
        table.add_column("Highlights", justify="right")
        table.add_column("Notes", justify="right")
        table.add_column("File", style="dim")
        for entry in library.entries:
            progress = "" if entry.progress is None else f"{entry.progress * 100:.0f}%"
            table.add_row(
                entry.id,
                Text(visible(entry.title)),
                f"{entry.words:,}",
                progress,
                f"{entry.highlights:,}" if entry.highlights else "",
                f"{entry.notes:,}" if entry.notes else "",
                Text(visible(entry.path.name)),
            )
        console.print(table)
    for problem in library.problems:
        say(f"reader: skipped {problem}", sys.stderr)
    return 0


def _locate(options: argparse.Namespace) -> int:
    paths = _paths(options)
    rows = (
        ("data", paths.data_dir),
        ("database", paths.db),
        ("backup", paths.backup),
        ("library", paths.library),
        ("exports", paths.exports),
    )
    for name, path in rows:
        say(f"{name + ':':<10} {path}")
    for path in recovery_files(paths.db):
        say(f"{'recovery:':<10} {path}  (run `reader recover` to merge it)")
    if paths.db.exists():
        try:
            parse_database(paths.db)  # reads only: whatever it is, it is left as it is
        except StoreError as error:
            say(f"reader: {error}; it was left as it is", sys.stderr)
            return EXIT_USAGE
    return 0


def _recover(options: argparse.Namespace) -> int:
    from reader.recovery import recover

    paths = _paths(options)
    files = [Path(name).expanduser() for name in options.files]
    for path in files:
        if not path.is_file():
            raise UserError(f"{path}: no such file")
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
    if not result.merged:
        if result.damaged_kept is None:
            say(f"Nothing to recover: no {paths.db.name}.recovered-* file beside {paths.db}.")
        return 0
    for merged in result.merged:
        say(f"Merged {merged.source.name} into {paths.db}: {merged.summary()}.")
        if merged.kept is not None:
            say(f"  The recovered file is kept as {merged.kept}.")
    return 0


def _export(options: argparse.Namespace) -> int:
    from reader import export
    from reader.documents import load_article
    from reader.library import scan

    paths = _paths(options)
    folder = Path(options.library).expanduser() if options.library else None
    if folder is None:
        seed_library(paths.library)
        folder = _library_folder(argparse.Namespace(path=None), paths)
    store = _open_store(paths)
    try:
        if options.all:
            # Every article with something of the reader's: highlights, notes, or an end
            # of a link (so that each link's file is written by the same export).
            linked = {
                end.article_id for link in store.all_links() for end in (link.source, link.target)
            }
            targets = [
                e.path
                for e in scan(folder, store).entries
                if e.highlights or e.notes or e.id in linked
            ]
            if not targets:
                raise UserError(f"no annotated articles in {folder}")
        elif options.article:
            targets = [_find_article(options.article, folder, store)]
        else:
            raise UserError("name an article to export (a file, or an id or title), or --all")
        gathered = []
        for path in targets:
            try:
                article = load_article(path)
            except DocumentError as error:
                raise UserError(str(error)) from None
            gathered.append(
                export.gather(
                    article,
                    store.highlights(article.id),
                    store.article_note(article.id),
                    store.links_of(article.id),
                    store.article_note_modified(article.id),
                )
            )
    finally:
        store.close()
    today = export.exported_now()
    out = Path(options.output).expanduser() if options.all and options.output else None
    # Names that no file of another program's holds in the folder: an export written
    # into a vault of clipped articles never takes an article's own name.
    names = export.file_names(((n.article.id, n.article.title) for n in gathered), folder=out)
    try:
        if options.format == "json":
            label = "reader export" if options.all else gathered[0].article.title
            text = export.dumps(export.to_collection(gathered, exported=today, label=label))
            return _emit(text, options.output, options.force)
        if options.all:
            if out is None:
                raise UserError("--all writes one file per article: give a folder with -o")
            index_name = export.index_name(out)
            if not options.force:
                # All or nothing: a folder half exported is worse than none. Only earlier
                # exports can be in the way here: other files were given other names.
                present = [n for n in [*names.values(), index_name] if (out / n).exists()]
                if present:
                    more = f" and {len(present) - 1} more" if len(present) > 1 else ""
                    raise UserError(
                        f"{out / present[0]}{more}: earlier exports are there; nothing was "
                        "written (--force replaces them)"
                    )
            out.mkdir(parents=True, exist_ok=True)
            index = export.index_lines(exported=today)
            for notes in gathered:
                name = names[notes.article.id]
                body = export.to_markdown(
                    notes, exported=today, wikilinks=options.wikilinks, file_names=names
                )
                export.write_file(out / name, body, force=options.force)
                index.append(
                    export.index_entry(notes.article.title, name, wikilinks=options.wikilinks)
                )
            export.write_file(out / index_name, "\n".join(index) + "\n", force=options.force)
            count = len(gathered)
            say(f"Wrote {count} article{'s' * (count != 1)} and {index_name} to {out}", sys.stderr)
            return 0
        # One article: its links name the files an export of the others would have.
        text = export.to_markdown(gathered[0], exported=today, wikilinks=options.wikilinks)
        return _emit(text, options.output, options.force)
    except export.ExportError as error:
        raise UserError(str(error)) from None


def _emit(text: str, output: str | None, force: bool) -> int:
    from reader import export

    if output:
        export.write_file(Path(output).expanduser(), text, force=force)
        say(f"Wrote {output}", sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _find_article(name: str, folder: Path, store: Store) -> Path:
    """An article by file path, or by id or title in the library."""
    path = Path(name).expanduser()
    if path.is_file():
        return path
    from reader.library import scan
    from reader.links import match_title

    try:
        entries = scan(folder, store).entries
    except DocumentError as error:
        raise UserError(str(error)) from None
    for entry in entries:
        if entry.id == name:
            return entry.path
    key = match_title(name, {str(e.path): e.title for e in entries})
    if key is None:
        # The start of a title, or any words of it, when only one title has them.
        from reader.links import normalise_title

        wanted = normalise_title(name)
        found = [e for e in entries if wanted and wanted in normalise_title(e.title)]
        if len(found) == 1:
            return found[0].path
        if len(found) > 1:
            titles = "; ".join(e.title for e in found[:5])
            raise UserError(f"{name}: more than one article matches ({titles})")
    if key is None:
        raise UserError(f"{name}: no such file, and no article with that id or title in {folder}")
    return Path(key)


def _import(options: argparse.Namespace) -> int:
    from reader.importer import import_annotations
    from reader.w3c import ShapeError, annotations_in, loads

    path = Path(options.file).expanduser()
    try:
        document = loads(path.read_bytes())
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise UserError(f"{path} is not readable JSON: {error}") from None
    try:
        annotations_in(document)  # the shape checked before the database is opened
    except ShapeError as error:
        raise UserError(f"{path}: nothing to import: {error}") from None
    paths = _paths(options)
    if options.library:
        folder = Path(options.library).expanduser()
    else:
        seed_library(paths.library)
        folder = _library_folder(argparse.Namespace(path=None), paths)
    store = _open_store(paths)
    try:
        report = import_annotations(document, store, folder)
    except StoreError as error:
        raise UserError(str(error)) from None
    finally:
        store.close()
    for line in report.problem_lines():
        say(f"reader: not imported: {line}", sys.stderr)
    say(f"{path.name}: {report.summary()}")
    # Something the file holds is not in the database: a script (or a person) must see it.
    return 1 if report.problems else 0


def _add(options: argparse.Namespace) -> int:
    from reader.intake.command import AddCommandError, Options, run

    if options.to:
        folder = Path(options.to).expanduser()
    else:
        paths = _paths(options)
        seed_library(paths.library)
        folder = paths.library
    from_file = Path(options.from_file).expanduser() if options.from_file else None
    chosen = Options(options.sources, folder, from_file, options.jobs, timeout=options.timeout)
    try:
        return run(chosen, say, partial(say, stream=sys.stderr))
    except AddCommandError as error:
        raise UserError(str(error)) from None
