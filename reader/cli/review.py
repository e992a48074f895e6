"""``reader review``: the daily review, on the screen or for a script."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date

from reader.cli.common import UserError, library_of, open_store, paths_of, say
from reader.config import load
from reader.model import Highlight
from reader.services.review import Day, today_of
from reader.text.display import note_text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``reader review``."""
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--due", action="store_true", help="print how many are left for today")
    what.add_argument(
        "--print", action="store_true", help="print today's highlights (for a script or a note)"
    )
    parser.add_argument("--tag", metavar="TAG", help="only highlights with this tag")
    parser.add_argument("--colour", metavar="COLOUR", help="only highlights of this colour")


def keeper(tag: str | None, colour: str | None) -> tuple[str, Callable[[Highlight], bool]]:
    """What ``--tag`` and ``--colour`` ask for, said, and the test a highlight must pass."""
    wanted_tag = tag.lstrip("#").casefold() if tag else None
    wanted_colour = colour.casefold() if colour else None

    def keep(highlight: Highlight) -> bool:
        if wanted_tag is not None and wanted_tag not in {t.casefold() for t in highlight.tags}:
            return False
        return wanted_colour is None or highlight.colour.value == wanted_colour

    said = " ".join(
        part
        for part in (f"tagged #{wanted_tag}" if wanted_tag else "", wanted_colour or "")
        if part
    )
    return said, keep


def run_review(options: argparse.Namespace, today: date | None = None) -> int:
    """``--due``: the count left today; ``--print``: today's highlights as Markdown."""
    if not (options.due or options.print):
        raise UserError(
            "reader review --due prints the count left today, --print today's highlights; "
            "in the app, R opens the review"
        )
    today = today or date.today()
    settings = load()
    _, keep = keeper(options.tag, options.colour)
    paths = paths_of(options)
    store = open_store(paths, create=False, writes=False, library=library_of(options, paths))
    try:
        day = today_of(store.all_highlights(), today, settings.review_per_day, keep)
        titles = {ident: title for ident, (_path, title) in store.known_articles().items()}
    finally:
        store.close()
    if options.due:
        say(str(day.due))
        return 0
    _print(day, titles)
    return 0


def _print(day: Day, titles: dict[str, str]) -> None:
    for number, highlight in enumerate(day.highlights):
        if number:
            print()
        quote = " ".join(highlight.anchor.exact.split())
        title = titles.get(highlight.article_id, "") or "an article reader no longer knows"
        say(f"> {quote}")
        say(f"— {title}, ¶ {highlight.anchor.block + 1}")
        if highlight.note.strip():
            say(note_text(highlight.note))
    sys.stdout.flush()
