"""Where an article's image is, to open it with the system's viewer: a file beside the
article, or a picture inside the EPUB book the article was added from (taken out to a
temporary file). No Textual here; what opens it is the reading screen's business."""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from reader.model import Article

MAX_IMAGE_BYTES = 64 * 1024 * 1024
"""The largest picture taken out of a book (a damaged or hostile size says more)."""


class ImageError(Exception):
    """An image that cannot be found; the message is for the user."""


def system_viewer() -> str | None:
    """The command that opens a file with the system's viewer, if there is one."""
    if sys.platform == "darwin":
        return shutil.which("open")
    return shutil.which("xdg-open")


def image_file(article: Article, src: str) -> Path:
    """The file of the image ``src`` names in ``article`` (its Markdown's address)."""
    parts = urlsplit(src)
    if parts.scheme and parts.scheme != "file":
        raise ImageError(f"The image is on the web, not in a file: {src}")
    name = unquote(parts.path)
    if not name:
        raise ImageError("The image names no file.")
    beside = article.meta.path.parent / name
    try:
        if beside.is_file():
            return beside.resolve()
    except (OSError, ValueError):
        pass
    book = _book_of(article)
    if book is None:
        raise ImageError(f"The image is not there: {beside}")
    return _from_book(book, name)


def _book_of(article: Article) -> Path | None:
    """The EPUB the article was added from, when it is still there."""
    source = urlsplit(article.meta.source)
    if source.scheme != "file" or not source.path.lower().endswith(".epub"):
        return None
    path = Path(unquote(source.path))
    return path if path.is_file() else None


def _from_book(book: Path, name: str) -> Path:
    """The picture ``name`` of ``book``, taken out to a temporary file (once)."""
    member = str(PurePosixPath(name.lstrip("/")))
    try:
        with zipfile.ZipFile(book) as archive:
            # The book's files are named from its package's folder ("OEBPS/"), which the
            # Markdown does not say: the one file whose name ends so.
            names = [n for n in archive.namelist() if n == member or n.endswith("/" + member)]
            if len(names) != 1:
                raise KeyError(member)
            info = archive.getinfo(names[0])
            if info.file_size > MAX_IMAGE_BYTES:
                raise ImageError(f"The image {member} in {book} is too large to open.")
            key = hashlib.sha1(f"{book}\0{member}".encode("utf-8", "replace")).hexdigest()[:16]
            folder = Path(tempfile.gettempdir()) / "reader-images" / key
            target = folder / (PurePosixPath(member).name or "image")
            if not target.is_file():
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                partial = folder / (target.name + ".part")
                with archive.open(info) as source, partial.open("wb") as out:
                    shutil.copyfileobj(source, out)
                partial.replace(target)
            return target
    except KeyError:
        raise ImageError(f"The image {member} is not in {book}.") from None
    except (OSError, zipfile.BadZipFile) as error:
        raise ImageError(f"Could not take the image out of {book}: {error}") from None
