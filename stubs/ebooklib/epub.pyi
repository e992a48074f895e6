# Narrow stubs for EbookLib 0.20, which ships no types: only what reader reads of a book.
# A book is untrusted input: where ebooklib passes on a value the file may leave out, the
# type says None.

from typing import TypeAlias

class EpubException(Exception): ...

class EpubItem:
    media_type: str
    def get_name(self) -> str: ...
    def get_content(self, default: bytes | None = None) -> bytes: ...

class EpubHtml(EpubItem):
    properties: list[str]

class EpubNav(EpubHtml): ...

class Link:
    href: str
    title: str

class Section:
    href: str
    title: str

TocEntry: TypeAlias = Link | Section | tuple[Section, list[TocEntry]]

class EpubBook:
    spine: list[tuple[str | None, str]]  # (idref, linear)
    toc: list[TocEntry]
    def get_metadata(
        self, namespace: str, name: str
    ) -> list[tuple[str | None, dict[str, str] | None]]: ...
    def get_item_with_id(self, uid: str | None) -> EpubItem | None: ...

def read_epub(name: str, options: dict[str, object] | None = None) -> EpubBook: ...
