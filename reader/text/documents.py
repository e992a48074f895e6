"""Files into articles: reading, decoding, Markdown and plain text (front matter:
:mod:`reader.text.front_matter`).

Never imports Textual. Large files load progressively: :func:`open_article` parses enough
to show the first screen and returns an iterator that yields the remaining blocks in
batches, so a 5 MB book paints as fast as a short article.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader.files import NotAFileError, open_regular
from reader.model import BLOCK_SEPARATOR, Article, ArticleMeta, Block, BlockKind
from reader.text.front_matter import split_front_matter
from reader.text.keys import article_key
from reader.text.markdown_blocks import Draft, drafts, markdown_parser

if TYPE_CHECKING:  # markdown-it is imported on first parse, to keep `reader list` light
    from markdown_it.token import Token
    from markdown_it.utils import EnvType

ARTICLE_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
MAX_FILE_BYTES = 64 * 1024 * 1024
READ_TRIES = 4
"""Reads of a file that changes while it is read (another program writing it) before it
is taken as it is, and said to be unsteady."""
FIRST_CHUNK_CHARS = 24_000
CHUNK_CHARS = 48_000
TXT_BATCH = 2_000

_BINARY_SIGNATURES = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\x7fELF",
    b"RIFF",
    b"BM",
)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_FENCE_CLOSE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$")
# A link reference definition, also inside quotes and list items ("> [x]: /u").
_REFERENCE_DEF = re.compile(
    r"^(?: {0,3}(?:>[ \t]?|[-+*][ \t]+|\d{1,9}[.)][ \t]+))* {0,3}\[[^\]\n]+\]:", re.MULTILINE
)
# CommonMark HTML blocks of kinds 1-5, which run on past blank lines to an end marker.
_HTML_BLOCK = re.compile(
    r" {0,3}(<!--|<\?|<!\[CDATA\[|<![a-zA-Z]|<(?:script|pre|style|textarea)(?=[\s>]|$))",
    re.IGNORECASE,
)
_HTML_ENDS = {
    "<!--": "-->",
    "<?": "?>",
    "<![cdata[": "]]>",
    "<script": "</script>",
    "<pre": "</pre>",
    "<style": "</style>",
    "<textarea": "</textarea>",
}
# Where a chunk may begin: a line in column 0 that is not a list item, HTML or a definition.
_CUT_BEFORE = re.compile(r"[^ \t\n<>\-+*0-9\[]")
# The closing #s are taken off in a second step: "(.+?)[ \t#]*$" in one pattern took
# quadratic time (12 s) on a hostile 80 KB line of " #".
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+)$", re.MULTILINE)
_CLOSING_HASHES = re.compile(r"[ \t]+#+$")
_BLANK_RUN = re.compile(r"\n[ \t]*\n\s*")


# An anchor, <a id="x"> or <a name="x">: only the attribute, so no markup rides along.
class DocumentError(Exception):
    """A file that cannot be read as an article; the message is for the user."""


@dataclass(frozen=True, slots=True)
class Source:
    """A file's text, normalised: no BOM, ``\\n`` line ends."""

    path: Path
    text: str
    notice: str = ""
    stamp: tuple[int, int] | None = None  # (mtime_ns, size) of the file as read
    steady: bool = True  # False: it changed while it was read, every time it was tried

    @property
    def fingerprint(self) -> str:
        """A short hash of the normalised text."""
        return fingerprint(self.text)


def fingerprint(text: str) -> str:
    """A short content hash used to tell whether an article changed."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def article_id(path: Path) -> str:
    """The id of the article at ``path``: its key in the notes vault, the same on every
    machine (:mod:`reader.text.keys`)."""
    return article_key(path.expanduser())


def is_article_file(path: Path) -> bool:
    """Whether ``path`` looks like an article reader can open."""
    return path.suffix.lower() in ARTICLE_SUFFIXES and not path.name.startswith(".")


def _refuse_binary(head: bytes, name: str) -> None:
    head = head[:8000]
    if b"\x00" in head or any(head.startswith(sig) for sig in _BINARY_SIGNATURES):
        raise DocumentError(f"{name} is a binary file, not an article")


def decode(data: bytes, name: str = "file") -> tuple[str, str]:
    """Decode file bytes into normalised text and a notice ("" when all went well)."""
    _refuse_binary(data, name)
    notice = ""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        notice = f"{name} is not valid UTF-8; it was read as Windows-1252"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, notice


def _read(path: Path, limit: int = -1) -> bytes:
    """The bytes of ``path`` (at most ``limit``), or a DocumentError with a clear message.

    Only a regular file is read: a named pipe, a socket or a device in a library would make
    every reader of it wait for ever (see :func:`reader.files.open_regular`).
    """
    try:
        with open_regular(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                mb = MAX_FILE_BYTES // (1024 * 1024)
                raise DocumentError(
                    f"{path} is too large ({size / 1e6:.0f} MB; the limit is {mb} MB)"
                )
            return handle.read(limit)
    except NotAFileError as error:
        if error.is_folder:
            raise DocumentError(f"{path} is a folder, not an article") from None
        raise DocumentError(f"{path} is {error.kind}, not an article") from None
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file") from None
    except PermissionError:
        raise DocumentError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise DocumentError(f"{path} is a folder, not an article") from None
    except OSError as error:
        raise DocumentError(f"{path}: {error.strerror or error}") from None


def check_readable(path: Path) -> None:
    """Raise :class:`DocumentError` if ``path`` cannot be opened as an article.

    Reads only the head of the file: the command line checks before starting the app,
    which then reads the whole file once.
    """
    _refuse_binary(_read(path, 8000), str(path))


def file_stamp(path: Path) -> tuple[int, int] | None:
    """(modification time in ns, size) of ``path``, or None when it cannot be looked at."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _read_steady(path: Path) -> tuple[bytes, tuple[int, int] | None, bool]:
    """The bytes of ``path``, its stamp as read, and whether it held still while read.

    A file another program is writing (in 64 KB chunks, say) changes between the size and
    time taken before the read and those after it, or ends up longer than what was read:
    it is read again, a moment later, up to :data:`READ_TRIES` times.
    """
    data, after = b"", None
    for attempt in range(READ_TRIES):
        if attempt:
            time.sleep(0.05 * attempt)  # give the writer a moment
        before = file_stamp(path)
        data = _read(path)
        after = file_stamp(path)
        if after is not None and before == after and len(data) == after[1]:
            return data, after, True
    return data, after, False


def read_source(path: Path) -> Source:
    """Read and normalise a file, or raise :class:`DocumentError` with a clear message.

    A file that changes while it is read is read again (see :func:`_read_steady`); one
    that never held still comes back with ``steady`` False.
    """
    data, stamp, steady = _read_steady(path)
    text, notice = decode(data, str(path))
    return Source(path, text, notice, stamp, steady)


def title_from_name(path: Path) -> str:
    """A readable title made from a file name."""
    stem = path.stem.replace("_", " ").replace("-", " ").strip()
    return stem[:1].upper() + stem[1:] if stem else path.name


def _meta(path: Path, fields: dict[str, str], body: str, markdown: bool) -> ArticleMeta:
    title = fields.get("title", "")
    if not title and markdown:
        heading = _ATX_HEADING.search(body[:200_000])
        if heading:
            text = heading.group(1).rstrip(" \t")
            text = _CLOSING_HASHES.sub("", text) if text.strip("#") else ""
            title = _strip_inline_markup(text)
    return ArticleMeta(
        id=article_id(path),
        path=path,
        title=title or title_from_name(path),
        source=fields.get("source", ""),
        published=fields.get("published", ""),
        export=fields.get("exported_by", "").strip("'\"") == "reader",
        author=fields.get("author", ""),
    )


def _strip_inline_markup(text: str) -> str:
    text = re.sub(r"<a\s[^<>]*>|</a>", "", text, flags=re.IGNORECASE)  # anchors kept by add
    return re.sub(r"[*_`]+|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", text).strip()


def describe_file(path: Path) -> tuple[ArticleMeta, int]:
    """An article's id, title, source and date, and its word count, without parsing it."""
    source = read_source(path)
    fields, body = split_front_matter(source.text)
    return _meta(path, fields, body, path.suffix.lower() != ".txt"), len(body.split())


def open_article(path: Path) -> tuple[Article, Iterator[list[Block]]]:
    """Open ``path`` for reading.

    Returns the article with its first blocks already parsed, and an iterator of the
    remaining blocks in batches. The caller appends each batch with
    :meth:`Article.extend` and sets ``complete`` once the iterator is exhausted.
    """
    source = read_source(path)
    article, rest = article_from_text(path, source.text, source.notice)
    article.stamp, article.steady = source.stamp, source.steady
    return article, rest


def article_from_text(
    path: Path, text: str, notice: str = ""
) -> tuple[Article, Iterator[list[Block]]]:
    """Like :func:`open_article`, for text already in memory."""
    fields, body = split_front_matter(text)
    markdown = path.suffix.lower() != ".txt"
    meta = _meta(path, fields, body, markdown)
    article = Article(meta=meta, fingerprint=fingerprint(text), complete=False, notice=notice)
    batches = _markdown_batches(body) if markdown else _text_batches(body)
    first = next(batches, None)
    if first is None:
        article.complete = True
        return article, iter(())
    article.extend(_place(first, 0))
    return article, _placed(article, batches)


def _placed(article: Article, batches: Iterator[list[Draft]]) -> Iterator[list[Block]]:
    for batch in batches:
        yield _place(batch, article.next_start)
    article.complete = True


def load_article(path: Path) -> Article:
    """Load a whole article at once."""
    article, rest = open_article(path)
    for batch in rest:
        article.extend(batch)
    article.complete = True
    return article


def load_text(text: str, path: Path = Path("untitled.md")) -> Article:
    """Load a whole article from text (the suffix of ``path`` picks the format)."""
    article, rest = article_from_text(path, text)
    for batch in rest:
        article.extend(batch)
    article.complete = True
    return article


# --- Drafts: blocks before their offsets are known -------------------------------------


def _place(drafts: Iterable[Draft], start: int) -> list[Block]:
    blocks = []
    sep = len(BLOCK_SEPARATOR)
    for draft in drafts:
        blocks.append(
            Block(draft.kind, draft.text, start, draft.level, draft.marker, draft.spans, draft.ids)
        )
        start += len(draft.text) + sep
    return blocks


# --- Plain text ---------------------------------------------------------------------------


def _text_batches(body: str) -> Iterator[list[Draft]]:
    """Paragraphs split at blank lines, or one per line when there are no blank lines."""
    stripped = body.strip("\n")
    if not stripped.strip():
        return
    if _BLANK_RUN.search(stripped):
        raw = _BLANK_RUN.split(stripped)
        paragraphs = (" ".join(line.strip() for line in chunk.split("\n")) for chunk in raw)
    else:
        paragraphs = (line.strip() for line in stripped.split("\n"))
    batch: list[Draft] = []
    for paragraph in paragraphs:
        if paragraph:
            batch.append(Draft(BlockKind.PARAGRAPH, paragraph))
            if len(batch) >= TXT_BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


# --- Markdown -----------------------------------------------------------------------------


def _chunks(body: str) -> Iterator[str]:
    """Split Markdown at blank lines outside code fences, in pieces of about CHUNK_CHARS.

    A chunk boundary is a blank line (to CommonMark: spaces and tabs only) followed by a
    line that starts a new top-level block in column 0, outside any fence or multi-line
    HTML block, and not a list item (a loose list would restart its numbers). Link
    reference definitions can be used before they are defined, so a file that has any is
    parsed in one piece.
    """
    if len(body) <= FIRST_CHUNK_CHARS or _has_reference_definitions(body):
        yield body
        return
    start = 0
    limit = FIRST_CHUNK_CHARS
    fence: str | None = None
    html_end: str | None = None  # what ends the HTML block the scan is in
    pos = 0
    length = len(body)
    while pos < length:
        end = body.find("\n", pos)
        end = length if end == -1 else end + 1
        line = body[pos:end]
        if fence is not None:
            close = _FENCE_CLOSE.match(line)
            if close and close.group(1)[0] == fence[0] and len(close.group(1)) >= len(fence):
                fence = None
        elif html_end is not None:
            if html_end in line.casefold():
                html_end = None
        elif fence_match := _FENCE.match(line):
            fence = fence_match.group(1)
        elif html := _HTML_BLOCK.match(line):
            ending = _HTML_ENDS.get(html.group(1).casefold(), ">")  # "<!DOCTYPE": a ">"
            # Looked for in the whole line, as markdown-it does: "<!-->" opens a comment
            # and closes it at once.
            if ending not in line.casefold():
                html_end = ending
        elif (
            pos - start >= limit
            and line.strip(" \t\n") == ""
            and end < length
            and _CUT_BEFORE.match(body, end)
        ):
            yield body[start:end]
            start = end
            limit = CHUNK_CHARS
        pos = end
    if start < length:
        yield body[start:]


def _has_reference_definitions(body: str) -> bool:
    """Whether any line is a link reference definition (``[label]: url``).

    Looks only where "]:" occurs: a multi-line regex search of a whole book costs 17 ms
    before the first screen; this costs nothing when there are none.
    """
    at = body.find("]:")
    while at != -1:
        line_start = body.rfind("\n", 0, at) + 1
        if _REFERENCE_DEF.match(body, line_start):
            return True
        at = body.find("]:", at + 2)
    return False


def _markdown_batches(body: str) -> Iterator[list[Draft]]:
    md = markdown_parser()
    for chunk in _chunks(body):
        env: EnvType = {}
        tokens: list[Token] = []
        md.block.parse(chunk, md, env, tokens)
        yield list(drafts(tokens, md, env))
