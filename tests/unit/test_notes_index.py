"""The notes index: every highlight and note of the library, newest first, and its filter."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.db.store import ArticleInfo, Store
from reader.model import Anchor, Colour, Highlight
from reader.services.notes_index import (
    ARTICLE_NOTE,
    HIGHLIGHT,
    NotesIndex,
    Query,
    build,
    colour_names,
    newest_first,
    parse,
)
from reader.text.documents import article_id
from tests.stores import notes_store

# The articles' files, in the test's folder (its working directory): an article's id is the
# vault key of its file.
FILES = {"tax": "tax.md", "sea": "sea.md", "nameless": "nameless-essay.md"}


def key(name: str) -> str:
    """The id of the article named ``name`` in :data:`FILES` (else of the file ``name``)."""
    return article_id(Path.cwd() / FILES.get(name, name))


def highlight(
    number: int,
    article: str = "tax",
    quote: str = "a quote",
    *,
    note: str = "",
    tags: tuple[str, ...] = (),
    colour: Colour = Colour.YELLOW,
    modified: str = "",
    block: int = 0,
) -> Highlight:
    return Highlight(
        id=f"h{number}",
        article_id=article if len(article) == 16 else key(article),
        anchor=Anchor(0, len(quote), quote, block=block),
        colour=colour,
        tags=tags,
        note=note,
        created=f"2026-01-{number + 1:02d}T00:00:00Z",
        modified=modified,
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """Two titled articles and one the database knows no title for."""
    store = notes_store()
    store.save_article_infos(
        {
            key("tax"): (tmp_path / "tax.md", ArticleInfo("Digital Tax Retreat", 100, 1, 1)),
            key("sea"): (tmp_path / "sea.md", ArticleInfo("The Salt Marsh", 100, 1, 1)),
        }
    )
    store.save_highlights(
        [
            highlight(0, quote="Canada drops the tax", tags=("tax", "canada"), block=4),
            highlight(1, quote="Talks resume", note="Why now?\nSecond line", colour=Colour.GREEN),
        ]
    )
    store.save_highlights(
        [
            highlight(2, "sea", "The tide comes in", tags=("taxonomy",), colour=Colour.BLUE),
            highlight(3, "sea", "Green water\n\nand mud", modified="2026-02-01T00:00:00Z"),
        ]
    )
    store.save_position(key("nameless"), tmp_path / "nameless-essay.md", "f", _position())
    store.save_highlight(highlight(4, "nameless", "Untitled words"))
    store.set_article_note(key("sea"), tmp_path / "sea.md", "The marsh, overall")
    return store


def _position():
    from reader.model import ReadingPosition

    return ReadingPosition(0, 0, 0.0)


def found(index: NotesIndex, text: str) -> list[str]:
    return [index.items[i].id for i in index.filter(text)]


def test_every_highlight_and_article_note_newest_first_with_titles_and_files(
    store: Store, tmp_path: Path
) -> None:
    index = build(store)
    ids = [item.id for item in index.items]
    # The article note was written just now, h3 was modified in February, then by creation.
    assert ids == [f"note-{key('sea')}", "h3", "h4", "h2", "h1", "h0"]
    note, changed, nameless, tide = index.items[0], index.items[1], index.items[2], index.items[3]
    assert note.kind == ARTICLE_NOTE and note.title == "The Salt Marsh" and note.block is None
    assert changed.kind == HIGHLIGHT and changed.path == tmp_path / "sea.md"
    assert nameless.title == "nameless-essay"  # no title known: the file's name
    assert tide.paragraph == 1 and tide.colour == "blue" and tide.tags == ("taxonomy",)
    assert index.items[-1].paragraph == 5
    assert index.article_count == 3


def test_an_article_the_database_has_no_file_for_is_found_in_the_library(
    tmp_path: Path,
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    essay = library / "essay.md"
    essay.write_text("# Essay\n\nText.\n", encoding="utf-8")
    store = notes_store()
    store.save_highlight(highlight(0, article_id(essay), "Text."))
    # An id no path of this machine gave (notes another device made of a file this one
    # never saw, in a vault file that did not say its path).
    unknown = "0123456789abcdef"
    store.save_highlight(highlight(1, unknown, "Elsewhere"))
    items = {item.id: item for item in build(store, library).items}
    assert items["h0"].path == essay and items["h0"].title == "essay"
    # No file known: the article is shown by its id.
    assert items["h1"].path is None and items["h1"].title == unknown


def test_what_the_filter_searches_is_made_once_when_first_needed(store: Store) -> None:
    index = build(store)
    assert not index.ready
    assert len(index.filter("")) == len(index.items) and not index.ready
    assert found(index, "tide") == ["h2"] and index.ready
    other = build(store)
    other.prepare()
    assert other.ready


def test_words_find_the_quote_the_note_the_tags_and_the_title(store: Store) -> None:
    index = build(store)
    assert found(index, "tide") == ["h2"]
    assert found(index, "WHY") == ["h1"]  # case is ignored
    assert found(index, "second") == ["h1"]  # not only the note's first line
    assert found(index, "canada") == ["h0"]  # the quote and the tag
    assert found(index, "marsh") == [f"note-{key('sea')}", "h3", "h2"]  # the title, and the note
    assert found(index, "salt tide") == ["h2"]  # every word must be there
    assert found(index, "") == [item.id for item in index.items]


def test_a_phrase_in_quotes_and_across_a_line_end(store: Store) -> None:
    index = build(store)
    assert found(index, '"water and mud"') == ["h3"]
    assert found(index, '"mud water"') == []
    assert found(index, '"green"') == ["h3"]  # in quotes, a colour's name is a word


def test_a_tag_by_its_beginning(store: Store) -> None:
    index = build(store)
    assert found(index, "#tax") == ["h2", "h0"]
    assert found(index, "#taxo") == ["h2"]
    assert found(index, "#TAX #can") == ["h0"]
    assert found(index, "#") == [item.id for item in index.items]  # being typed


def test_a_colour_by_its_name_and_the_name_the_settings_give_it(store: Store) -> None:
    index = build(store, names={"yellow": "Important"})
    assert found(index, "green") == ["h1"]  # the colour, not the word "Green water"
    assert found(index, "blue") == ["h2"]
    assert found(index, "green blue") == ["h2", "h1"]  # either colour
    assert found(index, "important") == ["h3", "h4", "h0"]
    assert found(index, "yellow canada") == ["h0"]


def test_an_article_by_its_title_file_or_id(store: Store) -> None:
    index = build(store)
    assert found(index, "in:salt") == [f"note-{key('sea')}", "h3", "h2"]
    assert found(index, 'in:"digital tax"') == ["h1", "h0"]
    assert found(index, "in:nameless-essay.md") == ["h4"]
    assert found(index, "in:tax talks") == ["h1"]
    assert found(index, "in:") == [item.id for item in index.items]


def test_typing_narrows_the_last_answer_and_gives_the_same_answers(store: Store) -> None:
    index = build(store)
    typed = "in:salt #tax tide"
    for end in range(len(typed) + 1):
        # A fresh index answers from every note; this one, from its last answer.
        fresh = NotesIndex(index.items)
        assert found(index, typed[:end]) == found(fresh, typed[:end])
    # Deleting goes back to the wider answer.
    assert found(index, "in:salt") == [f"note-{key('sea')}", "h3", "h2"]


def test_narrowing_is_only_used_when_the_new_query_implies_the_old() -> None:
    assert parse("taxes").narrows(parse("tax"))
    assert parse("tax trade").narrows(parse("tax"))
    assert not parse("tax").narrows(parse("tax trade"))
    assert parse("#taxo").narrows(parse("#tax"))
    assert parse("green").narrows(parse(""))
    assert not parse("gre").narrows(parse("green"))
    assert not parse("green").narrows(parse("gre"))  # a colour does not imply the word
    assert not parse("green blue").narrows(parse("green"))  # two colours: either
    assert parse("green").narrows(parse("green blue"))
    assert parse("in:salt marsh").narrows(parse("in:sal"))


def test_parse_understands_each_part_and_the_settings_colour_names() -> None:
    names = colour_names({"pink": "Urgent"})
    assert parse('Tax #Trade in:"The  Marsh" urgent "blue"', names) == Query(
        words=("tax", "blue"),
        tags=("\ntrade",),
        colours=frozenset({"pink"}),
        articles=("the marsh",),
    )
    assert parse("   ") == Query()
    assert not Query() and Query(words=("x",))


def test_at_the_same_second_the_one_stored_later_comes_first(store: Store) -> None:
    items = build(store).items
    same = [item._replace(modified="2026-03-01T00:00:00Z", created="") for item in items]
    assert newest_first(same) == same[::-1]
