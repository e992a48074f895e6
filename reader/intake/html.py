"""A web page into an article: trafilatura finds the text, readability-lxml checks it,
general rules take out what is not the article's own, and the result is Markdown.

trafilatura (and lxml under it) is imported only here and in the modules this one calls,
and only when a page is added: reader's start-up never pays for it. The steps, each
measured on the extraction benchmark (see docs/adding.md and ``benchmarks/extraction.py``):

1. The page is parsed once; its metadata is read (:mod:`reader.intake.metadata`) and its
   links made absolute against its own address (its ``<base href>``, canonical address or
   the address it came from), so that ``#section`` points at the article, not the site.
2. trafilatura finds the text; when readability-lxml finds more than twice as many words,
   its choice of the page's body is taken (trafilatura still renders it).
3. The images of the chosen body are put back in place, from a second pass that keeps
   them, each with its caption (the page's ``<figcaption>``).
4. The precision rules (:mod:`reader.intake.rules`) drop what is not the article's own;
   the blocks are rendered (:mod:`reader.intake.render`) and joined.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.intake.markdown import one_line
from reader.intake.metadata import Metadata, clean_person, read_metadata
from reader.intake.prepare import (
    Picture,
    absolute_links,
    paragraphs_from_breaks,
    spaces_between_blocks,
)
from reader.intake.prepare import pictures as read_pictures
from reader.intake.render import Block, Kind, image_markdown, render, words_of
from reader.intake.rules import RULES, Rules, apply

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from trafilatura.settings import Document as Extraction

# Fewer words than this is not an article: a cookie wall, a login page, an error page.
MIN_WORDS = 25


@dataclass(frozen=True, slots=True)
class Extracted:
    """An article as found in a page or a book: its metadata and its Markdown body."""

    title: str
    markdown: str
    author: str = ""
    published: str = ""
    site: str = ""
    canonical: str = ""
    language: str = ""
    words: int = 0
    extra: dict[str, str] = field(default_factory=dict)


class ExtractionError(Exception):
    """The page has no article text; the message says why, for the user."""


@dataclass(frozen=True, slots=True)
class Found:
    """What the extractors found in a page, before the precision rules."""

    blocks: tuple[Block, ...]
    title: str
    author: str
    published: str
    site: str
    canonical: str
    language: str
    description: str
    address: str  # the page's own address: canonical, else where it came from


def extract(html: str, url: str = "", rules: Rules = RULES) -> Extracted:
    """The article in ``html`` (a page from ``url``, which makes its links absolute).

    ``rules`` are the precision rules to apply (all of them, with the thresholds chosen
    on the benchmark, unless a benchmark asks otherwise).
    """
    return finish(find(html, url, rules), rules)


def find(html: str, url: str = "", rules: Rules = RULES) -> Found:
    """The page's metadata and blocks (images and captions in place), before the rules.

    Of ``rules``, only what is read while extracting counts here: readability-lxml's
    choice of body is taken when it holds ``fallback_ratio`` times the words trafilatura
    found, and a table with a cell of ``layout_words`` words lays out the page.
    """
    tree = _parse(html)
    meta = read_metadata(tree, url)
    absolute_links(tree, meta.base)
    paragraphs_from_breaks(tree)
    spaces_between_blocks(tree)
    pictures = read_pictures(tree)
    document = _trafilatura(tree, url, with_metadata=True)
    if document is None:
        raise ExtractionError("no article text found")
    layout = rules.layout_words
    blocks = render(document.body, meta.base, layout) if document.body is not None else []
    content: HtmlElement | str = tree
    other = _readability(_serialise(tree), url)
    found = sum(block.words for block in blocks)
    if other and _word_count(_text_of(other)) > rules.fallback_ratio * found:
        second = _trafilatura(_wrap_body(other), url, with_metadata=False)
        if second is not None and second.body is not None:
            blocks = render(second.body, meta.base, layout)
            content = _wrap_body(other)
    blocks = _with_images(blocks, content, url, meta.base, pictures, layout)
    title = meta.title or one_line(document.title or "")
    return Found(
        blocks=tuple(blocks),
        title=title,
        author=", ".join(meta.authors or _byline(document, meta) or meta.byline),
        published=one_line(document.date or ""),
        site=meta.site or one_line(document.sitename or ""),
        canonical=meta.canonical,
        language=meta.language,
        description=meta.description,
        address=meta.canonical or url,
    )


def finish(found: Found, rules: Rules = RULES) -> Extracted:
    """The article: ``found``'s blocks through the precision ``rules``, as Markdown."""
    blocks = apply(
        list(found.blocks),
        rules,
        title=found.title,
        description=found.description,
        address=found.address,
    )
    markdown = "\n\n".join(text for block in blocks if (text := _markdown(block)))
    words = sum(block.words for block in blocks if block.kind is not Kind.IMAGE)
    if words < MIN_WORDS:
        raise ExtractionError("no article text found")
    return Extracted(
        title=found.title,
        markdown=markdown + "\n",
        author=found.author,
        published=found.published,
        site=found.site,
        canonical=found.canonical,
        language=found.language,
        words=words,
    )


def _markdown(block: Block) -> str:
    return image_markdown(block) if block.kind is Kind.IMAGE else block.markdown


def _parse(html: str) -> HtmlElement:
    """The page as an lxml tree (parsed as trafilatura parses it)."""
    import trafilatura  # heavy: imported only when a page is added

    try:
        tree = trafilatura.load_html(html)
    except (ValueError, TypeError) as error:
        raise ExtractionError(f"not a readable HTML page ({error or 'no text'})") from None
    if tree is None:
        raise ExtractionError("not a readable HTML page (no text)")
    return tree


def _serialise(tree: HtmlElement) -> str:
    import lxml.html

    return lxml.html.tostring(tree, encoding="unicode")


def _trafilatura(
    html: HtmlElement | str, url: str, *, with_metadata: bool, images: bool = False
) -> Extraction | None:
    """trafilatura's Document for ``html`` (a string or a tree; None when it finds nothing)."""
    import trafilatura  # heavy: imported only when a page is added

    try:
        found = trafilatura.bare_extraction(
            html,
            url=url or None,
            with_metadata=with_metadata,
            include_comments=False,  # readers' comments are not the article
            include_links=True,  # keeps links, and finds the text better (measured)
            include_images=images,
            include_formatting=True,
            include_tables=True,
            # A date the page states (its metadata, a byline), never one guessed from a
            # "Copyright 2026" footer or a year in the text: no date is better than a wrong one.
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except (ValueError, TypeError) as error:  # its way of saying the page did not parse
        raise ExtractionError(f"not a readable HTML page ({error or 'no text'})") from None
    # A Document, as_dict being left False (the type allows for the dict it gives then).
    return None if isinstance(found, dict) else found


def _readability(html: str, url: str) -> str:
    """The body readability-lxml picks, as HTML ("" when it finds none or fails)."""
    try:
        from readability import Document  # imported only when a page is added
        from readability.readability import Unparseable
    except ImportError:  # an optional second opinion
        return ""
    import logging

    # It logs every page it finds hard at WARNING; the user sees our one line instead.
    logging.getLogger("readability.readability").setLevel(logging.ERROR)
    try:
        return Document(html, url=url or None).summary(html_partial=True)
    except (Unparseable, ValueError, TypeError):
        return ""


def _wrap_body(fragment: str) -> str:
    return f"<html><body><article>{fragment}</article></body></html>"


def _text_of(fragment: str) -> str:
    import lxml.html

    try:
        return lxml.html.fromstring(fragment).text_content()
    except (ValueError, TypeError):
        return ""


def _word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _with_images(
    blocks: list[Block],
    content: HtmlElement | str,
    url: str,
    base: str,
    pictures: dict[str, Picture],
    layout_words: int,
) -> list[Block]:
    """``blocks`` with the images of the page's body, each after the block it follows,
    with its caption (a paragraph repeating the caption beside it is then left out)."""
    source = copy.deepcopy(content) if not isinstance(content, str) else content
    document = _trafilatura(source, url, with_metadata=False, images=True)
    if document is None or document.body is None:
        return blocks
    position = {_key(block): index for index, block in enumerate(blocks)}
    after: dict[int, list[Block]] = {}
    anchor = -1  # before the first block
    for block in render(document.body, base, layout_words):
        if block.kind is Kind.IMAGE:
            picture = pictures.get(block.src)
            if picture is not None:
                block.caption, block.target = picture.caption, picture.target
                block.target_words = picture.target_words
            if all(other.src != block.src for other in after.get(anchor, [])):
                after.setdefault(anchor, []).append(block)
        else:
            found = position.get(_key(block))
            if found is not None:
                anchor = found
    if not after:
        return blocks
    merged = list(after.get(-1, []))
    for index, block in enumerate(blocks):
        merged.append(block)
        merged.extend(after.get(index, []))
    return _without_repeated_captions(merged)


def _without_repeated_captions(blocks: list[Block]) -> list[Block]:
    """A paragraph just after (or before) an image that says what its caption, or its alt
    text, says: the page's caption, shown once with the picture."""
    drop: set[int] = set()
    for index, block in enumerate(blocks):
        if block.kind is not Kind.IMAGE or not (block.caption or block.label):
            continue
        said = [words_of(block.caption), words_of(block.label)]
        for near in (index + 1, index - 1, index + 2):
            if (
                0 <= near < len(blocks)
                and blocks[near].kind is Kind.PARAGRAPH
                and words_of(blocks[near].text) in said
            ):
                drop.add(near)
                break
    return [block for index, block in enumerate(blocks) if index not in drop]


def _key(block: Block) -> str:
    """A block's words, to recognise it in another pass's rendering."""
    return " ".join(words_of(block.text))


def _byline(document: Extraction, meta: Metadata) -> tuple[str, ...]:
    """The people trafilatura found in the page's byline, for a page that declares none."""
    people = (clean_person(name, list(meta.names)) for name in (document.author or "").split(";"))
    return tuple(dict.fromkeys(person for person in people if person))
