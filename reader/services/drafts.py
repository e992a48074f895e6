"""Notes being written, kept on disk until they are saved or discarded.

While the note editor is open, what is typed is written, a moment after the last key, to a
draft file beside the database (``reader.json.draft-PID-N.json``); saving the note or
discarding it removes the file. Quitting in any ordinary way (and SIGTERM, SIGHUP or a
closed terminal) saves the text as the note; the draft is what is left when that could not
happen: the process was killed outright, its last-resort save (:mod:`reader.cli.lifeline`)
had no time for the database, or the save failed. A draft whose process is gone is offered
back at the next start (:func:`apply` then saves it as the note).

No Textual here. A draft file is small JSON, written atomically; nothing is ever written
over a file that is not a draft of this process.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from reader.atomic import atomic_write, glob_escape
from reader.db.records import highlight_from
from reader.db.storage import StoreError
from reader.db.store import Store
from reader.model import now
from reader.services.annotations import save_article_note

_numbers = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Draft:
    """A note as typed, and what it belongs to."""

    article_id: str
    highlight_id: str  # "" for the note on the article as a whole
    title: str  # the article's title, shown when the draft is offered back
    path: str  # the article's file
    quote: str  # the highlighted passage ("" for the article's note)
    base: str  # the note as it was when the editor opened
    text: str = ""  # what was typed
    written: str = ""  # when it was last written (ISO 8601 UTC)
    highlight: dict[str, Any] | None = None  # to make the highlight again, were it deleted

    def to_json(self) -> bytes:
        """The draft as its file holds it."""
        return json.dumps({"draft": 1, **asdict(self)}, ensure_ascii=False, indent=1).encode()

    @classmethod
    def from_file(cls, path: Path) -> Draft | None:
        """The draft in ``path``, or None when it is not one (left as it is)."""
        try:
            raw = json.loads(path.read_bytes())
            fields = {name: raw[name] for name in cls.__dataclass_fields__ if name in raw}
            draft = cls(**fields)
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if not all(isinstance(getattr(draft, name), str) for name in ("article_id", "text")):
            return None
        return draft


class DraftFile:
    """The draft file of one open editor: written as the note is typed, removed once the
    note is saved or discarded. Safe to call from another thread (the lifeline's)."""

    def __init__(self, folder: Path, name: str, draft: Draft, path: Path | None = None) -> None:
        self.draft = draft
        self.path = path or folder / f"{name}.draft-{os.getpid()}-{next(_numbers)}.json"
        self._lock = threading.Lock()
        self._closed = False

    def write(self, text: str) -> bool:
        """Keep ``text`` in the draft file; False when it could not be written."""
        with self._lock:
            if self._closed:
                return True
            draft = replace(self.draft, text=text, written=now())
            try:
                atomic_write(self.path, draft.to_json(), sync_folder=False)
            except (OSError, StoreError):
                return False
            return True

    def remove(self) -> None:
        """The note is saved or discarded: the draft goes, and is never written again."""
        with self._lock:
            self._closed = True
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)


def drafts_beside(db: Path) -> list[tuple[Path, Draft]]:
    """Drafts left beside the database at ``db`` by processes that are gone, oldest first."""
    found = []
    try:
        files = sorted(db.parent.glob(f"{glob_escape(db.name)}.draft-*.json"))
    except OSError:
        return []
    for path in files:
        pid = _pid_of(path, db.name)
        if pid is None or (pid != os.getpid() and _alive(pid)):
            continue  # not a draft's name, or an editor open in another window
        draft = Draft.from_file(path)
        if draft is not None:
            found.append((path, draft))
    found.sort(key=lambda item: item[1].written)
    return found


def adopt(path: Path, db: Path, draft: Draft) -> DraftFile:
    """A draft left by a process that is gone, made this process's own (so that another
    window starting now does not offer it too)."""
    own = DraftFile(db.parent, db.name, draft)
    try:
        os.replace(path, own.path)
    except OSError:
        return DraftFile(db.parent, db.name, draft, path)
    return own


def saved_already(store: Store, draft: Draft) -> bool:
    """Whether the draft's text is the note now (it was saved after all)."""
    if not draft.highlight_id:
        return store.article_note(draft.article_id) == draft.text
    for highlight in store.highlights(draft.article_id):
        if highlight.id == draft.highlight_id:
            return highlight.note == draft.text
    return False


def apply(store: Store, draft: Draft, text: str) -> str:
    """Save ``text`` as the note the draft belongs to, keeping a note saved since the
    draft began beside it (:func:`~reader.db.records.both_notes`); a highlight deleted since
    is made again. Returns the note as saved; :class:`StoreError` when it was not."""
    if not draft.highlight_id:
        return save_article_note(store, draft.article_id, Path(draft.path), text, draft.base)
    current = next(
        (h for h in store.highlights(draft.article_id) if h.id == draft.highlight_id), None
    )
    if current is None:
        made = highlight_from(draft.highlight or {}, draft.article_id)
        if made is None:
            raise StoreError("the highlight of this note is gone, and cannot be made again")
        return store.save_highlight(replace(made, note=text, modified=now())).note
    base = replace(current, note=draft.base)
    saved = store.save_highlight(replace(current, note=text, modified=now()), base=base)
    return saved.note


def _pid_of(path: Path, name: str) -> int | None:
    middle = path.name[len(name) + len(".draft-") :].removesuffix(".json")
    pid, _, _number = middle.partition("-")
    return int(pid) if pid.isdecimal() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
