"""What reader read of each article file (title, word count), by article id, cached in the
data folder (``DATA/cache/files.json``): derived, per device, never synced, safe to delete.

Each entry is valid while the file's size and modification time are the ones recorded
(:func:`~reader.db.records.info_from`); the library's scan reads again any file that
changed. Written atomically, whole; a cache that cannot be read counts as empty.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reader.atomic import atomic_write
from reader.db.records import ArticleInfo, info_from
from reader.files import read_regular

FORMAT = "reader-file-facts"
SCHEMA = 1

Doc = dict[str, Any]


class FileFacts:
    """The cache of article files' facts at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, Doc] | None = None

    def _load(self) -> dict[str, Doc]:
        if self._entries is None:
            self._entries = {}
            try:
                data = json.loads(read_regular(self.path))
            except (OSError, ValueError, UnicodeDecodeError, RecursionError):
                return self._entries
            if (
                isinstance(data, dict)
                and data.get("format") == FORMAT
                and data.get("schema") == SCHEMA
                and isinstance(data.get("files"), dict)
            ):
                self._entries = {
                    str(ident): doc
                    for ident, doc in data["files"].items()
                    if isinstance(doc, dict) and isinstance(doc.get("path"), str)
                }
        return self._entries

    def article_infos(self) -> dict[str, tuple[Doc, Doc | None]]:
        """Every entry with its cached facts, by id (the shape the Store gives)."""
        return {
            ident: ({"id": ident, "path": doc["path"]}, info if isinstance(info, dict) else None)
            for ident, doc in self._load().items()
            for info in (doc.get("info"),)
        }

    def known(self) -> dict[str, tuple[Path, str]]:
        """Every file the scan read, by id: its path and title ("" when none was read)."""
        found: dict[str, tuple[Path, str]] = {}
        for ident, doc in self._load().items():
            info = doc.get("info")
            title = info.get("title", "") if isinstance(info, dict) else ""
            found[ident] = (Path(doc["path"]), title if isinstance(title, str) else "")
        return found

    def article_info(self, article_id: str, size: int, mtime_ns: int) -> ArticleInfo | None:
        """The cached title and word count of an article file, if still valid."""
        doc = self._load().get(article_id)
        return info_from(doc.get("info") if doc else None, size, mtime_ns)

    def save(self, infos: dict[str, tuple[Path, ArticleInfo]]) -> None:
        """Cache several articles' facts (one write)."""
        if not infos:
            return
        entries = self._load()
        for article_id, (path, info) in infos.items():
            entries[article_id] = {
                "path": os.path.abspath(path),
                "info": {
                    "title": info.title,
                    "words": info.words,
                    "size": info.size,
                    "mtime_ns": info.mtime_ns,
                    **({"export": True} if info.export else {}),
                },
            }
        self._write(entries)

    def forget(self, article_ids: Iterable[str]) -> None:
        """Drop the entries of ``article_ids`` (articles moved to a new id: their old
        file is gone, and what the scan read of it now belongs to the new one)."""
        entries = self._load()
        gone = [ident for ident in article_ids if ident in entries]
        for ident in gone:
            del entries[ident]
        if gone:
            self._write(entries)

    def _write(self, entries: dict[str, Doc]) -> None:
        payload = {"format": FORMAT, "schema": SCHEMA, "files": entries}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
