"""``reader export`` and ``reader import``: notes out, as Markdown or W3C JSON, and in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader.cli.common import UserError, library_of, open_store, paths_of, say
from reader.documents import DocumentError
from reader.storage import StoreError
from reader.store import Store


def run_export(options: argparse.Namespace) -> int:
    """Export one article's notes, or every annotated article's (``--all``)."""
    from reader import export
    from reader.documents import load_article
    from reader.library import scan

    paths = paths_of(options)
    folder = library_of(options, paths)
    store = open_store(paths)
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
            targets = [find_article(options.article, folder, store)]
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
            return emit(text, options.output, options.force)
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
        return emit(text, options.output, options.force)
    except export.ExportError as error:
        raise UserError(str(error)) from None


def emit(text: str, output: str | None, force: bool) -> int:
    """``text`` to the file ``output``, or to standard output."""
    from reader import export

    if output:
        export.write_file(Path(output).expanduser(), text, force=force)
        say(f"Wrote {output}", sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def find_article(name: str, folder: Path, store: Store) -> Path:
    """An article by its file, its file name in the library, or its id or title."""
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
    # A file name in the library, with or without its suffix, in any case.
    wanted_name = name.casefold()
    named = [
        e.path
        for e in entries
        if wanted_name in (e.path.name.casefold(), e.path.stem.casefold())
        or wanted_name == str(e.path.relative_to(folder)).casefold()
    ]
    if len(named) == 1:
        return named[0]
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


def run_import(options: argparse.Namespace) -> int:
    """Import annotations, and report what was not imported and why."""
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
    paths = paths_of(options)
    folder = library_of(options, paths)
    store = open_store(paths)
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
