"""Fetching a web page: a time limit, a size limit, redirects followed, its charset honoured.

The standard library's ``urllib.request`` does all of it: one page at a time needs no
connection pool, and no dependency is added for it.
"""

from __future__ import annotations

import codecs
import http.client
import re
import socket
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from email.message import Message
from typing import IO, Protocol

from reader import __version__

TIMEOUT = 20.0
"""Seconds a page may take, from the request to its last byte."""
MAX_BYTES = 10 * 1024 * 1024
"""The largest page read (as sent, and once decompressed)."""
MAX_REDIRECTS = 10
USER_AGENT = f"reader/{__version__} (a terminal article reader; +https://pypi.org/project/reader)"
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml", "text/xml"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""\A<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
# Labels browsers read as another encoding (the WHATWG Encoding standard): a page that
# says Latin-1 and uses curly quotes at 0x93 means Windows-1252.
_BROWSER_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "iso8859-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
}


class FetchError(Exception):
    """The page could not be had; the message is the reason, for the user."""


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: where it ended up, its text, and how that was decoded."""

    url: str
    html: str
    content_type: str
    charset: str


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) addresses only, at most MAX_REDIRECTS of them."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not re.match(r"(?i)https?://", newurl):
            raise FetchError(f"redirected to an address that is not a web page ({newurl})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, *, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> Page:
    """The HTML page at ``url`` after redirects, or a :class:`FetchError` saying why not."""
    opener = urllib.request.build_opener(_Redirects())
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        },
    )
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            final = response.geturl()
            headers: Message = response.headers
            content_type = headers.get_content_type() if headers.get("Content-Type") else ""
            if content_type and content_type not in _HTML_TYPES:
                raise FetchError(f"not a web page: the answer is {content_type}")
            length = headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"the page is too large ({_megabytes(int(length))})")
            data = _read(response, deadline, timeout, max_bytes)
            data = _decompress(data, headers.get("Content-Encoding", ""), max_bytes)
    except FetchError:
        raise
    except urllib.error.HTTPError as error:
        raise FetchError(f"HTTP {error.code} {error.reason}".rstrip()) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise FetchError(f"timed out after {timeout:g} s") from None
        text = getattr(reason, "strerror", None) or str(reason)
        raise FetchError(f"could not connect ({text})") from None
    except TimeoutError:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except (OSError, ValueError) as error:  # a broken connection, an invalid address
        raise FetchError(f"could not fetch ({error})") from None
    if not content_type and not _looks_like_html(data):
        raise FetchError("not a web page: the answer is not HTML")
    html, charset = decode_html(data, headers.get_content_charset() or "")
    return Page(final, html, content_type or "text/html", charset)


class _Response(Protocol):
    """What is read of an answer: its bytes (and, when it has them, ``read1``, ``length``
    and its socket, found with getattr)."""

    def read(self, amount: int, /) -> bytes: ...


def _read(response: _Response, deadline: float, timeout: float, max_bytes: int) -> bytes:
    """The body, read in pieces so that the time and size limits hold for the whole of it.

    Each piece is what one read of the socket gives (``read1``): ``read(n)`` would wait for
    ``n`` bytes, so a server sending a byte at a time, each inside the socket's timeout,
    would never meet the deadline. The socket waits no longer than the time that is left.
    """
    read = getattr(response, "read1", response.read)
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchError(f"timed out after {timeout:g} s")
        _wait_at_most(response, left)
        chunk = read(64 * 1024)
        if not chunk:
            missing = getattr(response, "length", None)  # what Content-Length still owes
            if isinstance(missing, int) and missing > 0:
                # Read in pieces, a short body is no error to http.client: a page cut off.
                raise FetchError(f"the connection closed {missing:,} bytes before the page's end")
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"the page is too large (over {_megabytes(max_bytes)})")
        chunks.append(chunk)


def _wait_at_most(response: _Response, seconds: float) -> None:
    """Make the response's socket give up a read after ``seconds`` (when it can be found:
    an HTTP(S) response over a socket, as urllib makes them)."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if isinstance(sock, socket.socket):
        sock.settimeout(seconds)


def _decompress(data: bytes, encoding: str, max_bytes: int) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return data
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"the page is sent in an encoding reader cannot read ({encoding})")
    # 16 + MAX_WBITS reads a gzip header; a plain MAX_WBITS the zlib one deflate sends.
    wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
    try:
        inflater = zlib.decompressobj(wbits)
        out = inflater.decompress(data, max_bytes + 1)  # a "zip bomb" stops here
    except zlib.error:
        raise FetchError("the page's compressed data is damaged") from None
    if len(out) > max_bytes:
        raise FetchError(f"the page is too large (over {_megabytes(max_bytes)})")
    return out


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.0f} MB"


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<!--"))


def decode_html(data: bytes, declared: str = "") -> tuple[str, str]:
    """HTML bytes as text, and the encoding used.

    In the browsers' order: a byte-order mark, the charset the server declared, the page's
    own ``<meta charset>``, strict UTF-8, then a guess (charset_normalizer, which
    trafilatura brings), else Windows-1252.
    """
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(name + ("-sig" if name == "utf-8" else ""), "replace"), name
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    page = match.group(1).decode("ascii", "replace") if match else ""
    for label in (declared, page):
        name = _codec(label)
        if name:
            return data.decode(name, "replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and _codec(best.encoding):
            name = _codec(best.encoding)
            return data.decode(name, "replace"), name
    except ImportError:
        pass
    return data.decode("cp1252", "replace"), "cp1252"


def _codec(label: str) -> str:
    """Python's codec for a charset label, or "" when it names none (or a wide one
    that cannot be what an ASCII-compatible declaration was written in)."""
    label = label.strip().strip("\"'").lower()
    if not label:
        return ""
    label = _BROWSER_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return ""
    # A page that could be read far enough to find "utf-16" in it is not UTF-16.
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name
