"""``reader export`` and ``reader import``: notes out, as Markdown or W3C JSON, and in."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Generator, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from reader.cli.common import UserError, library_of, open_store, paths_of, say, say_moves
from reader.cli.finding import Found, find_article
from reader.db.storage import StoreError
from reader.db.store import Store
from reader.services.books import is_kept_book
from reader.services.moves import former_ids
from reader.text.documents import DocumentError, article_id

if TYPE_CHECKING:
    from reader.notes.export import Notes
    from reader.notes.incoming import Incoming
    from reader.notes.templates import ExportTemplate
    from reader.services.import_report import Report


def run_export(options: argparse.Namespace) -> int:
    """Export one article's notes, or every annotated article's (``--all``)."""
    from reader.notes import export
    from reader.notes.placing import recover
    from reader.notes.templates import TemplateError

    _check_options(options)
    template = _template(options)
    paths = paths_of(options)
    folder = library_of(options, paths)
    # No notes yet: nothing is made to say so.
    store = open_store(paths, create=False, library=folder)
    try:
        today = export.exported_now()
        if not options.all:
            if not options.article:
                raise UserError("name an article to export (a file, or an id or title), or --all")
            found = find_article(options.article, folder, store, must_exist=bool(options.library))
            if found.library is not None:  # annotated in another library: its notes there
                store = open_store(paths, create=False, library=found.library)
            notes = _gather_gone(store, found) if found.gone else _gather(store, found.path)
            if options.format == "json":
                document = export.to_collection([notes], exported=today, label=notes.article.title)
                return emit(export.dumps(document), options.output, options.force)
            if template is not None:
                return emit(template.render(notes, exported=today), options.output, options.force)
            # One article: its links name the files an export of the others would have.
            text = export.to_markdown(notes, exported=today, wikilinks=options.wikilinks)
            return emit(text, options.output, options.force)
        targets = _annotated(folder, store, must_exist=bool(options.library))
        if options.format == "json":
            gathered = [_gather(store, path) for path, _ in targets]
            document = export.to_collection(gathered, exported=today, label="reader export")
            return emit(export.dumps(document), options.output, options.force)
        if not options.output:
            raise UserError("--all writes one file per article: give a folder with -o")
        out = Path(options.output).expanduser()
        if out.exists() and not out.is_dir():
            raise UserError(f"{out} is a file: --all writes one file per article into a folder")
        # An export into this folder killed part of the way: finished or undone first.
        recover(out)
        # Names that no file of another program's holds in the folder: an export written
        # into a vault of clipped articles never takes an article's own name.
        ids = {path: article_id(path) for path, _ in targets}
        names = export.file_names(
            ((ids[path], title) for path, title in targets),
            folder=out,
            formerly=former_ids(store.article_infos()),
        )
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
        count = export_all(
            store,
            [path for path, _ in targets],
            out,
            names,
            index_name,
            today,
            options,
            notes=paths.data_dir,
            template=template,
        )
    except (export.ExportError, TemplateError) as error:
        raise UserError(str(error)) from None
    finally:
        store.close()
    say(f"Wrote {count} article{'s' * (count != 1)} and {index_name} to {out}", sys.stderr)
    return 0


def _check_options(options: argparse.Namespace) -> None:
    """Refuse an option that would be ignored, with a line saying what to do instead; a
    folder named with --all is the library to export (``export --all -o DIR lib``)."""
    if options.all and options.article:
        if Path(options.article).expanduser().is_dir() and not options.library:
            options.library, options.article = options.article, None
        else:
            raise UserError(
                f"--all exports every annotated article, not {options.article}: leave out "
                "--all to export that one (--library DIR names the library to export)"
            )
    if options.wikilinks and options.format == "json":
        raise UserError("--wikilinks is for Markdown: JSON (--format json) has no links to write")
    template = getattr(options, "template", None)
    if template and options.format == "json":
        raise UserError("--template shapes Markdown: JSON (--format json) is W3C's own shape")
    if template and options.wikilinks:
        raise UserError("--wikilinks is for the default export: a template writes its own links")
    if options.force and not options.output:
        raise UserError("--force replaces the files -o writes: without -o, nothing is replaced")


def _template(options: argparse.Namespace) -> ExportTemplate | None:
    """The template ``--template`` names, ready (None: the default export)."""
    from reader.notes.templates import TemplateError, load

    spec = getattr(options, "template", None)
    if not spec:
        return None
    try:
        return load(spec)
    except TemplateError as error:
        raise UserError(str(error)) from None


def _annotated(folder: Path, store: Store, *, must_exist: bool) -> list[tuple[Path, str]]:
    """Every article with something of the reader's (highlights, notes, or an end of a
    link, so that each link's file is written by the same export), with its title. A
    library not there holds nothing, unless it was named (``must_exist``)."""
    from reader.services.library import Library, scan

    linked = {end.article_id for link in store.all_links() for end in (link.source, link.target)}
    try:
        library = scan(folder, store) if must_exist or folder.exists() else Library(folder, [], [])
    except DocumentError as error:
        raise UserError(str(error)) from None
    say_moves(library.moved)
    for problem in library.problems:  # as `reader list` says them: none is exported
        say(f"reader: skipped {problem}", sys.stderr)
    entries = library.entries
    targets = [(e.path, e.title) for e in entries if e.highlights or e.notes or e.id in linked]
    _say_left_out(store, folder, {e.id for e in entries})
    if not targets:
        raise UserError(f"no annotated articles in {folder} (--library DIR names another)")
    return targets


def _say_left_out(store: Store, folder: Path, listed: set[str]) -> None:
    """Name the annotated articles that an export of ``folder`` leaves out (elsewhere, or
    whose files are gone), so that no one takes the export for all of their notes."""
    noted = {i for i, (count, notes) in store.highlight_counts().items() if count or notes}
    known = store.known_articles()
    left = sorted(
        _left_out(*known[i]) for i in (noted | set(store.article_notes())) - listed if i in known
    )
    if left:
        more = f" and {len(left) - 3} more" if len(left) > 3 else ""
        count = f"{len(left)} annotated article{'s' * (len(left) != 1)}"
        say(
            f"reader: {count} not in {folder}, not exported: {', '.join(left[:3])}{more} "
            "(--library DIR exports another folder; `reader notes` lists every note)",
            sys.stderr,
        )


def _left_out(path: Path, title: str) -> str:
    """An annotated article an export leaves out, as the user knows it."""
    if is_kept_book(path):
        return f"{title or path.name} (a book not in the library)"
    return str(path) + ("" if path.exists() else " (its file is gone)")


def _gather(store: Store, path: Path) -> Notes:
    """An article's highlights, notes and links, placed in its text."""
    from reader.notes import export
    from reader.text.documents import load_article

    try:
        article = load_article(path)
    except DocumentError as error:
        raise UserError(str(error)) from None
    note = store.article_note_record(article.id)
    return export.gather(
        article,
        store.highlights(article.id),
        note.text,
        store.links_of(article.id),
        note.modified,
        article_note_created=note.created,
        article_note_tags=note.tags,
    )


def _gather_gone(store: Store, found: Found) -> Notes:
    """The notes of an article whose file is gone: each with the words it was made on, none
    placed in a text (there is none)."""
    from reader.model import Article, ArticleMeta
    from reader.notes import export

    what = (
        f"{found.title or found.path.name} is a book kept without its text (its highlights "
        "came from another tool, and it is not in the library)"
        if is_kept_book(found.path)
        else f"{found.path} is gone"
    )
    say(
        f"reader: {what}; its notes are exported with the words each was made "
        "on, none placed in a text",
        sys.stderr,
    )
    article = Article(ArticleMeta(found.id, found.path, found.title or found.path.stem), "")
    return export.gather(
        article,
        store.highlights(found.id),
        store.article_note(found.id),
        store.links_of(found.id),
        store.article_note_modified(found.id),
    )


Made = tuple[str, str, str]  # article id, title, Markdown
# What forked workers render with: the store, today, wikilinks, file names, a template.
_job: tuple[Store, str, bool, dict[str, str], ExportTemplate | None] | None = None
PARALLEL_FROM = 64  # articles: fewer are made faster in this process alone


def render_all(
    store: Store,
    paths: list[Path],
    today: str,
    wikilinks: bool,
    names: dict[str, str],
    template: ExportTemplate | None = None,
) -> Generator[Made, None, None]:
    """Each article's notes as Markdown, in order, as they are made; by one process per
    core on Linux (forked, so each has the store as read, with nothing to send but file
    names)."""
    global _job
    _job = (store, today, wikilinks, names, template)
    try:
        workers = min(len(os.sched_getaffinity(0)), 8) if hasattr(os, "sched_getaffinity") else 1
        if workers < 2 or len(paths) < PARALLEL_FROM or sys.platform != "linux":
            yield from map(_render, paths)
            return
        import multiprocessing

        from reader.memory import shared_with_forks

        chunks = max(1, len(paths) // (workers * 16))
        with (
            shared_with_forks(),  # the store's objects stay shared with the workers
            multiprocessing.get_context("fork").Pool(workers, _quiet_worker) as pool,
        ):
            yield from pool.imap(_render, paths, chunksize=chunks)
    finally:
        _job = None


def _quiet_worker() -> None:
    # Ctrl+C is the parent's to report; a worker just stops (and ends when the pool ends
    # it with SIGTERM, whatever the parent does with that signal).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def _render(path: Path) -> Made:
    from reader.notes import export

    assert _job is not None
    store, today, wikilinks, names, template = _job
    notes = _gather(store, path)
    if template is not None:
        return notes.article.id, notes.article.title, template.render(notes, exported=today)
    markdown = export.to_markdown(notes, exported=today, wikilinks=wikilinks, file_names=names)
    return notes.article.id, notes.article.title, markdown


def export_all(
    store: Store,
    paths: list[Path],
    out: Path,
    names: dict[str, str],
    index_name: str,
    today: str,
    options: argparse.Namespace,
    notes: Path | None = None,
    template: ExportTemplate | None = None,
) -> int:
    """Write each article's notes into ``out``, then the index; the number written.

    All or nothing: a folder half exported is worse than none. Each file is written to a
    temporary file beside its name as soon as it is made, while the others are still being
    made (threads write and sync several at once: one after another, syncing 2,000 files
    took 4 s), and all are put in place only when every one is made and written. If
    anything fails (an article that cannot be read, a full disk, ctrl+c, the terminal
    closed, a file come in the way) the folder is left as it was: no file put in place,
    earlier exports put back, every temporary file removed. The index goes in place with
    the rest, and the folder is synced once at the end. Killed outright part of the way,
    the next start puts the folder right (:mod:`reader.notes.placing`; ``notes`` is the
    data folder, where a note of the export under way is kept).
    """
    from concurrent.futures import Future, ThreadPoolExecutor

    from reader.notes import export
    from reader.notes.placing import begin, end, place_all, recover

    out.mkdir(parents=True, exist_ok=True)
    index = export.index_lines(exported=today)
    staged: list[tuple[Future[Path], Path]] = []
    force = options.force
    note = begin(out, notes)
    try:
        with _signals_interrupt(), ThreadPoolExecutor(max_workers=8) as pool:
            try:
                # Closed on the way out: the worker processes stop at once on a failure.
                with closing(
                    render_all(store, paths, today, options.wikilinks, names, template)
                ) as made:
                    for number, (ident, title, body) in enumerate(made):
                        path = out / names[ident]
                        tag = f".{number}"
                        write = pool.submit(export.stage_file, path, body, force=force, tag=tag)
                        staged.append((write, path))
                        entry = export.index_entry(title, names[ident], wikilinks=options.wikilinks)
                        index.append(entry)
                temps = [(write.result(), path) for write, path in staged]
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)  # then swept, below
                raise
            text = "\n".join(index) + "\n"
            index_path = out / index_name
            temps.append(
                (export.stage_file(index_path, text, force=force, tag=".index"), index_path)
            )
            place_all(out, temps, force=force)
    except BaseException:
        recover(out)  # every temporary file swept, the folder as it was
        raise
    finally:
        end(note)
    return len(temps) - 1  # the articles, not the index


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP (a closed terminal) interrupt as ctrl+c does, so that what is
    half written is cleaned away; outside the main thread (tests), nothing changes."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def emit(text: str, output: str | None, force: bool) -> int:
    """``text`` to the file ``output``, or to standard output."""
    from reader.notes import export

    if output:
        path = Path(output).expanduser()
        if path.is_dir() or output.endswith(("/", os.sep)):
            raise UserError(f"{output} is a folder: give -o the name of the file to write")
        from reader.notes.placing import recover

        recover(path.parent)  # what an export killed there left: put right, swept
        export.write_file(path, text, force=force)
        say(f"Wrote {output}", sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def run_import(options: argparse.Namespace) -> int:
    """Import annotations, and report what was added, kept, skipped, and not imported and
    why."""
    from reader.notes import formats
    from reader.services.import_report import Report
    from reader.services.importer import import_items

    path = Path(options.file).expanduser()
    if not path.exists():
        raise UserError(f"{path}: no such file")
    try:
        name = options.format or formats.detect(path)
    except formats.FormatError as error:
        if path.suffix.lower() != ".json" or path.is_dir():
            raise UserError(str(error)) from None
        name = "w3c"  # a .json file of no shape reader knows: the W3C reader says why
    kind, skips = "", formats.Skips()
    if name == "w3c":
        items = _w3c_items(path)
    else:
        try:
            reading = formats.read(path, name)
        except formats.FormatError as error:
            raise UserError(str(error)) from None
        kind, items, skips = reading.kind, reading.items, reading.skips
        if not items and not skips.total:
            raise UserError(f"{path}: nothing to import: it holds no highlights ({kind})")
    paths = paths_of(options)
    folder = library_of(options, paths)
    store = open_store(paths, library=folder)
    report = Report(left_out=skips.lines(), left_out_count=skips.total)
    try:
        # Another tool's highlights of a book not in the library are kept for the book.
        import_items(items, store, folder, report, keep=name != "w3c")
    except StoreError as error:
        raise UserError(f"{error}{_stopped(report)}") from None
    except KeyboardInterrupt:
        if report.done:
            say(f"reader: interrupted{_stopped(report)}", sys.stderr)
        raise
    finally:
        store.close()
    for line in report.problem_lines():
        say(f"reader: not imported: {line}", sys.stderr)
    say(f"{path.name}{f' ({kind})' if kind else ''}: {report.summary()}")
    for line in report.kept_lines():
        say(f"kept: {line}")
    for line in report.left_out:
        say(f"skipped: {line}")
    # Something the file holds is not in the database: a script (or a person) must see it.
    return 1 if report.problems else 0


def _w3c_items(path: Path) -> list[Incoming]:
    """The annotations of a W3C or Hypothesis JSON file, or a UserError saying why not (before
    any database is opened)."""
    from reader.notes.w3c import ShapeError, annotations_in, incoming_all, loads, unique

    try:
        document = loads(path.read_bytes())
    except IsADirectoryError:
        raise UserError(f"{path} is a folder: give the file of annotations to import") from None
    except UnicodeDecodeError:
        raise UserError(f"{path} is not a JSON file of annotations (not UTF-8 text)") from None
    except (OSError, ValueError, RecursionError) as error:
        raise UserError(f"{path} is not readable JSON: {error}") from None
    try:
        return unique(incoming_all(annotations_in(document)))
    except ShapeError as error:
        raise UserError(f"{path}: nothing to import: {error}") from None


def _stopped(report: Report) -> str:
    """What an import stopped part of the way saved, and what to do ("" when nothing)."""
    if not report.done:
        return ""
    return (
        f". The import stopped part of the way: {report.done:,} of {report.total:,} annotations "
        "were saved, each whole; run the same import again to finish it (none is imported "
        "twice)"
    )
