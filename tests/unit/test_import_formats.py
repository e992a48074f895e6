"""Other tools' files read as they are: Kindle, KOReader, Readwise, Instapaper, Pocket, Omnivore.

The fixtures in tests/data/imports/ are hand-made in each tool's own shape (see its
README); these tests read them with the format modules alone, no store, no library.
"""

from __future__ import annotations

import shutil
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from reader.notes import formats
from reader.notes.formats import kindle, koreader
from reader.notes.formats.kindle_meta import BOOKMARK, HIGHLIGHT, NOTE, read_meta
from reader.notes.incoming import Incoming
from tests.conftest import DATA

IMPORTS = DATA / "imports"
CLIPPINGS = IMPORTS / "kindle" / "My Clippings.txt"


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Devices write their local time: the tests read it as UTC wherever they run."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def by_quote(items: list[Incoming]) -> dict[str, Incoming]:
    return {item.target.quote.get("exact", ""): item for item in items}


def omnivore_zip(folder: Path) -> Path:
    """Omnivore's export, zipped here from its files in tests/data/imports/omnivore/."""
    path = folder / "omnivore-export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted((IMPORTS / "omnivore").rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(IMPORTS / "omnivore").as_posix())
    return path


def pocket_zip(folder: Path) -> Path:
    """Pocket's export zip, made here from its files in tests/data/imports/pocket/."""
    path = folder / "pocket.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted((IMPORTS / "pocket").rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(IMPORTS / "pocket").as_posix())
    return path


# --- Kindle ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind", "start", "end", "page", "added"),
    [
        (
            "- Your Highlight on page 12 | Location 170-172 | Added on Sunday, March 3, 2024 "
            "9:15:02 PM",
            HIGHLIGHT, 170, 172, "12", datetime(2024, 3, 3, 21, 15, 2),
        ),
        (
            "- Your Highlight at location 829-830 | Added on Tuesday, 10 October 2023 21:09:36",
            HIGHLIGHT, 829, 830, "", datetime(2023, 10, 10, 21, 9, 36),
        ),
        (  # older Kindles shorten the end of a range
            "- Highlight Loc. 1170-72  | Added on Sunday, March 03, 2013, 09:15 PM",
            HIGHLIGHT, 1170, 1172, "", datetime(2013, 3, 3, 21, 15),
        ),
        (
            "- Your Note on Location 172 | Added on Sunday, March 3, 2024 12:15:02 AM",
            NOTE, 172, 172, "", datetime(2024, 3, 3, 0, 15, 2),
        ),
        (  # "am" is German for "on the": it is no morning
            "- Ihre Markierung bei Position 170-172 | Hinzugefügt am Sonntag, 3. März 2024 "
            "12:15:02",
            HIGHLIGHT, 170, 172, "", datetime(2024, 3, 3, 12, 15, 2),
        ),
        (
            "- Ihr Lesezeichen auf Seite 30 | bei Position 400 | Hinzugefügt am Dienstag, "
            "4. März 2025 08:00:00",
            BOOKMARK, 400, 400, "30", datetime(2025, 3, 4, 8, 0),
        ),
        (
            "- Votre surlignement sur la page 200 | emplacement 3054-3056 | Ajouté le mercredi "
            "16 août 2017 02:14:10",
            HIGHLIGHT, 3054, 3056, "200", datetime(2017, 8, 16, 2, 14, 10),
        ),
        (
            "- Votre note Emplacement 1214 | Ajouté le samedi 20 octobre 2018 à 12:55:45",
            NOTE, 1214, 1214, "", datetime(2018, 10, 20, 12, 55, 45),
        ),
        (
            "- Tu subrayado en la página 45 | posición 678-680 | Añadido el martes, 15 de "
            "febrero de 2022 19:30:45",
            HIGHLIGHT, 678, 680, "45", datetime(2022, 2, 15, 19, 30, 45),
        ),
        (
            "- Tu nota en la posición 680 | Añadido el martes, 15 de febrero de 2022 7:30:45 p. m.",
            NOTE, 680, 680, "", datetime(2022, 2, 15, 19, 30, 45),
        ),
        (
            "- La tua evidenziazione alla posizione 170-172 | Aggiunto in data domenica 3 "
            "marzo 2024 21:15:02",
            HIGHLIGHT, 170, 172, "", datetime(2024, 3, 3, 21, 15, 2),
        ),
        (
            "- Seu destaque ou posição 170-172 | Adicionado: domingo, 3 de março de 2024 21:15:02",
            HIGHLIGHT, 170, 172, "", datetime(2024, 3, 3, 21, 15, 2),
        ),
        (
            "- Uw markering op locatie 170-172 | Toegevoegd op zondag 3 maart 2024 21:15:02",
            HIGHLIGHT, 170, 172, "", datetime(2024, 3, 3, 21, 15, 2),
        ),
        (
            "- 26ページ|位置No. 295-296のハイライト |作成日: 2023年9月4日月曜日 22:53:55",
            HIGHLIGHT, 295, 296, "26", datetime(2023, 9, 4, 22, 53, 55),
        ),
        (
            "- 位置No. 336のメモ |作成日: 2023年6月10日土曜日 9:18:40",
            NOTE, 336, 336, "", datetime(2023, 6, 10, 9, 18, 40),
        ),
        (
            "- 30ページ|位置No. 400のブックマーク |作成日: 2025年4月2日水曜日 21:06:00",
            BOOKMARK, 400, 400, "30", datetime(2025, 4, 2, 21, 6),
        ),
        (
            "- 您在第 47 页（位置 #708-710）的标注 | 添加于 2021年3月5日星期五 上午1:26:56",
            HIGHLIGHT, 708, 710, "47", datetime(2021, 3, 5, 1, 26, 56),
        ),
        (
            "- 您在位置 #205 的笔记 | 添加于 2019年8月31日星期六 下午12:55:51",
            NOTE, 205, 205, "", datetime(2019, 8, 31, 12, 55, 51),
        ),
        (
            "- 您在位置 #209 的书签 | 添加于 2017年12月9日星期六 下午10:09:32",
            BOOKMARK, 209, 209, "", datetime(2017, 12, 9, 22, 9, 32),
        ),
        (
            "- Ваше выделение на странице 12 | позиция 170-172 | Добавлено: воскресенье, 3 "
            "марта 2024 г. 21:15:02",
            HIGHLIGHT, 170, 172, "12", datetime(2024, 3, 3, 21, 15, 2),
        ),
        (  # a PDF: pages only
            "- Your Highlight on page 421-421 | Added on Thursday, April 13, 2017 11:51:59 AM",
            HIGHLIGHT, -1, -1, "421-421", datetime(2017, 4, 13, 11, 51, 59),
        ),
    ],
)  # fmt: skip
def test_the_second_line_of_a_clipping_is_read_in_every_language_kindle_writes(
    line: str, kind: str, start: int, end: int, page: str, added: datetime
) -> None:
    meta = read_meta(line)
    assert meta is not None
    assert (meta.kind, meta.start, meta.end, meta.page, meta.added) == (
        kind,
        start,
        end,
        page,
        added,
    )


def test_a_clippings_file_gives_each_highlight_once_with_its_note_and_skips_the_rest() -> None:
    reading = kindle.read(CLIPPINGS)
    found = by_quote(reading.items)
    books = {(item.target.title, item.target.author) for item in reading.items}
    assert books == {
        ("The Salt Road: A Novel", "Quill, Ada"),
        ("Der Leuchtturm", "Lindner, Greta"),
        ("La Maison du port", "Dubois, Claire"),
        ("El jardín de invierno", "Romero, Lucía"),
        ("風の便り", "山田 花子"),
        ("山中的灯", "李明"),
        ("The Glass Orchard", "Penn, Morgan"),
    }
    # Edited on the Kindle (a longer highlight appended later): kept once, the newest
    # words, under the id of the first entry, with the note made at its end.
    edited = found[
        "The road to the salt flats began where the orchard ended, and nobody in the village "
        "could say who had first walked it."
    ]
    assert "The road to the salt flats began where the orchard ended" not in found
    assert edited.note == "Compare with the last line of the book."
    assert (edited.created, edited.modified) == ("2024-03-03T21:15:02Z", "2024-03-05T08:01:30Z")
    # Notes join their highlights in German and Japanese too.
    words = "言葉は、急いで届けるものではない。待っている人のところへ、ゆっくり歩いていくものだ。"
    assert found[words].note == "大切な一文。"
    assert found[
        "„Ein Licht, das niemand sieht, ist trotzdem ein Licht“, schrieb er im Winter, als kein "
        "Schiff mehr kam."
    ].note == ("Der schönste Satz des Buches.")
    assert found["一盏灯照不亮整座山，但足够照亮一个人的脚下。"].created == "2024-03-09T21:15:02Z"
    # A note that joins no highlight is a note on the book, saying where it was made.
    (alone,) = [item for item in reading.items if item.target.whole]
    assert alone.note == "Location 700: Ask M. whether the ending was rewritten."
    assert alone.motivation == "commenting"
    assert len(reading.items) == 11  # 10 highlights and that note
    assert reading.skips.counts == {
        "bookmarks (a place in a book, not a passage)": 1,
        "entries repeated word for word (kept once)": 1,
        "earlier versions of an edited highlight (the newest is kept)": 1,
        "Kindle's notices that the book's clipping limit was reached (no words)": 1,
    }


def test_clipping_ids_are_the_same_at_every_reading_and_when_the_kindle_adds_more(
    tmp_path: Path,
) -> None:
    first = {item.id for item in kindle.read(CLIPPINGS).items}
    assert len(first) == 11
    longer = tmp_path / "My Clippings.txt"
    longer.write_bytes(
        CLIPPINGS.read_bytes()
        + "Der Leuchtturm (Lindner, Greta)\r\n- Ihre Markierung bei Position 99-100 | "
        "Hinzugefügt am Freitag, 15. März 2024 07:02:11\r\n\r\nJonas las ihn zweimal."
        "\r\n==========\r\n".encode()
    )
    again = {item.id for item in kindle.read(longer).items}
    assert first < again and len(again - first) == 1


# --- KOReader --------------------------------------------------------------------------------


def test_a_koreader_sidecar_of_2024_gives_its_annotations_and_skips_its_bookmarks() -> None:
    reading = formats.read(IMPORTS / "koreader" / "2024" / "the-salt-road.sdr", "koreader")
    assert reading.kind == "KOReader sidecar"
    first, second = reading.items
    assert (first.target.title, first.target.author) == ("The Salt Road", "Ada Quill")
    assert first.target.file == "/mnt/onboard/Books/the-salt-road.epub"
    assert first.colour == "pink"  # KOReader's red, as near as reader's five go
    assert first.created == first.modified == "2024-03-03T21:15:02Z"
    assert second.target.quote["exact"] == (
        "The flats were not silent, as I had been told.\nThey hissed and cracked under the sun"
    )
    assert second.note == 'The flats "sing":\nlike a kettle.'  # a Lua \-newline is a line end
    assert (second.created, second.modified) == ("2024-03-04T07:30:00Z", "2024-03-05T18:02:13Z")
    assert (second.colour, second.label) == ("green", "The Salt Road, Two")
    assert reading.skips.counts == {"bookmarks (a place in a book, not a passage)": 1}


def test_a_koreader_sidecar_of_2020_takes_the_note_from_its_bookmark_not_koreaders_words() -> None:
    sidecar = IMPORTS / "koreader" / "2020" / "der-leuchtturm.sdr" / "metadata.epub.lua"
    reading = formats.read(sidecar, "koreader")
    found = by_quote(reading.items)
    assert len(found) == 2
    light = found[
        "„Ein Licht, das niemand sieht, ist trotzdem ein Licht“, schrieb er im Winter, als kein "
        "Schiff mehr kam."
    ]
    assert (light.note, light.colour) == ("Der schönste Satz des Buches.", "blue")
    # Its text was KOReader's own ("Seite 1 <words> @ <time>"): no note of the reader's.
    heft = found["Er sprach wenig, aber er schrieb jeden Abend drei Sätze in ein blaues Heft"]
    assert heft.note == ""
    assert reading.skips.counts == {"bookmarks (a place in a book, not a passage)": 1}


def test_a_koreader_sidecar_from_before_2014_has_highlights_alone() -> None:
    reading = formats.read(IMPORTS / "koreader" / "2013" / "la-maison-du-port.sdr", "koreader")
    quotes = [item.target.quote["exact"] for item in reading.items]
    assert sorted(quotes) == [
        "Le matin, la mer était grise et patiente",
        "On ne quitte jamais vraiment une maison : on emporte seulement la clé, et la porte "
        "reste ouverte derrière soi.",
    ]
    # No doc_props: the book is named by its file.
    assert {item.target.title for item in reading.items} == {"la-maison-du-port"}


def test_koreaders_json_export_gives_the_same_ids_as_its_sidecar() -> None:
    export = formats.read(IMPORTS / "koreader" / "export.json", "koreader")
    sidecar = formats.read(IMPORTS / "koreader" / "2024" / "the-salt-road.sdr", "koreader")
    assert export.kind == "KOReader highlight export"
    assert len(export.items) == 3
    shared = by_quote(export.items).keys() & by_quote(sidecar.items).keys()
    (quote,) = shared
    assert by_quote(export.items)[quote].id == by_quote(sidecar.items)[quote].id
    last = by_quote(export.items)[
        "It is a strange thing to walk for three days toward a place and find that the place "
        "has been walking toward you."
    ]
    assert (last.note, last.colour, last.created) == (
        "The last line.",
        "purple",
        "2024-03-05T00:53:20Z",
    )


# --- the CSV files ---------------------------------------------------------------------------


def test_readwise_csv_keeps_quotes_commas_and_line_ends_inside_its_fields() -> None:
    reading = formats.read(IMPORTS / "csv" / "readwise.csv", "readwise")
    found = by_quote(reading.items)
    walk = found[
        "It is a strange thing to walk for three days toward a place and find that the place "
        "has been walking toward you."
    ]
    assert walk.note == 'A note, with a comma and "quotes"\nand a second line'
    assert walk.tags == ["travel", "endings"]
    assert (walk.target.title, walk.target.author) == ("The Salt Road", "Ada Quill")
    assert walk.created == "2024-03-03T21:15:02Z"
    two = found[
        "older even than the quarrel between the two families who owned the land on either "
        "side of it.\nEvery spring the carts went out empty and came back white"
    ]
    assert two.colour == "blue"
    train = found["“You go to bed in one country and wake up in another,” one passenger said"]
    assert (train.colour, train.tags) == ("yellow", ["trains"])  # orange: reader's yellow
    # A spreadsheet formula is words like any other, kept as they are.
    assert found["=cmd|' /C notepad'!A0"].note == "+SUM(1,2)"
    garden = found[
        "Decía que la tierra también necesita que alguien crea en ella, sobre todo cuando no "
        "da nada a cambio."
    ]
    assert garden.note == "=cmd|' /C calc'!A0"
    assert len(reading.items) == 6


def test_instapaper_csv_gives_its_selections_and_skips_articles_saved_without_one() -> None:
    reading = formats.read(IMPORTS / "csv" / "instapaper.csv", "instapaper")
    found = by_quote(reading.items)
    assert len(found) == 4
    moon = found[
        "A tide table looks like a list of numbers,\nbut it is really a letter from the moon"
    ]
    assert moon.target.source == "https://www.example.org/notes/tide-tables/?utm_medium=email"
    assert moon.created == "2024-03-03T21:17:30Z"
    assert found["=cmd|' /C calc'!A0"].target.title == 'An article, "not here"'
    assert reading.skips.counts == {
        "articles saved without a passage chosen (`reader add --from` adds them)": 1
    }


# --- Pocket and Omnivore ---------------------------------------------------------------------


def test_pockets_annotations_read_from_its_json_and_from_its_zip(tmp_path: Path) -> None:
    plain = formats.read(IMPORTS / "pocket" / "annotations" / "part_000000.json", "pocket")
    zipped = formats.read(pocket_zip(tmp_path), "pocket")
    assert [i.id for i in plain.items] == [i.id for i in zipped.items]
    assert len(plain.items) == 4
    dover = by_quote(plain.items)["High water at Dover does not mean high water everywhere"]
    assert dover.target.source == "https://www.example.org/notes/tide-tables"
    assert dover.created == "2024-03-03T21:21:40Z"
    assert plain.skips.counts == {"articles without highlights": 1}


def test_an_omnivore_zip_gives_each_highlight_with_its_labels_and_note(tmp_path: Path) -> None:
    reading = formats.read(omnivore_zip(tmp_path), "omnivore")
    found = by_quote(reading.items)
    assert len(found) == 3
    numbers = found["Nobody trusts the numbers completely."]
    assert numbers.tags == ["sea", "numbers"]
    assert numbers.note == "The wind matters more than the moon here.\nEven on a calm day."
    assert numbers.target.source == "https://www.example.org/notes/tide-tables/"
    # A passage of two paragraphs: Omnivore wrote the blank line between them as "> ".
    trains = found[
        "Ten years ago Europe’s sleeper trains were disappearing, one timetable at a time.\n\n"
        "Now new lines open every winter, and the carriages, refitted with narrow beds and tiny "
        "sinks, are full on Friday nights."
    ]
    assert trains.note == "Worth a trip in May."
    letter = found[
        "A tide table looks like a list of numbers, but it is really a letter from the moon, "
        "written a year in advance."
    ]
    assert letter.tags == []


# --- telling the format ----------------------------------------------------------------------


def test_each_format_is_told_by_what_the_file_holds_not_its_name(tmp_path: Path) -> None:
    files = {
        CLIPPINGS: "kindle",
        IMPORTS / "koreader" / "2024" / "the-salt-road.sdr" / "metadata.epub.lua": "koreader",
        IMPORTS / "koreader" / "export.json": "koreader",
        IMPORTS / "csv" / "readwise.csv": "readwise",
        IMPORTS / "csv" / "instapaper.csv": "instapaper",
        IMPORTS / "pocket" / "annotations" / "part_000000.json": "pocket",
        omnivore_zip(tmp_path): "omnivore",
        pocket_zip(tmp_path): "pocket",
        DATA / "hypothesis" / "client-export.json": "w3c",
    }
    for number, (file, expected) in enumerate(files.items()):
        renamed = tmp_path / f"download-{number}"
        shutil.copy(file, renamed)
        assert formats.detect(renamed) == expected, file
    assert formats.detect(IMPORTS / "koreader" / "2013" / "la-maison-du-port.sdr") == "koreader"


def test_a_file_of_no_format_says_what_reader_reads(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("just some words\nand more\n", encoding="utf-8")
    with pytest.raises(formats.FormatError, match="not a format reader imports"):
        formats.detect(text)
    book = tmp_path / "book.epub"
    with zipfile.ZipFile(book, "w") as archive:
        archive.writestr("META-INF/container.xml", "<container/>")
    with pytest.raises(formats.FormatError, match=r"is an EPUB book: `reader add book\.epub`"):
        formats.detect(book)
    with pytest.raises(formats.FormatError, match="holds no clippings"):
        formats.read(text, "kindle")
    with pytest.raises(formats.FormatError, match="has no column 'highlight', 'book title'"):
        formats.read(IMPORTS / "csv" / "instapaper.csv", "readwise")


def test_a_sidecar_names_its_book_by_its_file_when_it_has_no_title() -> None:
    assert koreader._title_from("C:\\Books\\Some Book.epub", Path("x")) == "Some Book"
