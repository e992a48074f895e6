"""The command line: the composition root that resolves paths, opens the store, runs the app.

One module per concern: :mod:`.arguments` (the grammar: global options before or after a
command), :mod:`.common` (printing, mistakes, paths), :mod:`.listing` (list, locate,
recover), :mod:`.notes` (export, import) with :mod:`.finding` (which article a name means),
:mod:`.all_notes` (notes), :mod:`.settings` (config); ``reader add`` is
:mod:`reader.cli.add`'s.
Only running the app imports Textual: every command starts instantly.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from reader import memory
from reader.cli.arguments import command_parser, split, top_parser
from reader.cli.common import (
    EXIT_USAGE,
    UserError,
    first_library,
    library_folder,
    no_library,
    open_store,
    paths_of,
    say,
)
from reader.text.display import visible
from reader.text.documents import DocumentError, check_readable, is_article_file

if TYPE_CHECKING:
    from reader.paths import Paths
    from reader.ui.app import ReaderApp

__all__ = ["EXIT_USAGE", "UserError", "main", "say"]


EXIT_PIPE_CLOSED = 128 + 13  # as a shell reports a command that SIGPIPE ended (141)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    A command whose output goes to a pipe that closes early (``reader list | head -1``)
    ends there, quietly, with the status a shell gives any command a closed pipe stopped.
    """
    try:
        code = _command(argv)
        sys.stdout.flush()  # here, not on the way out, where a closed pipe cannot be caught
        return code
    except SystemExit:  # --help and --version, and argparse's usage errors
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _quiet_closed_pipes()
            raise SystemExit(EXIT_PIPE_CLOSED) from None
        raise
    except BrokenPipeError:
        _quiet_closed_pipes()
        return EXIT_PIPE_CLOSED


def _quiet_closed_pipes() -> None:
    """Send what is still to come of standard output and error to nowhere: Python flushes
    them on the way out, and would complain that the pipe is closed."""
    for stream in (sys.stdout, sys.stderr):
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):
            continue  # not a file (a test's capture): nothing is flushed to a pipe
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)


def _command(argv: Sequence[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        before, command, rest = split(args)
        if command is None or {"-h", "--help", "--version"} & set(before):
            return _run(top_parser().parse_args(args))
        options = command_parser(command).parse_args([*before, *rest])
        if command == "list":
            from reader.cli.listing import run_list

            return run_list(options)
        if command == "export":
            from reader.cli.notes import run_export

            return run_export(options)
        if command == "import":
            from reader.cli.notes import run_import

            return run_import(options)
        if command == "notes":
            from reader.cli.all_notes import run_notes

            return run_notes(options)
        if command == "review":
            from reader.cli.review import run_review

            return run_review(options)
        if command == "recover":
            from reader.cli.listing import run_recover

            return run_recover(options)
        if command == "add":
            return _add(options)
        if command == "devices":
            from reader.cli.devices import run_devices

            return run_devices(options)
        if command == "config":
            from reader.cli.settings import run_config

            return run_config(options)
        from reader.cli.listing import run_locate

        return run_locate(options)
    except UserError as error:
        say(f"reader: {error}", sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    finally:
        _tell_skipped()


def _tell_skipped() -> None:
    """What the command's stores skipped, said as it ends (the module is loaded only if a
    command opened the notes)."""
    common = sys.modules.get("reader.cli.common")
    if common is not None:
        common.tell_skipped()


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
    if options.at is not None and options.at < 1:
        raise UserError(f"--at {options.at}: paragraphs are counted from 1")
    paths = paths_of(options)
    given = bool(options.path)
    if options.at is not None and not given:
        raise UserError("--at opens an article at a paragraph: name the article (.md or .txt)")
    target = library_folder(options, paths) if given else first_library(paths)
    article: Path | None = None
    library: Path | None = None
    if target.is_dir():
        if options.at is not None:
            raise UserError(
                f"--at opens an article at a paragraph: give it an article (.md or .txt), "
                f"not a folder ({target})"
            )
        library = target
        _check_library(target, given, paths)
    elif not given:
        raise UserError(no_library(paths))
    elif _addable(options.path):
        article = _offer_to_add(options.path, paths)  # a page or a book: `reader add` it
    elif target.exists():
        if not is_article_file(target) and target.suffix:
            raise UserError(
                f"{target}: reader opens .md and .txt files (`reader add` makes articles "
                "of web pages, .html files and .epub books)"
            )
        try:
            check_readable(target)  # fail early, with one line, on binary or unreadable files
        except DocumentError as error:
            raise UserError(str(error)) from None
        article = target
    else:
        raise UserError(f"{target}: no such file or folder")
    store = open_store(paths, library=library, tell=False)
    # Collecting while Textual is imported and the first screen built frees nothing (all
    # of it is kept) and cost 20 ms of the first paint (measured): the app turns the
    # collector back on once that screen is painted.
    with memory.building():
        from reader.ui.app import ReaderApp  # Textual is imported only to run the app

        memory.imported()
        start = options.at - 1 if options.at and article is not None else None
        from reader.config import load

        app = ReaderApp(store, library=library, article=article, start=start, settings=load())
        _run_until_signalled(app)
    if store.unsaved_positions and not store.save_unsaved():
        # Quitting never waits for another reader holding an article's file (an import).
        names = ", ".join(path.name for path in store.unsaved_positions)
        say(
            f"reader: where you were in {names} was not saved: another reader was writing "
            "its notes as you quit",
            sys.stderr,
        )
    for path in store.recovered:
        # A line for each part, so that a terminal's wrapping never cuts the instruction.
        damaged = path.with_name(path.name.partition(".recovered-")[0])
        say(f"reader: {damaged} was damaged by another program while reader ran;", sys.stderr)
        say(f"        what you did is saved in {path}.", sys.stderr)
        say("        Run `reader recover` to merge it back.", sys.stderr)
    return app.return_code or 0


# What `reader add` takes, by suffix (as reader.intake reads them, without importing it).
_ADDABLE = {
    ".html": "a web page",
    ".htm": "a web page",
    ".xhtml": "a web page",
    ".epub": "an EPUB book",
}


def _addable(name: str) -> str:
    """What ``name`` is when it is for ``reader add`` (a web address, a saved page or an
    EPUB book, there), else ""."""
    from reader.text.addresses import is_web_address

    if is_web_address(name):
        return "a web address"
    path = Path(name).expanduser()
    return _ADDABLE.get(path.suffix.lower(), "") if path.is_file() else ""


def _offer_to_add(name: str, paths: Paths) -> Path:
    """The article ``reader add NAME`` makes, when the user says yes on a terminal; else one
    line with that command (a script, or a no)."""
    import shlex

    command = f"reader add {shlex.quote(name)}"
    what = f"{name} is {_addable(name)}, not an article"
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError(f"{what}: `{command}` makes it one, in your library")
    try:
        answer = input(f"{visible(what)}. Add it to your library ({command})? [y/N] ")
    except (EOFError, KeyboardInterrupt):
        answer = ""
        print()
    if answer.strip().casefold() not in ("y", "yes"):
        raise UserError(f"nothing was added (`{command}` adds it)")
    from reader.intake import AddStatus, add_source

    result = add_source(name, first_library(paths))
    if result.status is AddStatus.FAILED or result.path is None:
        raise UserError(result.message())
    if result.status is AddStatus.EXISTS:
        say(f"reader: already in your library: {result.path}", sys.stderr)
    else:
        say(f"reader: added {result.path}", sys.stderr)
    return result.path


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

    from reader.cli.lifeline import Lifeline

    lifeline = Lifeline(save=app.last_resort_save)
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


def _check_library(folder: Path, given: bool, paths: Paths) -> None:
    from reader.services.library import has_articles

    try:
        if not has_articles(folder):
            if not given:
                raise UserError(no_library(paths))
            raise UserError(f"{folder} has no articles (.md or .txt files)")
    except DocumentError as error:
        raise UserError(str(error)) from None


def _add(options: argparse.Namespace) -> int:
    from reader.cli.add import AddCommandError, Options, run

    if options.jobs < 1:
        raise UserError(f"--jobs {options.jobs}: at least 1 source is added at a time")
    if not options.timeout > 0:  # NaN too
        raise UserError(f"--timeout {options.timeout:g}: a page needs more than 0 seconds")
    paths = paths_of(options)
    whole: Path | None = None
    if options.to:
        folder = Path(options.to).expanduser()
        if _within(folder, paths.library):
            whole = paths.library  # a folder of the library: a page anywhere in it is there
    else:
        folder = first_library(paths)
    from_file = Path(options.from_file).expanduser() if options.from_file else None
    chosen = Options(
        options.sources, folder, from_file, options.jobs, timeout=options.timeout, whole=whole
    )
    try:
        return run(chosen, say, partial(say, stream=sys.stderr))
    except AddCommandError as error:
        raise UserError(str(error)) from None


def _within(folder: Path, library: Path) -> bool:
    """Whether ``folder`` is ``library`` or a folder inside it (made or not yet)."""
    try:
        return Path(os.path.realpath(folder)).is_relative_to(os.path.realpath(library))
    except (OSError, ValueError):
        return False
