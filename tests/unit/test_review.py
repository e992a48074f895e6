"""The daily review's schedule, its choice of the day, and `reader review`."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from reader.cli import main
from reader.cli.arguments import command_parser
from reader.cli.review import run_review
from reader.model import Anchor, Colour, Highlight, Review
from reader.paths import resolve
from reader.services.library import scan
from reader.services.review import Rating, rated, schedule, streak, today_of
from reader.text.documents import article_id, load_article
from tests.conftest import SAMPLE
from tests.stores import notes_store

DAY = date(2026, 12, 4)
# An article's id is the vault key of its file (one outside every library here).
ARTICLE = article_id(Path("/nowhere/a.md"))


def highlight(number: int, **fields: object) -> Highlight:
    anchor = Anchor(0, 5, f"words {number}", "", "", 0, "")
    return dataclasses.replace(
        Highlight(id=f"id-{number}", article_id=ARTICLE, anchor=anchor), **fields
    )


def test_soon_later_and_much_later_space_a_highlight_out_as_a_half_life() -> None:
    first = schedule(None, Rating.LATER, DAY)
    assert (first.due, first.interval, first.seen, first.last) == ("2026-12-11", 7, 1, "2026-12-04")
    again = schedule(first, Rating.LATER, date(2026, 12, 11))
    assert (again.due, again.interval, again.seen) == ("2026-12-25", 14, 2)
    far = schedule(again, Rating.MUCH_LATER, date(2026, 12, 25))
    assert (far.interval, far.due) == (56, "2027-02-19")
    assert schedule(far, Rating.SOON, DAY).due == "2026-12-05"  # forgotten: tomorrow again
    assert schedule(None, Rating.MUCH_LATER, DAY).interval == 28


def test_a_day_brings_what_is_due_first_then_new_ones_at_most_per_day() -> None:
    due = highlight(1, review=Review(due="2026-12-01", interval=7, seen=1, last="2026-11-24"))
    later = highlight(2, review=Review(due="2026-12-20", interval=14, seen=2, last="2026-12-06"))
    stopped = highlight(3, review=Review(due="2026-12-01", stopped=True))
    orphan = highlight(4, orphan_in="abc")
    new = [highlight(n) for n in range(10, 20)]
    day = today_of([*new, later, stopped, orphan, due], DAY, per_day=5)
    assert day.highlights[0] is due
    assert len(day.highlights) == 5 and set(day.highlights[1:]) <= set(new)
    assert later not in day.highlights and stopped not in day.highlights
    assert orphan not in day.highlights
    # The same on every run of the day; another day, another choice of new ones.
    assert today_of([due, *reversed(new)], DAY, 5).highlights == day.highlights
    assert today_of(new, date(2026, 12, 5), 4).highlights != today_of(new, DAY, 4).highlights


def test_those_seen_today_count_against_the_day() -> None:
    seen = [rated(highlight(n), Rating.LATER, DAY) for n in range(3)]
    day = today_of([*seen, *(highlight(n) for n in range(10, 20))], DAY, per_day=5)
    assert day.seen_today == 3 and day.due == 2


def test_a_highlight_stopped_is_never_shown_again() -> None:
    stopped = rated(highlight(1), None, DAY)
    assert stopped.review is not None and stopped.review.stopped
    assert today_of([stopped], date(2027, 6, 1), 5).highlights == []


def test_a_streak_counts_days_in_a_row_ending_today_or_yesterday() -> None:
    days = ["2026-12-01", "2026-12-02", "2026-12-03"]
    assert streak(days, DAY) == 3  # not yet today: the run is still alive
    assert streak([*days, "2026-12-04"], DAY) == 4
    assert streak(["2026-12-01"], DAY) == 0


def test_review_state_is_kept_with_the_highlight(tmp_path: Path) -> None:
    store = notes_store()
    store.save_highlight(rated(highlight(1), Rating.LATER, DAY))
    store.close()
    (back,) = notes_store().highlights(ARTICLE)
    assert back.review == Review(due="2026-12-11", interval=7, seen=1, last="2026-12-04")


@pytest.fixture
def noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample article with three highlights, one of them noted, in the library
    ``reader`` opens (its notes are kept in that library's vault)."""
    monkeypatch.setenv("READER_LIBRARY", str(tmp_path))
    path = tmp_path / SAMPLE.name
    path.write_bytes(SAMPLE.read_bytes())
    store = notes_store(library=tmp_path)  # registered before its notes, as reader does
    article = load_article(path)
    scan(tmp_path, store)  # the title, as the library keeps it
    for n in (1, 3, 5):
        block = article.blocks[n]
        anchor = Anchor(block.start, block.end, block.text, "", "", n, article.fingerprint)
        note = "why it matters" if n == 3 else ""
        store.save_highlight(Highlight(id=f"h{n}", article_id=article.id, anchor=anchor, note=note))
    store.close()
    return path


def review(*args: str) -> int:
    return run_review(command_parser("review").parse_args(list(args)), DAY)


def test_review_due_counts_and_print_prints_the_day_s_highlights(
    noted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert review("--due") == 0
    assert capsys.readouterr().out == "3\n"
    assert review("--print") == 0
    out = capsys.readouterr().out
    assert out.count("\n> ") == 2 and out.startswith("> ")
    assert "— Canada-US talks resume" in out and "¶ 4" in out and "\nwhy it matters\n" in out
    assert review("--due", "--colour", "green") == 0
    assert capsys.readouterr().out == "0\n"


def test_review_without_an_option_says_what_it_takes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review"]) == 2
    err = capsys.readouterr().err
    assert "--due" in err and "--print" in err and "R opens the review" in err


def test_review_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert review("--due") == 0
    assert capsys.readouterr().out == "0\n"
    # Not a file written: no database, no notes vault, not even this device's id.
    assert not resolve().data_dir.exists()
    assert not list(tmp_path.rglob(".reader"))  # nor a library's notes vault


def test_a_bad_review_per_day_setting_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.config import load

    settings_file = tmp_path / "config.toml"
    settings_file.write_text("review_per_day = 0\n", encoding="utf-8")
    assert (
        load(settings_file)
        .problems[0]
        .endswith("line 1: review_per_day must be a number from 1 to 500")
    )
    settings_file.write_text("review_per_day = 12\n", encoding="utf-8")
    assert load(settings_file).review_per_day == 12 and not load(settings_file).problems
    assert Colour.YELLOW  # the colours of a highlight stay as they were
