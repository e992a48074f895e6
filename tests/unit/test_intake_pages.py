"""reader add on saved web pages of the kinds that extractors get wrong.

Each page in tests/data/pages is hand-made in the shape of a real one (a news story with a
row of related thumbnails, a fact check, a page laid out with tables...), and each test
adds it as a user would (``reader add page.html``) and reads the article reader wrote.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.intake import AddStatus, add_source
from reader.model import Article, BlockKind, SpanKind
from reader.text.documents import load_article
from reader.text.front_matter import split_front_matter
from tests.conftest import DATA

PAGES = DATA / "pages"


def add(name: str, library: Path) -> tuple[Article, dict[str, str], str]:
    """The article reader writes for the saved page ``name``: as loaded, its front
    matter, and the file's text."""
    result = add_source(str(PAGES / name), library)
    assert result.status is AddStatus.ADDED, result.message()
    assert result.path is not None
    text = result.path.read_text(encoding="utf-8")
    return load_article(result.path), split_front_matter(text)[0], text


def texts(article: Article) -> list[str]:
    return [block.text for block in article.blocks]


def links(article: Article) -> list[tuple[str, str | None]]:
    return [
        (block.text[span.start : span.end], span.href)
        for block in article.blocks
        for span in block.spans
        if span.kind is SpanKind.LINK
    ]


def words(article: Article) -> str:
    return "\n".join(texts(article))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return tmp_path / "library"


# --- precision: what is not the article's own ---------------------------------------------------


def test_images_labelled_with_the_title_are_left_out(library: Path) -> None:
    article, fields, _ = add("title-images.html", library)
    assert fields["title"] == "Council approves a network of protected bike lanes"
    assert "Council approves" not in words(article)  # three pictures said only the title
    assert (
        "Cyclists on Main Street at rush hour",
        "https://courier.example/img/cyclists-main-street.jpg",
    ) in links(article)


def test_an_alt_text_that_is_a_file_name_says_nothing(library: Path) -> None:
    article, _, _ = add("file-names.html", library)
    assert "DSC" not in words(article) and "cliffs_v2" not in words(article)
    images = [text for text, href in links(article) if href and href.endswith(".jpg")]
    assert images == ["image", "image", "Grey seals on the rocks below the lighthouse"]


def test_thumbnails_of_other_articles_are_left_out(library: Path) -> None:
    article, _, _ = add("thumbnails.html", library)
    assert "The stone bridge" not in words(article)
    assert "market hall" not in words(article) and "school garden" not in words(article)
    # A picture that links to a larger copy of itself is the article's own.
    assert (
        "The long table under the roof beams",
        "https://valleynotes.example/img/reading-room.jpg",
    ) in links(article)
    assert texts(article)[-1].startswith("The librarian, who moved")


def test_share_follow_and_subscribe_lines_are_left_out(library: Path) -> None:
    article, _, _ = add("share-lines.html", library)
    assert "Follow us" not in words(article)
    assert "Sign up for our weekly newsletter" not in words(article)
    # The article's own words about subscribers stay.
    assert any(text.startswith("Subscribers to the bakery's bread box") for text in texts(article))
    assert len(article.blocks) == 6


def test_lines_pointing_to_other_articles_of_the_site_are_left_out(library: Path) -> None:
    article, _, _ = add("related-lines.html", library)
    assert "READ MORE" not in words(article) and "Related:" not in words(article)
    assert "Flood walls finished" not in words(article)
    # A source on another site is part of the article.
    assert (
        "the river authority's March report",
        "https://riverauthority.example/reports/2024-03",
    ) in links(article)


def test_link_lists_and_empty_headings_after_the_text_are_left_out(library: Path) -> None:
    article, _, _ = add("outside-run.html", library)
    assert "You may also like" not in words(article)
    assert "bus fares" not in words(article) and "newsletter" not in words(article)
    # Inside the text, short blocks and headings are the article's: a fact check's rating.
    headings = [b.text for b in article.blocks if b.kind is BlockKind.HEADING]
    assert headings == ["What the council decided", "Our ruling"]
    assert "Rating: Mostly false" in texts(article)
    assert texts(article)[-1].startswith("Fines went up, but by half")


def test_a_standfirst_repeating_the_pages_summary_is_left_out(library: Path) -> None:
    article, _, _ = add("standfirst.html", library)
    assert texts(article)[0].startswith("The average price of a pint")
    assert "Brewers blame energy bills" not in words(article)
    assert [b.text for b in article.blocks if b.kind is BlockKind.HEADING] == ["The barley harvest"]


def test_captions_stay_as_a_line_under_their_picture(library: Path) -> None:
    article, _, text = add("captions.html", library)
    dome = next(b for b in article.blocks if b.text.startswith("The dome of the observatory"))
    assert dome.text == (
        "The dome of the observatory, open at dusk\n"
        "The dome was turned by hand until 1931; the volunteers rebuilt its motor from the "
        "original drawings."
    )
    assert {s.kind for s in dome.spans} == {SpanKind.LINK, SpanKind.EMPHASIS}
    # A caption named by aria-describedby, for a picture without alt text; a picture with
    # neither shows as "image" rather than vanishing.
    assert (
        "The refractor's clockwork drive, after two winters of work.",
        "https://skyward.example/media/telescope.jpg",
    ) in links(article)
    assert ("image", "https://skyward.example/media/stairs.jpg") in links(article)
    assert text.count("clockwork drive, after two winters") == 1
    # A caption written as a line of text under the picture, saying what its alt text
    # says, is shown once.
    assert words(article).count("The library wing, where the notebooks are kept") == 1


def test_a_caption_under_every_photo_is_shown_once(library: Path) -> None:
    article, _, _ = add("repeated-captions.html", library)
    assert words(article).count("Spring Fair 2024") == 1
    assert [text for text, _ in links(article)] == [
        "Greenfield Primary School Spring Fair 2024",
        "image",
        "image",
    ]


def test_both_kinds_of_emphasis_are_kept(library: Path) -> None:
    article, _, _ = add("emphasis.html", library)
    spans = [(b.text[s.start : s.end], s.kind) for b in article.blocks for s in b.spans]
    assert (
        "This letter was first read aloud at the Review's fiftieth anniversary dinner.",
        SpanKind.EMPHASIS,
    ) in spans
    assert ("“Is it true, and is it worth the paper?”", SpanKind.EMPHASIS) in spans
    assert ("Quarterly Review", SpanKind.EMPHASIS) in spans
    assert ("read slowly", SpanKind.STRONG) in spans
    assert "*" not in words(article)


# --- pages laid out with tables, line breaks and divs -------------------------------------------


def test_a_page_laid_out_with_tables_reads_as_paragraphs(library: Path) -> None:
    article, fields, _ = add("table-layout.html", library)
    assert fields["title"] == "Launch delayed by a faulty valve"
    assert fields["site"] == "Space Gazette"
    found = texts(article)
    assert found[0] == "By Jane Smith"  # the byline apart from the title
    assert "Launch delayed by a faulty valve" not in words(article)  # the title, shown once
    assert found[1].startswith("The rocket was due to lift off") and found[1].endswith("launch.")
    assert "It was the third delay this month." in found
    assert not any(".The" in text or ".A " in text for text in found)
    assert len(found) == 7


def test_paragraphs_cut_by_line_breaks_are_paragraphs(library: Path) -> None:
    article, _, _ = add("br-runs.html", library)
    found = texts(article)
    assert len(found) == 5
    assert found[2] == (
        "Analysts have predicted that the whole range will switch to the new keyboard, "
        "including the cheaper models, by the end of next year."
    )
    assert found[4] == "The smaller models were last updated in July,\nthe larger ones in May."


def test_text_in_nested_divs_reads_as_paragraphs_with_spaces(library: Path) -> None:
    article, _, _ = add("div-soup.html", library)
    found = texts(article)
    assert "Sea trials begin next week." in found
    assert found[-1] == (
        "The council said two buyers had already shown an interest, one of them from abroad."
    )
    assert len(found) == 6
    assert not any(".She" in text or ".The" in text or ".If" in text for text in found)


# --- metadata -----------------------------------------------------------------------------------


def test_title_authors_site_and_language_are_the_pages_own(library: Path) -> None:
    _, fields, _ = add("metadata.html", library)
    assert fields["title"] == "Why we still need local newspapers"  # no "Opinion | "
    assert fields["author"] == "Maria Lopez, Tom Becker"  # people, in order; no publisher
    assert fields["site"] == "The Daily Example"  # no tagline
    assert fields["language"] == "en-US"


def test_the_author_is_the_person_in_the_byline_not_the_publisher(library: Path) -> None:
    _, fields, _ = add("byline.html", library)
    assert fields["author"] == "Jane Roe"  # the page's <meta name="author"> is the paper
    assert fields["language"] == "en-GB"


def test_a_page_titled_with_its_sites_name(library: Path) -> None:
    article, fields, _ = add("metadata-foreign.html", library)
    assert fields["title"] == "Stadtrat beschließt neue Radwege"
    assert fields["site"] == "Der Tagesbote"
    assert fields["language"] == "de"
    assert texts(article)[0].startswith("Der Stadtrat hat am Dienstagabend")  # no dateline


# --- links and Markdown -------------------------------------------------------------------------


def test_links_resolve_against_the_articles_own_address(library: Path) -> None:
    article, fields, _ = add("links.html", library)
    own = "https://allotment.example/guides/pruning/fruit-trees"
    assert fields["source"] == own
    found = dict(links(article))
    assert found["pruning in winter"] == own + "#winter"
    assert found["above"] == own + "#winter"
    assert found["our guide to secateurs"] == "https://allotment.example/guides/tools/secateurs"
    assert (
        found["diagrams of the cuts"]
        == "https://allotment.example/guides/pruning/diagrams/cuts.pdf"
    )


def test_only_what_would_take_a_meaning_is_escaped(library: Path) -> None:
    article, _, text = add("escaping.html", library)
    for plain in (
        "visit Kentucky! The heat",
        "## 1. The horse farms",
        "at 9.30 a.m.",
        "cost $15",
        "snake_case names",
        "AT&T coverage",
        "1/2 inch",
    ):
        assert plain in text, plain
    # What would take a meaning is still shown literally.
    literal = next(b for b in article.blocks if b.text.startswith("A note for careful readers"))
    assert "*this* is how" in literal.text and "<b>bold</b> tags" in literal.text
    assert literal.spans == ()
    headings = [b.text for b in article.blocks if b.kind is BlockKind.HEADING]
    assert headings == ["1. The horse farms", "2. The bourbon trail", "3. Caves #1 and #2"]


# --- each rule, and the page it was made for ----------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "page", "left_out"),
    [
        ("title_images", "title-images.html", "[Council approves a network"),
        ("file_names", "file-names.html", "DSC_0042-edited-final.jpg]"),
        ("thumbnails", "thumbnails.html", "The stone bridge at dusk"),
        (
            "repeated_captions",
            "repeated-captions.html",
            "[Greenfield Primary School Spring Fair 2024](<https://greenfield-primary.example/photos/fair-3.jpg>)",
        ),
        ("calls_to_action", "share-lines.html", "Follow us on Twitter"),
        ("related_links", "related-lines.html", "Flood walls finished"),
        ("outside_run", "outside-run.html", "You may also like"),
        ("standfirst", "standfirst.html", "Brewers blame energy bills"),
        ("above_title", "table-layout.html", "News Launches Archive"),
        ("datelines", "metadata-foreign.html", "Freiburg, 3. März 2024"),
    ],
)
def test_each_rule_is_what_takes_out_its_pages_boilerplate(
    rule: str, page: str, left_out: str
) -> None:
    import dataclasses

    from reader.intake.html import extract
    from reader.intake.rules import RULES

    html = (PAGES / page).read_text(encoding="utf-8")
    assert left_out not in extract(html, rules=RULES).markdown
    without = dataclasses.replace(RULES, **{rule: False})
    assert left_out in extract(html, rules=without).markdown


# --- Markdown that reads back as the page's words -----------------------------------------------

_PIECES = st.text(
    alphabet=st.sampled_from(list("ab1 .,!?#*_[]()<>&;~$=%^{}:|`\\-+'\"“”")), max_size=12
)


def _read_back(markdown: str) -> Article:
    from reader.text.documents import load_text

    return load_text(f"---\ntitle: t\n---\n\n{markdown}\n")


@given(_PIECES, _PIECES, _PIECES)
def test_text_and_links_read_back_as_they_were(before: str, label: str, after: str) -> None:
    from reader.intake.markdown import escape, guard_line_start, join_inline, link, plain

    before, label, after = (" ".join(plain(part).split()) for part in (before, label, after))
    label = label or "x"
    pieces = [escape(before), link(escape(label), "https://example.org/a"), escape(after)]
    article = _read_back(guard_line_start(join_inline(pieces)))
    assert [block.kind for block in article.blocks] == [BlockKind.PARAGRAPH]
    (block,) = article.blocks
    assert block.text == (before + label + after).strip()
    assert [span.kind for span in block.spans] == [SpanKind.LINK]


@given(_PIECES, _PIECES, _PIECES)
def test_emphasis_is_written_only_where_it_reads_back(before: str, inner: str, after: str) -> None:
    from reader.intake.markdown import emphasis, escape, guard_line_start

    before, inner, after = (" ".join(plain_text.split()) for plain_text in (before, inner, after))
    left, middle, right = escape(before), escape(inner), escape(after)
    wrapped = emphasis("*", middle, left[-1:], right[:1])
    article = _read_back(guard_line_start(left + wrapped + right))
    text = (before + inner + after).strip()
    if not text:
        return
    (block,) = article.blocks
    assert block.text == text
    if wrapped != middle:
        assert [(block.text[s.start : s.end], s.kind) for s in block.spans] == [
            (inner.strip(), SpanKind.EMPHASIS)
        ]
