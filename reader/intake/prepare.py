"""The parsed page made ready for the extractors, and what it says about its images.

Before trafilatura reads the page: every link and image address is made absolute against
the page's own address (a ``#section`` then points at the article, and a relative link at
the page it names, not at the site's root, as trafilatura would have it), and a run of text
cut into paragraphs by ``<br><br>`` rather than by ``<p>`` is given its paragraphs, so that
a link inside a paragraph stays inside it.

:func:`pictures` reads each image's caption (its ``<figcaption>``, the element its
``aria-describedby`` names, a WordPress caption) and whether it is a link to another page
(a related article's thumbnail).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from reader.intake.markdown import one_line

if TYPE_CHECKING:
    from collections.abc import Callable

    from lxml.html import HtmlElement

# Where a page keeps a picture's address, besides src (lazy loading).
_IMAGE_SOURCES = ("src", "data-src", "data-lazy-src", "data-original", "data-srcset", "srcset")
_PICTURE_ADDRESS = re.compile(r"(?i)\.(?:jpe?g|png|gif|webp|avif|svg|bmp|tiff?)(?:$|[?#])")
# Elements that flow inside a paragraph; anything else ends one.
_INLINE = frozenset(
    re.findall(
        r"[a-z0-9]+",
        "a abbr b bdi bdo big cite code data del dfn em font i img ins kbd mark nobr q s samp "
        "small span strike strong sub sup time tt u var wbr",
    )
)


@dataclass(frozen=True, slots=True)
class Picture:
    """What the page says around one of its images."""

    caption: str = ""
    target: str = ""  # the page the image links to, when it links to a page, not a picture
    target_words: int = 0  # how many words that link holds besides the picture


def absolute_links(tree: HtmlElement, base: str) -> None:
    """Every link and image address in ``tree`` made absolute against ``base``."""
    if not base:
        return
    for element in tree.iter("a", "img", "area"):
        for name in ("href", "src", "data-src"):
            value = (element.get(name) or "").strip()
            if not value or value.startswith("data:"):
                continue
            try:
                element.set(name, urljoin(base, value))
            except ValueError:  # an address urljoin cannot read: no address at all
                del element.attrib[name]


# Where pages keep text cut by line breaks or mixed with blocks (a <span> holding a whole
# article, as some templates have it).
_CONTAINERS = ("div", "td", "article", "section", "main", "body", "font", "span", "center")


def paragraphs_from_breaks(tree: HtmlElement) -> None:
    """Text cut into paragraphs by two ``<br>`` in a row, or by blocks (``<div>`` soup),
    given ``<p>`` elements.

    Only for an element that holds text of its own beside such a run or such a block (a
    ``<div>`` or a table cell of a page written that way); one ``<br>`` stays a line
    break, and a ``<div>`` holding only text among them becomes a paragraph too.
    """
    from lxml.html import Element

    for container in list(tree.iter(*_CONTAINERS)):
        if not (_has_break_run(container) or _mixed(container)):
            continue
        items: list[HtmlElement | str] = [container.text or ""]
        container.text = None
        for child in list(container):
            container.remove(child)
            tail, child.tail = child.tail or "", None
            items += [child, tail]
        groups: list[list[HtmlElement | str]] = [[]]
        for item in items:
            if isinstance(item, str):
                if item:
                    groups[-1].append(item)
                continue
            tag = item.tag.lower() if isinstance(item.tag, str) else ""
            if tag == "br":
                before = [i for i in groups[-1] if not (isinstance(i, str) and not i.strip())]
                if before and not isinstance(before[-1], str) and before[-1].tag == "br":
                    groups.append([])  # a second <br>: the paragraph ends
                else:
                    groups[-1].append(item)
            elif tag and tag not in _INLINE:
                if tag == "div" and _only_inline(item):
                    item.tag = "p"  # a paragraph written as a <div>
                groups += [[item], []]
            else:
                groups[-1].append(item)
        for group in groups:
            _append_group(container, group, Element)


# Elements a browser starts on a line of their own.
_BLOCK = (
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
)


def spaces_between_blocks(tree: HtmlElement) -> None:
    """A space wherever a block begins or ends next to text: a browser shows them on lines
    of their own, an extractor that flattens them must not glue "launch.The" together."""
    for element in tree.iter(*_BLOCK):
        if element.tail and not element.tail[0].isspace():
            element.tail = " " + element.tail
        previous = element.getprevious()
        if previous is not None:
            if previous.tail and not previous.tail[-1].isspace():
                previous.tail += " "
        else:
            parent = element.getparent()
            if parent is not None and parent.text and not parent.text[-1].isspace():
                parent.text += " "


def _has_break_run(container: HtmlElement) -> bool:
    """Whether two ``<br>`` children follow each other with only white space between,
    and the container holds text of its own."""
    own_text = bool((container.text or "").strip()) or any(
        (child.tail or "").strip() for child in container
    )
    if not own_text:
        return False
    previous_break = False
    for child in container:
        if child.tag == "br":
            if previous_break:
                return True
            previous_break = not (child.tail or "").strip()
        else:
            previous_break = False
    return False


def _mixed(container: HtmlElement) -> bool:
    """Whether ``container`` holds text of its own and a ``<div>`` (or another block)."""
    own_text = bool((container.text or "").strip()) or any(
        (child.tail or "").strip() for child in container
    )
    return own_text and any(
        isinstance(child.tag, str) and child.tag.lower() not in _INLINE | {"br"}
        for child in container
    )


def _only_inline(element: HtmlElement) -> bool:
    return all(
        not isinstance(e.tag, str) or e.tag.lower() in _INLINE | {"br"}
        for e in element.iterdescendants()
    )


def _blank(item: HtmlElement | str) -> bool:
    if isinstance(item, str):
        return not item.strip()
    return item.tag == "br"


def _append_group(
    container: HtmlElement,
    group: list[HtmlElement | str],
    element_factory: Callable[[str], HtmlElement],
) -> None:
    """Put one group back into ``container``: a block as it was, inline content as a
    ``<p>`` (without line breaks or white space at either end)."""
    while group and _blank(group[0]):
        group.pop(0)
    while group and _blank(group[-1]):
        group.pop()
    if not group:
        return
    first = group[0]
    if len(group) == 1 and not isinstance(first, str) and str(first.tag).lower() not in _INLINE:
        container.append(first)
        return
    paragraph = element_factory("p")
    for item in group:
        if isinstance(item, str):
            if len(paragraph):
                paragraph[-1].tail = (paragraph[-1].tail or "") + item
            else:
                paragraph.text = (paragraph.text or "") + item
        else:
            paragraph.append(item)
    container.append(paragraph)


def pictures(tree: HtmlElement) -> dict[str, Picture]:
    """Each image's caption and the page it links to, by every address it goes by."""
    found: dict[str, Picture] = {}
    ids = {ident: element for element in tree.iter() if (ident := element.get("id"))}
    for image in tree.iter("img"):
        caption = caption_of(image, ids)
        link = next(image.iterancestors("a"), None)
        target = (link.get("href") or "").strip() if link is not None else ""
        if _PICTURE_ADDRESS.search(target):
            target = ""  # a link to the picture itself
        if not caption and not target:
            continue
        words = len(re.findall(r"\w+", link.text_content())) if target and link is not None else 0
        picture = Picture(caption, target, words)
        for name in _IMAGE_SOURCES:
            for value in (image.get(name) or "").split(","):
                address = value.strip().split(" ")[0]
                if address:
                    found.setdefault(address, picture)
    return found


def caption_of(image: HtmlElement, ids: dict[str, HtmlElement]) -> str:
    """An image's caption: what its ``aria-describedby`` names, its figure's
    ``<figcaption>``, or a caption beside it in a captioned box (WordPress's
    ``wp-caption``); "" when a box holds more than this one image."""
    described = ids.get((image.get("aria-describedby") or "").split(" ")[0])
    if described is not None and image not in described.iter():
        return one_line(described.text_content())
    for level, box in enumerate(image.iterancestors()):
        if level > 3 or box.tag in ("body", "article", "main"):
            return ""
        is_figure = box.tag == "figure"
        if not is_figure and "caption" not in (box.get("class") or "").lower():
            continue
        if sum(1 for _ in box.iter("img")) != 1:
            return ""
        for element in box.iter():
            if element is box or image in element.iter():
                continue
            tag = element.tag if isinstance(element.tag, str) else ""
            if tag == "figcaption" or "caption" in (element.get("class") or "").lower():
                return one_line(element.text_content())
        if is_figure:
            return ""
    return ""
