"""Notes as W3C Web Annotation JSON for tools: an ``AnnotationCollection`` of highlights,
notes, tags and links, each target carrying a quote and a position selector."""

from __future__ import annotations

import json
import os
from pathlib import Path

from reader.export.escaping import _SURROGATE
from reader.export.files import GENERATOR
from reader.export.notes import Notes
from reader.model import Article

CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def source_uri(article: Article) -> str:
    """The article's address: its file as a file:// URI."""
    return article.meta.path.resolve().as_uri()


def to_annotations(notes: Notes) -> list[dict]:
    """Each highlight (and each link from this article) as a W3C Web Annotation."""
    article = notes.article
    source = source_uri(article)
    items = []
    for entry in notes.entries:
        highlight = entry.highlight
        anchor = highlight.anchor
        bodies: list[dict] = []
        if highlight.note:  # kept byte for byte, even a blank one, so import gives it back
            bodies.append(
                {
                    "type": "TextualBody",
                    "value": highlight.note,
                    "format": "text/markdown",
                    "purpose": "commenting",
                }
            )
        bodies += [
            {"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in highlight.tags
        ]
        start = entry.start if entry.start is not None else anchor.start
        end = entry.end if entry.end is not None else anchor.end
        item = {
            "id": f"urn:uuid:{highlight.id}",
            "type": "Annotation",
            "motivation": "commenting" if highlight.note.strip() else "highlighting",
            "created": highlight.created or None,
            "modified": highlight.modified or None,
            "target": {
                "type": "SpecificResource",
                "source": source,
                "selector": _selectors(anchor, start, end),
            },
            "reader:colour": highlight.colour.value,
        }
        if highlight.was:  # the words first highlighted, before the text changed
            original = highlight.original
            assert original is not None
            item["reader:original"] = _selectors(original, original.start, original.end)
        if bodies:
            item["body"] = bodies
        items.append({k: v for k, v in item.items() if v is not None})
    if notes.article_note.strip():
        # The note on the article as a whole: a comment whose target is the article itself,
        # with no selector (as Hypothesis writes a page note).
        items.append(
            {
                "id": f"urn:reader:article-note:{article.id}",
                "type": "Annotation",
                "motivation": "commenting",
                **(
                    {"modified": notes.article_note_modified} if notes.article_note_modified else {}
                ),
                "body": [
                    {
                        "type": "TextualBody",
                        "value": notes.article_note,
                        "format": "text/markdown",
                        "purpose": "commenting",
                    }
                ],
                "target": source,
            }
        )
        items[-1] = {k: v for k, v in items[-1].items() if v is not None}
    for link in notes.links:
        if link.source.article_id != article.id:
            continue
        items.append(
            {
                "id": f"urn:uuid:{link.id}",
                "type": "Annotation",
                "motivation": "linking",
                "created": link.created or None,
                "body": _link_end_target(link.target),
                "target": _link_end_target(link.source),
                "reader:label": link.label or None,
            }
        )
        items[-1] = {k: v for k, v in items[-1].items() if v is not None}
    return items


def _link_end_target(end) -> dict:
    anchor = end.anchor
    source = (
        Path(end.path).resolve().as_uri() if end.path else f"urn:reader:article:{end.article_id}"
    )
    return {
        "type": "SpecificResource",
        "source": source,
        "selector": _selectors(anchor, anchor.start, anchor.end),
    }


def _selectors(anchor, start: int, end: int) -> list[dict]:
    """A TextQuoteSelector and a TextPositionSelector for a passage."""
    return [
        {
            "type": "TextQuoteSelector",
            "exact": anchor.exact,
            "prefix": anchor.prefix,
            "suffix": anchor.suffix,
        },
        {"type": "TextPositionSelector", "start": max(0, start), "end": max(0, end)},
    ]


def to_collection(all_notes: list[Notes], *, exported: str, label: str) -> dict:
    """An AnnotationCollection of several articles' annotations, in one page."""
    items = [item for notes in all_notes for item in to_annotations(notes)]
    return {
        "@context": CONTEXT,
        "id": "urn:reader:export",
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "generated": exported,
        "generator": GENERATOR,
        "first": {
            "id": "urn:reader:export:page1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }


def dumps(document: dict) -> str:
    """JSON as reader writes it: stable, readable, valid UTF-8.

    A lone surrogate (possible in a note) cannot be written as UTF-8; then the whole file is
    written with ASCII escapes, which keep it exactly.
    """
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if _SURROGATE.search(text):
        text = json.dumps(document, ensure_ascii=True, indent=2)
    return text + "\n"


def exported_now() -> str:
    """Today's date for the front matter (ISO 8601; SOURCE_DATE_EPOCH fixes it)."""
    import time

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = time.gmtime(int(epoch)) if epoch.isdigit() else time.gmtime()
    return time.strftime("%Y-%m-%d", moment)
