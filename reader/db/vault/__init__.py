"""The notes vault: notes kept as small files, one per article per device, that any sync
tool (Syncthing, Dropbox, git) can carry between machines, merged on read without losing
either side's work.

- :mod:`.clock`: the hybrid logical clock that orders every change;
- :mod:`.merge`: records and their merge (a join: commutative, associative, idempotent);
- :mod:`.records`: highlights, notes, links, positions and article facts as records, and
  the changes a device makes to them; :mod:`.views`: what reading an article gives;
- :mod:`.files`: vault files (TinyDB, written atomically, read whatever state they are in)
  and what sync tools leave beside them;
- :mod:`.device`: this installation's identity; :mod:`.keys`: article keys;
- :mod:`.vault`: the vault (read, save, list, move, devices); :mod:`.summary`: the library's
  counts, cached; :mod:`.care`: daily snapshots, restore and recovery.
"""

from reader.db.vault.clock import Clock
from reader.db.vault.device import Device, load_device
from reader.db.vault.folder import Source
from reader.db.vault.records import (
    Change,
    DeleteHighlight,
    DeleteLink,
    Facts,
    KeepNote,
    PutHighlight,
    PutLink,
    RestoreHighlight,
    SetArticleNote,
    SetFacts,
    SetPosition,
    UnknownRecord,
)
from reader.db.vault.summary import Summary
from reader.db.vault.vault import DeviceInfo, Vault
from reader.db.vault.views import ArticleNotes, DevicePosition, NoteVersion
from reader.text.keys import ArticleKey, Libraries, key_for, vault_root

__all__ = [
    "ArticleKey",
    "ArticleNotes",
    "Change",
    "Clock",
    "DeleteHighlight",
    "DeleteLink",
    "Device",
    "DeviceInfo",
    "DevicePosition",
    "Facts",
    "KeepNote",
    "Libraries",
    "NoteVersion",
    "PutHighlight",
    "PutLink",
    "RestoreHighlight",
    "SetArticleNote",
    "SetFacts",
    "SetPosition",
    "Source",
    "Summary",
    "UnknownRecord",
    "Vault",
    "key_for",
    "load_device",
    "vault_root",
]
