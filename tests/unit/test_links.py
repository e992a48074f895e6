"""Link resolution, title matching, wiki-links in notes and the jump history."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.model import Anchor, CrossLink, LinkEnd
from reader.text.documents import article_id, load_text
from reader.text.links import (
    History,
    Location,
    WikiLink,
    match_title,
    normalise_title,
    read_more_items,
    resolve_href,
    slug,
    wiki_links,
)
from tests.stores import notes_store

DOC = """# Main title

Intro with [a link](other.md#details), [the web](https://example.com), [mail](mailto:a@b.c),
[danger](javascript:alert(1)), [a file](file:///etc/passwd) and [a section](#second-part).

## Second part

Text.

## Read more

- The Other Article
- Something not in the library
"""


def article(tmp_path: Path):
    path = tmp_path / "main.md"
    path.write_text(DOC, encoding="utf-8")
    (tmp_path / "other.md").write_text("# The Other Article\n\n## Details\n\nHi.\n")
    return load_text(DOC, path)


def hrefs(tmp_path: Path) -> dict[str, object]:
    doc = article(tmp_path)
    spans = [s for s in doc.blocks[1].spans if s.href]
    return {s.href: resolve_href(s.href, doc, tmp_path) for s in spans}


def test_links_resolve_by_kind(tmp_path: Path) -> None:
    found = hrefs(tmp_path)
    other = found["other.md#details"]
    assert (other.kind, other.path, other.fragment) == (
        "article",
        (tmp_path / "other.md").resolve(),
        "details",
    )
    assert found["https://example.com"].kind == "external"
    assert found["mailto:a@b.c"].kind == "external"
    # markdown-it drops javascript: and file: links altogether; asked directly, they are
    # never openable.
    assert "javascript:alert(1)" not in found and "file:///etc/passwd" not in found
    doc = article(tmp_path)
    assert resolve_href("javascript:alert(1)", doc, tmp_path).kind == "unsupported"
    assert resolve_href("ftp://example.com/x", doc, tmp_path).kind == "unsupported"
    section = found["#second-part"]
    assert (section.kind, section.block) == ("heading", 2)


def test_a_missing_file_is_unsupported_not_an_error(tmp_path: Path) -> None:
    doc = article(tmp_path)
    gone = resolve_href("gone.md", doc, tmp_path)
    assert (gone.kind, gone.path) == ("missing", (tmp_path / "gone.md").resolve())


def test_slug_matches_markdown_anchors() -> None:
    assert slug("Second Part: the End!") == "second-part-the-end"


def test_titles_match_forgiving_case_punctuation_and_small_differences() -> None:
    titles = {
        "a": "Canada hikes military spending 17 percent this year",
        "b": "Trump reveals foreign policy of annexation and global conquest",
    }
    assert match_title("CANADA hikes military spending 17 percent, this year!", titles) == "a"
    assert (
        match_title("Trump reveals foreign policy of annexation & global conquest", titles) == "b"
    )
    assert (
        match_title("Trump reveal foreign policy of anexation and global conquest", titles) == "b"
    )
    assert match_title("Something else entirely", titles) is None
    assert match_title("", titles) is None
    assert normalise_title("Café — “Quoted”") == "cafe quoted"


def test_titles_are_matched_by_rapidfuzz_not_a_python_loop_over_difflib(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A "Read more" list is matched against every title of the library on each follow and
    ctrl+n: rapidfuzz (a dependency already, and C++) does it, never difflib's
    SequenceMatcher, one Python object per title."""
    import difflib

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("difflib is not to be used for titles")

    monkeypatch.setattr(difflib.SequenceMatcher, "__init__", refused)
    titles = {str(n): f"An article of the library, number {n}" for n in range(2_000)}
    titles["near"] = "Trump reveals foreign policy of annexation and global conquest"
    wanted = "Trump reveal foreign policy of anexation and global conquest"
    assert match_title(wanted, titles) == "near"
    assert match_title("Something else entirely", titles) is None


def test_read_more_items_are_found(tmp_path: Path) -> None:
    doc = article(tmp_path)
    items = read_more_items(doc)
    assert [doc.blocks[i].text for i in items] == [
        "The Other Article",
        "Something not in the library",
    ]


def test_wiki_links_are_parsed_from_notes() -> None:
    note = "See [[The Other Article]], [[Main title#with these words]] and [[X|label]]; not [x]."
    assert wiki_links(note) == [
        WikiLink("The Other Article"),
        WikiLink("Main title", "with these words"),
        WikiLink("X", "", "label"),
    ]
    assert wiki_links("[[ ]] [[]] [[a\nb]]") == []


def test_history_goes_back_and_forward_across_articles() -> None:
    history = History()
    a1, b5, c2 = Location(Path("a.md"), 1), Location(Path("b.md"), 5), Location(Path("c.md"), 2)
    history.jumped(a1)  # a1 -> b5
    history.jumped(b5)  # b5 -> c2
    assert history.back(c2) == b5
    assert history.back(b5) == a1
    assert history.back(a1) is None
    assert history.forward(a1) == b5
    assert history.forward(b5) == c2
    assert history.forward(c2) is None
    history.back(c2)
    b9 = Location(Path("b.md"), 9)
    history.jumped(b9)  # a new jump clears forward
    assert history.forward(b9) is None


def test_links_are_stored_with_both_ends(tmp_path: Path) -> None:
    store = notes_store()
    # Each end names its article by id: the vault key of its file.
    a, b, c = (article_id(Path(f"/x/{name}.md")) for name in "abc")
    end_a = LinkEnd(a, "/x/a.md", "A", Anchor(0, 5, "hello", "", " world", 0, "fa"))
    end_b = LinkEnd(b, "/x/b.md", "B", Anchor(10, 20, "other text", "", "", 1, "fb"))
    link = CrossLink("link-1", end_a, end_b, "answers", "2026-01-01T00:00:00Z")
    store.save_link(link)
    again = notes_store()
    assert again.links_of(a) == [link] and again.links_of(b) == [link]
    assert again.links_of(c) == []
    assert again.delete_link("link-1") and notes_store().all_links() == []


def test_odd_paths_are_unsupported_not_a_crash(tmp_path: Path) -> None:
    doc = article(tmp_path)
    assert resolve_href("%00", doc, tmp_path).kind == "unsupported"
    assert resolve_href("a" * 300 + ".md", doc, tmp_path).kind == "unsupported"


def test_heading_before_skips_the_block_itself_and_lower_levels() -> None:
    doc = load_text(
        "# Title\n\nIntro.\n\n## Part\n\nText.\n\n# Another h1\n\nMore.\n", Path("h.md")
    )
    texts = [b.text for b in doc.blocks]
    assert doc.heading_before(texts.index("Intro.")) == 0
    assert doc.heading_before(0) is None
    assert doc.heading_before(texts.index("Part")) == 0
    assert doc.heading_before(texts.index("More."), min_level=2) == texts.index("Part")
    assert doc.heading_before(texts.index("Intro."), min_level=2) is None


def test_a_heading_is_the_section_it_begins() -> None:
    doc = load_text("# Title\n\nIntro.\n\n## Part\n\nText.\n", Path("h.md"))
    texts = [b.text for b in doc.blocks]
    part = texts.index("Part")
    assert doc.section_of(part) == part  # not the section before it
    assert doc.section_of(texts.index("Text.")) == part
    assert doc.section_of(0, min_level=2) is None  # the h1 is the title
