"""A selection grown and shrunk by word, sentence and paragraph (the keys of v)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.model import Article
from reader.text import selection
from reader.text.documents import load_text
from reader.text.selection import next_sentence_end

TEXT = """First paragraph. It has two sentences!

Second one: words, words and more words. Then a question? Yes.

Third and last paragraph.
"""


def article(text: str = TEXT) -> Article:
    return load_text(text, Path("selection.md"))


def selected(article: Article, span: tuple[int, int]) -> str:
    low, high = sorted(span)
    return article.text[low:high]


def test_v_starts_on_the_first_word_of_the_paragraph() -> None:
    doc = article()
    assert selected(doc, selection.first_word(doc, 0)) == "First"
    assert selected(doc, selection.first_word(doc, 1)) == "Second"


def test_w_grows_and_b_shrinks_by_whole_words() -> None:
    doc = article()
    span = selection.first_word(doc, 1)
    span = selection.word_forward(doc, *span)
    span = selection.word_forward(doc, *span)
    assert selected(doc, span) == "Second one: words,"
    span = selection.word_back(doc, *span)
    assert selected(doc, span) == "Second one:"
    # b never lets go of the last word
    span = selection.word_back(doc, *selection.word_back(doc, *span))
    assert selected(doc, span) == "Second"


def test_s_grows_by_sentences_and_stops_at_the_paragraph_end() -> None:
    doc = article()
    span = selection.first_word(doc, 1)
    span = selection.sentence_forward(doc, *span)
    assert selected(doc, span) == "Second one: words, words and more words."
    span = selection.sentence_forward(doc, *span)
    assert selected(doc, span).endswith("Then a question?")
    for _ in range(5):
        span = selection.sentence_forward(doc, *span)
    assert span[1] == doc.blocks[1].end


def test_after_o_the_other_end_moves_back_towards_the_anchor() -> None:
    doc = article()
    anchor, head = selection.sentence_forward(doc, *selection.first_word(doc, 1))
    swapped = (head, anchor)  # o
    moved = selection.word_forward(doc, *swapped)
    assert selected(doc, moved) == "one: words, words and more words."
    back = selection.word_back(doc, *moved)
    assert selected(doc, back) == "Second one: words, words and more words."


def test_j_and_k_grow_and_shrink_by_paragraphs() -> None:
    doc = article()
    span = selection.first_word(doc, 0)
    span = selection.paragraph_down(doc, *span)
    assert span is not None and span[1] == doc.blocks[1].end
    span = selection.paragraph_down(doc, *span)
    assert span is not None and span[1] == doc.blocks[2].end
    assert selection.paragraph_down(doc, *span) is None  # the last paragraph
    span = selection.paragraph_up(doc, *span)
    assert span is not None and span[1] == doc.blocks[1].end
    span = selection.paragraph_up(doc, *span)
    assert span is not None and span[1] == doc.blocks[0].end
    assert selection.paragraph_up(doc, *span) is None  # within one paragraph


def test_trim_leaves_the_spaces_out() -> None:
    assert selection.trim("  two words  ", 0, 13) == (2, 11)
    assert selection.trim("   ", 0, 3) == (3, 3)


def test_sentence_ends_keep_closing_quotes_and_brackets() -> None:
    text = 'He said "stop." Then he left.” Done'
    assert text[: selection.next_sentence_end(text, 0, len(text))] == 'He said "stop."'
    start = selection.next_sentence_start(text, 0, len(text))
    assert text[start : selection.next_sentence_end(text, start, len(text))] == "Then he left.”"


@settings(max_examples=100, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab .!?\u00e9\u4e2d"), min_size=1, max_size=60),
    st.lists(st.sampled_from(["w", "b", "s", "o"]), max_size=20),
)
def test_words_and_sentences_stay_inside_the_paragraph(text: str, keys: list[str]) -> None:
    doc = article(f"Before.\n\n{text.strip() or 'x'}\n\nAfter.")
    index = 1
    block = doc.blocks[index]
    span = selection.first_word(doc, index)
    moves = {
        "w": selection.word_forward,
        "b": selection.word_back,
        "s": selection.sentence_forward,
    }
    for key in keys:
        span = (span[1], span[0]) if key == "o" else moves[key](doc, *span)
        assert block.start <= span[0] <= block.end
        assert block.start <= span[1] <= block.end


@pytest.mark.parametrize(
    "text, first",
    [
        (
            "Dr. Smith met Mrs. Jones at 5 p.m. in the U.S. office, e.g. the one downtown. "
            "They talked.",
            "Dr. Smith met Mrs. Jones at 5 p.m. in the U.S. office, e.g. the one downtown.",
        ),
        ("我们走吧。你好！真的吗？", "我们走吧。"),
        ("今日は晴れです。明日は雨でしょう！", "今日は晴れです。"),
        ("No end at all", "No end at all"),
    ],
)
def test_sentences_know_abbreviations_and_cjk_full_stops(text: str, first: str) -> None:
    assert text[: next_sentence_end(text, 0, len(text))] == first


def test_the_end_of_a_sentence_in_a_huge_paragraph_is_found_a_window_at_a_time() -> None:
    from reader.text.selection import SENTENCE_WINDOW

    long_sentence = "word " * (SENTENCE_WINDOW // 2) + "end."
    text = long_sentence + " Next one."
    assert text[: next_sentence_end(text, 0, len(text))] == long_sentence


@pytest.mark.parametrize(
    "text, words",
    [
        ("中文段落。这是第二句！", ["中", "文", "段", "落。", "这", "是", "第", "二", "句！"]),
        ("これは「本」です。", ["こ", "れ", "は", "「本」", "で", "す。"]),
        ("用iPhone拍照", ["用", "iPhone", "拍", "照"]),
        ("Mixed 中文 text", ["Mixed", "中", "文", "text"]),
    ],
)
def test_where_there_are_no_spaces_each_cjk_character_is_a_word(
    text: str, words: list[str]
) -> None:
    # Issue 22.7: a paragraph of Chinese was one word. Until a segmenter comes, a CJK
    # character is a word, with the punctuation that closes it or opens it.
    doc = article(text)
    span = selection.first_word(doc, 0)
    found = [selected(doc, span)]
    while span[1] < doc.blocks[0].end:
        grown = selection.word_forward(doc, *span)
        found.append(doc.text[span[1] : grown[1]].strip())
        span = grown
    assert found == words
    # b gives the words back one by one, keeping the first
    for count in range(len(words) - 1, 0, -1):
        span = selection.word_back(doc, *span)
        assert selected(doc, span).replace(" ", "") == "".join(words[:count]).replace(" ", "")


def test_in_chinese_s_grows_a_character_to_its_sentence_and_then_the_next() -> None:
    doc = article("中文段落。这是第二句！这是第三句？")
    span = selection.sentence_forward(doc, *selection.first_word(doc, 0))
    assert selected(doc, span) == "中文段落。"
    span = selection.sentence_forward(doc, *span)
    assert selected(doc, span) == "中文段落。这是第二句！"
    swapped = selection.word_forward(doc, span[1], span[0])  # o, then w: the start moves
    assert selected(doc, swapped) == "文段落。这是第二句！"
