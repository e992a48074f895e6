"""Intake: web pages, HTML files and EPUB books into Markdown articles in the library.

One entry point, :func:`add_source`, for the command line and (from a worker thread) the
app: no Textual, no store. Heavy libraries (trafilatura, lxml, ebooklib) are imported only
when a source is actually added, never on the way to reader's first screen.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from reader.intake.fetch import MAX_BYTES, TIMEOUT, FetchError, decode_html, fetch
from reader.intake.html import Extracted, ExtractionError
from reader.intake.shelf import SourceIndex, WriteError, added_now, article_text
from reader.text.addresses import is_web_address, normalise_url

__all__ = ["AddResult", "AddStatus", "SourceIndex", "add_source"]

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
EPUB_SUFFIXES = frozenset({".epub"})


class AddStatus(enum.Enum):
    """How adding one source ended."""

    ADDED = "added"
    EXISTS = "already there"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class AddResult:
    """What became of one source: the new (or existing) article, or why it failed."""

    source: str
    status: AddStatus
    path: Path | None = None
    title: str = ""
    reason: str = ""
    where: str = ""  # the article's path from the library (news/Title.md)

    @property
    def ok(self) -> bool:
        """Whether the source is in the library now (added, or there already)."""
        return self.status is not AddStatus.FAILED

    def message(self) -> str:
        """One line for the user (not yet made safe for a terminal: see ``cli.say``)."""
        if self.status is AddStatus.ADDED:
            return str(self.path)
        if self.status is AddStatus.EXISTS and self.path is not None:
            return f"{self.source}: already in the library: {self.where or self.path}"
        return f"{self.source}: {self.reason}"


def add_source(
    source: str,
    library: Path,
    *,
    index: SourceIndex | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> AddResult:
    """Add ``source`` (a web address, an .html/.htm file or an .epub) to ``library``.

    Never raises for a problem with the source: the result says what happened. Safe to
    call from several threads at once with one shared ``index`` (one is built from
    ``library`` when none is given).
    """
    source = source.strip()
    index = index if index is not None else SourceIndex(library)
    try:
        if is_web_address(source):
            return _add_page(source, index, timeout, max_bytes)
        return _add_file(source, index, max_bytes)
    except (FetchError, ExtractionError, WriteError) as error:
        return AddResult(source, AddStatus.FAILED, reason=str(error))


def _add_page(url: str, index: SourceIndex, timeout: float, max_bytes: int) -> AddResult:
    existing = index.find(url)
    if existing is not None:
        return AddResult(url, AddStatus.EXISTS, existing, where=index.where(existing))
    page = fetch(url, timeout=timeout, max_bytes=max_bytes)
    requested = url if normalise_url(url) != normalise_url(page.url) else ""
    from reader.intake.html import extract

    extracted = extract(page.html, page.url)
    # The page's own address counts too: the same article reached from another address
    # (a saved copy, a link with other parameters, a mobile address) is found by it.
    canonical = extracted.canonical if is_web_address(extracted.canonical) else ""
    if canonical and normalise_url(canonical) in (normalise_url(page.url), normalise_url(url)):
        canonical = ""
    return _write(url, index, extracted, source=page.url, requested=requested, canonical=canonical)


def _add_file(name: str, index: SourceIndex, max_bytes: int) -> AddResult:
    path = Path(name).expanduser()
    suffix = path.suffix.lower()
    if not path.exists():
        return AddResult(name, AddStatus.FAILED, reason="no such file, and not a web address")
    if path.is_dir():
        return AddResult(name, AddStatus.FAILED, reason="a folder, not a page or a book")
    if suffix not in HTML_SUFFIXES | EPUB_SUFFIXES:
        return AddResult(
            name,
            AddStatus.FAILED,
            reason="reader adds web addresses, .html/.htm pages and .epub books",
        )
    uri = path.resolve().as_uri()
    if suffix in EPUB_SUFFIXES:
        existing = index.find(uri)
        if existing is not None:
            return AddResult(name, AddStatus.EXISTS, existing, where=index.where(existing))
        from reader.intake.epub import extract_epub

        return _write(name, index, extract_epub(path), source=uri)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ExtractionError(f"the page is too large ({size / 1e6:.0f} MB)")
        data = path.read_bytes()
    except OSError as error:
        raise ExtractionError(f"cannot read it ({error.strerror or error})") from None
    html, _ = decode_html(data)
    from reader.intake.html import extract

    extracted = extract(html)
    # A saved page names its address (canonical link or og:url) more often than not;
    # that address is its source, so adding the page from the web later finds it.
    canonical = extracted.canonical if is_web_address(extracted.canonical) else ""
    return _write(name, index, extracted, source=canonical or uri, requested="")


def _write(
    given: str,
    index: SourceIndex,
    extracted: Extracted,
    *,
    source: str,
    requested: str = "",
    canonical: str = "",
) -> AddResult:
    claim = index.reserve(source, requested, canonical)
    if claim is False:
        return AddResult(given, AddStatus.EXISTS, reason="being added already (given twice)")
    if isinstance(claim, Path):
        return AddResult(given, AddStatus.EXISTS, claim, where=index.where(claim))
    fields = {
        "title": extracted.title or "Untitled",
        "author": extracted.author,
        "published": extracted.published,
        "site": extracted.site,
        "language": extracted.language,
        "source": source,
        "requested": requested,
        "canonical": canonical,
        "added": added_now(),
    }
    try:
        path = index.write(fields["title"], article_text(fields, extracted.markdown))
    except BaseException:
        index.release(source, requested, canonical)
        raise
    index.record(path, source, requested, canonical)
    return AddResult(given, AddStatus.ADDED, path, fields["title"])
