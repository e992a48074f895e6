"""Omnivore's export zip: ``metadata_*.json`` (the articles) and ``highlights/SLUG.md``.

Each article of the metadata files is ``{id, slug, title, author, url, labels, savedAt,
...}``; its highlights, when it has any, are in ``highlights/SLUG.md``, written by
Omnivore's exporter as blocks separated by blank lines: each highlight a quote block
(``> the words``, a blank line inside the passage written as a new ``> ``, and a space at
its end), then a line of its labels (``#label #other``) and its note, when it has them::

    > The words highlighted.

    #label

    The note.

The article is matched by its address, else its title and author. Each highlight's id is
made from the article's id, its words and how many times they came before in the file.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from reader.notes.formats.common import (
    MAX_TEXT,
    FormatError,
    Reading,
    Skips,
    from_iso,
    note,
    passage,
    tags_of,
    text_of,
    zip_members,
    zip_read,
)
from reader.notes.incoming import Incoming, record_id

KIND = "Omnivore export"
_METADATA = re.compile(r"(?:^|/)metadata_[^/]*\.json$")
_HIGHLIGHTS = re.compile(r"(?:^|/)highlights/([^/]+)\.md$")
_LABELS = re.compile(r"#\S+(?:\s+#\S+)*")


def looks_like_zip(names: list[str]) -> bool:
    """Whether a zip's file names are those of Omnivore's export."""
    return any(_METADATA.search(name) for name in names) and not any(
        name.endswith("META-INF/container.xml") for name in names
    )


def read_zip(path: Path, archive: zipfile.ZipFile) -> Reading:
    """The highlights of an Omnivore export zip."""
    skips = Skips()
    members = zip_members(archive, path.name)
    articles: dict[str, dict[str, object]] = {}
    for info in members:
        if _METADATA.search(info.filename):
            try:
                document = json.loads(text_of(zip_read(archive, info, path.name)))
            except (ValueError, RecursionError) as error:
                raise FormatError(
                    f"{path.name}: {info.filename} is not readable JSON ({error})"
                ) from None
            for article in document if isinstance(document, list) else []:
                if isinstance(article, dict) and isinstance(article.get("slug"), str):
                    articles[article["slug"]] = article
    if not articles:
        raise FormatError(f"{path.name} is not an Omnivore export (no metadata_*.json)")
    items: list[Incoming] = []
    for info in members:
        match = _HIGHLIGHTS.search(info.filename)
        if match is None:
            continue
        slug = match.group(1)
        article = articles.get(slug)
        if article is None:
            skips.add("highlight files of articles the metadata does not name")
            continue
        text = text_of(zip_read(archive, info, path.name))
        items += _highlights(slug, article, text, skips)
    return Reading(KIND, items, skips)


def _text(article: dict[str, object], name: str) -> str:
    value = article.get(name)
    return value if isinstance(value, str) else ""


def blocks(markdown: str) -> list[tuple[str, list[str], str]]:
    """The highlights of one ``highlights/SLUG.md``: (words, labels, note) each."""
    found: list[tuple[str, list[str], str]] = []
    parts = re.split(r"\n[ \t]*\n", markdown.replace("\r\n", "\n"))
    for part in parts:
        if not part.strip():
            continue
        if part.startswith("> ") and part.rstrip("\n").endswith(" "):
            # A highlight: "> " and its words, blank lines inside it written as "\n> ".
            words = part.rstrip()[2:].replace("\n> ", "\n\n")
            found.append((words.strip(), [], ""))
        elif found and _LABELS.fullmatch(part.strip()) and not found[-1][1] and not found[-1][2]:
            words, _, _ = found[-1]
            found[-1] = (words, tags_of(part.replace("#", " #"), " "), "")
        elif found:
            words, labels, said = found[-1]
            found[-1] = (words, labels, f"{said}\n\n{part}" if said else part)
    return found


def _highlights(
    slug: str, article: dict[str, object], markdown: str, skips: Skips
) -> list[Incoming]:
    title, author = _text(article, "title"), _text(article, "author")
    address = _text(article, "url")
    ident = _text(article, "id") or slug
    items: list[Incoming] = []
    seen: dict[str, int] = {}
    for words, labels, said in blocks(markdown):
        if not words:
            skips.add("highlights without words")
            continue
        if len(words) > MAX_TEXT:
            skips.add(f"highlights longer than {MAX_TEXT:,} characters")
            continue
        number = seen[words] = seen.get(words, -1) + 1
        when = from_iso(article.get("savedAt"))
        items.append(
            Incoming(
                id=record_id("omnivore", ident, words, str(number)),
                label=title or address or slug,
                target=passage(words, title=title, author=author, source=address),
                note=note(said),
                tags=[tag.lstrip("#") for tag in labels if tag.lstrip("#")],
                created=when,
                modified=when,
            )
        )
    return items
