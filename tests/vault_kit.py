"""What the notes vault's tests share: devices with clocks of their own, highlights, and a
way to see two vaults' notes side by side."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.db.vault.clock import Clock
from reader.model import Anchor, Highlight

if TYPE_CHECKING:
    from reader.db.vault.vault import Vault
    from reader.db.vault.views import ArticleNotes

KEY = "0123456789abcdef"
OTHER_KEY = "fedcba9876543210"
A, B, C = "a" * 32, "b" * 32, "c" * 32
NAMES = {A: "LAPTOP", B: "DESKTOP", C: "SERVER"}


class FakeWall:
    """A wall clock the test moves: ``skew`` milliseconds off the shared time."""

    def __init__(self, start: int = 1_800_000_000_000, skew: int = 0) -> None:
        self.now = start
        self.skew = skew

    def __call__(self) -> int:
        return self.now + self.skew


def vault_of(
    root: Path, data: Path, device: str, wall: FakeWall | None = None, **kwargs: Any
) -> Vault:
    """The vault at ``root`` as ``device`` (with its own data folder) sees it."""
    from reader.db.vault.device import Device
    from reader.db.vault.vault import Vault

    clock = Clock(device, wall) if wall is not None else None
    return Vault(root, Device(device, NAMES.get(device, device[:6])), data, clock=clock, **kwargs)


def highlight(
    number: int = 0, *, key: str = KEY, note: str = "", tags: tuple[str, ...] = (), **changes: Any
) -> Highlight:
    """Highlight ``number`` of an article (a stable id per number)."""
    made = Highlight(
        id=f"00000000-0000-4000-8000-{number:012d}",
        article_id=key,
        anchor=Anchor(number * 10, number * 10 + 5, f"words{number}", block=number),
        note=note,
        tags=tags,
        created="2026-01-01T00:00:00Z",
        modified="2026-01-01T00:00:00Z",
    )
    return dataclasses.replace(made, **changes) if changes else made


def shown(notes: ArticleNotes) -> dict[str, Any]:
    """What a reader sees of an article's notes (and could undo), to compare devices."""
    return {
        "highlights": {
            h.id: (h.anchor, h.colour, h.tags, h.note, h.check, h.orphan_in)
            for h in notes.highlights
        },
        "deleted": sorted(h.id for h in notes.deleted),
        "note": notes.note,
        "links": sorted(link.id for link in notes.links),
        "conflicts": {rid: sorted(v.text for v in vs) for rid, vs in notes.conflicts.items()},
        "positions": {d: p.position for d, p in notes.positions.items()},
    }


def files_in(root: Path) -> Iterator[Path]:
    """Every file under ``root``."""
    return (p for p in sorted(root.rglob("*")) if p.is_file())


def age(*folders: Path, seconds: float = 60.0) -> None:
    """Make every file and folder under ``folders`` look last changed ``seconds`` ago: a
    stamp only stands for a file's content once it has settled (``files.settled``), and a
    test has no time to wait for that."""
    import os
    import time

    then = time.time() - seconds
    for folder in folders:
        for path in [folder, *folder.rglob("*")]:
            os.utime(path, (then, then))
