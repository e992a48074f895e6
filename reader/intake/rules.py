"""Precision rules: what the extractors kept that is not the article's own, taken out.

Each rule is general (it names no site and no page) and can be turned off in
:class:`Rules`, so that ``benchmarks/extraction.py`` can measure what it buys; its
thresholds were chosen by cross-validation on the benchmark's pages (tuned on one half,
scored on the other, and the reverse), and docs/adding.md says what each bought.

The rules look at the article's **main run**: from its first to its last body paragraph
(a paragraph of some length that is not mostly links). Around the run sit a page's
navigation, share buttons, newsletter boxes and lists of other articles; inside it, short
blocks are the article's own (a heading, a fact check's rating, a caption) and are kept
unless they are a share line or a link to another article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from reader.intake.render import Block, Kind, words_of
from reader.text.addresses import normalise_url


@dataclass(frozen=True, slots=True)
class Rules:
    """Which precision rules run, and their thresholds."""

    title_images: bool = True  # images whose alt text repeats the title
    file_names: bool = True  # an alt text that is a file name ("IMG_2041.jpg") says nothing
    thumbnails: bool = True  # images that link to another page (related-post thumbnails)
    repeated_captions: bool = True  # a caption that repeats an earlier one, shown once
    calls_to_action: bool = True  # share, follow and subscribe lines
    related_links: bool = True  # a short line that is a link to another page of the site
    outside_run: bool = True  # links, lists of links and trailing headings around the run
    standfirst: bool = True  # a heading before the run that repeats the page's summary
    above_title: bool = True  # short blocks above the headline: a section's name, a kicker
    datelines: bool = True  # a line before the text that only dates it ("Berlin, 3 March 2024")
    body_words: int = 12  # a body paragraph has at least this many words...
    body_links: float = 0.5  # ...and less than this share of them in links
    related_share: float = 0.8  # share of a related line's words that link elsewhere
    related_words: int = 25  # a related line has at most this many words
    call_words: int = 40  # a share or subscribe line has at most this many words
    thumbnail_words: int = 20  # a thumbnail's link holds at most this many words
    label_words: int = 3  # a related box's label ("Don't miss") has at most this many words
    dateline_words: int = 10  # a dateline says where and when in at most this many words
    # Read while the page is extracted, before the rules run:
    fallback_ratio: float = 2.0  # readability-lxml's body is taken at this many times the words
    layout_words: int = 40  # a table with a cell of this many words lays out the page


RULES = Rules()

# Share, follow and subscribe lines: a call to do something with the page or the site.
_CALL = re.compile(
    r"(?i)\b(?:follow (?:us|me|him|her|them)\b|subscribe\b|sign up\b|sign-up\b|newsletter\b"
    r"|click (?:here|to)\b|tap here\b|share (?:this|on)\b|like us on\b|join (?:us|our)\b"
    r"|download (?:the|our)\b|if you (?:enjoyed|liked) this\b)"
)
# A date, in the ways pages write them: 3 March 2024, March 3, 2024, 3. März 2024,
# 22 de outubro de 2010, 2024-03-03, 03/03/2024, 10:14.
_DATE = re.compile(
    r"\b\d{1,2}\.?\s+(?:de\s+)?[^\W\d_]{3,}\.?,?\s+(?:de\s+)?\d{4}\b"
    r"|\b[^\W\d_]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{1,2}:\d{2}\b"
)
# A site's copyright line.
_COPYRIGHT = re.compile(r"(?i)^\W*(?:copyright\b|©|\(c\)\s)")
# A picture's file name given as its alt text.
_PICTURE_FILE = re.compile(r"(?i)\.(?:jpe?g|png|gif|webp|avif|svg)$")


def apply(
    blocks: list[Block],
    rules: Rules,
    *,
    title: str,
    description: str,
    address: str,
) -> list[Block]:
    """``blocks`` without what the rules find is not the article's own (and without the
    headline: reader shows the title already)."""
    blocks = _without_headline(blocks, title, rules)
    images = [_image(block, rules, title, address) for block in blocks]
    blocks = [block for block in images if block is not None]
    if rules.repeated_captions:
        blocks = _captions_once(blocks)
    start, end = main_run(blocks, rules)
    related = {
        index
        for index, block in enumerate(blocks)
        if rules.related_links and _related_link(block, rules, address)
    }
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        inside = start <= index <= end
        if rules.calls_to_action and _call_to_action(block, rules):
            continue
        if index in related or (related and _label_of_related(blocks, index, related, rules)):
            continue
        if not inside and rules.outside_run and _boilerplate(block, rules):
            continue
        if index < start and rules.standfirst and _standfirst(block, description):
            continue
        if index < start and rules.datelines and _dateline(block, rules):
            continue
        kept.append(block)
    if rules.outside_run:
        kept = _without_trailing_headings(kept)
    return kept


def _without_headline(blocks: list[Block], title: str, rules: Rules) -> list[Block]:
    """Drop a heading (or a paragraph of bold type) before the article's text that
    repeats the title, and with ``above_title`` the short blocks above it: a section's
    name, breadcrumbs, a dateline, a kicker."""
    wanted = words_of(title)
    for index, block in enumerate(blocks):
        if block.kind in (Kind.HEADING, Kind.PARAGRAPH) and wanted == words_of(block.text):
            above = blocks[:index]
            if rules.above_title:
                above = [b for b in above if b.kind is Kind.IMAGE or b.words >= rules.body_words]
            return above + blocks[index + 1 :]
        if block.kind in (Kind.PARAGRAPH, Kind.QUOTE, Kind.LIST) and _body(block, rules):
            break  # the text has begun
    return blocks


def _image(block: Block, rules: Rules, title: str, address: str) -> Block | None:
    """An image with what its label does not say taken out, or None when it is not the
    article's: a thumbnail of another page, or a picture labelled only with the title."""
    if block.kind is not Kind.IMAGE:
        return block
    if (
        rules.thumbnails
        and block.target
        and block.target_words <= rules.thumbnail_words
        and not _same_page(block.target, address)
    ):
        return None
    label = block.label
    if rules.file_names and _file_name(label):
        label = ""
    if rules.title_images and title and _repeats(label, title):
        if not block.caption:
            return None
        label = ""
    return replace(block, label=label) if label != block.label else block


def _captions_once(blocks: list[Block]) -> list[Block]:
    """Images whose caption repeats an earlier image's show without it (a gallery of
    photos all captioned with the event's name)."""
    seen: set[str] = set()
    kept = []
    for block in blocks:
        if block.kind is Kind.IMAGE and block.caption:
            key = " ".join(words_of(block.caption))
            if key in seen:
                block = replace(block, caption="")
            seen.add(key)
        kept.append(block)
    return kept


def _file_name(label: str) -> bool:
    """Whether an alt text is a file's name or a slug ("IMG_2041.jpg",
    "coast-path-day-4"): one word, joined by hyphens or underscores, or a picture's name."""
    if not label or any(char.isspace() for char in label):
        return False
    return label.count("-") + label.count("_") >= 2 or bool(_PICTURE_FILE.search(label))


def main_run(blocks: list[Block], rules: Rules) -> tuple[int, int]:
    """The indices of the first and last body paragraphs (the whole when there are none)."""
    body = [index for index, block in enumerate(blocks) if _body(block, rules)]
    if not body:
        return 0, len(blocks) - 1
    return body[0], body[-1]


def _body(block: Block, rules: Rules) -> bool:
    return (
        block.kind in (Kind.PARAGRAPH, Kind.QUOTE)
        and block.words >= rules.body_words
        and block.link_density < rules.body_links
    )


def _repeats(label: str, title: str) -> bool:
    found, wanted = words_of(label), words_of(title)
    return bool(found) and (found == wanted or (len(found) >= 4 and _contains(wanted, found)))


def _contains(longer: list[str], shorter: list[str]) -> bool:
    size = len(shorter)
    return any(longer[i : i + size] == shorter for i in range(len(longer) - size + 1))


def _call_to_action(block: Block, rules: Rules) -> bool:
    """A short line asking the reader to share, follow, subscribe or sign up."""
    if block.kind not in (Kind.PARAGRAPH, Kind.HEADING, Kind.IMAGE):
        return False
    text = block.caption or block.label if block.kind is Kind.IMAGE else block.text
    return 0 < len(words_of(text)) <= rules.call_words and bool(_CALL.search(text))


def _related_link(block: Block, rules: Rules, address: str) -> bool:
    """A short line that is mostly a link to another page of the same site ("Read more:
    Another story"): a pointer away from the article, not part of it."""
    if block.kind not in (Kind.PARAGRAPH, Kind.HEADING) or not block.links:
        return False
    lines = block.markdown.count("\\\n") + 1
    if block.words > rules.related_words * lines or block.link_density < rules.related_share:
        return False
    return all(
        same_site(target, address) and not _same_page(target, address) for target in block.links
    )


def _label_of_related(blocks: list[Block], index: int, related: set[int], rules: Rules) -> bool:
    """A scrap of a few words beside a related link: the box's label ("DON'T MISS") or a
    tag split off the link ("[VIDEO]")."""
    block = blocks[index]
    if block.kind not in (Kind.PARAGRAPH, Kind.HEADING) or block.links:
        return False
    if block.words > rules.label_words or re.search(r"[.?!…]\W*$", block.text):
        return False
    return index - 1 in related or index + 1 in related


def _boilerplate(block: Block, rules: Rules) -> bool:
    """Around the main run: a short block mostly of links, a list whose items begin with
    links, a copyright line."""
    if block.kind is Kind.IMAGE:
        return False
    if block.link_density >= rules.body_links and block.words <= rules.related_words:
        return True
    if _COPYRIGHT.match(block.text) and block.words <= rules.related_words:
        return True
    return block.kind is Kind.LIST and _items_begin_with_links(block)


def _items_begin_with_links(block: Block) -> bool:
    items = [line.strip() for line in block.markdown.split("\n") if line.strip()]
    starts = [re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", item) for item in items]
    return bool(starts) and all(start.startswith("[") for start in starts)


def _standfirst(block: Block, description: str) -> bool:
    """A heading before the article's first paragraph that repeats the page's summary
    (its meta description): a standfirst, shown by the page above the article."""
    if block.kind is not Kind.HEADING or not description:
        return False
    found, summary = words_of(block.text), words_of(description)
    if len(found) < 5:
        return False
    return found == summary or _contains(summary, found) or _contains(found, summary)


def _dateline(block: Block, rules: Rules) -> bool:
    """A short line that dates the article (and perhaps places it), above its text."""
    return (
        block.kind is Kind.PARAGRAPH
        and block.words <= rules.dateline_words
        and bool(_DATE.search(block.text))
    )


def _without_trailing_headings(blocks: list[Block]) -> list[Block]:
    """Headings at the very end head nothing: a newsletter box's, "You may also like"."""
    end = len(blocks)
    while end and blocks[end - 1].kind is Kind.HEADING:
        end -= 1
    return blocks[:end] if end else blocks


def site_of(address: str) -> str:
    """An address's host without "www.", "m." or "amp."."""
    try:
        host = urlsplit(address).hostname or ""
    except ValueError:
        return ""
    for prefix in ("www.", "m.", "amp."):
        host = host.removeprefix(prefix)
    return host


def same_site(address: str, other: str) -> bool:
    """Whether two addresses are on one site (one host, or one a subdomain of the other)."""
    first, second = site_of(address), site_of(other)
    if not first or not second:
        return False
    return first == second or first.endswith("." + second) or second.endswith("." + first)


def _same_page(address: str, other: str) -> bool:
    return normalise_url(address) == normalise_url(other)
