"""The command line's grammar: global options before or after a command, and its help."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from reader import __version__

# Each command and what it does, in one line: `reader --help` lists them all.
COMMANDS = {
    "list": "the library as a table (tab-separated when piped; --json; --sort)",
    "export": "an article's notes as Markdown or W3C JSON (--all: every annotated one)",
    "import": "highlights from reader, W3C tools, Hypothesis, Kindle, KOReader, Readwise, "
    "Instapaper, Pocket or Omnivore into the library",
    "notes": "every highlight and note, newest first (tab-separated when piped; --json)",
    "review": "today's highlights to read again: --due counts them, --print prints them",
    "add": "web pages, HTML files and EPUB books as articles of the library",
    "recover": "merge notes put aside while a notes file was damaged, or bring back a snapshot",
    "devices": "the devices that keep notes in the library's vault, and notes waiting on them",
    "locate": "where the database, its backup, the library, exports and settings are",
    "config": "the settings file: where it is; --check names each line reader cannot use",
}
# Options every command takes, before the command or after it.
GLOBAL_WITH_VALUE = ("--db",)


def _global(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="database file (default: READER_DB, or reader.json in the data folder)",
    )


def top_parser() -> argparse.ArgumentParser:
    """``reader [options] [PATH]``, with every command listed in the help."""
    width = max(len(name) for name in COMMANDS) + 2
    listing = "\n".join(f"  reader {name:<{width}}{what}" for name, what in COMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="reader",
        description="Read and annotate long-form articles in the terminal.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"commands:\n{listing}\n\n'reader COMMAND --help' shows a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    _global(parser)
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


def command_parser(command: str) -> argparse.ArgumentParser:
    """The parser of one command (global options included)."""
    parser = argparse.ArgumentParser(prog=f"reader {command}", description=COMMANDS[command])
    _global(parser)
    if command == "list":
        parser.add_argument("path", nargs="?", metavar="DIR", help="library folder")
        parser.add_argument("--json", action="store_true", help="JSON, for programs")
        parser.add_argument(
            "--sort",
            choices=("title", "recent", "added", "progress", "highlights"),
            default="title",
            help="order of the articles (default: title)",
        )
    elif command == "export":
        parser.add_argument(
            "article",
            nargs="?",
            metavar="ARTICLE",
            help="an article's file, file name, id or title (as 'reader list' shows them)",
        )
        parser.add_argument("--all", action="store_true", help="every annotated article")
        parser.add_argument(
            "-o", "--output", metavar="PATH", help="the file to write (a folder for --all in md)"
        )
        parser.add_argument("--format", choices=("md", "json"), default="md")
        parser.add_argument(
            "--wikilinks", action="store_true", help="write links as [[file name]] (Obsidian)"
        )
        parser.add_argument(
            "--template",
            metavar="NAME|FILE",
            help="shape the Markdown with a Jinja2 template: obsidian (the default export), "
            "logseq, quotes, or a template file",
        )
        parser.add_argument("--force", action="store_true", help="replace earlier exports")
        parser.add_argument("--library", metavar="DIR", help="library folder")
    elif command == "import":
        from reader.notes.formats import FORMATS

        parser.add_argument(
            "file",
            metavar="FILE",
            help="annotations to import; its format is told by what it holds: "
            + "; ".join(FORMATS.values()),
        )
        parser.add_argument(
            "--format",
            choices=list(FORMATS),
            help="read the file as this format, whatever it seems to be",
        )
        parser.add_argument("--library", metavar="DIR", help="library folder")
    elif command == "notes":
        from reader.cli.all_notes import add_arguments

        add_arguments(parser)
    elif command == "review":
        from reader.cli.review import add_arguments as review_arguments

        review_arguments(parser)
    elif command == "add":
        from reader.cli.add import add_arguments

        add_arguments(parser)
    elif command == "config":
        parser.add_argument(
            "--check",
            action="store_true",
            help="name each setting reader cannot use (exit status 1 if any)",
        )
    elif command == "devices":
        parser.add_argument("--library", metavar="DIR", help="library folder")
    elif command == "recover":
        parser.add_argument(
            "files",
            nargs="*",
            metavar="FILE",
            help="an older reader's recovery files to merge into its database (then moved "
            "into the notes vault)",
        )
        parser.add_argument("--library", metavar="DIR", help="library folder")
        parser.add_argument(
            "--backup",
            metavar="DAY",
            help="bring back the notes of the daily snapshot of DAY (YYYY-MM-DD): what was "
            "deleted or replaced since comes back; nothing made since is taken away",
        )
    return parser


def split(args: Sequence[str]) -> tuple[list[str], str | None, list[str]]:
    """``(options before the command, the command, the rest)``; no command: ``(args, None,
    [])``. Global options may come before the command (``reader --db X list``)."""
    args = list(args)
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            break
        if arg in GLOBAL_WITH_VALUE:
            index += 2
            continue
        if arg.startswith("-"):
            index += 1
            continue
        if arg in COMMANDS:
            return args[:index], arg, args[index + 1 :]
        break
    return args, None, []
