"""An imported highlight's book found by its title and author, or the EPUB it was added from,
and its words found where an e-reader broke its lines otherwise."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.notes.incoming import Passage
from reader.services.quotes import loose_find
from reader.services.targets import Articles
from reader.text.works import authors_agree, short_title
from tests.conftest import DATA


@pytest.fixture
def books(tmp_path: Path) -> Path:
    folder = tmp_path / "books"
    shutil.copytree(DATA / "imports" / "library", folder)
    return folder


def found(books: Path, **names: str) -> str:
    article = Articles(books).find(Passage("", **names))
    return article.meta.path.name if article is not None else ""


def test_a_book_is_found_by_its_title_and_author_as_another_tool_writes_them(books: Path) -> None:
    assert found(books, title="The Salt Road", author="Ada Quill") == "the-salt-road.md"
    # Kindle's subtitle and "Last, First": the title without its subtitle, the same names.
    assert found(books, title="The Salt Road: A Novel", author="Quill, Ada") == "the-salt-road.md"
    assert found(books, title="風の便り", author="山田 花子") == "kaze-no-tayori.md"
    # A subtitle alone is not enough: the authors must be the same people.
    assert found(books, title="The Salt Road: A Novel", author="Bea Marsh") == ""
    assert found(books, title="The Salt Road: A Novel") == ""
    # The title the same, an author the front matter does not name: another book.
    assert found(books, title="The Salt Road", author="Bea Marsh") == ""


def test_a_book_is_found_by_the_epub_file_it_was_added_from(books: Path) -> None:
    # A KOReader sidecar names the book's file on the reader: the same name as the EPUB
    # that `reader add` made the article from (its front matter's source).
    assert found(books, file="/mnt/us/documents/der-leuchtturm.epub") == "der-leuchtturm.md"
    assert found(books, file="/mnt/us/documents/another.epub") == ""


def test_the_same_title_by_different_authors_is_told_apart_and_never_guessed(books: Path) -> None:
    (books / "other.md").write_text(
        "---\ntitle: The Salt Road\nauthor: Bea Marsh\n---\n\nWords.\n", encoding="utf-8"
    )
    assert found(books, title="The Salt Road", author="Bea Marsh") == "other.md"
    assert found(books, title="The Salt Road", author="Quill, Ada") == "the-salt-road.md"
    articles = Articles(books)
    nobody = Passage("", title="The Salt Road")
    assert articles.find(nobody) is None
    assert "2 articles in the library have the title “The Salt Road”" in articles.why_not(nobody)


def test_titles_and_authors_compare_as_a_reader_would() -> None:
    assert short_title("Das Jesus-Video: Thriller (German Edition)") == "das jesus video"
    assert short_title("The Fellowship of the Ring (The Lord of the Rings, Book 1)") == (
        "the fellowship of the ring"
    )
    assert short_title("(Untitled)") == "untitled"
    assert authors_agree("Fitzgerald, F. Scott", "F. Scott Fitzgerald", strictly=True)
    assert authors_agree("〔美〕弗洛姆", "弗洛姆", strictly=True)
    assert not authors_agree("John Smith", "John Doe", strictly=True)
    assert authors_agree("", "Anyone") and not authors_agree("", "Anyone", strictly=True)


def test_words_are_found_whatever_the_white_space_an_e_reader_put_between_them() -> None:
    text = "The end of one paragraph.\n\nThe start of the next, and more."
    assert loose_find(text, "paragraph. The start") == (15, 36)
    assert loose_find(text, "paragraph.The start") == (15, 36)  # Kindle joins them so too
    assert loose_find(text, "paragraph.\nThe   start") == (15, 36)
    assert loose_find(text, "paragraph. The finish") is None
    assert loose_find(text, "paragraph.") is None  # one word: the exact search's
