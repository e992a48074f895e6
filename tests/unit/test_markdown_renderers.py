"""The Markdown export renders the same in three independent Markdown parsers.

markdown-it-py with GFM's extensions (tables, strikethrough, autolinks) and footnotes, as
GitHub and Obsidian read it; Python-Markdown with its "extra" extensions (attribute lists,
footnotes, definition lists...), as MkDocs and Pelican do; and mistune with its own plugins.
For an article full of what other tools give a meaning (an address with underscores,
Obsidian's ==marks==, %%comments%%, #tags and ^block-ids, $prices$, ~tildes~, attribute
braces, HTML, entities) and notes that each use [^1] and a reference [r]:

- every quote's visible text is the article's;
- a heading, a link, a footnote or an element appears only where the export or a note made it;
- each note keeps its own footnotes and references, and its structure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from reader.model import Colour, CrossLink, Highlight, LinkEnd
from reader.notes import export
from reader.text.anchoring import describe
from reader.text.documents import load_text

ARTICLE = """---
title: "Digital_services_tax: AT&T, C# & 50% == news"
source: https://www.example.org/news/Digital_services_tax
---

# Digital tax

The page https://en.wikipedia.org/wiki/Digital_services_tax says it costs $5 and $10 ~ a lot ~
per user.

## Obsidian syntax

Here ==highlighted== words and %%hidden%% words, a #hashtag, the year 1984, and a block ^abc123

Attribute braces {: .class} and {#id}, a [bracket], <b>tags</b>, AT&T, &amp; and &#8212; too.

1984. A year that starts a line, and _underscores_ at word edges, snake_case_names inside.
"""

NOTES = [
    # (A definition right after a footnote's line would continue the footnote in
    # markdown-it: the note's own ambiguity, so each stands apart here.)
    "See the report[^1] and [the source][r].\n\n[^1]: Page three.\n\n[r]: https://example.com/a",
    "Another claim[^1], and [r] again.\n\n[^1]: A second footnote.\n\n[r]: https://example.com/b",
    "- one point\n- and *another*\n\n> NOTE-QUOTE a quote in a note",
    "",
]
TAGS = [("C++", "tax"), ("C",), ("1984", "c#"), ()]


def article_and_notes(tmp_path: Path) -> tuple[export.Notes, str]:
    path = tmp_path / "digital.md"
    path.write_text(ARTICLE, encoding="utf-8")
    article = load_text(ARTICLE, path)
    paragraphs = [i for i, b in enumerate(article.blocks) if b.kind != "heading"]
    highlights = []
    # Every paragraph but the last is highlighted.
    for number, (block, note, tags) in enumerate(zip(paragraphs[:-1], NOTES, TAGS, strict=False)):
        b = article.blocks[block]
        highlights.append(
            Highlight(
                id=f"0000000{number}-aaaa-4bbb-8ccc-000000000000",
                article_id=article.id,
                anchor=describe(article.text, b.start, b.end, fingerprint=article.fingerprint),
                colour=Colour.BLUE,
                tags=tags,
                note=note,
                created="2026-01-01T00:00:00Z",
            )
        )
    # A link made on the last paragraph, which has no highlight.
    last = article.blocks[paragraphs[-1]]
    anchor = describe(article.text, last.start, last.end, fingerprint=article.fingerprint)
    here = LinkEnd(article.id, str(path), article.title, anchor)
    there = LinkEnd("other", str(tmp_path / "other.md"), "Other [article] | x", anchor)
    link = CrossLink("link-1", here, there, "see *also*", "2026-01-01T00:00:00Z")
    notes = export.gather(
        article,
        highlights,
        "The article note, with its own [^1].\n\n[^1]: The article note's footnote.",
        [link],
    )
    return notes, export.to_markdown(notes, exported="2026-11-30")


def body(markdown: str) -> str:
    """Without the front matter (MkDocs and mistune's users strip it before rendering)."""
    return markdown.split("\n---\n", 1)[1]


def markdown_it(markdown: str) -> str:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    parser = MarkdownIt("gfm-like").use(front_matter_plugin).use(footnote_plugin)
    return parser.render(markdown)


def python_markdown(markdown: str) -> str:
    import markdown as python_markdown_module

    return python_markdown_module.markdown(body(markdown), extensions=["extra", "sane_lists"])


def mistune_render(markdown: str) -> str:
    import mistune

    render = mistune.create_markdown(
        escape=False, plugins=["strikethrough", "footnotes", "table", "url", "mark"]
    )
    return str(render(body(markdown)))


RENDERERS: dict[str, Callable[[str], str]] = {
    "markdown-it-py (GFM)": markdown_it,
    "Python-Markdown (MkDocs)": python_markdown,
    "mistune": mistune_render,
}


class Page(HTMLParser):
    """What a rendered page holds: headings, quotes, links, elements, footnotes."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self.quotes: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.elements: set[str] = set()
        self.counts: dict[str, int] = {}
        self.text: list[str] = []
        self._capture: list[list] = []  # [tag, href, pieces]

    def count(self, tag: str) -> int:
        """How many elements of this kind the page holds."""
        return self.counts.get(tag, 0)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.add(tag)
        self.counts[tag] = self.counts.get(tag, 0) + 1
        self.stack.append(tag)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "a") or (
            tag == "blockquote" and self.stack.count("blockquote") == 1
        ):
            self._capture.append([tag, dict(attrs).get("href") or "", []])

    def handle_endtag(self, tag: str) -> None:
        if self._capture and self._capture[-1][0] == tag:
            kind, href, pieces = self._capture.pop()
            text = " ".join("".join(pieces).split())
            if kind == "a":
                self.links.append((href, text))
            elif kind == "blockquote":
                self.quotes.append(text)
            else:
                self.headings.append((kind, text))
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for capture in self._capture:
            capture[2].append(data)


def page_of(render: Callable[[str], str], markdown: str) -> Page:
    page = Page()
    page.feed(render(markdown))
    return page


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[export.Notes, str]:
    return article_and_notes(tmp_path_factory.mktemp("render"))


@pytest.mark.parametrize("name", RENDERERS)
def test_every_quote_renders_as_the_article_s_words(name: str, exported) -> None:
    notes, markdown = exported
    page = page_of(RENDERERS[name], markdown)
    text = notes.article.text
    wanted = [" ".join(text[e.start : e.end].split()) for e in notes.entries]
    mark = notes.marks[0]
    wanted.append(" ".join(text[mark.start : mark.end].split()))  # the link's own entry
    quotes = [q for q in page.quotes if not q.startswith("NOTE-QUOTE")]
    assert quotes == wanted


@pytest.mark.parametrize("name", RENDERERS)
def test_headings_and_elements_are_only_the_export_s_and_the_notes(name: str, exported) -> None:
    notes, markdown = exported
    page = page_of(RENDERERS[name], markdown)
    assert page.headings == [("h1", notes.article.title), ("h2", "Obsidian syntax")]
    # No HTML from the article (<b>), no strikethrough, highlight or math from its marks.
    assert not page.elements & {"b", "del", "s", "mark", "math", "table", "dl", "img"}
    # A rule only where footnotes begin (the renderers' own separator), never from text.
    assert page.count("hr") <= 1
    assert "<b>tags</b>" in "".join(page.text)  # shown, as text
    # The note's list and emphasis are kept.
    assert {"ul", "li", "em"} <= page.elements


@pytest.mark.parametrize("name", RENDERERS)
def test_links_are_only_the_export_s_the_notes_and_bare_addresses(name: str, exported) -> None:
    notes, markdown = exported
    page = page_of(RENDERERS[name], markdown)
    # Each highlight's paragraph, and the link's own entry, open the article there. (mistune
    # replaces an address of a scheme it does not know by "#harmful-link", as GitHub drops
    # it: the text stays, and the link in Obsidian and MkDocs.)
    ours = [href for href, text in page.links if text.startswith("¶ ")]
    assert len(ours) == len(notes.entries) + 1
    assert all("&paragraph=" in h or h == "#harmful-link" for h in ours), ours
    by_text = {text: unquote(href) for href, text in page.links}
    # Each note's reference resolves to its own definition, not to another note's.
    assert by_text["the source"] == "https://example.com/a"
    assert by_text["r"] == "https://example.com/b"
    assert by_text["Other [article] | x"] == "Other article x.md"
    for href, text in page.links:
        if href in ours or unquote(href).startswith(("https://example.com/", "Other article", "#")):
            continue
        # What GFM's autolinks make of an address in a quote: the address itself, whole
        # (no backslash got into it).
        assert text == href or "https://" + text == href or "http://" + text == href, href
        assert "\\" not in href


@pytest.mark.parametrize("name", RENDERERS)
def test_each_note_keeps_its_own_footnote(name: str, exported) -> None:
    _notes, markdown = exported
    page = page_of(RENDERERS[name], markdown)
    text = " ".join("".join(page.text).split())
    for footnote in ("Page three.", "A second footnote.", "The article note's footnote."):
        assert text.count(footnote) == 1, footnote
    targets = [href for href, _ in page.links if href.startswith("#") and "fn" in href.lower()]
    # Three references, three distinct footnotes (and their way back).
    refs = {href for href in targets if not re.search(r"ref", href, re.IGNORECASE)}
    assert len(refs) == 3, targets


def test_obsidian_syntax_and_tags_in_the_raw_file(exported) -> None:
    notes, markdown = exported
    lines = markdown.split("\n")
    body_lines = lines[lines.index("---", 1) + 1 :]
    # No line of reader's own starts with "#" but the headings it writes.
    assert [line for line in body_lines if line.startswith("#")] == [
        f"# {export.escape_inline(notes.article.title)}",
        "## Obsidian syntax",
    ]
    assert "=&#61;highlighted=&#61;" in markdown and "%&#37;hidden%&#37;" in markdown
    assert "\\#hashtag" in markdown and "&#94;abc123" in markdown
    # The address keeps its underscores: the raw file greps as the article reads.
    assert "https://en.wikipedia.org/wiki/Digital_services_tax" in markdown
    # Distinct, valid Obsidian tags; each highlight has its block id.
    assert "#C-plus-plus #tax ^" in markdown and " · #C ^" in markdown
    assert "#_1984 #c-sharp" in markdown
    for entry in notes.entries:
        assert f"^{export.block_id(entry.highlight.id)}\n" in markdown
