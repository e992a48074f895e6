"""What a move does to the database: an article found moved outside reader (see
:mod:`reader.services.moves`, which finds them) gets everything of its old id, in one write.

The store's own: it runs under the store's lock, on its tables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reader.db.schema import HIGHLIGHTS, summary_of

Doc = dict[str, Any]
WAS = "was"
"""The field of an article's document that lists the ids it had before it moved."""


@dataclass(frozen=True, slots=True)
class Move:
    """An article whose file was found elsewhere: its old id and both paths."""

    old_id: str
    old_path: str
    path: str

    def describe(self, folder: str | os.PathLike[str] | None = None) -> str:
        """One line for the user: what moved where (paths in ``folder`` said from there)."""
        old, new = _within(self.old_path, folder), _within(self.path, folder)
        return f"{old} moved to {new}; its notes went with it"


def _within(path: str, folder: str | os.PathLike[str] | None) -> str:
    if folder is not None:
        top = os.path.join(os.fspath(folder), "")
        if path.startswith(top):
            return path[len(top) :]
    return path


def move_tables(data: Any, moves: dict[str, Move]) -> list[str]:
    """Give each moved article's documents, highlights and link ends to its new id, in
    ``data`` (a database's tables); the new ids whose moves were made.

    Checked again here, under the store's lock: a move whose old article is no longer there,
    whose file came back, or whose new id has meanwhile got notes of its own is not made.
    Changed tables are new dicts, so the storage writes them afresh.
    """
    articles: dict[str, Doc] = dict(data.get("articles", {}))
    keys = {doc.get("id"): key for key, doc in articles.items() if isinstance(doc, dict)}
    made: dict[str, Move] = {}
    for new_id, move in moves.items():
        old_key = keys.get(move.old_id)
        if old_key is None or os.path.lexists(move.old_path) or new_id == move.old_id:
            continue
        new_key = keys.get(new_id)
        new_doc = articles.get(new_key, {}) if new_key is not None else {}
        if str(new_doc.get("note", "")).strip() or data.get(HIGHLIGHTS + new_id):
            continue
        highlights = data.pop(HIGHLIGHTS + move.old_id, None)
        # What the reader made (position, note, opened) is the old article's; what the file
        # is (its path, its cached facts) the new one's.
        old_doc = articles.pop(old_key)
        doc = {**new_doc, **old_doc, "id": new_id, "path": move.path}
        if "info" in new_doc:
            doc["info"] = new_doc["info"]
        # The ids it had: an export of the article under its old id keeps its file name.
        was = [i for i in old_doc.get(WAS, []) if isinstance(i, str) and i != new_id]
        doc[WAS] = [*dict.fromkeys([*was, move.old_id])]
        if new_key is not None:
            del articles[new_key]
        if highlights is not None:
            data[HIGHLIGHTS + new_id] = {
                key: {**h, "article": new_id} if "article" in h else h
                for key, h in highlights.items()
            }
            doc["summary"] = summary_of(data[HIGHLIGHTS + new_id])
        articles[old_key] = doc
        keys[new_id] = old_key
        made[new_id] = move
    if not made:
        return []
    data["articles"] = articles
    old_ids = {move.old_id: (new_id, move.path) for new_id, move in made.items()}
    links = data.get("links")
    if links:
        data["links"] = {key: _moved_link(doc, old_ids) for key, doc in links.items()}
    return list(made)


def _moved_link(doc: Doc, old_ids: dict[str, tuple[str, str]]) -> Doc:
    changed = dict(doc)
    for side in ("source", "target"):
        end = doc.get(side)
        if isinstance(end, dict) and end.get("article") in old_ids:
            new_id, path = old_ids[end["article"]]
            changed[side] = {**end, "article": new_id, "path": path}
    return changed


def former_ids(articles: Mapping[str, tuple[Doc, Doc | None]]) -> dict[str, str]:
    """The ids that articles had before they moved, to the ids they have now, from the
    store's ``article_infos()``: an export that names an article by an old id is still that
    article's."""
    found: dict[str, str] = {}
    for ident, (doc, _info) in articles.items():
        was = doc.get(WAS)
        if isinstance(was, list):
            found.update((old, ident) for old in was if isinstance(old, str))
    return found
