"""A web page's own account of itself: title, authors, site, language, address, summary.

Read from what the page declares for machines (JSON-LD, ``<meta>`` tags, ``<link
rel=canonical>``, ``<html lang>``) and from its headline, each cleaned of what is not its
value: a title without the site's name or a section's ("Opinion | ", "| Editorial"), authors
that are people (not the publisher, not a byline's date words), a site name without a
tagline. General rules only: nothing here knows any site.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import unquote, urljoin, urlsplit

from reader.intake.markdown import one_line

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# What sites put between a title and their name, or a section and a title.
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|/|«|»)\s+")
_WORD = re.compile(r"\w+")
_ARTICLE_TYPES = re.compile(r"(?i)article|posting|report|story")
# Where a byline's name ends: a digit (a date, a time), a word that dates or times it, a
# month or a weekday that ends it or comes before a digit ("Carrie Arnold November 15",
# "Malcolm Owen Monday"), "is a reporter". "May" and "June" end a name only before a digit.
_MONTHS = (
    "january|february|march|april|july|august|september|october|november|december|"
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_NAME_ENDS = re.compile(
    r"\d|\b(?:updated|published|posted|modified|ago)\b|\bis an?\b"
    rf"|\b(?:{_MONTHS})\b(?=[\s,;.]*(?:\d|$))"
    r"|\b(?:jan|feb|mar|apr|may|june?|jul|aug|sept?|oct|nov|dec)\.?\s+\d",
    re.IGNORECASE,
)
# Accounts that publish for nobody in particular (a CMS's defaults).
_NOT_PEOPLE = frozenset({"admin", "administrator", "editor", "webmaster", "guest", "user"})
_BY = re.compile(r"(?i)^(?:(?:analysis|opinion|commentary|text|story|words)\s+)?by[:\s]+")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
# Scripts that name their language (for a page that declares none).
_SCRIPTS = (
    (re.compile(r"[\uac00-\ud7af]"), "ko"),
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
    (re.compile(r"[\u0370-\u03ff]"), "el"),
    (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u10a0-\u10ff]"), "ka"),
    (re.compile(r"[\u0530-\u058f]"), "hy"),
)

Node: TypeAlias = dict[str, object]
"""A JSON-LD object of the page: anything may be in it, so each value is checked first."""


@dataclass(frozen=True, slots=True)
class Metadata:
    """What a page says about itself, cleaned; empty strings where it says nothing."""

    title: str = ""
    authors: tuple[str, ...] = ()
    site: str = ""
    language: str = ""
    canonical: str = ""
    description: str = ""
    base: str = ""  # what the page's relative links are relative to
    names: tuple[str, ...] = ()  # the site's names, squeezed: see _site_names
    byline: tuple[str, ...] = ()  # the people its byline names (rel="author" and the like)


def read_metadata(tree: HtmlElement, url: str = "") -> Metadata:
    """The metadata of the page parsed as ``tree``, fetched from ``url`` (may be "")."""
    metas = _meta_tags(tree)
    nodes = list(_json_ld(tree))
    articles = [node for node in nodes if _is_article(node)]
    canonical = _canonical(tree, metas, url)
    base = _base(tree, canonical or url)
    site = _site_name(metas, articles, nodes)
    names = _site_names(site, metas, articles, nodes, canonical or url)
    title, beside = _title(tree, metas, articles, names, canonical or url)
    if not site:
        # No declared name: the one the title bears beside the headline, else the host.
        site = beside or _host(canonical or url)
        names = _site_names(site, metas, articles, nodes, canonical or url)
    authors = _authors(metas, articles, nodes, names)
    byline = _people(_bylines(tree), names)
    description = _first(
        [metas.get("og:description", ""), metas.get("description", "")]
        + [_text(node.get("description")) for node in articles]
    )
    return Metadata(
        title=title,
        authors=authors,
        site=site,
        language=_language(tree, metas),
        canonical=canonical,
        description=description,
        base=base,
        names=tuple(names),
        byline=byline,
    )


def words(text: str) -> list[str]:
    """``text``'s words, casefolded: what two titles are compared on."""
    return _WORD.findall(text.casefold())


# --- where the values are -----------------------------------------------------------------------


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """``<meta>`` values by lowercased name or property (the first of each kept)."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        value = one_line(meta.get("content") or "")
        if key and value and key not in found:
            found[key] = value
    return found


def _json_ld(tree: HtmlElement) -> Iterator[Node]:
    """Every object in the page's JSON-LD scripts (``@graph`` and lists opened)."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue  # a broken script says nothing
        yield from _objects(data, 0)


def _objects(data: object, depth: int) -> Iterator[Node]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if isinstance(data.get("@graph"), list):
            yield from _objects(data["@graph"], depth + 1)


def _types(node: Node) -> list[str]:
    kind = node.get("@type")
    return [str(k) for k in kind] if isinstance(kind, list) else [str(kind or "")]


def _is_article(node: Node) -> bool:
    return any(_ARTICLE_TYPES.search(kind) for kind in _types(node)) or "headline" in node


def _text(value: object) -> str:
    return one_line(value) if isinstance(value, str) else ""


def _first(values: Iterable[str]) -> str:
    return next((value for value in values if value), "")


def _by_id(nodes: list[Node], value: object) -> Node | None:
    """An object, or the object a ``{"@id": ...}`` reference names."""
    if not isinstance(value, dict):
        return None
    if len(value) > 1 or "@id" not in value:
        return value
    return next((node for node in nodes if node.get("@id") == value["@id"] and len(node) > 1), None)


# --- the address --------------------------------------------------------------------------------


def _canonical(tree: HtmlElement, metas: dict[str, str], url: str) -> str:
    """The page's own address: its canonical link, or else its og:url (http(s) only)."""
    candidates = [
        link.get("href") or ""
        for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    candidates.append(metas.get("og:url", ""))
    for candidate in candidates:
        address = _absolute(candidate, url)
        if address and not _home_for_a_page(address, url):
            return address
    return ""


def _home_for_a_page(address: str, url: str) -> bool:
    """A site's home page named as the canonical address of one of its articles: a
    template's mistake, which would make every article one."""

    def path(value: str) -> str:
        return urlsplit(value).path.strip("/")

    return bool(url) and not path(address) and bool(path(url))


def _absolute(href: str, base: str) -> str:
    href = one_line(href)
    if not href:
        return ""
    try:
        address = urljoin(base, href) if base else href
        parts = urlsplit(address)
    except ValueError:
        return ""
    return address if parts.scheme in ("http", "https") and parts.hostname else ""


def _base(tree: HtmlElement, address: str) -> str:
    """What relative links are relative to: ``<base href>``, else the page's address."""
    for base in tree.iter("base"):
        found = _absolute(base.get("href") or "", address)
        if found:
            return found
    return address


# --- the site -----------------------------------------------------------------------------------


def _site_name(metas: dict[str, str], articles: list[Node], nodes: list[Node]) -> str:
    """The name the page declares for its site: og:site_name, else its JSON-LD publisher's."""
    for name in (metas.get("og:site_name", ""), *_publishers(articles, nodes)):
        cleaned = _clean_site(name)
        if cleaned:
            return cleaned
    return ""


def _host(address: str) -> str:
    try:
        host = (urlsplit(address).hostname or "") if address else ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _publishers(articles: list[Node], nodes: list[Node]) -> list[str]:
    found = []
    for article in articles:
        publisher = article.get("publisher")
        for item in publisher if isinstance(publisher, list) else [publisher]:
            node = _by_id(nodes, item)
            if node is not None:
                found.append(_text(node.get("name")))
            else:
                found.append(_text(item))
    return [name for name in found if name]


def _clean_site(name: str) -> str:
    """A site name without a tagline ("Autoracing | F1 | Indy" is "Autoracing"); "" for a
    social network's handle ("@site")."""
    name = one_line(name)
    if name.startswith("@"):
        return ""
    first = _SEPARATORS.split(name)[0].strip().removeprefix("www.")
    return first if _WORD.search(first) else ""


def _site_names(
    site: str,
    metas: dict[str, str],
    articles: list[Node],
    nodes: list[Node],
    address: str,
) -> list[str]:
    """Every name the site goes by here, squeezed to letters and digits, and its host's
    main label ("nytimes"): what a title's or a byline's extra part is compared with."""
    names = [site, metas.get("og:site_name", ""), metas.get("application-name", "")]
    names += _publishers(articles, nodes)
    host = (urlsplit(address).hostname or "") if address else ""
    labels = [label for label in host.split(".") if label not in ("www", "m", "amp")]
    if len(labels) >= 2:
        # The label before the public suffix: "bbc" in news.bbc.co.uk, "wired" in wired.com.
        main = labels[-3] if len(labels) >= 3 and len(labels[-2]) <= 3 else labels[-2]
        names.append(main)
    squeezed = [_squeeze(name) for name in names]
    return list(dict.fromkeys(name for name in squeezed if len(name) >= 2))


def _squeeze(text: str) -> str:
    return "".join(_WORD.findall(text.casefold())).replace("_", "")


def _names_site(part: str, names: list[str], *, loose: bool = False) -> bool:
    """Whether a title's or byline's part is the site's name: "WIRED", "Space.com" for
    "Space", "Der Tagesbote" on tagesbote.example. ``loose`` (for a part of a title that
    has another part) also takes a name the part begins with ("Vortex Cannon
    Entertainment" on vortexcannon.org)."""
    squeezed = _squeeze(part)
    if len(squeezed) < 2:
        return False
    for name in names:
        if squeezed == name:
            return True
        shorter, longer = sorted((squeezed, name), key=len)
        if len(shorter) >= 4 and shorter in longer and 5 * len(shorter) >= 3 * len(longer):
            return True
        if loose and len(name) >= 6 and squeezed.startswith(name):
            return True
        if loose and len(squeezed) >= 4 and name.startswith(squeezed):
            return True
    return False


# --- the title ----------------------------------------------------------------------------------


def _title(
    tree: HtmlElement,
    metas: dict[str, str],
    articles: list[Node],
    names: list[str],
    address: str,
) -> tuple[str, str]:
    """The page's headline: the ``<h1>`` that the page's declared titles (or its address)
    describe, as it stands; else the first declared title, cleaned. And what a declared
    title holds beside the headline ("Headline - The Site"): the site's name, perhaps."""
    declared = [_text(node.get("headline")) or _text(node.get("name")) for node in articles]
    declared += [metas.get("og:title", ""), metas.get("twitter:title", "")]
    page_title = one_line(tree.findtext(".//title") or "")
    declared.append(page_title)
    declared = [title for title in declared if title]
    headline = _matching_heading(tree, declared, address, names)
    if not headline:
        headline = next((cleaned for t in declared if (cleaned := clean_title(t, names))), "")
    beside = ""
    for title in (page_title, metas.get("og:title", "")):
        beside = beside or _beside(title, headline)
    if (
        not beside
        and 0 < len(words(page_title)) <= 5
        and not set(words(page_title)) & set(words(headline))
    ):
        beside = _clean_site(page_title)  # a page titled with its site's name alone
    return headline, beside


def _beside(title: str, headline: str) -> str:
    """What ``title`` holds beyond ``headline``, on one side of a separator."""
    wanted = words(headline)
    parts = _SEPARATORS.split(title)
    for cut in range(1, len(parts)):
        head, tail = " ".join(parts[:cut]), " ".join(parts[cut:])
        for mine, other in ((head, tail), (tail, head)):
            if wanted and words(mine) == wanted and 0 < len(words(other)) <= 6:
                return _clean_site(other)
    return ""


def _matching_heading(
    tree: HtmlElement, declared: list[str], address: str, names: list[str]
) -> str:
    slug = unquote(urlsplit(address).path.rstrip("/").rsplit("/", 1)[-1]) if address else ""
    references = [set(words(title)) for title in declared]
    if len(words(slug)) >= 3:
        references.append(set(words(slug.replace("-", " ").replace("_", " "))))
    best, best_score = "", 0.0
    candidates = []
    for heading in tree.iter("h1"):
        text = one_line(heading.text_content())
        found = set(words(text))
        if not found or _names_site(text, names) or len(text) > 300:
            continue
        candidates.append(text)
        for reference in references:
            score = len(found & reference) / len(found | reference)
            if score > best_score:
                best, best_score = text, score
    if best_score >= 0.5:
        return best
    # The page's one headline, though its declared titles were written for search engines.
    if len(candidates) == 1 and 3 <= len(words(candidates[0])) <= 30:
        return candidates[0]
    return ""


def clean_title(title: str, names: list[str]) -> str:
    """``title`` without the site's name and without a section's one- or two-word name on
    either side of a bar ("Opinion | The piece", "The piece | Editorial")."""
    parts = _SEPARATORS.split(title)
    kept = [part for part in parts if not _names_site(part, names, loose=len(parts) > 1)]
    if not kept:
        return title
    if len(kept) < len(parts):
        title = _rejoin(title, kept)
    bars = [part.strip() for part in title.split(" | ")]
    if len(bars) == 2:
        first, last = bars
        if len(words(first)) <= 2 < len(words(last)):
            return last
        if len(words(last)) <= 2 < len(words(first)):
            return first
    return title.strip()


def _rejoin(title: str, kept: list[str]) -> str:
    """The kept parts of ``title`` with the separators that stood between them."""
    start = title.find(kept[0])
    end = title.rfind(kept[-1]) + len(kept[-1])
    return title[start:end].strip() if 0 <= start < end else " ".join(kept)


# --- the authors --------------------------------------------------------------------------------


def _authors(
    metas: dict[str, str],
    articles: list[Node],
    nodes: list[Node],
    names: list[str],
) -> tuple[str, ...]:
    """The people the page names as its authors, in its order: JSON-LD's if it names
    any, else the ``<meta>`` tags'."""
    declared: list[str] = []
    for article in articles:
        author = article.get("author")
        for item in author if isinstance(author, list) else [author]:
            node = _by_id(nodes, item)
            if node is not None:
                if any("organization" in kind.lower() for kind in _types(node)):
                    continue  # a publisher, not a person
                declared.append(_text(node.get("name")))
            else:
                declared.append(_text(item))
    people = _people(declared, names)
    if people:
        return people
    tags = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl")
    return _people([metas.get(tag, "") for tag in tags], names)


def _bylines(tree: HtmlElement) -> list[str]:
    """The texts of the elements that mark a byline's author: ``rel="author"``,
    ``itemprop="author"``, or a class named "author" or "byline" (not in a form: a
    comment box asks for its author's name too)."""
    found = []
    for element in tree.iter("a", "span", "div", "p", "address"):
        marks = " ".join(
            [element.get("rel") or "", element.get("itemprop") or "", element.get("class") or ""]
        ).lower()
        if not re.search(r"(?:^|\s)(?:author|byline)(?:$|\s)", marks):
            continue
        if any(
            a.tag == "form" or "comment" in (a.get("class") or "") for a in element.iterancestors()
        ):
            continue
        text = one_line(" ".join(element.itertext()))
        if 0 < len(words(text)) <= 12:
            found.append(text)
            if len(found) >= 3:
                break
    return found


def _people(values: list[str], names: list[str]) -> tuple[str, ...]:
    found: dict[str, str] = {}
    for value in values:
        for name in re.split(r"\s*(?:;|\band\b|&|\|)\s*", value):
            person = clean_person(name, names)
            if person:
                found.setdefault(person.casefold(), person)
    return tuple(found.values())


def clean_person(name: str, names: list[str]) -> str:
    """A byline's name, or "" when it is not a person's: an address, a handle, the site's
    or publisher's name, a CMS account. "By " and whatever follows the name (a date, "is
    a reporter", ", CNN Business", ". Sputnik International") are taken off."""
    name = _BY.sub("", one_line(name)).strip(" ,.;:|-")
    if not name or "://" in name or "@" in name or name.startswith("www."):
        return ""
    cut = _NAME_ENDS.search(name)
    if cut:
        name = name[: cut.start()].strip(" ,.;:|-")
    # "Jill Disis, CNN Business", "Finian Cunningham. Sputnik International": the person.
    for match in re.finditer(r",\s*|\.\s+(?=\w\w)", name):
        rest = name[match.end() :]
        if _names_site(rest, names) or any(_names_site(word, names) for word in rest.split()):
            name = name[: match.start()].strip()
            break
    found = words(name)
    if not found or len(found) > 6:
        return ""
    if name.casefold() in _NOT_PEOPLE or (len(found) == 1 and "admin" in found[0]):
        return ""
    if _names_site(name, names, loose=len(found) == 1):
        return ""  # the site's own name, or its account ("Vortex" on Vortex Cannon)
    return name


def _has_site(part: str, names: list[str]) -> bool:
    return any(_names_site(word, names) for word in part.split())


# --- the language -------------------------------------------------------------------------------


def _language(tree: HtmlElement, metas: dict[str, str]) -> str:
    """``<html lang>``, else the language the page's meta tags declare, else one its
    script names (Korean, Japanese, Thai, Greek...)."""
    root = tree.getroottree().getroot()
    declared = [
        root.get("lang") or "",
        root.get("{http://www.w3.org/XML/1998/namespace}lang") or "",
        metas.get("content-language", ""),
        metas.get("og:locale", ""),
        metas.get("language", ""),
    ]
    for value in declared:
        value = value.strip().split(",")[0].strip()
        if _LANGUAGE.match(value):
            return _tag(value)
    body = tree.find(".//body")
    sample = (body.text_content() if body is not None else "")[:20_000]
    for pattern, language in _SCRIPTS:
        if len(pattern.findall(sample)) >= 50:
            return language
    return ""


def _tag(value: str) -> str:
    """A language tag in its usual case: "en-us" and "en_US" are "en-US"."""
    first, *rest = value.replace("_", "-").split("-")
    return "-".join([first.lower(), *(p.upper() if len(p) == 2 else p for p in rest)])
