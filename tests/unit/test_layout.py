"""Wrapping, safe visible text and the block height index."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from reader.text.display import HeightIndex, visible, wrap


def lines_of(text: str, width: int, words: bool = True) -> list[str]:
    return [text[start:end] for start, end in wrap(text, width, words=words)]


def test_wraps_at_spaces() -> None:
    assert lines_of("The quick brown fox jumps over the lazy dog", 15) == [
        "The quick brown",
        "fox jumps over",
        "the lazy dog",
    ]


def test_long_words_are_cut_and_hard_breaks_kept() -> None:
    assert lines_of("abcdefghij xy", 4) == ["abcd", "efgh", "ij", "xy"]
    assert lines_of("one\ntwo three", 20) == ["one", "two three"]
    assert lines_of("", 10) == [""]


def test_wide_characters_are_never_split_and_fit_the_width() -> None:
    text = "漢字漢字漢字 emoji 👍🏽 done"
    for line in lines_of(text, 5):
        assert cell_len(line) <= 5


def test_combining_marks_stay_with_their_letter() -> None:
    text = "e\u0301" * 10
    for start, end in wrap(text, 3):
        assert not text[start:end].startswith("\u0301")


def test_code_keeps_spaces() -> None:
    assert lines_of("  x = 1", 20, words=False) == ["  x = 1"]
    assert lines_of("abcdef", 4, words=False) == ["abcd", "ef"]


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300), st.integers(1, 40))
def test_wrap_keeps_every_visible_character_in_order(text: str, width: int) -> None:
    ranges = wrap(text, width)
    previous_end = 0
    for start, end in ranges:
        assert previous_end <= start <= end <= len(text)
        previous_end = end
    covered = "".join(text[start:end] for start, end in ranges)
    # What is left off between lines is only the spaces (a tab is drawn as one) and line
    # ends where the lines break.
    blank = str.maketrans("", "", " \n\t")
    assert covered.translate(blank) == text.translate(blank)


# Letters, spaces, a tab, line ends, controls drawn as placeholders, wide and combining.
DRAWN = st.sampled_from(
    [
        *"abcdefgh",
        " ",
        " ",
        "\t",
        "\n",
        "\x1b",
        "\x07",
        "\x0b",
        "\x0c",
        "\x7f",
        "\x9b",
        "\u202e",
        "\u2028",
        "漢",
        "e\u0301",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(DRAWN, max_size=200).map("".join), st.integers(1, 60))
def test_every_line_fits_the_width_as_it_is_drawn(text: str, width: int) -> None:
    # Issue 15: controls were measured as Rich measures them (no cells) but drawn as
    # placeholders (one cell each), so a line with several ran past the column, and its
    # last words were cut off the screen.
    ranges = wrap(text, width)
    for start, end in ranges:
        drawn = visible(text[start:end])
        whole_character = len(drawn.rstrip("\u0301")) <= 1
        assert cell_len(drawn) <= width or whole_character, (drawn, width)
    covered = "".join(text[start:end] for start, end in ranges)
    blank = str.maketrans("", "", " \n\t")
    assert covered.translate(blank) == text.translate(blank)


def test_a_line_of_controls_breaks_where_its_placeholders_fill_the_width() -> None:
    text = "\x1b[2K\x1b[1G\x1b[2KFAKE PROMPT here"
    assert lines_of(text, 16) == ["\x1b[2K\x1b[1G\x1b[2KFAKE", "PROMPT here"]
    assert lines_of("x\x0cy\x0bz. Tab is\there", 12) == ["x\x0cy\x0bz. Tab", "is\there"]
    assert lines_of("Tab is\there", 7) == ["Tab is", "here"]


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_visible_keeps_length_and_removes_controls(text: str) -> None:
    shown = visible(text)
    assert len(shown) == len(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown)
    assert "\u202e" not in shown


def test_visible_shows_escape_sequences_as_placeholders() -> None:
    assert visible("\x1b[31mred\x07") == "␛[31mred␇"
    assert visible("plain text") == "plain text"


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(1, 20), min_size=1, max_size=300),
    st.lists(st.tuples(st.integers(0, 299), st.integers(1, 20)), max_size=50),
)
def test_height_index_matches_a_plain_list(heights: list[int], updates) -> None:
    index = HeightIndex()
    for height in heights:
        index.append(height)
    for position, value in updates:
        if position < len(heights):
            index.set(position, value)
            heights[position] = value
    prefix = [0, *itertools.accumulate(heights)]
    assert [index.prefix(i) for i in range(len(heights) + 1)] == prefix
    assert index.total == prefix[-1]
    for line in range(prefix[-1]):
        block = index.find(line)
        assert prefix[block] <= line < prefix[block + 1]
    assert index.find(prefix[-1] + 10) == len(heights) - 1
