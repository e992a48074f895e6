"""`reader import` of other tools' files: each highlight on its article, the rest kept.

A library of hand-made books and pages (tests/data/imports/library/: six books in six
languages, as `reader add` writes an EPUB, and two web pages) takes the highlights of a
Kindle, KOReader, Readwise, Instapaper, Pocket and Omnivore; what the user reads on the
terminal, and what the database then holds, are checked.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from reader.cli import main
from reader.paths import resolve
from reader.text.documents import load_article
from tests.conftest import DATA
from tests.stores import notes_store

IMPORTS = DATA / "imports"
CLIPPINGS = IMPORTS / "kindle" / "My Clippings.txt"
KEPT_ORCHARD = "kept: no article in the library for The Glass Orchard (Penn, Morgan)"


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def books(tmp_path: Path) -> Path:
    folder = tmp_path / "books"
    shutil.copytree(IMPORTS / "library", folder)
    return folder


def zipped(folder: Path, name: str, into: Path) -> Path:
    path = into / name
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["import", *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def placed(folder: Path, name: str) -> list[str]:
    """The words each highlight of an article lies on, in its text, in order."""
    article = load_article(folder / name)
    store = notes_store(read_only=True)
    marks = sorted(store.highlights(article.id), key=lambda h: h.anchor.start)
    return [article.text[h.anchor.start : h.anchor.end] for h in marks if not h.orphan_in]


def test_a_clippings_file_places_each_book_of_the_library_and_keeps_the_book_that_is_not(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, str(CLIPPINGS), "--library", str(books))
    assert (code, err) == (0, "")
    assert out == [
        "My Clippings.txt (Kindle clippings): added 8 (placed 8, kept unplaced 0), book not in "
        "the library 1 (3 kept), skipped 4",
        f"{KEPT_ORCHARD}: 2 highlights and 1 note",
        "skipped: Kindle's notices that the book's clipping limit was reached (no words) (1)",
        "skipped: bookmarks (a place in a book, not a passage) (1)",
        "skipped: earlier versions of an edited highlight (the newest is kept) (1)",
        "skipped: entries repeated word for word (kept once) (1)",
    ]
    # Found by title and author ("The Salt Road: A Novel (Quill, Ada)" is the book whose
    # front matter says "The Salt Road", by "Ada Quill"), in the words of the book: the
    # highlight across two paragraphs too, which the Kindle wrote on one line.
    assert placed(books, "the-salt-road.md") == [
        "The road to the salt flats began where the orchard ended, and nobody in the village "
        "could say who had first walked it.",
        "older even than the quarrel between the two families who owned the land on either "
        "side of it.\n\nEvery spring the carts went out empty and came back white",
        "It is a strange thing to walk for three days toward a place and find that the place "
        "has been walking toward you.",
    ]
    for name, words in {
        "der-leuchtturm.md": "„Ein Licht, das niemand sieht, ist trotzdem ein Licht“, schrieb "
        "er im Winter, als kein Schiff mehr kam.",
        "la-maison-du-port.md": "On ne quitte jamais vraiment une maison : on emporte "
        "seulement la clé, et la porte reste ouverte derrière soi.",
        "el-jardin-de-invierno.md": "Decía que la tierra también necesita que alguien crea "
        "en ella, sobre todo cuando no da nada a cambio.",
        "kaze-no-tayori.md": "言葉は、急いで届けるものではない。"
        "待っている人のところへ、ゆっくり歩いていくものだ。",
        "shan-zhong-de-deng.md": "一盏灯照不亮整座山，但足够照亮一个人的脚下。",
    }.items():
        assert placed(books, name) == [words], name
    # The book not in the library is listed with its highlights, by its title.
    assert main(["notes", "--json", "in:orchard", "--library", str(books)]) == 0
    kept = json.loads(capsys.readouterr().out)
    assert sorted((n["title"], n["quote"], n["placed"]) for n in kept if n["quote"]) == [
        ("The Glass Orchard", "An orchard is a promise made to people you will never meet.", False),
        (
            "The Glass Orchard",
            "Glass remembers every hand that shaped it, and forgives none of them.",
            False,
        ),
    ]
    # Imported again: nothing is added twice.
    code, out, _ = run(capsys, str(CLIPPINGS), "--library", str(books))
    assert code == 0
    assert out[0] == (
        "My Clippings.txt (Kindle clippings): added 0 (placed 0, kept unplaced 0), already "
        "there 11, skipped 4"
    )


def test_a_book_kept_without_its_text_is_exported_by_its_title_and_named_so(
    books: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, str(CLIPPINGS), "--library", str(books))
    assert main(["export", "The Glass Orchard", "--library", str(books)]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        "reader: The Glass Orchard is a book kept without its text (its highlights came from "
        "another tool, and it is not in the library); its notes are exported with the words "
        "each was made on, none placed in a text\n"
    )
    assert "> An orchard is a promise made to people you will never meet." in captured.out
    assert "Location 700: Ask M. whether the ending was rewritten." in captured.out
    assert main(["export", "--all", "-o", str(tmp_path / "out"), "--library", str(books)]) == 0
    assert (
        "not exported: The Glass Orchard (a book not in the library) (--library DIR"
        in capsys.readouterr().err
    )


def test_a_book_added_later_takes_the_highlights_kept_for_it_at_the_next_import(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, str(CLIPPINGS), "--library", str(books))
    store = notes_store()
    (kept,) = [h for h in store.all_highlights() if "promise" in h.anchor.exact]
    # Meanwhile the reader gave it a note, in the notes screen.
    store.save_highlight(dataclasses.replace(kept, note="mine"), kept)
    store.close()
    (books / "the-glass-orchard.md").write_text(
        "---\ntitle: The Glass Orchard\nauthor: Morgan Penn\n---\n\n"
        "Glass remembers every hand that shaped it, and forgives none of them.\n\n"
        "An orchard is a promise made to people you will never meet.\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, str(CLIPPINGS), "--library", str(books))
    assert code == 0
    assert out[0] == (
        "My Clippings.txt (Kindle clippings): added 0 (placed 0, kept unplaced 0), kept "
        "earlier, now on their book 3, already there 8, skipped 4"
    )
    assert placed(books, "the-glass-orchard.md") == [
        "Glass remembers every hand that shaped it, and forgives none of them.",
        "An orchard is a promise made to people you will never meet.",
    ]
    store = notes_store(read_only=True)
    article = load_article(books / "the-glass-orchard.md")
    notes = {h.anchor.exact: h.note for h in store.highlights(article.id)}
    assert notes["An orchard is a promise made to people you will never meet."] == "mine"
    note = store.article_note(article.id)
    assert note == "Location 700: Ask M. whether the ending was rewritten."
    # Nothing is left behind on the book kept without its text.
    assert [h for h in store.all_highlights() if h.article_id == kept.article_id] == []
    assert store.article_note(kept.article_id) == ""


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (
            lambda tmp: IMPORTS / "koreader" / "2024" / "the-salt-road.sdr",
            "the-salt-road.sdr (KOReader sidecar): added 2 (placed 2, kept unplaced 0), skipped 1",
        ),
        (
            lambda tmp: IMPORTS / "koreader" / "2020" / "der-leuchtturm.sdr" / "metadata.epub.lua",
            "metadata.epub.lua (KOReader sidecar): added 2 (placed 2, kept unplaced 0), skipped 1",
        ),
        (
            lambda tmp: IMPORTS / "koreader" / "2013" / "la-maison-du-port.sdr",
            "la-maison-du-port.sdr (KOReader sidecar): added 2 (placed 2, kept unplaced 0)",
        ),
        (
            lambda tmp: IMPORTS / "koreader" / "export.json",
            "export.json (KOReader highlight export): added 3 (placed 3, kept unplaced 0)",
        ),
        (
            lambda tmp: IMPORTS / "csv" / "readwise.csv",
            "readwise.csv (Readwise CSV export): added 4 (placed 4, kept unplaced 0), books not "
            "in the library 2 (2 kept)",
        ),
        (
            lambda tmp: IMPORTS / "csv" / "instapaper.csv",
            "instapaper.csv (Instapaper CSV export): added 3 (placed 3, kept unplaced 0), book "
            "not in the library 1 (1 kept), skipped 1",
        ),
        (
            lambda tmp: zipped(IMPORTS / "pocket", "pocket.zip", tmp),
            "pocket.zip (Pocket annotations export): added 3 (placed 3, kept unplaced 0), book "
            "not in the library 1 (1 kept), skipped 1",
        ),
        (
            lambda tmp: zipped(IMPORTS / "omnivore", "omnivore.zip", tmp),
            "omnivore.zip (Omnivore export): added 3 (placed 3, kept unplaced 0)",
        ),
    ],
)
def test_each_format_places_its_highlights_and_a_second_import_adds_nothing(
    books: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make, said: str
) -> None:
    file = make(tmp_path)
    code, out, err = run(capsys, str(file), "--library", str(books))
    assert (code, err) == (0, "")
    assert out[0] == said
    code, out, _ = run(capsys, str(file), "--library", str(books))
    assert code == 0 and out[0].split(": ", 1)[1].startswith("added 0 (placed 0, kept unplaced 0)")
    assert "already there" in out[0]


def test_pages_are_found_by_their_address_and_kept_by_their_title_when_not_there(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, str(IMPORTS / "csv" / "instapaper.csv"), "--library", str(books))
    assert code == 0
    assert out[1] == (
        'kept: no article in the library for An article, "not here" '
        "(https://unknown.example/article): 1 highlight"
    )
    assert placed(books, "tide-tables.md") == [
        "A tide table looks like a list of numbers, but it is really a letter from the moon",
        "Sailors learn the “rule of twelfths”, which says that the water rises by one twelfth "
        "in the first hour, two in the second, three in the third, and then the same again on "
        "the way down.",
    ]


def test_a_title_shared_by_two_books_is_told_apart_by_the_author_never_by_guess(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, author in (("salt-road-other.md", "Bea Marsh"), ("salt-road-third.md", "")):
        (books / name).write_text(
            f"---\ntitle: The Salt Road\nauthor: {author}\n---\n\n"
            "It is a strange thing to walk for three days toward a place and find that the "
            "place has been walking toward you.\n",
            encoding="utf-8",
        )
    run(capsys, str(IMPORTS / "csv" / "readwise.csv"), "--library", str(books))
    assert len(placed(books, "the-salt-road.md")) == 2  # Ada Quill's, not Bea Marsh's
    assert placed(books, "salt-road-other.md") == placed(books, "salt-road-third.md") == []
    # By an author nobody in the library is, with two books of that title whose authors
    # are unknown: kept, and the report names both.
    clip = books.parent / "clip.txt"
    clip.write_text(
        "The Salt Road (Someone Else)\n- Your Highlight on Location 3-4 | Added on Monday, "
        "March 4, 2024 9:00:00 AM\n\nIt is a strange thing to walk\n==========\n",
        encoding="utf-8",
    )
    (books / "salt-road-other.md").write_text(
        "---\ntitle: The Salt Road\n---\n\nIt is a strange thing to walk.\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, str(clip), "--library", str(books))
    assert code == 0
    assert out[1].startswith("kept: 2 articles in the library have the title “The Salt Road” (")
    assert "not placed in either by guess: 1 highlight" in out[1]


def test_format_is_forced_with_format_and_a_wrong_one_is_one_clear_line(
    books: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, str(CLIPPINGS), "--format", "readwise", "--library", str(books))
    assert code == 2 and out == []
    assert err == "reader: My Clippings.txt has no column 'highlight', 'book title'\n"
    unknown = tmp_path / "notes.txt"
    unknown.write_text("a list\nof things\n", encoding="utf-8")
    code, _, err = run(capsys, str(unknown), "--library", str(books))
    assert code == 2 and err.count("\n") == 1 and "is not a format reader imports" in err
    assert not resolve().db.exists()  # nothing read: no database made
    renamed = tmp_path / "clippings.json"  # a name that says JSON: what it holds decides
    shutil.copy(CLIPPINGS, renamed)
    code, out, _ = run(capsys, str(renamed), "--library", str(books))
    assert code == 0 and out[0].startswith("clippings.json (Kindle clippings): added 8")
