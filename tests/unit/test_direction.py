"""Right-to-left paragraphs: told apart, and each line put in visual order, numbers and Latin
words keeping their own direction. The Arabic is the opening of the Qur'an (al-Fatiha), the
Hebrew the first verses of Genesis (both public domain), mixed with numbers and Latin words."""

from __future__ import annotations

from pathlib import Path

from reader.text.direction import is_rtl, visual

ARABIC = (
    "الحمد لله رب العالمين، الرحمن الرحيم، مالك يوم الدين. إياك نعبد وإياك نستعين، اهدنا "
    "الصراط المستقيم، صراط الذين أنعمت عليهم (سورة 1، آية 7) في سنة 2024 قرأ Ahmed هذا النص."
)
HEBREW = (
    "בראשית ברא אלהים את השמים ואת הארץ. והארץ היתה תהו ובהו, וחשך על פני תהום; ורוח אלהים "
    "מרחפת על פני המים. (Genesis 1:1-2)"
)


def shown(line: str) -> str:
    return "".join(char for _index, char in visual(line))


def test_mostly_right_to_left_paragraphs_are_told_apart() -> None:
    assert is_rtl(ARABIC) and is_rtl(HEBREW)
    assert not is_rtl("An English paragraph that quotes one word, שלום, and goes on.")
    assert not is_rtl("Plain ASCII.") and not is_rtl("中文段落。")


def test_a_line_reads_right_to_left_with_numbers_and_latin_words_left_to_right() -> None:
    line = "قرأ Ahmed في سنة 2024 (سورة 1)"
    display = shown(line)
    assert "Ahmed" in display and "2024" in display  # kept in their own order
    # The first word of the line is drawn at the right end, its letters right to left.
    assert display.endswith("أرق")
    # The bracket pair is mirrored, so it still encloses its words as a reader sees them.
    assert display.startswith("(1 ةروس)")


def test_every_character_is_shown_once_and_marks_are_not_drawn() -> None:
    line = "שלום\u200f עולם 123"
    order = visual(line)
    assert sorted(index for index, _char in order) == [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert "\u200f" not in shown(line)


def test_reader_add_keeps_direction_marks_in_the_text_and_not_overrides(tmp_path: Path) -> None:
    from reader.intake import add_source

    page = tmp_path / "page.html"
    sentence = f"{ARABIC} \u200f(2024)\u200f \u202eevil\u202c "
    page.write_text(
        f"<html><head><title>\u200fنص\u200f</title></head><body><article><h1>\u200fنص</h1>"
        f"<p>{sentence * 4}</p><p>{sentence * 3}</p></article></body></html>",
        encoding="utf-8",
    )
    result = add_source(str(page), tmp_path / "library")
    assert result.path is not None, result.message()
    markdown = result.path.read_text(encoding="utf-8")
    assert "\u200f(2024)\u200f" in markdown  # a mark that places the number is kept
    assert "\u202e" not in markdown and "\u202c" not in markdown  # an override is not
    assert 'title: "نص"' in markdown  # nor a mark in the title
