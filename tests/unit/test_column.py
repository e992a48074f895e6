"""An article laid out in a column: shapes, wrapping, estimated and exact heights, lines."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.model import Article, BlockKind
from reader.text.column import GUTTER, MAX_COLUMN, Column, shape_of
from reader.text.display import wrap
from reader.text.documents import load_text

TEXT = """# A title

A first paragraph that is long enough to wrap over several lines of a narrow column, and
then some more words to be sure of it.

> A quote, indented by its bar.

- one item
- another item

Last words.
"""


def article(text: str = TEXT) -> Article:
    return load_text(text, Path("column.md"))


def laid_out(text: str = TEXT, width: int = 40) -> tuple[Column, list[tuple[int, int]]]:
    resized: list[tuple[int, int]] = []
    column = Column(article(text), lambda top, delta: resized.append((top, delta)))
    column.fit(width)
    return column, resized


def test_the_column_is_centred_and_at_most_max_column_wide() -> None:
    column, _ = laid_out(width=200)
    assert column.text_width == MAX_COLUMN - GUTTER
    assert column.left == (200 - MAX_COLUMN) // 2
    narrow, _ = laid_out(width=40)
    assert narrow.text_width == 40 - 2 - GUTTER
    assert narrow.left == 1
    # Never wider than the view: the ends of its lines would be cut off.
    for width in range(GUTTER + 1, 40):
        column, _ = laid_out(width=width)
        assert column.left + GUTTER + column.text_width <= width


def test_fit_says_whether_the_text_width_changed() -> None:
    column, _ = laid_out(width=200)
    assert column.fit(300) is False  # still MAX_COLUMN: nothing to wrap again
    assert column.fit(60) is True


def test_shapes_of_quotes_items_and_code() -> None:
    blocks = article("> quoted\n\n- item\n\n```\ncode\n```\n\nplain\n").blocks
    kinds = {block.kind: shape_of(block) for block in blocks}
    assert kinds[BlockKind.QUOTE].first == "│ "
    assert kinds[BlockKind.ITEM].first.strip() == "•"
    assert kinds[BlockKind.ITEM].indent == len(kinds[BlockKind.ITEM].rest)
    assert kinds[BlockKind.CODE].words is False
    assert kinds[BlockKind.PARAGRAPH].indent == 0


def test_a_gap_follows_every_block_but_items_of_one_list() -> None:
    column, _ = laid_out()
    kinds = [block.kind for block in column.article.blocks]
    first_item = kinds.index(BlockKind.ITEM)
    assert column.gap(0) == 1
    assert column.gap(first_item) == 0  # the next block is an item too
    assert column.gap(len(kinds) - 1) == 0  # nothing after the last


def test_wrapping_makes_a_height_exact_and_reports_the_change() -> None:
    column, resized = laid_out(width=30)
    paragraph = 1
    lines = column.wrapped(paragraph)
    block = column.article.blocks[paragraph]
    assert lines == wrap(block.text, column.block_width(block))
    assert column.heights[paragraph] == len(lines) + column.gap(paragraph)
    for top, _delta in resized:
        assert top == column.top_of(paragraph)


def test_settle_wraps_exactly_what_shows() -> None:
    column, _ = laid_out(width=30)
    column.settle(0, 5)
    shown = [index for index in range(len(column.article.blocks)) if column.top_of(index) < 5]
    for index in shown:
        assert column.heights[index] == len(column.wrapped(index)) + column.gap(index)


def test_lines_and_blocks_map_both_ways() -> None:
    column, _ = laid_out(width=30)
    column.settle(0, 1_000)
    for index, block in enumerate(column.article.blocks):
        top = column.top_of(index)
        assert column.block_at_line(top) == index
        assert column.line_of(block.start) == top
    assert column.block_at_line(column.total + 10) == len(column.article.blocks) - 1


def test_offset_at_a_cell_is_the_character_drawn_there() -> None:
    column, _ = laid_out(width=60)
    column.settle(0, 1_000)
    index = len(column.article.blocks) - 1  # "Last words."
    block = column.article.blocks[index]
    top = column.top_of(index)
    x = column.left + GUTTER
    assert column.offset_at(top, x) == block.start
    assert column.offset_at(top, x + 5) == block.start + 5
    assert column.offset_at(top, x + 500) == block.end
    assert column.offset_at(column.total, x) is None


def test_offset_at_counts_a_control_character_as_the_cell_of_its_placeholder() -> None:
    column, _ = laid_out("Bell ding\x07ding\x07ding here.\n", width=60)
    column.settle(0, 1_000)
    block = column.article.blocks[0]
    x = column.left + GUTTER
    # "Bell ding␇ding": the second "ding" starts ten cells in, after the ␇'s cell.
    assert block.text[column.offset_at(0, x + 10) - block.start :].startswith("ding\x07ding here")


def test_span_shown_is_the_text_from_the_top_line_to_the_end_of_the_bottom_one() -> None:
    column, _ = laid_out(width=30)
    column.settle(0, 1_000)
    blocks = column.article.blocks
    lines = column.wrapped(1)  # the first paragraph, several lines
    top = column.top_of(1) + 1
    first, last = column.span_shown(top, 2)
    assert (first, last) == (blocks[1].start + lines[1][0], blocks[1].start + lines[2][1])
    assert column.span_shown(0, 10_000) == (blocks[0].start, blocks[-1].end)
    assert column.span_shown(column.total, 5) is None


def test_target_for_scrolls_only_when_the_block_is_out_of_view() -> None:
    column, _ = laid_out(width=30)
    column.settle(0, 1_000)
    assert column.target_for(0, 0, 20, top=False) is None
    last = len(column.article.blocks) - 1
    target = column.target_for(last, 0, 5, top=False)
    assert target is not None
    assert target <= column.top_of(last) < target + 5
    assert column.target_for(2, 0, 20, top=True) == column.top_of(2) - 1


def test_blocks_added_while_loading_are_estimated_and_join_the_index() -> None:
    text = "\n\n".join(f"Paragraph {n} " + "word " * 30 for n in range(10))
    whole = article(text)
    first = Article(whole.meta, whole.fingerprint, whole.blocks[:4], complete=False)
    column = Column(first, lambda top, delta: None)
    column.fit(40)
    column.wrapped(3)
    first.extend(whole.blocks[4:])
    column.blocks_added(4)
    assert len(column.heights) == 10
    column.settle(0, 10_000)
    assert column.total == sum(len(column.wrapped(i)) + column.gap(i) for i in range(10))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="ab cd\n", min_size=0, max_size=120), min_size=1, max_size=8),
    st.integers(min_value=1, max_value=120),
)
def test_every_height_is_exact_once_settled(texts: list[str], width: int) -> None:
    text = "\n\n".join(t.replace("\n", " ").strip() or "x" for t in texts)
    column = Column(article(text), lambda top, delta: None)
    column.fit(width)
    column.settle(0, 100_000)
    for index in range(len(column.article.blocks)):
        assert column.heights[index] == len(column.wrapped(index)) + column.gap(index)
