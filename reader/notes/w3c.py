"""W3C Web Annotation JSON, written portably and strictly, and read in every shape it comes in.

Pure functions (no Textual, no store). Written: an ``AnnotationCollection`` whose targets
name an article by its web address when it has one (so the file means the same on another
machine), with the local file and title in reader's own declared terms, every date an
``xsd:dateTime`` in UTC, and no position for a passage that could not be placed. Read:
a collection, a lone page, a list, or one annotation, from reader or another tool, and
Hypothesis's own shapes: its client's export file, an API search response, a list of API
annotations (whose positions are counted in a browser's text, so the quote decides).
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from reader.notes.incoming import Incoming, Passage, reader_id
from reader.text.addresses import is_web_address
from reader.text.display import editable, note_text

if TYPE_CHECKING:
    from reader.model import Anchor, LinkEnd
    from reader.notes.gather import Notes

JSON: TypeAlias = "str | int | float | bool | Sequence[JSON] | Mapping[str, JSON] | None"
"""A JSON value, as reader writes it."""
JSONObject: TypeAlias = dict[str, JSON]
"""A JSON object, as reader writes it (an annotation, a target, a selector...)."""
Raw: TypeAlias = dict[str, object]
"""An annotation as read from a file: anything may be in it, so each value is checked
before it is used."""

ANNO = "http://www.w3.org/ns/anno.jsonld"
TERMS = "tag:reader.invalid,2026:terms/"
"""reader's own vocabulary: a tag URI (RFC 4151), which names without resolving."""
CONTEXT: list[JSON] = [
    ANNO,
    {
        "reader": TERMS,
        "reader:colour": {"@id": "reader:colour"},
        "reader:label": {"@id": "reader:label"},
        "reader:file": {"@id": "reader:file", "@type": "@id"},
        "reader:title": {"@id": "reader:title"},
        "reader:original": {"@id": "reader:original"},
        "reader:check": {"@id": "reader:check"},
    },
]
GENERATOR = {"id": "urn:reader:software", "type": "Software", "name": "reader"}
"""The ``generator`` of reader's exports, which also marks a file as one of them."""


class ShapeError(Exception):
    """The document holds no annotations reader can read; the message says why."""


# --- dates -------------------------------------------------------------------------------------


def xsd_datetime(value: object) -> str | None:
    """``value`` (ISO 8601 text: a date, a time with any offset) as ``xsd:dateTime`` in UTC
    with ``Z``, to the second; None when it is not a date."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        text += "T00:00:00+00:00"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def generated_now() -> str:
    """This moment as ``xsd:dateTime`` (``SOURCE_DATE_EPOCH`` fixes it, for builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = time.gmtime(int(epoch)) if epoch.isdigit() else time.gmtime()
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", moment)


# --- writing -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Where:
    """How an article is named in an export: its address (or file URI), file and title."""

    source: str
    file: str
    title: str


def where_of(path: Path, title: str, address: str = "") -> Where:
    """An article's names: its web address when it has one, else its file."""
    file = path.resolve().as_uri() if str(path) else ""
    source = address.strip() if is_web_address(address) else file
    return Where(source or f"urn:reader:title:{title}", file, title)


def _target(where: Where, selectors: list[JSONObject] | None) -> JSONObject:
    target: JSONObject = {"type": "SpecificResource", "source": where.source}
    if selectors is not None:
        target["selector"] = selectors
    if where.file and where.file != where.source:
        target["reader:file"] = where.file
    if where.title:
        target["reader:title"] = where.title
    return target


def selectors(anchor: Anchor, start: int | None, end: int | None) -> list[JSONObject]:
    """A TextQuoteSelector, and a TextPositionSelector when the passage is placed."""
    found: list[JSONObject] = [
        {
            "type": "TextQuoteSelector",
            "exact": anchor.exact,
            "prefix": anchor.prefix,
            "suffix": anchor.suffix,
        }
    ]
    if start is not None and end is not None and 0 <= start <= end:
        found.append({"type": "TextPositionSelector", "start": start, "end": end})
    return found


def _textual(value: str, purpose: str, markdown: bool = True) -> JSONObject:
    body: JSONObject = {"type": "TextualBody", "value": value, "purpose": purpose}
    if markdown:
        body["format"] = "text/markdown"
    return body


def _compact(item: JSONObject) -> JSONObject:
    return {key: value for key, value in item.items() if value not in (None, "", [])}


def to_annotations(notes: Notes, places: dict[str, Where] | None = None) -> list[JSONObject]:
    """Each highlight, the article note and each link from this article, as annotations.

    ``places`` names other articles (by id) for the far ends of links.
    """
    article = notes.article
    here = where_of(article.meta.path, article.title, article.meta.source)
    items: list[JSONObject] = []
    for entry in notes.entries:
        highlight = entry.highlight
        bodies: list[JSONObject] = []
        if highlight.note:  # kept byte for byte, even a blank one, so import gives it back
            bodies.append(_textual(highlight.note, "commenting"))
        bodies += [_textual(tag, "tagging", markdown=False) for tag in highlight.tags]
        item: JSONObject = {
            "id": f"urn:uuid:{highlight.id}",
            "type": "Annotation",
            "motivation": "commenting" if highlight.note.strip() else "highlighting",
            "canonical": highlight.canonical,
            "created": xsd_datetime(highlight.created),
            "modified": xsd_datetime(highlight.modified),
            "body": bodies,
            "target": _target(here, selectors(highlight.anchor, entry.start, entry.end)),
            "reader:colour": highlight.colour.value,
        }
        if highlight.original is not None:  # the selectors it was made with, before it moved
            item["reader:original"] = selectors(highlight.original, None, None)
        if entry.check:  # moved where the words around it changed, not yet confirmed
            item["reader:check"] = True
        items.append(_compact(item))
    if notes.article_note.strip():
        # The note on the article as a whole: a comment whose target is the article itself,
        # with no selector (as Hypothesis writes a page note), its tags as tagging bodies.
        item = {
            "id": f"urn:reader:article-note:{notes.article_note_ref or article.id}",
            "type": "Annotation",
            "motivation": "commenting",
            "created": xsd_datetime(notes.article_note_created),
            "modified": xsd_datetime(notes.article_note_modified),
            "body": [_textual(notes.article_note, "commenting")]
            + [_textual(tag, "tagging", markdown=False) for tag in notes.article_note_tags],
            "target": _target(here, None),
        }
        items.append(_compact(item))
    for link in notes.links:
        if link.source.article_id != article.id:
            continue
        item = {
            "id": f"urn:uuid:{link.id}",
            "type": "Annotation",
            "motivation": "linking",
            "created": xsd_datetime(link.created),
            "body": _link_end(link.target, places, here, article.id),
            "target": _link_end(link.source, places, here, article.id),
            "reader:label": link.label,
        }
        items.append(_compact(item))
    return items


def _link_end(
    end: LinkEnd, places: dict[str, Where] | None, here: Where, here_id: str
) -> JSONObject:
    if end.article_id == here_id:
        where = here
    elif places and end.article_id in places:
        where = places[end.article_id]
    else:
        where = where_of(Path(end.path), end.title) if end.path else where_of(Path(), end.title)
    anchor = end.anchor
    return _target(where, selectors(anchor, anchor.start, anchor.end))


def to_collection(
    all_notes: list[Notes], *, label: str, generated: str | None = None
) -> JSONObject:
    """An AnnotationCollection of several articles' annotations, in one page."""
    places = {
        notes.article.id: where_of(
            notes.article.meta.path, notes.article.title, notes.article.meta.source
        )
        for notes in all_notes
    }
    items = [item for notes in all_notes for item in to_annotations(notes, places)]
    collection = "urn:reader:export"
    return {
        "@context": CONTEXT,
        "id": collection,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "generated": generated or generated_now(),
        "generator": GENERATOR,
        "first": {
            "id": f"{collection}:page1",
            "type": "AnnotationPage",
            "partOf": collection,
            "startIndex": 0,
            "items": items,
        },
    }


def dumps(document: JSONObject) -> str:
    """JSON as reader writes it: stable, readable, valid UTF-8.

    A lone surrogate (possible in a note) cannot be written as UTF-8; then the whole file is
    written with ASCII escapes, which keep it exactly.
    """
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if re.search("[\ud800-\udfff]", text):
        text = json.dumps(document, ensure_ascii=True, indent=2)
    return text + "\n"


def is_reader_collection(document: object) -> bool:
    """Whether ``document`` is a collection that reader's export wrote."""
    if not isinstance(document, dict):
        return False
    generator = document.get("generator")
    return (isinstance(generator, dict) and generator.get("name") == "reader") or document.get(
        "id"
    ) == "urn:reader:export"


# --- reading -----------------------------------------------------------------------------------


def loads(raw: bytes) -> object:
    """JSON from a file's bytes, with or without a byte-order mark."""
    return json.loads(raw.decode("utf-8-sig"))


def annotations_in(document: object) -> list[Raw]:
    """The raw annotations of a document, of any shape reader knows; ShapeError otherwise."""
    if isinstance(document, list):
        found = [item for item in document if isinstance(item, dict)]
        if document and not found:
            raise ShapeError(f"it is a list of {len(document)} values, none an annotation")
        return found
    if not isinstance(document, dict):
        raise ShapeError("it holds no annotations (not a JSON object or list)")
    kinds = document.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if isinstance(document.get("annotations"), list):  # the Hypothesis client's export file
        return [item for item in document["annotations"] if isinstance(item, dict)]
    if isinstance(document.get("rows"), list):  # a Hypothesis API search response
        return [item for item in document["rows"] if isinstance(item, dict)]
    if "AnnotationCollection" in kinds:
        page = document.get("first")
        if isinstance(page, str):
            raise ShapeError(
                f"it is a collection whose first page is only an address ({page}); "
                "download that page (and the pages after it) and import them"
            )
        if page is None and document.get("total") in (0, None):
            return []
        return _page_items(page if isinstance(page, dict) else {})
    if "AnnotationPage" in kinds:
        return _page_items(document)
    if "Annotation" in kinds or "target" in document:
        return [document]
    raise ShapeError("it holds no annotations (no collection, page, list or annotation)")


def _page_items(page: Raw) -> list[Raw]:
    items = page.get("items", [])
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _is_hypothesis(item: Raw) -> bool:
    """Hypothesis's API form: a list of targets, ``text`` and ``tags`` beside them."""
    return isinstance(item.get("target"), list) and (
        "uri" in item or "text" in item or "user" in item or "document" in item
    )


def incoming(item: Raw) -> Incoming:
    """One raw annotation, read into reader's terms (W3C or Hypothesis API form).

    Its note, tags and label are kept as reader keeps what is typed or pasted: line ends as
    ``\n``, any other control character as its placeholder (what the screen shows is what
    is saved).
    """
    found = _from_hypothesis(item) if _is_hypothesis(item) else _from_w3c(item)
    found.note = note_text(found.note)
    found.tags = [editable(" ".join(tag.split())) for tag in found.tags]
    found.link_label = editable(" ".join(found.link_label.split()))
    return found


def incoming_all(items: Iterable[Raw]) -> list[Incoming]:
    """Each raw annotation read (see :func:`incoming`). One without an id of its own is
    given one made from its content and how many identical ones came before it in the
    file: the same at every import of the file (a second import adds nothing), and two
    identical annotations stay two."""
    found: list[Incoming] = []
    seen: dict[str, int] = {}
    for item in items:
        one = incoming(item)
        if not one.id:
            content = json.dumps(item, sort_keys=True, ensure_ascii=True, default=str)
            number = seen[content] = seen.get(content, -1) + 1
            one.id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:reader:content:{content}#{number}"))
            one.anonymous = True
        found.append(one)
    return found


def _from_w3c(item: Raw) -> Incoming:
    raw = str(item.get("id", "") or "")
    note, tags = _bodies(item.get("body", []))
    body_value = item.get("bodyValue")
    if isinstance(body_value, str):
        note = note or body_value
    motivation = item.get("motivation", "")
    motivation = motivation[0] if isinstance(motivation, list) and motivation else motivation
    canonical = str(item.get("canonical", "") or "")
    if not canonical and raw and not raw.startswith(("urn:uuid:", "urn:reader:")):
        canonical = raw  # another tool's id: kept, as W3C's canonical
    found = Incoming(
        id=reader_id(raw),
        label=raw or "?",
        canonical=canonical,
        motivation=str(motivation or ("commenting" if note else "highlighting")),
        target=_passage(item.get("target")),
        note=note,
        tags=tags,
        created=xsd_datetime(item.get("created")) or "",
        modified=xsd_datetime(item.get("modified")) or "",
        colour=str(item.get("reader:colour", "") or ""),
        link_label=str(item.get("reader:label", "") or ""),
        reference=raw,
        check=item.get("reader:check") is True,
    )
    if found.motivation == "linking":
        found.body_target = _passage(item.get("body"))
    original = item.get("reader:original")
    if isinstance(original, list):
        found.original = _passage({"source": "", "selector": original})
    return found


def _from_hypothesis(item: Raw) -> Incoming:
    raw = str(item.get("id", "") or "")
    links = item.get("links")
    html = links.get("html") if isinstance(links, dict) else None
    canonical = str(html or (f"https://hypothes.is/a/{raw}" if raw else ""))
    targets = item.get("target")  # a list: that is how a Hypothesis annotation is told
    first = targets[0] if isinstance(targets, list) and targets else {}
    target = _passage(first if isinstance(first, dict) else {})
    document = item.get("document")
    title = _first(document.get("title") if isinstance(document, dict) else None)
    uri = str(item.get("uri", "") or "")
    # Positions are counted in the browser's text of the page, not in reader's: only the
    # quote (with its context) can place the passage.
    target = Passage(target.source or uri, title=title, quote=target.quote)
    references = item.get("references")
    tags = [str(tag) for tag in _listed(item.get("tags")) if str(tag).strip()]
    user = str(item.get("user", "") or "")
    return Incoming(
        id=reader_id(canonical),
        label=canonical or raw or "?",
        canonical=canonical,
        motivation="replying" if references else "commenting",
        target=target,
        note=str(item.get("text", "") or ""),
        tags=tags,
        created=xsd_datetime(item.get("created")) or "",
        modified=xsd_datetime(item.get("updated")) or xsd_datetime(item.get("created")) or "",
        replies_to=str(references[-1]) if isinstance(references, list) and references else "",
        author=user.removeprefix("acct:").split("@", 1)[0],
        reference=raw,
    )


def _listed(value: object) -> list[object]:
    """A list's items, a lone string as one item, and nothing of any other value."""
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, str) else []


def _first(value: object) -> str:
    if isinstance(value, list):
        return next((str(v) for v in value if isinstance(v, str) and v.strip()), "")
    return str(value) if isinstance(value, str) else ""


def _bodies(bodies: object) -> tuple[str, list[str]]:
    """The note (comment bodies, joined) and the tags of an annotation's bodies."""
    note, tags = "", []
    for body in bodies if isinstance(bodies, list) else [bodies]:
        if isinstance(body, dict) and body.get("type", "TextualBody") == "TextualBody":
            value = str(body.get("value", ""))
            if body.get("purpose") == "tagging":
                tags.append(value)
            else:
                note = f"{note}\n\n{value}".strip() if note else value
    return note, tags


def _passage(target: object) -> Passage:
    """The article and selectors a target names (a string is the article as a whole)."""
    if isinstance(target, list):
        target = target[0] if target else {}
    if isinstance(target, str):
        return Passage(target)
    if not isinstance(target, dict):
        return Passage("")
    source = target.get("source", "")
    if isinstance(source, dict):  # an embedded resource: its id
        source = source.get("id", "")
    found = target.get("selector", [])
    found = found if isinstance(found, list) else [found]
    quote = next(
        (s for s in found if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), {}
    )
    position = next(
        (s for s in found if isinstance(s, dict) and s.get("type") == "TextPositionSelector"), {}
    )
    if not target.get("selector") and "type" not in target and "source" not in target:
        source = target.get("id", "")  # {"id": "https://..."}: the resource itself
    return Passage(
        str(source) if isinstance(source, str) else "",
        file=str(target.get("reader:file", "") or ""),
        title=str(target.get("reader:title", "") or ""),
        quote=quote,
        position=position,
    )


def unique(items: Iterable[Incoming]) -> list[Incoming]:
    """Replies last, so that what they answer is imported first."""
    items = list(items)
    return [i for i in items if not i.replies_to] + [i for i in items if i.replies_to]
