"""Pocket's annotations export: the articles a reader highlighted, with each highlight.

Pocket's export (a zip holding ``part_000000.csv`` of saved articles and
``annotations/part_000000.json``) gives the highlights as a JSON list::

    [{"url": "https://...", "title": "...",
      "highlights": [{"quote": "the words", "created_at": 1709500502}]}]

Both the zip and that JSON file are read. The article is matched by its address, else its
title. Each highlight's id is made from its address, words and time.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from reader.notes.formats.common import (
    MAX_TEXT,
    FormatError,
    Reading,
    Skips,
    from_epoch,
    from_iso,
    passage,
    quote_text,
    text_of,
    zip_members,
    zip_read,
)
from reader.notes.incoming import Incoming, record_id

KIND = "Pocket annotations export"


def looks_like(document: object) -> bool:
    """Whether a JSON document is Pocket's list of highlighted articles."""
    return (
        isinstance(document, list)
        and bool(document)
        and all(isinstance(item, dict) for item in document)
        and any(isinstance(item.get("highlights"), list) and "url" in item for item in document)
    )


def looks_like_zip(names: list[str]) -> bool:
    """Whether a zip's file names are those of Pocket's export."""
    return any(_is_annotations(name) for name in names)


def _is_annotations(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return len(parts) >= 2 and parts[-2] == "annotations" and parts[-1].endswith(".json")


def read(path: Path, document: object) -> Reading:
    """The highlights of Pocket's annotations (``document``: the parsed JSON list)."""
    if not isinstance(document, list):
        raise FormatError(f"{path.name} is not Pocket's annotations (not a list of articles)")
    skips = Skips()
    return Reading(KIND, _items(document, skips), skips)


def read_zip(path: Path, archive: zipfile.ZipFile) -> Reading:
    """The highlights in every ``annotations/*.json`` of Pocket's export zip."""
    skips = Skips()
    items: list[Incoming] = []
    for info in zip_members(archive, path.name):
        if not _is_annotations(info.filename):
            continue
        try:
            document = json.loads(text_of(zip_read(archive, info, path.name)))
        except (ValueError, RecursionError) as error:
            raise FormatError(
                f"{path.name}: {info.filename} is not readable JSON ({error})"
            ) from None
        if not isinstance(document, list):
            raise FormatError(f"{path.name}: {info.filename} is not a list of articles")
        items += _items(document, skips)
    return Reading(KIND, items, skips)


def _items(document: list[object], skips: Skips) -> list[Incoming]:
    items = []
    for article in document:
        if not isinstance(article, dict):
            continue
        address, title = str(article.get("url", "") or ""), str(article.get("title", "") or "")
        highlights = article.get("highlights")
        if not isinstance(highlights, list) or not highlights:
            skips.add("articles without highlights")
            continue
        for highlight in highlights:
            words = (
                quote_text(str(highlight.get("quote", "") or ""))
                if isinstance(highlight, dict)
                else ""
            )
            if not words:
                skips.add("highlights without words")
                continue
            if len(words) > MAX_TEXT:
                skips.add(f"highlights longer than {MAX_TEXT:,} characters")
                continue
            stamp = highlight.get("created_at", "")
            when = from_epoch(stamp) or from_iso(stamp)
            items.append(
                Incoming(
                    id=record_id("pocket", address, words, str(stamp)),
                    label=title or address or "untitled",
                    target=passage(words, title=title, source=address),
                    created=when,
                    modified=when,
                )
            )
    return items
