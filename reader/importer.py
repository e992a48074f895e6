"""Import W3C Web Annotation JSON (reader's own export, or another tool's, such as Hypothesis).

No Textual here. Each annotation's article is found from its target ``source`` (a
``file://`` URI or a path of a library file, an article id, or the ``source`` URL in an
article's front matter), placed in the article with the app's re-anchoring, and saved.
Exact duplicates are skipped. What cannot be placed is kept as an orphan, never dropped.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reader.anchoring import describe, locate
from reader.documents import DocumentError, article_id, load_article
from reader.documents import describe as describe_file
from reader.library import article_files
from reader.model import Anchor, Article, Colour, CrossLink, Highlight, LinkEnd, now
from reader.store import Store


@dataclass(slots=True)
class Report:
    """What an import did."""

    imported: int = 0
    placed: int = 0
    orphaned: int = 0
    skipped: int = 0
    links: int = 0
    article_notes: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)

    def summary(self) -> str:
        """One line for the user."""
        text = (
            f"imported {self.imported} (placed {self.placed}, orphaned {self.orphaned}), "
            f"skipped {self.skipped}"
        )
        if self.links:
            text += f", links {self.links}"
        if self.article_notes:
            text += f", article notes {self.article_notes}"
        return text


def annotations_in(document: object) -> list[dict]:
    """The annotations of a document: one, a list, or an AnnotationCollection."""
    if isinstance(document, list):
        return [item for item in document if isinstance(item, dict)]
    if not isinstance(document, dict):
        return []
    kinds = document.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "AnnotationCollection" in kinds:
        page = document.get("first", document)
        items = page.get("items", []) if isinstance(page, dict) else []
        return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    return [document]


class Articles:
    """Finds and caches the library's articles by path, id and front-matter source."""

    def __init__(self, folder: Path | None) -> None:
        self._by_path: dict[str, Path] = {}
        self._by_id: dict[str, Path] = {}
        self._by_source: dict[str, Path] | None = None  # read on first need
        self._loaded: dict[Path, Article] = {}
        if folder is not None:
            try:
                files = article_files(folder)
            except DocumentError:
                files = []
            for path in files:
                self._remember(path)

    def _remember(self, path: Path) -> None:
        self._by_path[str(path.resolve())] = path
        self._by_id[article_id(path)] = path

    def _sources(self) -> dict[str, Path]:
        """Front-matter ``source`` -> file; each file's head is read once, and only when an
        annotation names its article by URL."""
        if self._by_source is None:
            self._by_source = {}
            for path in self._by_path.values():
                try:
                    meta, _ = describe_file(path)
                except DocumentError:
                    continue
                if meta.source:
                    self._by_source[meta.source.strip()] = path
        return self._by_source

    def find(self, source: str) -> Article | None:
        """The article a target's ``source`` names, or None."""
        path = self._path_for(source)
        if path is None:
            return None
        if path not in self._loaded:
            try:
                self._loaded[path] = load_article(path)
            except DocumentError:
                return None
        return self._loaded[path]

    def _path_for(self, source: str) -> Path | None:
        source = source.strip()
        if source.startswith("urn:reader:article:"):
            return self._by_id.get(source.rsplit(":", 1)[1])
        if source in self._by_id:
            return self._by_id[source]
        try:
            parts = urlsplit(source)
            if parts.scheme not in ("", "file"):
                return self._sources().get(source)
            candidate = Path(unquote(parts.path)) if parts.scheme else Path(source).expanduser()
            resolved = str(candidate.resolve())
            if resolved in self._by_path:
                return self._by_path[resolved]
            if candidate.is_file():
                self._remember(candidate)
                return candidate
        except (OSError, ValueError, RuntimeError):  # a bad URL or path, "~nosuchuser"
            return None
        return self._sources().get(source)


def _selectors(target: object) -> tuple[str, dict, dict]:
    """(source, quote selector, position selector) of a target."""
    if isinstance(target, list):
        target = target[0] if target else {}
    if isinstance(target, str):
        return target, {}, {}
    if not isinstance(target, dict):
        return "", {}, {}
    source = target.get("source", "")
    selectors = target.get("selector", [])
    selectors = selectors if isinstance(selectors, list) else [selectors]
    quote = next(
        (s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), {}
    )
    position = next(
        (s for s in selectors if isinstance(s, dict) and s.get("type") == "TextPositionSelector"),
        {},
    )
    return str(source) if isinstance(source, str) else "", quote, position


def _anchor(quote: dict, position: dict) -> Anchor | None:
    exact = quote.get("exact")
    if not isinstance(exact, str) or not exact:
        return None
    start, end = position.get("start", -1), position.get("end", -1)
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
        start = end = -1
    return Anchor(
        start, end, exact, str(quote.get("prefix", "") or ""), str(quote.get("suffix", "") or "")
    )


def _place(article: Article, anchor: Anchor) -> tuple[Anchor, bool]:
    """The anchor re-described where it lands in the article, or as it was (orphan)."""
    found = locate(article.text, anchor, fingerprint=article.fingerprint)
    if found is None:
        return anchor, False
    return describe(
        article.text,
        found.start,
        found.end,
        block=article.block_at(found.start),
        fingerprint=article.fingerprint,
    ), True


def _id(annotation: dict) -> str:
    raw = str(annotation.get("id", "") or "")
    if raw.startswith("urn:uuid:"):
        return raw[len("urn:uuid:") :]
    return str(uuid.uuid5(uuid.NAMESPACE_URL, raw)) if raw else str(uuid.uuid4())


def import_annotations(document: object, store: Store, folder: Path | None) -> Report:
    """Import every annotation of ``document`` into ``store``."""
    report = Report()
    articles = Articles(folder)
    existing: dict[str, dict[str, Highlight]] = {}
    for annotation in annotations_in(document):
        motivation = annotation.get("motivation", "")
        if motivation == "linking":
            _import_link(annotation, store, articles, report)
            continue
        source, quote, position = _selectors(annotation.get("target"))
        anchor = _anchor(quote, position)
        note, tags = _bodies(annotation)
        if anchor is None and not quote and note.strip():
            # No selector at all: a note on the article as a whole (a page note).
            _import_article_note(annotation, source, note, store, articles, report)
            continue
        if anchor is None:
            report.skipped += 1
            report.problems.append(f"{annotation.get('id', '?')}: no quote to anchor")
            continue
        article = articles.find(source)
        if article is None:
            report.skipped += 1
            report.problems.append(f"{annotation.get('id', '?')}: no article for {source}")
            continue
        highlight_id = _id(annotation)
        known = existing.setdefault(article.id, {h.id: h for h in store.highlights(article.id)})
        created = str(annotation.get("created", "") or "")
        # The same annotation again: the same id, or (from a tool whose ids changed) the same
        # quote, note, tags and creation time.
        duplicate = highlight_id in known or any(
            (h.anchor.exact, h.note, h.tags, h.created)
            == (anchor.exact, note, tuple(tags), created)
            for h in known.values()
            if created
        )
        if duplicate:
            report.skipped += 1
            continue
        placed_anchor, placed = _place(article, anchor)
        colour = str(annotation.get("reader:colour", "yellow"))
        stamp = now()
        # The words the annotation was made on, kept when they are not the words it now
        # lies on: from reader's own export, or the quote another tool recorded.
        original = _original(annotation) or anchor
        highlight = Highlight(
            id=highlight_id,
            article_id=article.id,
            anchor=placed_anchor,
            original=original if original.exact != placed_anchor.exact else None,
            colour=Colour(colour) if colour in Colour._value2member_map_ else Colour.YELLOW,
            tags=tuple(t for t in tags if t),
            note=note,
            created=str(annotation.get("created", "") or stamp),
            modified=str(annotation.get("modified", "") or stamp),
        )
        store.save_highlight(highlight)
        known[highlight.id] = highlight
        report.imported += 1
        if placed:
            report.placed += 1
        else:
            report.orphaned += 1
    return report


def _original(annotation: dict) -> Anchor | None:
    """The anchor first made, as reader's export records it (``reader:original``)."""
    selectors = annotation.get("reader:original")
    if not isinstance(selectors, list):
        return None
    _source, quote, position = _selectors({"selector": selectors})
    return _anchor(quote, position)


def _bodies(annotation: dict) -> tuple[str, list[str]]:
    """The note (comment bodies, joined) and the tags of an annotation."""
    note, tags = "", []
    bodies = annotation.get("body", [])
    bodies = bodies if isinstance(bodies, list) else [bodies]
    for body in bodies:
        if isinstance(body, dict) and body.get("type", "TextualBody") == "TextualBody":
            value = str(body.get("value", ""))
            if body.get("purpose") == "tagging":
                tags.append(value)
            else:
                note = f"{note}\n\n{value}".strip() if note else value
    if isinstance(annotation.get("bodyValue"), str):
        note = note or annotation["bodyValue"]
    return note, tags


def _import_article_note(
    annotation: dict, source: str, note: str, store: Store, articles: Articles, report: Report
) -> None:
    """Make ``note`` the article's note, or add it to the one there (once)."""
    article = articles.find(source)
    if article is None:
        report.skipped += 1
        report.problems.append(f"{annotation.get('id', '?')}: no article for {source}")
        return
    current = store.article_note(article.id)
    if note.strip() in current:
        report.skipped += 1  # already there: imported before, or the same words
        return
    joined = f"{current.rstrip()}\n\n{note.strip()}" if current.strip() else note
    store.set_article_note(article.id, article.meta.path, joined)
    report.article_notes += 1


def _import_link(annotation: dict, store: Store, articles: Articles, report: Report) -> None:
    ends = []
    for part in ("target", "body"):
        source, quote, position = _selectors(annotation.get(part))
        anchor = _anchor(quote, position)
        article = articles.find(source)
        if anchor is None or article is None:
            report.skipped += 1
            return
        placed_anchor, _ = _place(article, anchor)
        ends.append(LinkEnd(article.id, str(article.meta.path), article.title, placed_anchor))
    link_id = _id(annotation)
    if any(link.id == link_id for link in store.all_links()):
        report.skipped += 1
        return
    label = annotation.get("reader:label", "")
    store.save_link(
        CrossLink(
            link_id, ends[0], ends[1], str(label or ""), str(annotation.get("created", "") or now())
        )
    )
    report.links += 1
